// The write-behind queue between finished requests and the store, modelled on OpenTelemetry's
// batch span processor: a bounded queue, batches of at most `maxBatch`, one write in flight, a
// counter of what was dropped, and a flush on shutdown. Adding never waits and never throws:
// a store that is down, locked or slow costs records (dropped and counted), never requests.
export type DropReason = 'queue_full' | 'write_failed';

export type WriteBehindStats = {
  queued: number;
  written: number;
  dropped: number;
  /** The last failed write: when, and what kind of error (a name or code, never a message that could quote data). */
  lastError?: { at: string; error: string };
};

export type WriteBehindOptions = {
  maxQueue?: number;
  maxBatch?: number;
  /** Called for records lost, with why (the entries count it in a metric and log it). */
  onDrop?: (count: number, reason: DropReason, error?: string) => void;
};

/** A name or code that says what kind of failure it was; never the error's message. */
export function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  const parts = [error.name];
  if ('code' in error && (typeof error.code === 'string' || typeof error.code === 'number')) parts.push(String(error.code));
  // node:sqlite's errstr is SQLite's fixed text for the code ("database is locked").
  if ('errstr' in error && typeof error.errstr === 'string') parts.push(error.errstr);
  return parts.join(' ').slice(0, 200);
}

export class WriteBehind<Row> {
  readonly #write: (rows: Row[]) => Promise<void>;
  readonly #maxQueue: number;
  readonly #maxBatch: number;
  readonly #onDrop: WriteBehindOptions['onDrop'];
  #queue: Row[] = [];
  #inFlight: Promise<void> | undefined;
  #written = 0;
  #dropped = 0;
  #lastError: WriteBehindStats['lastError'];
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(write: (rows: Row[]) => Promise<void>, options: WriteBehindOptions = {}) {
    this.#write = write;
    this.#maxQueue = options.maxQueue ?? 4096;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#onDrop = options.onDrop;
  }

  add(row: Row): void {
    if (this.#queue.length >= this.#maxQueue) {
      this.#drop(1, 'queue_full');
      return;
    }
    this.#queue.push(row);
    // A full batch goes now rather than waiting for the timer.
    if (this.#queue.length >= this.#maxBatch && this.#inFlight === undefined) void this.flush();
  }

  /** Writes everything queued so far, batch by batch; resolves when done (never rejects). */
  flush(): Promise<void> {
    this.#inFlight ??= this.#drain().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Flushes every `intervalMs` (Node); the timer never keeps the process alive. */
  every(intervalMs: number): void {
    this.#timer ??= setInterval(() => void this.flush(), intervalMs);
    this.#timer.unref?.();
  }

  async shutdown(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
    // Rows added while the last flush ran.
    if (this.#queue.length > 0) await this.flush();
  }

  stats(): WriteBehindStats {
    return { queued: this.#queue.length, written: this.#written, dropped: this.#dropped, ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }) };
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      try {
        await this.#write(batch);
        this.#written += batch.length;
        // A synchronous store (node:sqlite) writes on the event loop: between batches, let
        // waiting requests run.
        if (this.#queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 0));
      } catch (error) {
        const kind = errorKind(error);
        this.#lastError = { at: new Date().toISOString(), error: kind };
        this.#drop(batch.length, 'write_failed', kind);
        // One failure per flush: the next flush tries again with what came in since.
        return;
      }
    }
  }

  #drop(count: number, reason: DropReason, error?: string): void {
    this.#dropped += count;
    this.#onDrop?.(count, reason, error);
  }
}
