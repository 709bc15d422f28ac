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

export function guardEventStream(body: ReadableStream<Uint8Array>, idleMs: number, host: string): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // When the pending read began: silence counts only while we wait on the upstream, not while a
  // slow client has not asked for more.
  let waitingSince: number | undefined;
  let ended = false;

  const end = (controller: ReadableStreamDefaultController<Uint8Array>, failure: GatewayError) => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    controller.enqueue(errorEvent(failure));
    controller.close();
    // Frees the upstream connection: a stalled upstream would otherwise keep generating.
    reader.cancel(failure.message).catch(() => {});
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      // One timer for the whole stream, moved on by the reads' times: no timer per chunk.
      const check = () => {
        const silent = waitingSince === undefined ? 0 : Date.now() - waitingSince;
        if (silent < idleMs) {
          timer = setTimeout(check, idleMs - silent);
          return;
        }
        end(controller, gatewayError('upstream_idle_timeout', `The upstream (${host}) sent nothing for ${idleMs} ms; the stream was ended.`));
      };
      timer = setTimeout(check, idleMs);
    },
    async pull(controller) {
      let result;
      waitingSince = Date.now();
      try {
        result = await reader.read();
      } catch {
        end(controller, gatewayError('upstream_stream_cut', `The upstream (${host}) stream broke off before it was complete.`));
        return;
      }
      waitingSince = undefined;
      if (ended) return;
      if (result.done) {
        ended = true;
        clearTimeout(timer);
        controller.close();
        return;
      }
      controller.enqueue(result.value);
    },
    cancel(reason) {
      // The client hung up: cancelling the upstream body aborts the upstream request.
      ended = true;
      clearTimeout(timer);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
