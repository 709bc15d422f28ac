// The unit of an experiment: who the caller is, read from the request where the policy's
// `sticky` says (first non-empty wins). The unit comes from the client: only a bounded prefix
// (and the length) is ever used, and only its digest is kept beyond the request.
import { isJsonObject, type JsonObject } from '../policy/decision.ts';
import { boundString, MAX_KEPT_CHARS } from '../observe/bound.ts';
import type { HeaderMap } from '../proxy/header-list.ts';
import { sha256Hex } from './sha256.ts';

export type UnitSource =
  | { kind: 'field'; name: string }
  | { kind: 'metadata'; key: string }
  | { kind: 'header'; name: string };

export const DEFAULT_STICKY = ['safety_identifier', 'user'] as const;
/** Characters of a unit used for hashing; a longer unit is cut here and its length appended. */
export const MAX_UNIT_CHARS = MAX_KEPT_CHARS;

/** `safety_identifier`, `metadata.KEY`, `header:NAME` (already checked by the schema) → a source. */
export function parseUnitSource(text: string): UnitSource {
  if (text.startsWith('metadata.')) return { kind: 'metadata', key: text.slice('metadata.'.length) };
  if (text.startsWith('header:')) return { kind: 'header', name: text.slice('header:'.length).toLowerCase() };
  return { kind: 'field', name: text };
}

/** A source as the policy file writes it. */
export function formatUnitSource(source: UnitSource): string {
  return source.kind === 'field' ? source.name : source.kind === 'metadata' ? `metadata.${source.key}` : `header:${source.name}`;
}

function readSource(source: UnitSource, body: JsonObject, headers: HeaderMap): unknown {
  switch (source.kind) {
    case 'field':
      return body[source.name];
    case 'metadata': {
      const { metadata } = body;
      return isJsonObject(metadata) && Object.hasOwn(metadata, source.key) ? metadata[source.key] : undefined;
    }
    case 'header':
      return headers.get(source.name) ?? undefined;
  }
}

/** The request's unit, bounded; undefined when no source holds a non-empty string. */
export function readUnit(sources: readonly UnitSource[], body: JsonObject, headers: HeaderMap): string | undefined {
  for (const source of sources) {
    const value = readSource(source, body, headers);
    if (typeof value !== 'string' || value === '') continue;
    return boundUnit(value);
  }
  return undefined;
}

/**
 * A unit as the draw uses it: a prefix and the length (src/observe/bound.ts), so a hostile unit
 * of megabytes costs one slice, not a hash over all of it.
 */
export function boundUnit(value: string): string {
  return boundString(value, MAX_UNIT_CHARS);
}

/** What the record keeps of a unit: 32 hex digits of its SHA-256, never the unit. */
export function unitDigest(unit: string): string {
  return sha256Hex(unit).slice(0, 32);
}
