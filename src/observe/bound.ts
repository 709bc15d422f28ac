// The one place client-controlled values are bounded on their way into anything that outlives
// the request: the resolution cache, the observation record (and so the trace buffer, the log
// line, span and metric attributes) and the store. A hostile client can send a 12 MiB model
// name or temperature; what the gateway keeps of it is a short prefix and the size, so such
// input cannot pile up in memory or logs (contract §2).

/** Characters of a client-sent string that are kept; the contract's model limit too. */
export const MAX_KEPT_CHARS = 256;

/** A JSON value kept whole only while its serialised size is at most this many characters. */
export const MAX_KEPT_JSON = 1024;

/** What is kept of a value too large to keep: its JSON type and its size. */
export type OmittedValue = { omitted: 'string' | 'array' | 'object'; size: number };

/**
 * A string as it may be kept: unchanged up to MAX_KEPT_CHARS, else its first MAX_KEPT_CHARS
 * characters followed by a note of the full length (so a reader sees that it was cut).
 */
export function boundString(value: string, max = MAX_KEPT_CHARS): string {
  if (value.length <= max) return value;
  // Never end on half of a surrogate pair: the rest would not be valid UTF-16 text.
  const end = isHighSurrogate(value.charCodeAt(max - 1)) ? max - 1 : max;
  return `${value.slice(0, end)}…[${value.length} chars]`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * The serialised JSON size of `value` when it is at most `budget` characters, else undefined.
 * It walks the value and stops as soon as the budget is spent, so a 12 MiB array costs no more
 * than a small one. Strings are counted by length plus quotes (escapes make the real text a
 * little longer: this is a bound for keeping, not an exact count).
 */
export function jsonSizeWithin(value: unknown, budget: number): number | undefined {
  let used = 0;
  const visit = (item: unknown): boolean => {
    if (used > budget) return false;
    if (item === null || item === undefined) used += 4;
    else if (typeof item === 'string') used += item.length + 2;
    else if (typeof item === 'number' || typeof item === 'boolean') used += String(item).length;
    else if (Array.isArray(item)) {
      used += 2;
      for (const element of item) {
        used += 1;
        if (!visit(element)) return false;
      }
    } else if (typeof item === 'object') {
      used += 2;
      for (const [key, element] of Object.entries(item)) {
        used += key.length + 4;
        if (!visit(element)) return false;
      }
    } else used += 8;
    return used <= budget;
  };
  return visit(value) ? used : undefined;
}

/** The size of a value for the record: a string's length, an array's elements, an object's keys. */
function sizeOf(value: string | readonly unknown[] | object): number {
  if (typeof value === 'string') return value.length;
  return Array.isArray(value) ? value.length : Object.keys(value).length;
}

/**
 * A value a client sent (a parameter, a decision's requested side), as the record may keep it:
 * numbers, booleans and null as they are; strings cut by boundString; arrays and objects whole
 * while small (a logit_bias map, a stop list), else only their type and size.
 */
export function boundValue(value: unknown): unknown {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return boundString(value);
  if (typeof value !== 'object') return undefined;
  if (jsonSizeWithin(value, MAX_KEPT_JSON) !== undefined) return value;
  const omitted: OmittedValue = { omitted: Array.isArray(value) ? 'array' : 'object', size: sizeOf(value) };
  return omitted;
}

/** An optional client string, bounded (undefined stays undefined). */
export function boundOptional(value: string | undefined): string | undefined {
  return value === undefined ? undefined : boundString(value);
}
