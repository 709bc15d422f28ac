// How long a streamed answer's upstream has been silent, for UPSTREAM_IDLE_TIMEOUT_MS: both
// stream guards use it (src/proxy/event-stream-guard.ts on Web streams, src/node/native-answer.ts
// on the Node-native path). Silence counts only while the gateway waits on the upstream, not
// while a slow client has not asked for more. One timer for the whole stream, moved on by the
// chunks' times: no timer per chunk.
export class SilenceWatch {
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Since when the gateway has been waiting on the upstream; undefined while it is not. */
  #since: number | undefined;

  constructor(idleMs: number, onSilence: () => void) {
    const check = () => {
      const silent = this.#since === undefined ? 0 : Date.now() - this.#since;
      if (silent < idleMs) {
        this.#timer = setTimeout(check, idleMs - silent);
        return;
      }
      onSilence();
    };
    this.#timer = setTimeout(check, idleMs);
  }

  /** The gateway waits on the upstream from now. */
  waiting(): void {
    this.#since = Date.now();
  }

  /** The gateway is not waiting on the upstream (a chunk is being handled, or the client is full). */
  notWaiting(): void {
    this.#since = undefined;
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
