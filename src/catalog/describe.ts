// What a policy's model inherits from its base, as data for GET /_temperance/policies.
import { resolveBase } from './base.ts';
import type { Family } from './family.ts';

export type InheritanceView = {
  /** The base model id (`o4-mini-2025-04-16`), from the id or the policy's `base:`. */
  id: string;
  stated: boolean;
  /** The catalog family, or null when the catalog does not know the base (nothing is inherited). */
  family: string | null;
  summary: string | null;
  defaultEffort: string | null;
  /** Per route: the parameters removed (and when), the ones renamed, the roles not taken. */
  inherits: Family['routes'];
  sources: string[];
};

/** Null when the model (a pattern such as `*`) reveals no base and the policy states none. */
export function describeInheritance(model: string, stated: string | undefined): InheritanceView | null {
  const base = resolveBase(model, stated);
  if (base === undefined) return null;
  const { entry } = base;
  return {
    id: base.id,
    stated: stated !== undefined,
    family: base.family ?? null,
    summary: entry?.summary ?? null,
    defaultEffort: entry?.defaultEffort ?? null,
    inherits: entry?.routes ?? {},
    sources: entry === undefined ? [] : entry.sources.map((source) => source.url),
  };
}
