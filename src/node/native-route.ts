// The Node server's own path for the governed routes (POST /v1/chat/completions, /v1/responses,
// /v1/completions) and the pass-through ones (GET, POST, DELETE on other /v1/ paths): node:http's
// request and response as they come, with no Web Request, Response or stream built per request
// — on Node that layer cost more CPU than temperance's own work (docs/benchmarks.md). It shares
// everything that decides and records with the Hono app: the authenticator, the request id and
// its redactor, the decision (src/routes/decide.ts), the observation and its sinks (the trace
// page's buffer among them), the log line, and the error shapes. Whatever it does not take on
// goes to the Hono app untouched, before a byte of the body is read: the admin routes, the model
// list, other methods, paths that are not plain segments, a governed body without a declared
// length or over MAX_BODY_BYTES (the app reads and drops it before its 413), and a refused key
// (the app answers the 401 and records it).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { ERROR_KINDS, errorBody, gatewayError, type GatewayError } from '../errors.ts';
import type { GatewayCore } from '../gateway.ts';
import { hidesUsage, type Observation, type RequestFacts } from '../observe/observation.ts';
import type { TapHooks } from '../observe/body-tap.ts';
import { chatRoute } from '../policy/routes/chat.ts';
import { completionsRoute } from '../policy/routes/completions.ts';
import { responsesRoute } from '../policy/routes/responses.ts';
import type { RouteAdapter } from '../policy/routes/route.ts';
import { errorEvent, streamFailure } from '../proxy/event-stream-guard.ts';
import { HeaderList } from '../proxy/header-list.ts';
import { connectionTokens, isDecodedEncoding, passesToClient } from '../proxy/headers.ts';
import { logObserved, requestIdentities, type Identity } from '../request-log.ts';
import { decideGoverned, parseJsonBody } from '../routes/decide.ts';
import { headersForUpstream, upstreamUrl } from '../upstream/request-headers.ts';
import { callUpstream, decodingSink, type BodySink, type Exchange } from './native-upstream.ts';

const REQUEST_ID_HEADER = 'x-temperance-request-id';
const DECLARED_LENGTH = /^\d+$/;

function routesByPath(): ReadonlyMap<string, RouteAdapter> {
  const routes = new Map<string, RouteAdapter>();
  // The Hono app is not strict about a trailing slash: neither is this path.
  for (const route of [chatRoute, responsesRoute, completionsRoute]) {
    routes.set(`/v1${route.path}`, route);
    routes.set(`/v1${route.path}/`, route);
  }
  return routes;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The body, whole, in a buffer of its own; undefined when the client went away before its end.
 * A copy even for one chunk: a chunk is a view into the socket's 64 KiB read buffer, which
 * would otherwise stay alive as long as the body does.
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const settle = (body: Buffer | undefined) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      resolve(body);
    };
    const onEnd = () => settle(Buffer.concat(chunks));
    const onClose = () => settle(undefined);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.once('error', onClose);
  });
}

/** Adds the gateway's own headers to a flat list: the policy's, the request id. */
function withOwnHeaders(flat: string[], ours: Record<string, string> | undefined, id: string): string[] {
  if (ours !== undefined) for (const name in ours) flat.push(name, ours[name] ?? '');
  flat.push(REQUEST_ID_HEADER, id);
  return flat;
}

/** Answers one request: the gateway's own error, or the upstream's answer passed on. */
class Answer {
  readonly #res: ServerResponse;
  readonly #identity: Identity;
  readonly #observation: Observation;
  /** Called when the client hangs up before the answer is complete. */
  #onGone: () => void = () => {};
  #gone = false;

  constructor(res: ServerResponse, identity: Identity, observation: Observation) {
    this.#res = res;
    this.#identity = identity;
    this.#observation = observation;
  }

  clientGone(): void {
    this.#gone = true;
    this.#onGone();
  }

  fail(error: GatewayError, ours: Record<string, string> | undefined): void {
    // The message may quote the request: the keys come out first (as noteError does).
    const noted = { ...error, message: this.#identity.redact(error.message) };
    this.#observation.refused(noted);
    const res = this.#res;
    if (res.headersSent || res.destroyed) return;
    const body = JSON.stringify(errorBody(noted));
    res.writeHead(ERROR_KINDS[noted.kind].status, withOwnHeaders(['content-type', 'application/json', 'content-length', String(Buffer.byteLength(body))], ours, this.#identity.id));
    res.end(body);
  }

  /** The upstream's answer: its headers (filtered as forward() does), then its body through the observation's hooks. */
  pass(exchange: Exchange, options: { hideUsageChunk: boolean; ours: Record<string, string> | undefined; host: string; idleTimeoutMs: number }): void {
    const raw = exchange.headers;
    const contentType = firstValue(raw['content-type']) ?? '';
    const encoding = firstValue(raw['content-encoding']);
    const decoded = isDecodedEncoding(encoding);
    const hide = hidesUsage(options.hideUsageChunk, contentType);
    const hooks = this.#observation.answering(exchange.status, contentType, hide);
    if (this.#gone) {
      // The client hung up while the upstream was answering.
      hooks.cancel();
      exchange.abort(new Error('The client closed the request.'));
      return;
    }
    const { ours } = options;
    const listed = connectionTokens(firstValue(raw.connection));
    const flat: string[] = [];
    for (const [name, value] of Object.entries(raw)) {
      // The gateway's own headers replace any the upstream sent under their names.
      if (value === undefined || name === REQUEST_ID_HEADER || (ours !== undefined && Object.hasOwn(ours, name)) || !passesToClient(name, listed, decoded)) continue;
      // Leaving the usage chunk out changes the length: the upstream's no longer describes the body.
      if (hide && name === 'content-length') continue;
      if (Array.isArray(value)) for (const item of value) flat.push(name, item);
      else flat.push(name, value);
    }
    this.#res.writeHead(exchange.status, withOwnHeaders(flat, ours, this.#identity.id));
    const writer = new ClientWriter(this.#res, hooks, exchange, contentType.includes('text/event-stream') ? options : undefined);
    this.#onGone = () => writer.cancel();
    exchange.attach(decoded && encoding !== undefined ? decodingSink(encoding, writer, exchange) : writer);
  }
}

/**
 * The client's side of an answer's body: each chunk through the observation's hooks into the
 * ServerResponse. For an event stream it is also the guard: silence from the upstream past
 * UPSTREAM_IDLE_TIMEOUT_MS, or a cut, ends the stream with an SSE error event.
 */
class ClientWriter implements BodySink {
  readonly #res: ServerResponse;
  readonly #hooks: TapHooks;
  readonly #exchange: Exchange;
  readonly #guard: { host: string; idleTimeoutMs: number } | undefined;
  #done = false;
  #draining = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Since when the upstream has been silent while the client was ready for more. */
  #waitingSince: number | undefined = Date.now();
  /** Resumes whatever feeds this writer (the upstream, or a decoder in between). */
  resumeSource: () => void;

  constructor(res: ServerResponse, hooks: TapHooks, exchange: Exchange, guard: { host: string; idleTimeoutMs: number } | undefined) {
    this.#res = res;
    this.#hooks = hooks;
    this.#exchange = exchange;
    this.#guard = guard;
    this.resumeSource = () => exchange.resume();
    if (guard !== undefined) this.#watch(guard.idleTimeoutMs, guard.host);
  }

  // One timer for the whole stream, moved on by the chunks' times: no timer per chunk.
  #watch(idleMs: number, host: string): void {
    const check = () => {
      const silent = this.#waitingSince === undefined ? 0 : Date.now() - this.#waitingSince;
      if (silent < idleMs) {
        this.#timer = setTimeout(check, idleMs - silent);
        return;
      }
      this.#broken(streamFailure.idle(host, idleMs));
    };
    this.#timer = setTimeout(check, idleMs);
  }

  #write(bytes: Uint8Array | undefined): boolean {
    if (bytes === undefined || bytes.byteLength === 0) return true;
    return this.#res.write(bytes);
  }

  data(chunk: Buffer): boolean {
    if (this.#done) return true;
    const more = this.#write(this.#hooks.chunk(chunk));
    if (more) {
      this.#waitingSince = Date.now();
      return true;
    }
    // The client reads slower than the upstream sends: the silence is not the upstream's.
    this.#waitingSince = undefined;
    if (!this.#draining) {
      this.#draining = true;
      this.#res.once('drain', () => {
        this.#draining = false;
        this.#waitingSince = Date.now();
        this.resumeSource();
      });
    }
    return false;
  }

  end(): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    const last = this.#hooks.end(false);
    this.#res.end(last !== undefined && last.byteLength > 0 ? last : undefined);
  }

  error(): void {
    if (this.#guard !== undefined) {
      this.#broken(streamFailure.cut(this.#guard.host));
      return;
    }
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    this.#hooks.end(true);
    // A body cut short must not look complete to the client.
    this.#res.destroy();
  }

  /** An event stream the upstream failed: the error event is its last chunk, seen by the hooks too. */
  #broken(failure: GatewayError): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    this.#write(this.#hooks.chunk(errorEvent(failure)));
    const last = this.#hooks.end(false);
    this.#res.end(last !== undefined && last.byteLength > 0 ? last : undefined);
    // Frees the upstream connection: a stalled upstream would otherwise keep generating.
    this.#exchange.abort(new Error(failure.message));
  }

  /** The client hung up. */
  cancel(): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    this.#hooks.cancel();
    this.#exchange.abort(new Error('The client closed the request.'));
  }
}

export type NativeOptions = {
  core: GatewayCore;
  dispatcher: Dispatcher;
  /** The Hono app's listener: everything this path does not take on. */
  fallback: RequestListener;
};

/** What the native path takes on: a governed route, or a pass-through. */
type Taken = { kind: 'governed'; route: RouteAdapter } | { kind: 'pass-through' };

// A pass-through path it takes on: plain segments only. Anything else (dot segments, encoded
// characters, empty segments) goes to the app, whose routing and refusals are the reference.
const PLAIN_PATH = /^\/v1(\/[A-Za-z0-9_-][A-Za-z0-9._~-]*)+\/?$/;
const PASS_THROUGH_METHODS = new Set(['GET', 'POST', 'DELETE']);

export function nativeRoutes({ core, dispatcher, fallback }: NativeOptions): RequestListener {
  const { deps } = core;
  const { config } = deps;
  const routes = routesByPath();
  const identify = requestIdentities(config);
  // Node has no execution context to keep work alive: the process outlives the request.
  const background = (work: Promise<void>) => void work;

  /** What this path takes on, or undefined for the app. */
  function taken(req: IncomingMessage, path: string): Taken | undefined {
    const method = req.method ?? '';
    const route = routes.get(path);
    if (route !== undefined) {
      if (method !== 'POST') return undefined;
      // Only a body of a declared length within the limit: the app drains and refuses the rest.
      const declared = req.headers['content-length'];
      return declared !== undefined && DECLARED_LENGTH.test(declared) && Number(declared) <= config.MAX_BODY_BYTES ? { kind: 'governed', route } : undefined;
    }
    // The model list and lookups are the app's own answers.
    if (!PASS_THROUGH_METHODS.has(method) || !PLAIN_PATH.test(path) || path === '/v1/models' || path.startsWith('/v1/models/')) return undefined;
    return { kind: 'pass-through' };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, what: Taken, path: string, search: string): Promise<void> {
    const headers = HeaderList.fromRaw(req.rawHeaders);
    const admission = await core.authenticate(headers);
    // The app answers a refused key (401) and records it.
    if (!admission.ok) {
      fallback(req, res);
      return;
    }
    const identity = identify(headers.get('authorization'), headers.get('x-request-id'));
    const gone = new AbortController();
    const facts: RequestFacts = { method: req.method ?? 'GET', url: `http://gateway${req.url ?? '/'}`, headers, signal: gone.signal };
    const observation = core.observe(facts, what.kind === 'governed' ? what.route.route : 'pass-through', identity.id, background);
    logObserved(deps.log, identity, observation);
    const answer = new Answer(res, identity, observation);
    res.once('close', () => {
      if (res.writableFinished) return;
      gone.abort();
      answer.clientGone();
    });
    const attempt = { signal: gone.signal, timeoutMs: config.UPSTREAM_TIMEOUT_MS, retries: config.UPSTREAM_RETRIES, maxRetryDelayMs: config.UPSTREAM_RETRY_MAX_DELAY_MS };
    const idleTimeoutMs = config.UPSTREAM_IDLE_TIMEOUT_MS;

    if (what.kind === 'pass-through') {
      // Forwarded as it comes (src/routes/pass-through.ts): the client's body streamed, not limited.
      const upstream = config.upstreams.openai;
      const outgoing = headersForUpstream(upstream, headers, admission.clientAuthorization, new HeaderList());
      observation.passing(outgoing);
      const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
      const attempted = await callUpstream(dispatcher, { ...attempt, method: req.method ?? 'GET', url: upstreamUrl(upstream, path.slice('/v1'.length), search), headers: outgoing, body: hasBody ? req : null, host: upstream.label });
      observation.attempted(attempted.attempts);
      if (!attempted.ok) answer.fail(attempted.error, undefined);
      else answer.pass(attempted.exchange, { hideUsageChunk: false, ours: undefined, host: upstream.label, idleTimeoutMs });
      return;
    }

    const { route } = what;
    const bytes = await readBody(req);
    if (bytes === undefined) {
      answer.fail(gatewayError('invalid_request', 'The client closed the connection before the request body was complete.'), undefined);
      return;
    }
    const parsed = parseJsonBody(bytes);
    if (!parsed.ok) {
      answer.fail(parsed.error, undefined);
      return;
    }
    const decided = decideGoverned(route, deps, { parsed, headers, outgoing: new HeaderList(), search, clientAuthorization: admission.clientAuthorization, observation });
    if (!decided.ok) {
      answer.fail(decided.error, decided.ours);
      return;
    }
    const { call, ours } = decided;
    const attempted = await callUpstream(dispatcher, { ...attempt, method: 'POST', url: call.url, headers: call.headers, body: call.bytes, host: call.upstream.label });
    observation.attempted(attempted.attempts);
    if (!attempted.ok) {
      answer.fail(attempted.error, ours);
      return;
    }
    answer.pass(attempted.exchange, { hideUsageChunk: call.hideUsageChunk, ours, host: call.upstream.label, idleTimeoutMs });
  }

  return (req, res) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const what = taken(req, path);
    if (what === undefined) {
      fallback(req, res);
      return;
    }
    handle(req, res, what, path, query === -1 ? '' : url.slice(query)).catch((error: unknown) => {
      // As the app's error handler: the name only, a message or stack could quote a request.
      deps.log?.(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'unhandled error', error: error instanceof Error ? error.name : 'unknown' }));
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const body = JSON.stringify(errorBody(gatewayError('internal_error', 'The gateway failed to handle this request.')));
      res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  };
}
