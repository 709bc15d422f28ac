// Model → policy resolution with 10 and with 10,000 policy files, in this process (no HTTP):
// what one lookup costs for each kind of name a client may send. The two sets are measured
// alternately, round after round, and the median round counts.
import { loadPolicies } from '../src/policy/load.ts';
import type { PolicySet } from '../src/policy/policy-set.ts';
import { BENCH_MODEL } from './scenarios.ts';
import { PATTERN_EVERY, aliasName, exactModel, patternPrefix, policySources } from './policies.ts';

export type LookupKind = { id: string; label: string; names: (set: number, round: number, size: number) => string[] };

export type ResolutionRow = { label: string; nsPerLookup: [number, number] };
export type ResolutionResult = { sizes: [number, number]; loadMs: [number, number]; rows: ResolutionRow[] };

// Names spread over the whole set, so a big set is not measured on its first few entries.
const exactIndices = new Map<number, number[]>();
const exactIndex = (size: number, i: number) => {
  let exact = exactIndices.get(size);
  if (exact === undefined) {
    exact = Array.from({ length: size - 1 }, (_, k) => k + 1).filter((k) => k % PATTERN_EVERY !== 1);
    exactIndices.set(size, exact);
  }
  return exact[(i * 7_919) % exact.length] ?? 0;
};
const patternIndex = (size: number, i: number) => {
  const patterns = Math.max(1, Math.floor((size - 1) / PATTERN_EVERY));
  return 1 + PATTERN_EVERY * ((i * 7_919) % patterns);
};
const repeat = (n: number, name: (i: number) => string) => Array.from({ length: n }, (_, i) => name(i));

const KINDS: LookupKind[] = [
  { id: 'exact-one', label: 'exact id, one model sent again and again', names: (_size, _round, n) => repeat(n, () => BENCH_MODEL) },
  { id: 'exact-spread', label: 'exact id, names spread over the whole set', names: (size, _round, n) => repeat(n, (i) => exactModel(exactIndex(size, i))) },
  { id: 'alias-spread', label: 'alias, names spread over the whole set', names: (size, _round, n) => repeat(n, (i) => aliasName(exactIndex(size, i))) },
  // A few model names of a family, sent again and again: the LRU cache answers.
  { id: 'pattern-hot', label: 'pattern, 8 names repeated (cached)', names: (size, _round, n) => repeat(n, (i) => `${patternPrefix(patternIndex(size, i % 8))}run-${i % 8}`) },
  // A new name every time: the cache misses and the patterns are searched.
  { id: 'pattern-new', label: 'pattern, a new name each time', names: (size, round, n) => repeat(n, (i) => `${patternPrefix(patternIndex(size, i))}r${round}-${i}`) },
  { id: 'none-new', label: 'no policy, a new name each time', names: (_size, round, n) => repeat(n, (i) => `gpt-4o-mini-${round}-${i}`) },
];

function build(size: number): { set: PolicySet; loadMs: number } {
  const sources = policySources(size);
  const began = performance.now();
  const loaded = loadPolicies(sources, 0);
  const loadMs = performance.now() - began;
  if (!loaded.ok) throw new Error(loaded.errors.slice(0, 3).join('\n'));
  return { set: loaded.value, loadMs };
}

function timeLookups(set: PolicySet, names: readonly string[]): number {
  let found = 0;
  const began = performance.now();
  for (const name of names) if (set.resolve(name) !== null) found += 1;
  const elapsed = performance.now() - began;
  // Keeps the loop from being optimised away, and checks the names do what they claim.
  if (found < 0) throw new Error('unreachable');
  return (elapsed * 1e6) / names.length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function measureResolution(options: { lookups: number; rounds: number; sizes?: [number, number] }): ResolutionResult {
  const sizes = options.sizes ?? [10, 10_000];
  const small = build(sizes[0]);
  const large = build(sizes[1]);
  const rows = KINDS.map((kind) => {
    const samples: [number[], number[]] = [[], []];
    for (let round = 0; round < options.rounds; round += 1) {
      // Alternate which set goes first: neither always gets the warmer cache.
      const order: (0 | 1)[] = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const which of order) {
        const { set } = which === 0 ? small : large;
        // Through JSON, as the gateway gets them: fresh strings, their hashes not yet computed.
        const names: string[] = JSON.parse(JSON.stringify(kind.names(sizes[which], round, options.lookups)));
        samples[which].push(timeLookups(set, names));
      }
    }
    const row: ResolutionRow = { label: kind.label, nsPerLookup: [median(samples[0]), median(samples[1])] };
    return row;
  });
  return { sizes, loadMs: [small.loadMs, large.loadMs], rows };
}
