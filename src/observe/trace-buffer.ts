// The last N request records, in memory, for the trace page. Bounded: old records fall out.
// Each record gets a sequence number so a page can ask only for what is new since its last look.
// On Workers every isolate has its own buffer (see docs/traces.md): OTLP is the production path.
import type { RecordSink, RequestRecord } from './record.ts';

export type BufferedRecord = RequestRecord & { seq: number };

export class TraceBuffer {
  readonly #capacity: number;
  readonly #records: BufferedRecord[] = [];
  #next = 1;

  constructor(capacity = 200) {
    this.#capacity = capacity;
  }

  readonly add: RecordSink = (record) => {
    this.#records.push({ ...record, seq: this.#next });
    this.#next += 1;
    if (this.#records.length > this.#capacity) this.#records.splice(0, this.#records.length - this.#capacity);
  };

  /** Newest first; only records after `since` when given. */
  list(since = 0): BufferedRecord[] {
    const out: BufferedRecord[] = [];
    for (let i = this.#records.length - 1; i >= 0; i -= 1) {
      const record = this.#records[i];
      if (record === undefined || record.seq <= since) break;
      out.push(record);
    }
    return out;
  }
}
