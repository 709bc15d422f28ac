// A streamed answer must end in a way the client can tell apart from a complete one. OpenAI's
// SDKs end a chat stream silently when the connection closes, so a cut or stalled upstream
// would look like a short answer. This stage passes chunks on as they come and, when the
// upstream fails or goes silent, ends the stream with an SSE error event (the SDK raises it
// as APIError) instead.
import { errorBody, gatewayError, type GatewayError } from '../errors.ts';

const encoder = new TextEncoder();

function errorEvent(error: GatewayError): Uint8Array {
  // The blank line first ends any event the upstream left half-written.
  return encoder.encode(`\n\ndata: ${JSON.stringify(errorBody(error))}\n\n`);
}

class IdleTimeout extends Error {}

export function guardEventStream(body: ReadableStream<Uint8Array>, idleMs: number, host: string): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const readWithin = () => new Promise<Awaited<ReturnType<typeof reader.read>>>((resolve, reject) => {
    timer = setTimeout(() => reject(new IdleTimeout()), idleMs);
    reader.read().then(resolve, reject).finally(() => clearTimeout(timer));
  });

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await readWithin();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        const idle = error instanceof IdleTimeout;
        const failure = idle
          ? gatewayError('upstream_idle_timeout', `The upstream (${host}) sent nothing for ${idleMs} ms; the stream was ended.`)
          : gatewayError('upstream_stream_cut', `The upstream (${host}) stream broke off before it was complete.`);
        controller.enqueue(errorEvent(failure));
        controller.close();
        // Frees the upstream connection: a stalled upstream would otherwise keep generating.
        reader.cancel(failure.message).catch(() => {});
      }
    },
    cancel(reason) {
      // The client hung up: cancelling the upstream body aborts the upstream request.
      clearTimeout(timer);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
