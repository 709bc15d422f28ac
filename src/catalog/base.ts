// A model id → its base model and the catalog family that base belongs to (contract §7):
// `ft:BASE:ORG[:SUFFIX]:ID` → BASE; any other id is its own base; a family matches by its
// longest name that equals the base or is followed in it by `-`. Pure.
import type { Family } from './family.ts';
import { MODEL_CATALOG } from './models.ts';

export type Base = {
  /** The base model id (`o4-mini-2025-04-16`). */
  id: string;
  /** The catalog family (`o4-mini`), or undefined when the catalog does not know it. */
  family: string | undefined;
  entry: Family | undefined;
};

const FAMILIES: readonly [string, Family][] = Object.entries(MODEL_CATALOG)
  // Longest first: the first match is the longest prefix.
  .sort(([a], [b]) => b.length - a.length);

/**
 * The base model id an id (or a policy pattern) reveals: the BASE of an `ft:` id, else the id
 * itself. A pattern reveals its base only when the BASE segment has no `*`
 * (`ft:o4-mini-2025-04-16:*` does; `ft:*` and `gpt-5*` do not).
 */
export function baseIdOf(model: string): string | undefined {
  if (model.startsWith('ft:')) {
    const base = model.split(':')[1];
    return base === undefined || base === '' || base.includes('*') ? undefined : base;
  }
  return model === '' || model.includes('*') ? undefined : model;
}

export function familyOf(baseId: string): [string, Family] | undefined {
  return FAMILIES.find(([name]) => baseId === name || baseId.startsWith(`${name}-`));
}

/** The base of `model`: `stated` (a policy's `base:`) when given, else what the id reveals. */
export function resolveBase(model: string, stated?: string): Base | undefined {
  const id = stated ?? baseIdOf(model);
  if (id === undefined) return undefined;
  const found = familyOf(id);
  return { id, family: found?.[0], entry: found?.[1] };
}
