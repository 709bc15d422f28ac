// A response body passed on chunk by chunk with a look at each chunk on the way: nothing is
// held back, nothing read ahead (highWaterMark 0: the upstream is read only as the client reads).

export type TapHooks = {
  /** Each chunk, after it has been handed on. */
  chunk(bytes: Uint8Array): void;
  /** The body ended, or broke (`error` true). */
  end(error: boolean): void;
  /** The reader (the client) went away before the end. */
  cancel(): void;
};

export function tapBody(body: ReadableStream<Uint8Array>, hooks: TapHooks): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let result;
      try {
        result = await reader.read();
      } catch (error) {
        hooks.end(true);
        controller.error(error);
        return;
      }
      if (result.done) {
        hooks.end(false);
        controller.close();
        return;
      }
      controller.enqueue(result.value);
      hooks.chunk(result.value);
    },
    async cancel(reason) {
      hooks.cancel();
      await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
