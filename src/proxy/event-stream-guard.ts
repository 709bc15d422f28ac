// A streamed answer must end in a way the client can tell apart from a complete one. OpenAI's
// SDKs end a chat stream silently when the connection closes, so a cut or stalled upstream
// would look like a short answer. This stage passes chunks on as they come and, when the
// upstream fails or goes silent, ends the stream with an SSE error event (the SDK raises it
// as APIError) instead.
//
// It is also where a look at each chunk can ride along: a stream stage costs per chunk (on
// workerd ~30 µs of CPU for any JavaScript stage, docs/benchmarks.md), so a tap that would stack
// a second stage on a guarded stream (src/observe/body-tap.ts) gives its hooks to this one instead.
import { errorBody, gatewayError, type GatewayError } from '../errors.ts';
import { SilenceWatch } from './silence-watch.ts';

const encoder = new TextEncoder();

/** A look at each chunk (the same shape as body-tap's TapHooks): see there. */
export type StreamHooks = {
  chunk(bytes: Uint8Array): Uint8Array | undefined;
  end(error: boolean): Uint8Array | undefined;
  cancel(): void;
};

// Guarded streams that no reader has pulled yet, and how to hand them hooks.
const adopters = new WeakMap<ReadableStream<Uint8Array>, (hooks: StreamHooks) => boolean>();

/** Runs `hooks` inside the guard's own stage when `stream` is a guarded stream not yet read; false otherwise. */
export function adoptHooks(stream: ReadableStream<Uint8Array>, hooks: StreamHooks): boolean {
  return adopters.get(stream)?.(hooks) ?? false;
}

function enqueueSome(controller: ReadableStreamDefaultController<Uint8Array>, bytes: Uint8Array | undefined): boolean {
  if (bytes === undefined || bytes.byteLength === 0) return false;
  controller.enqueue(bytes);
  return true;
}

/** The SSE event that ends a broken stream, as the SDK reads an error. */
export function errorEvent(error: GatewayError): Uint8Array {
  // The blank line first ends any event the upstream left half-written.
  return encoder.encode(`\n\ndata: ${JSON.stringify(errorBody(error))}\n\n`);
}

// How a guarded stream ends when the upstream fails it, on every path (the Node-native one too).
export const streamFailure = {
  idle: (host: string, ms: number) => gatewayError('upstream_idle_timeout', `The upstream (${host}) sent nothing for ${ms} ms; the stream was ended.`),
  cut: (host: string) => gatewayError('upstream_stream_cut', `The upstream (${host}) stream broke off before it was complete.`),
};

export function guardEventStream(body: ReadableStream<Uint8Array>, idleMs: number, host: string): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  // Set in start(): the silence ends the stream through its controller.
  let silence: SilenceWatch | undefined;
  let ended = false;

  let hooks: StreamHooks | undefined;
  let pulled = false;

  const end = (controller: ReadableStreamDefaultController<Uint8Array>, failure: GatewayError) => {
    if (ended) return;
    ended = true;
    silence?.stop();
    if (hooks === undefined) controller.enqueue(errorEvent(failure));
    else {
      // The hooks see the error event as the stream's last chunk, as a stage after this one would.
      enqueueSome(controller, hooks.chunk(errorEvent(failure)));
      enqueueSome(controller, hooks.end(false));
    }
    controller.close();
    // Frees the upstream connection: a stalled upstream would otherwise keep generating.
    reader.cancel(failure.message).catch(() => {});
  };

  const guarded = new ReadableStream<Uint8Array>({
    start(controller) {
      silence = new SilenceWatch(idleMs, () => end(controller, streamFailure.idle(host, idleMs)));
    },
    async pull(controller) {
      pulled = true;
      // Until something is passed on: a chunk the hooks hold back must not stall the reader.
      for (;;) {
        let result;
        silence?.waiting();
        try {
          result = await reader.read();
        } catch {
          end(controller, streamFailure.cut(host));
          return;
        }
        silence?.notWaiting();
        if (ended) return;
        if (result.done) {
          ended = true;
          silence?.stop();
          enqueueSome(controller, hooks?.end(false));
          controller.close();
          return;
        }
        if (hooks === undefined) {
          controller.enqueue(result.value);
          return;
        }
        if (enqueueSome(controller, hooks.chunk(result.value))) return;
      }
    },
    cancel(reason) {
      // The client hung up: cancelling the upstream body aborts the upstream request.
      ended = true;
      silence?.stop();
      hooks?.cancel();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  adopters.set(guarded, (offered) => {
    // Only before the first read, and once: the hooks must see every chunk.
    if (pulled || ended || hooks !== undefined) return false;
    hooks = offered;
    return true;
  });
  return guarded;
}
