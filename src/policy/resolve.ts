// Model name → the policy that governs it: exact id, alias or persona first, then the most
// specific pattern. Model names come from clients, so pattern results sit in a bounded cache.
import { LRUCache } from 'lru-cache';
import { MAX_KEPT_CHARS } from '../observe/bound.ts';
import type { Policy } from './policy-set.ts';

/** Entries and characters of model names the pattern cache holds: bounded by both. */
const CACHE_ENTRIES = 1000;
const CACHE_CHARS = CACHE_ENTRIES * 128;

export type Resolution = { policy: Policy; via: 'exact' | 'alias' | 'persona' | 'pattern' };

type CompiledPattern = { policy: Policy; regex: RegExp; specificity: number; rank: number };

function compilePattern(pattern: string): RegExp {
  const parts = pattern.split('*').map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'));
  return new RegExp(`^${parts.join('[\\s\\S]*')}$`);
}

/**
 * Patterns indexed by their literal prefix (the text before the first `*`): a name is tested
 * only against patterns whose prefix it starts with, one map lookup per distinct prefix length,
 * so 10,000 policy files cost about what 10 do. Patterns that start with `*` are always tested.
 */
type PatternIndex = { byPrefix: Map<string, CompiledPattern[]>; prefixLengths: number[]; unprefixed: CompiledPattern[] };

function indexPatterns(compiled: readonly CompiledPattern[]): PatternIndex {
  const byPrefix = new Map<string, CompiledPattern[]>();
  const unprefixed: CompiledPattern[] = [];
  for (const pattern of compiled) {
    const prefix = pattern.policy.model.slice(0, pattern.policy.model.indexOf('*'));
    if (prefix === '') {
      unprefixed.push(pattern);
      continue;
    }
    const group = byPrefix.get(prefix);
    if (group === undefined) byPrefix.set(prefix, [pattern]);
    else group.push(pattern);
  }
  const prefixLengths = [...new Set([...byPrefix.keys()].map((prefix) => prefix.length))].sort((a, b) => a - b);
  return { byPrefix, prefixLengths, unprefixed };
}

/** The first of `group` (in rank order) matching `model` that beats `best`, else `best`. */
function betterIn(group: readonly CompiledPattern[], model: string, best: CompiledPattern | undefined): CompiledPattern | undefined {
  for (const pattern of group) {
    if (best !== undefined && pattern.rank > best.rank) return best;
    if (pattern.regex.test(model)) return pattern;
  }
  return best;
}

/** The best pattern matching `model`: the lowest rank (most specific, then file name order). */
function bestMatch(index: PatternIndex, model: string): CompiledPattern | undefined {
  let best = betterIn(index.unprefixed, model, undefined);
  for (const length of index.prefixLengths) {
    if (length > model.length) break;
    const group = index.byPrefix.get(model.slice(0, length));
    if (group !== undefined) best = betterIn(group, model, best);
  }
  return best;
}

/**
 * `patterns` arrive in file name order; a stable sort by specificity (non-`*` characters)
 * keeps that order for ties.
 */
export function createResolver(
  exact: ReadonlyMap<string, Resolution>,
  patterns: readonly Policy[],
): (model: string) => Resolution | null {
  const compiled: CompiledPattern[] = patterns
    .map((policy) => ({ policy, regex: compilePattern(policy.model), specificity: policy.model.replaceAll('*', '').length, rank: 0 }))
    .sort((a, b) => b.specificity - a.specificity)
    .map((pattern, rank) => ({ ...pattern, rank }));
  const index = indexPatterns(compiled);
  // lru-cache cannot hold undefined or null: "no policy" is cached as a sentinel. Keys are
  // client-sent names: the cache is bounded by their total length as well as their number.
  const cache = new LRUCache<string, Resolution | { none: true }>({ max: CACHE_ENTRIES, maxSize: CACHE_CHARS, sizeCalculation: (_value, key) => key.length + 1 });
  const none = { none: true } as const;

  return (model) => {
    const hit = exact.get(model);
    if (hit !== undefined) return hit;
    if (compiled.length === 0) return null;
    const cached = cache.get(model);
    if (cached !== undefined) return 'none' in cached ? null : cached;
    const match = bestMatch(index, model);
    const resolution: Resolution | null = match === undefined ? null : { policy: match.policy, via: 'pattern' };
    // A name longer than the gateway keeps of any client string is answered, never remembered.
    if (model.length <= MAX_KEPT_CHARS) cache.set(model, resolution ?? none);
    return resolution;
  };
}
