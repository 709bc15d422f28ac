// One upstream call: the request goes out with the client's hang-up signal and a deadline for
// the response headers; the response comes back as a stream, never read whole.
import { gatewayError, type GatewayError } from '../errors.ts';
import { clientResponseHeaders } from './headers.ts';

export type UpstreamRequest = {
  url: string;
  method: string;
  headers: Headers;
  body: Uint8Array | ReadableStream<Uint8Array> | null;
  /** Aborted when the client hangs up: the upstream call is cancelled with it. */
  signal: AbortSignal;
  /** From the body fully sent until the response headers; a streaming response body is never cut by it. */
  timeoutMs: number;
};

export type Forwarded = { ok: true; response: Response } | { ok: false; error: GatewayError };

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

export async function forward(fetchUpstream: typeof fetch, request: UpstreamRequest, host: string): Promise<Forwarded> {
  // One controller for both reasons to stop: the client hanging up (for the whole call, body
  // included) and the deadline. Not AbortSignal.any: on Node it costs ~10 µs per request.
  const upstreamAbort = new AbortController();
  const { signal: clientSignal } = request;
  if (clientSignal.aborted) upstreamAbort.abort(clientSignal.reason);
  else clientSignal.addEventListener('abort', () => upstreamAbort.abort(clientSignal.reason), { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let answered = false;
  let timedOut = false;
  const startClock = () => {
    // An upstream may answer before it has read the whole body: then there is nothing to time.
    if (answered) return;
    timer = setTimeout(() => {
      timedOut = true;
      upstreamAbort.abort(new UpstreamTimeout());
    }, request.timeoutMs);
  };
  let body: Uint8Array | ReadableStream<Uint8Array> | null = request.body;
  if (body instanceof ReadableStream) body = afterLastChunk(body, startClock);
  else startClock();

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
    return {
      ok: true,
      response: new Response(response.body, {
        status: response.status,
        statusText: response.statusText,
        headers: clientResponseHeaders(response.headers),
      }),
    };
  } catch (error) {
    if (timedOut) {
      return { ok: false, error: gatewayError('upstream_timeout', `the upstream (${host}) sent no response headers within ${request.timeoutMs} ms`) };
    }
    if (request.signal.aborted) {
      return { ok: false, error: gatewayError('upstream_unreachable', 'the client closed the request before the upstream answered') };
    }
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : 'unknown error';
    return { ok: false, error: gatewayError('upstream_unreachable', `the upstream (${host}) could not be reached: ${reason}`) };
  } finally {
    answered = true;
    clearTimeout(timer);
  }
}
