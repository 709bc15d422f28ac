// Request ids the gateway makes: UUIDv7 (RFC 9562 §5.7), time-ordered, so the store's outcomes
// index (request_id is its primary key) takes each new id at its right edge. Random v4 ids dirtied
// one index page per row: SQLite spent 2.3x the CPU per outcome at 30,000 rows, more as the table
// grew (docs/benchmarks.md, "Under an experiment").
//
// Built from crypto.randomUUID(), which draws from a pooled entropy buffer on Node and exists on
// Workers: the `uuid` package's v7 asks getRandomValues for 16 bytes per id, one syscall each
// (2.6% of a small request's CPU in the gateway's profile). v4's random bits stay where v7 keeps
// random bits (rand_a, the variant, rand_b); only the first 48 bits become the time and the
// version nibble 7. Ids made within one millisecond are not ordered among themselves, which
// RFC 9562 allows (§6.2's counters are optional) and the index does not need.

/** `tttttttt-tttt-7rrr-vrrr-rrrrrrrrrrrr`: 48 bits of Unix milliseconds, then 74 random bits. */
export function timeOrderedId(now = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  const random = crypto.randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
