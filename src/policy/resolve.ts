// Model name → the policy that governs it: exact id, alias or persona first, then the most
// specific pattern. Model names come from clients, so pattern results sit in a bounded cache.
import { LRUCache } from 'lru-cache';
import type { Policy } from './policy-set.ts';

export type Resolution = { policy: Policy; via: 'exact' | 'alias' | 'persona' | 'pattern' };

type CompiledPattern = { policy: Policy; regex: RegExp; specificity: number };

function compilePattern(pattern: string): RegExp {
  const parts = pattern.split('*').map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'));
  return new RegExp(`^${parts.join('[\\s\\S]*')}$`);
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
    .map((policy) => ({ policy, regex: compilePattern(policy.model), specificity: policy.model.replaceAll('*', '').length }))
    .sort((a, b) => b.specificity - a.specificity);
  // lru-cache cannot hold undefined or null: "no policy" is cached as a sentinel.
  const cache = new LRUCache<string, Resolution | { none: true }>({ max: 1000 });
  const none = { none: true } as const;

  return (model) => {
    const hit = exact.get(model);
    if (hit !== undefined) return hit;
    if (compiled.length === 0) return null;
    const cached = cache.get(model);
    if (cached !== undefined) return 'none' in cached ? null : cached;
    const match = compiled.find((pattern) => pattern.regex.test(model));
    const resolution: Resolution | null = match === undefined ? null : { policy: match.policy, via: 'pattern' };
    cache.set(model, resolution ?? none);
    return resolution;
  };
}
