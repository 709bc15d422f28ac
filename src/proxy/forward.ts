// One upstream call: the request goes out with the client's hang-up signal and a deadline for
// the response headers, is retried (when allowed) before any byte reaches the client, and the
// response comes back as a stream, never read whole.
import { gatewayError, type GatewayError } from '../errors.ts';
import { guardEventStream } from './event-stream-guard.ts';
import { HeadersDeadline } from './headers-deadline.ts';
import { clientResponseHeaders } from './headers.ts';
import { isRetryableStatus, retryDelay, wait } from './retry-delay.ts';

export type UpstreamRequest = {
  url: string;
  method: string;
  headers: Headers;
  body: Uint8Array | ReadableStream<Uint8Array> | null;
  /** Aborted when the client hangs up: the upstream call is cancelled with it. */
  signal: AbortSignal;
  /** From the body fully sent until the response headers; a streaming response body is never cut by it. */
  timeoutMs: number;
  /** Longest silence inside a streamed (SSE) answer before it is ended with an error event. */
  idleTimeoutMs: number;
  /** Further attempts after a connection failure or a retryable status; only for bodies that can be sent again. */
  retries: number;
  maxRetryDelayMs: number;
};

export type Forwarded = { ok: true; response: Response; attempts: number } | { ok: false; error: GatewayError; attempts: number };

type Attempt = { ok: true; response: Response } | { ok: false; error: GatewayError; retryable: boolean };

class UpstreamTimeout extends Error {}

/**
 * Starts `start` once a streamed body has been read through (the whole body handed to fetch).
 * A pull source over the body's reader, not pipeThrough(TransformStream): the same bytes with
 * one stream instead of two and no pipe machinery per chunk (cheaper on Node, see docs/benchmarks.md).
 */
function afterLastChunk(body: ReadableStream<Uint8Array>, start: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (!done) {
        controller.enqueue(value);
        return;
      }
      start();
      controller.close();
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

function failureReason(error: unknown): string {
  if (error instanceof Error && error.cause instanceof Error) return error.cause.message;
  return error instanceof Error ? error.message : 'unknown error';
}

// The failures of an attempt, in the same words on every path (the Node-native one too).
export const attemptFailure = {
  timeout: (host: string, ms: number) => gatewayError('upstream_timeout', `The upstream (${host}) sent no response headers within ${ms} ms.`),
  clientClosed: () => gatewayError('upstream_unreachable', 'The client closed the request before the upstream answered.'),
  unreachable: (host: string, error: unknown) => gatewayError('upstream_unreachable', `The upstream (${host}) could not be reached: ${failureReason(error)}`),
};

async function attemptOnce(fetchUpstream: typeof fetch, request: UpstreamRequest, host: string): Promise<Attempt> {
  // One controller for both reasons to stop: the client hanging up (for the whole call, body
  // included) and the deadline. Not AbortSignal.any: on Node it costs ~10 µs per request.
  const upstreamAbort = new AbortController();
  const { signal: clientSignal } = request;
  if (clientSignal.aborted) upstreamAbort.abort(clientSignal.reason);
  else clientSignal.addEventListener('abort', () => upstreamAbort.abort(clientSignal.reason), { once: true });
  const deadline = new HeadersDeadline(request.timeoutMs, () => upstreamAbort.abort(new UpstreamTimeout()));
  let body = request.body;
  if (body instanceof ReadableStream) body = afterLastChunk(body, deadline.start);
  else deadline.start();

  try {
    const response = await fetchUpstream(request.url, {
      method: request.method,
      headers: request.headers,
      body,
      signal: upstreamAbort.signal,
      redirect: 'manual',
      // A streamed request body needs half-duplex on Node's fetch; workerd ignores it.
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    });
    return { ok: true, response };
  } catch (error) {
    if (deadline.expired) {
      return { ok: false, retryable: false, error: attemptFailure.timeout(host, request.timeoutMs) };
    }
    if (request.signal.aborted) {
      return { ok: false, retryable: false, error: attemptFailure.clientClosed() };
    }
    return { ok: false, retryable: true, error: attemptFailure.unreachable(host, error) };
  } finally {
    deadline.stop();
  }
}

function toClient(response: Response, request: UpstreamRequest, host: string): Response {
  const streamed = (response.headers.get('content-type') ?? '').includes('text/event-stream');
  const body = streamed && response.body !== null ? guardEventStream(response.body, request.idleTimeoutMs, host) : response.body;
  return new Response(body, { status: response.status, statusText: response.statusText, headers: clientResponseHeaders(response.headers) });
}

export async function forward(fetchUpstream: typeof fetch, request: UpstreamRequest, host: string): Promise<Forwarded> {
  // A streamed request body is read as it is sent: it cannot be sent a second time.
  const replayable = !(request.body instanceof ReadableStream);
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await attemptOnce(fetchUpstream, request, host);
    const mayRetry = replayable && attempt < request.retries && !request.signal.aborted;
    if (outcome.ok) {
      const delay = mayRetry && isRetryableStatus(outcome.response.status) ? retryDelay(outcome.response.headers, attempt, request.maxRetryDelayMs) : undefined;
      if (delay === undefined) return { ok: true, response: toClient(outcome.response, request, host), attempts: attempt + 1 };
      await outcome.response.body?.cancel();
      await wait(delay, request.signal);
    } else {
      if (!(mayRetry && outcome.retryable)) return { ok: false, error: outcome.error, attempts: attempt + 1 };
      await wait(retryDelay(undefined, attempt, request.maxRetryDelayMs) ?? 0, request.signal);
    }
  }
}
