// One upstream call of the Node-native path (src/node/native-route.ts): undici's dispatch()
// with the response body handed chunk by chunk to the client's ServerResponse. No Web Request,
// Response, Headers or ReadableStream per request: on Node those cost more CPU than the bytes
// (docs/benchmarks.md). The behaviour is forward()'s and the event-stream guard's
// (src/proxy/forward.ts, src/proxy/event-stream-guard.ts), with their words: a deadline for the
// response headers, retries before any byte reaches the client, compressed answers decoded,
// and a streamed answer that the upstream cuts or stalls ends with an SSE error event.
import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { GatewayError } from '../errors.ts';
import type { HeaderMap } from '../proxy/header-list.ts';
import { attemptFailure } from '../proxy/forward.ts';
import { HeadersDeadline } from '../proxy/headers-deadline.ts';
import { isRetryableStatus, retryDelay, wait } from '../proxy/retry-delay.ts';
import { decodedBody, responseHeaders } from './upstream-fetch.ts';

export type NativeCall = {
  method: string;
  url: string;
  headers: HeaderMap;
  /** Bytes in memory (a governed body), the client's request itself (a pass-through upload, streamed), or none. */
  body: Uint8Array | Readable | null;
  /** How errors name the upstream (its label). */
  host: string;
  /** Aborted when the client hangs up. */
  signal: AbortSignal;
  timeoutMs: number;
  retries: number;
  maxRetryDelayMs: number;
};

/** Where an answer's body goes: `data` returns false while the client cannot take more. */
export type BodySink = {
  data(chunk: Buffer): boolean;
  end(): void;
  error(error: Error): void;
};

class UpstreamTimeout extends Error {}

/**
 * One exchange with the upstream, as undici's dispatch handler. `headers` resolves at the
 * response's status line and headers; the body waits (paused) until a sink is attached.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  status = 0;
  headers: IncomingHttpHeaders = {};
  readonly answered: Promise<void>;
  #resolve: () => void = () => {};
  #reject: (error: Error) => void = () => {};
  #controller: Dispatcher.DispatchController | undefined;
  #abortReason: Error | undefined;
  #started = false;
  #queued: Buffer[] = [];
  #ended = false;
  #failure: Error | undefined;
  #sink: BodySink | undefined;

  constructor() {
    this.answered = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason !== undefined) controller.abort(this.#abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx informational answers are not the response.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
    this.#started = true;
    this.#resolve();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#sink === undefined) {
      this.#queued.push(chunk);
      controller.pause();
      return;
    }
    if (!this.#sink.data(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.#ended = true;
    this.#sink?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (!this.#started) {
      this.#reject(error);
      return;
    }
    this.#failure = error;
    this.#sink?.error(error);
  }

  /** Starts the body's flow into `sink`, with what arrived before. */
  attach(sink: BodySink): void {
    this.#sink = sink;
    let more = true;
    for (const chunk of this.#queued) more = sink.data(chunk) && more;
    this.#queued = [];
    if (this.#failure !== undefined) sink.error(this.#failure);
    else if (this.#ended) sink.end();
    else if (more) this.resume();
  }

  pause(): void {
    this.#controller?.pause();
  }

  resume(): void {
    this.#controller?.resume();
  }

  abort(reason: Error): void {
    this.#abortReason ??= reason;
    this.#controller?.abort(reason);
  }
}

export type Attempted = { ok: true; exchange: Exchange; attempts: number } | { ok: false; error: GatewayError; attempts: number };

type Attempt = { ok: true; exchange: Exchange } | { ok: false; error: GatewayError; retryable: boolean };

function flatHeaders(headers: HeaderMap): string[] {
  const flat: string[] = [];
  for (const [name, value] of headers) flat.push(name, value);
  return flat;
}

async function attemptOnce(dispatcher: Dispatcher, call: NativeCall, target: URL, flat: string[]): Promise<Attempt> {
  const exchange = new Exchange();
  const { signal } = call;
  if (signal.aborted) return { ok: false, retryable: false, error: attemptFailure.clientClosed() };
  const onAbort = () => exchange.abort(new Error('The client closed the request.'));
  signal.addEventListener('abort', onAbort, { once: true });
  const deadline = new HeadersDeadline(call.timeoutMs, () => exchange.abort(new UpstreamTimeout()));
  const { body } = call;
  if (body instanceof Readable) body.once('end', deadline.start);
  else deadline.start();
  dispatcher.dispatch({ origin: target.origin, path: `${target.pathname}${target.search}`, method: call.method, headers: flat, body }, exchange);
  try {
    await exchange.answered;
    return { ok: true, exchange };
  } catch (error) {
    if (deadline.expired) return { ok: false, retryable: false, error: attemptFailure.timeout(call.host, call.timeoutMs) };
    if (signal.aborted) return { ok: false, retryable: false, error: attemptFailure.clientClosed() };
    return { ok: false, retryable: true, error: attemptFailure.unreachable(call.host, error) };
  } finally {
    deadline.stop();
    // Past the headers the client's hang-up is the response writer's to handle (native-route.ts).
    signal.removeEventListener('abort', onAbort);
  }
}

/** The upstream's answer (at its headers), after the retries forward() would make. */
export async function callUpstream(dispatcher: Dispatcher, call: NativeCall): Promise<Attempted> {
  const target = new URL(call.url);
  const flat = flatHeaders(call.headers);
  // A streamed body is read as it is sent: it cannot be sent a second time.
  const replayable = !(call.body instanceof Readable);
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await attemptOnce(dispatcher, call, target, flat);
    const mayRetry = replayable && attempt < call.retries && !call.signal.aborted;
    if (outcome.ok) {
      const { exchange } = outcome;
      const delay = mayRetry && isRetryableStatus(exchange.status) ? retryDelay(responseHeaders(exchange.headers), attempt, call.maxRetryDelayMs) : undefined;
      if (delay === undefined) return { ok: true, exchange, attempts: attempt + 1 };
      exchange.abort(new Error('retried'));
      await wait(delay, call.signal);
    } else {
      if (!(mayRetry && outcome.retryable)) return { ok: false, error: outcome.error, attempts: attempt + 1 };
      await wait(retryDelay(undefined, attempt, call.maxRetryDelayMs) ?? 0, call.signal);
    }
  }
}

/**
 * A sink that decodes a compressed body (as fetch would, src/node/upstream-fetch.ts) before
 * `next` sees it. Back-pressure runs both ways: a full decoder pauses the upstream, and a client
 * that cannot take more pauses the decoder (`next` resumes it through resumeSource).
 */
export function decodingSink(encoding: string, next: BodySink & { resumeSource: () => void }, exchange: Exchange): BodySink {
  const source = new PassThrough();
  const decoded: Readable = decodedBody(source, encoding);
  next.resumeSource = () => decoded.resume();
  decoded.on('data', (chunk: Buffer) => {
    if (!next.data(chunk)) decoded.pause();
  });
  decoded.once('end', () => next.end());
  decoded.once('error', (error) => next.error(error));
  source.on('drain', () => exchange.resume());
  return {
    data: (chunk) => source.write(chunk),
    end: () => source.end(),
    error: (error) => source.destroy(error),
  };
}
