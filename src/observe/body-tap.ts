// A response body passed on chunk by chunk with a look at each chunk on the way: nothing read
// ahead (highWaterMark 0: the upstream is read only as the client reads). A hook may pass on
// other bytes than it got (the gateway hiding the usage chunk it asked for): one stage for
// looking and rewriting, not a stream per job — and on a guarded event stream not even a stage of
// its own (see adoptHooks in src/proxy/event-stream-guard.ts).

import { adoptHooks } from '../proxy/event-stream-guard.ts';

export type TapHooks = {
  /** Each chunk; returns the bytes to pass on now (the same chunk to pass it unchanged, undefined for none yet). */
  chunk(bytes: Uint8Array): Uint8Array | undefined;
  /** The body ended, or broke (`error` true); returns bytes still to pass on before the end. */
  end(error: boolean): Uint8Array | undefined;
  /** The reader (the client) went away before the end. */
  cancel(): void;
};

export function tapBody(body: ReadableStream<Uint8Array>, hooks: TapHooks): ReadableStream<Uint8Array> {
  // A guarded event stream (the gateway's streamed answers) runs the hooks in its own stage.
  if (adoptHooks(body, hooks)) return body;
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Until something is passed on: a chunk the hook holds back must not stall the reader.
      for (;;) {
        let result;
        try {
          result = await reader.read();
        } catch (error) {
          hooks.end(true);
          controller.error(error);
          return;
        }
        if (result.done) {
          const last = hooks.end(false);
          if (last !== undefined && last.byteLength > 0) controller.enqueue(last);
          controller.close();
          return;
        }
        const out = hooks.chunk(result.value);
        if (out !== undefined && out.byteLength > 0) {
          controller.enqueue(out);
          return;
        }
      }
    },
    async cancel(reason) {
      hooks.cancel();
      await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
