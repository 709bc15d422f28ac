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
const spread = (size: number, i: number) => 1 + ((i * 7_919) % Math.max(1, size - 1));
const patternIndex = (size: number, i: number) => {
  const patterns = Math.max(1, Math.floor((size - 1) / PATTERN_EVERY));
  return 1 + PATTERN_EVERY * (i % patterns);
};

const KINDS: LookupKind[] = [
  { id: 'exact', label: 'exact model id', names: (size, _round, n) => Array.from({ length: n }, (_, i) => (size > 2 && spread(size, i) % PATTERN_EVERY !== 1 ? exactModel(spread(size, i)) : BENCH_MODEL)) },
  { id: 'alias', label: 'alias', names: (size, _round, n) => Array.from({ length: n }, (_, i) => (size > 2 && spread(size, i) % PATTERN_EVERY !== 1 ? aliasName(spread(size, i)) : 'bench-bot')) },
  // A few model names of a family, sent again and again: the LRU cache answers.
  { id: 'pattern-hot', label: 'pattern, repeated names (cached)', names: (size, _round, n) => Array.from({ length: n }, (_, i) => `${patternPrefix(patternIndex(size, i % 8))}run-${i % 8}`) },
  // A new name every time: the cache misses and the patterns are searched.
  { id: 'pattern-new', label: 'pattern, a new name each time', names: (size, round, n) => Array.from({ length: n }, (_, i) => `${patternPrefix(patternIndex(size, i))}r${round}-${i}`) },
  { id: 'none-new', label: 'no policy, a new name each time', names: (_size, round, n) => Array.from({ length: n }, (_, i) => `gpt-4o-mini-${round}-${i}`) },
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
        samples[which].push(timeLookups(set, kind.names(sizes[which], round, options.lookups)));
      }
    }
    const row: ResolutionRow = { label: kind.label, nsPerLookup: [median(samples[0]), median(samples[1])] };
    return row;
  });
  return { sizes, loadMs: [small.loadMs, large.loadMs], rows };
}
