// The deadline for an upstream's response headers (UPSTREAM_TIMEOUT_MS), as both upstream calls
// keep it (src/proxy/forward.ts, src/node/native-upstream.ts): it starts once the body has been
// sent and stops at the answer. An upstream may answer before it has read the whole body: a
// start after the stop does nothing, so there is nothing left to time.
export class HeadersDeadline {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  #expired = false;
  readonly #ms: number;
  readonly #onExpiry: () => void;

  constructor(ms: number, onExpiry: () => void) {
    this.#ms = ms;
    this.#onExpiry = onExpiry;
  }

  /** Whether it ran out (the attempt then failed for that reason, whatever error it saw). */
  get expired(): boolean {
    return this.#expired;
  }

  readonly start = (): void => {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#expired = true;
      this.#onExpiry();
    }, this.#ms);
  };

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
