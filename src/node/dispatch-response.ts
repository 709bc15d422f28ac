// One upstream call on undici's dispatch() API, its response body delivered straight into a
// Web ReadableStream. undici's request() would hand over a Node Readable that the gateway then
// converts with Readable.toWeb: two stream layers per response where one does, and in the
// benchmark's profiles their bookkeeping cost more than the bytes (docs/benchmarks.md).
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

export type DispatchRequest = {
  origin: string;
  path: string;
  method: string;
  headers: string[];
  body: Dispatcher.DispatchOptions['body'];
  signal: AbortSignal | null | undefined;
};

export type DispatchAnswer = {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: ReadableStream<Uint8Array>;
};

// Queued response bytes before undici stops reading the socket: the client reads slower than
// the upstream sends, and backpressure then reaches the upstream.
const HIGH_WATER_BYTES = 64 * 1024;

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason ?? 'aborted'));
}

/** Resolves at the response headers; rejects with undici's error, or the signal's reason. */
export function dispatchResponse(dispatcher: Dispatcher, request: DispatchRequest): Promise<DispatchAnswer> {
  return new Promise((resolve, reject) => {
    const { signal } = request;
    let call: Dispatcher.DispatchController | undefined;
    let stream: ReadableStreamDefaultController<Uint8Array> | undefined;
    // Once the stream is closed, errored or cancelled, its controller must not be used again.
    let open = false;
    const onAbort = () => call?.abort(asError(signal?.reason));
    const settle = () => signal?.removeEventListener('abort', onAbort);
    signal?.addEventListener('abort', onAbort, { once: true });

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(controller) {
        call = controller;
        if (signal?.aborted === true) controller.abort(asError(signal.reason));
      },
      onResponseStart(controller, statusCode, headers, statusMessage) {
        // 1xx informational answers are not the response.
        if (statusCode < 200) return;
        const body = new ReadableStream<Uint8Array>({
          start(controllerOfStream) {
            stream = controllerOfStream;
            open = true;
          },
          pull() {
            controller.resume();
          },
          cancel(reason) {
            // The client hung up: end the upstream call with it.
            open = false;
            settle();
            controller.abort(asError(reason));
          },
        }, new ByteLengthQueuingStrategy({ highWaterMark: HIGH_WATER_BYTES }));
        resolve({ status: statusCode, statusText: statusMessage ?? '', headers, body });
      },
      onResponseData(controller, chunk) {
        if (!open || stream === undefined) return;
        stream.enqueue(chunk);
        if ((stream.desiredSize ?? 0) <= 0) controller.pause();
      },
      onResponseEnd() {
        settle();
        if (open) stream?.close();
        open = false;
      },
      onResponseError(_controller, error) {
        settle();
        if (stream === undefined) {
          reject(signal?.aborted === true ? signal.reason : error);
          return;
        }
        if (open) stream.error(error);
        open = false;
      },
    };
    dispatcher.dispatch({ origin: request.origin, path: request.path, method: request.method, headers: request.headers, body: request.body ?? null }, handler);
  });
}
