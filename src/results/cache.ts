// Results of a large experiment take a while to compute (every row of it is read, and on Node
// that time is the event loop's). When one computation took longer than SLOW_MS, its answer is
// served for ten times as long (at most MAX_AGE_MS; a new policy set or new feedback is a new key), and viewers asking meanwhile share one
// computation: a page left open by many people costs one computation per period, not one each.
// Results that are quick to compute are always fresh.
export const SLOW_MS = 250;
export const MAX_AGE_MS = 60_000;

type Entry<T> = { value: T; at: number; took: number };

export class ResultsCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #inFlight = new Map<string, Promise<Entry<T>>>();
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** The value for `key` and how old it is (0: just computed). */
  async get(key: string, compute: () => Promise<T>): Promise<{ value: T; ageMs: number }> {
    const cached = this.#entries.get(key);
    const now = this.#now();
    if (cached !== undefined && cached.took >= SLOW_MS && now - cached.at < Math.min(MAX_AGE_MS, cached.took * 10)) {
      return { value: cached.value, ageMs: Math.round(now - cached.at) };
    }
    let running = this.#inFlight.get(key);
    if (running === undefined) {
      const started = this.#now();
      running = compute()
        .then((value) => {
          const entry = { value, at: this.#now(), took: this.#now() - started };
          // One entry per key: a new policy set is a new key, the old ones go.
          this.#entries.clear();
          this.#entries.set(key, entry);
          return entry;
        })
        .finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, running);
    }
    const entry = await running;
    return { value: entry.value, ageMs: Math.round(this.#now() - entry.at) };
  }
}
