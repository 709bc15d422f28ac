// The Node server's upstream client: a `typeof fetch` built on undici's dispatch() (undici is
// the library Node's own fetch is built on), without the WHATWG machinery around it. Per request it
// costs a fraction of fetch's CPU (docs/benchmarks.md), and it sends exactly the headers it is
// given: Node's fetch adds `accept-language: *` and `sec-fetch-mode: cors`, which no client sent.
// It keeps fetch's contract where the core relies on it: a compressed body is decoded (the
// core then drops content-encoding and content-length), an abort rejects with the signal's
// reason, a network failure is a `TypeError('fetch failed', { cause })`.
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
// The Agent module alone, not undici's index: the index is CommonJS, which esbuild cannot
// tree-shake, and it brings fetch, WebSocket, the cache and the mocks along — 0.6 MB of the
// 1.7 MB bundle, source V8 holds from the start (docs/benchmarks.md). undici has no "exports"
// map, so the path is the package's own file; the lockfile pins the version, and every Node
// integration test goes through this Agent.
import Agent from 'undici/lib/dispatcher/agent.js';
import type { Dispatcher } from 'undici';
import { dispatchResponse, type DispatchAnswer } from './dispatch-response.ts';

export type UpstreamClient = {
  fetch: typeof fetch;
  /** The connection pool under `fetch`, for the Node-native path's own calls (src/node/native-upstream.ts). */
  dispatcher: Dispatcher;
  /** Closes the kept-alive upstream connections. */
  close: () => Promise<void>;
};

type UndiciBody = string | Uint8Array | Readable | null;

// A response to these has no body, and the Response constructor refuses one.
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

function requestHeaders(init: RequestInit['headers']): string[] {
  const flat: string[] = [];
  if (init === undefined) return flat;
  for (const [name, value] of init instanceof Headers ? init : new Headers(init)) flat.push(name, value);
  return flat;
}

async function requestBody(body: RequestInit['body'], headers: string[]): Promise<UndiciBody> {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  // A streamed body (file uploads on pass-through routes) is sent as it is read.
  if (body instanceof ReadableStream) return Readable.fromWeb(body);
  // Blob, FormData, URLSearchParams…: let the platform encode it, with its content type.
  const encoded = new Response(body);
  const type = encoded.headers.get('content-type');
  if (type !== null && !headers.some((value, i) => i % 2 === 0 && value === 'content-type')) headers.push('content-type', type);
  return encoded.body === null ? null : new Uint8Array(await encoded.arrayBuffer());
}

/** undici's response headers (arrays for repeated ones) as a Web Headers. */
export function responseHeaders(raw: DispatchAnswer['headers']): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.append(name, value);
  }
  return headers;
}

/** The body as the client should read it: decoded as fetch would, or untouched. */
export function decodedBody(body: Readable, contentEncoding: string | null): Readable {
  if (contentEncoding === null) return body;
  // Codings apply in the order listed: undo them last first. An unknown one is left as sent.
  const codings = contentEncoding.split(',').map((coding) => coding.trim().toLowerCase()).filter((coding) => coding !== '' && coding !== 'identity').reverse();
  const decoders = codings.map((coding) => DECODERS[coding]);
  if (decoders.length === 0 || decoders.some((decoder) => decoder === undefined)) return body;
  const stages = decoders.flatMap((decoder) => (decoder === undefined ? [] : [decoder()]));
  const last = stages.at(-1);
  if (last === undefined) return body;
  // A failure anywhere (a corrupt body, an upstream that hung up) errors the last stage.
  pipeline([body, ...stages]).catch(() => {});
  return last;
}

function networkError(error: unknown, signal: AbortSignal | null | undefined): unknown {
  if (signal?.aborted === true) return signal.reason;
  return new TypeError('fetch failed', { cause: error });
}

export function createUpstreamClient(): UpstreamClient {
  // No timeouts of undici's own (5 minutes each by default): the gateway's UPSTREAM_TIMEOUT_MS
  // bounds the wait for headers, and a streaming answer is never cut (the contract).
  const dispatcher = new Agent({ headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 30_000 });

  const upstreamFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    // The gateway passes a URL string; a Request is another caller's, and Node's fetch knows it best.
    if (input instanceof Request) return fetch(input, init);
    const { signal } = init;
    if (signal?.aborted === true) throw signal.reason;
    const method = init.method ?? 'GET';
    const headers = requestHeaders(init.headers);
    const url = typeof input === 'string' ? new URL(input) : input;
    let answer: DispatchAnswer;
    try {
      const body = await requestBody(init.body, headers);
      answer = await dispatchResponse(dispatcher, { origin: url.origin, path: `${url.pathname}${url.search}`, method, headers, body, signal });
    } catch (error) {
      throw networkError(error, signal);
    }
    const headersOut = responseHeaders(answer.headers);
    const answered = { status: answer.status, statusText: answer.statusText, headers: headersOut };
    // undici ends these bodies itself: there is nothing to read.
    if (NULL_BODY_STATUS.has(answer.status) || method === 'HEAD') return new Response(null, answered);
    const encoding = headersOut.get('content-encoding');
    if (encoding === null) return new Response(answer.body, answered);
    // Compressed answers (rare from OpenAI to a server client) take the Node stream route through zlib.
    return new Response(Readable.toWeb(decodedBody(Readable.fromWeb(answer.body), encoding)), answered);
  };

  return { fetch: upstreamFetch, dispatcher, close: () => dispatcher.close() };
}
