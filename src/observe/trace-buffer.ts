// The last N request records, in memory, for the trace page. Bounded: old records fall out.
// Each record gets a sequence number so a page can ask only for what is new since its last look.
// On Workers every isolate has its own buffer (see docs/traces.md): OTLP is the production path.
import type { RecordSink, RequestRecord } from './record.ts';

export type BufferedRecord = RequestRecord & { seq: number };

type Entry = { seq: number; record: RequestRecord };

export class TraceBuffer {
  readonly #capacity: number;
  // A ring: adding (every request) costs one slot write; copying happens when a page reads.
  readonly #entries: (Entry | undefined)[];
  #next = 1;

  constructor(capacity = 200) {
    this.#capacity = capacity;
    this.#entries = new Array<Entry | undefined>(capacity);
  }

  readonly add: RecordSink = (record) => {
    this.#entries[this.#next % this.#capacity] = { seq: this.#next, record };
    this.#next += 1;
  };

  /** Newest first; only records after `since` when given. */
  list(since = 0): BufferedRecord[] {
    const out: BufferedRecord[] = [];
    for (let seq = this.#next - 1; seq > since && seq >= this.#next - this.#capacity; seq -= 1) {
      const entry = this.#entries[seq % this.#capacity];
      if (entry === undefined || entry.seq !== seq) break;
      out.push({ ...entry.record, seq });
    }
    return out;
  }
}
