import { describe, expect, it } from 'vitest';
import { AttributeVocabulary, OTHER } from '../../src/observe/attribute-vocabulary.ts';
import { boundString, boundValue, jsonSizeWithin, MAX_KEPT_CHARS, MAX_KEPT_JSON } from '../../src/observe/bound.ts';

describe('boundString', () => {
  it('keeps a string up to the limit as it is', () => {
    const exact = 'm'.repeat(MAX_KEPT_CHARS);
    expect(boundString('gpt-4o-mini')).toBe('gpt-4o-mini');
    expect(boundString(exact)).toBe(exact);
  });

  it('keeps the first 256 characters of a longer one and notes the full length', () => {
    const long = 'x'.repeat(12 * 1024 * 1024);
    const kept = boundString(long);
    expect(kept.startsWith('x'.repeat(MAX_KEPT_CHARS))).toBe(true);
    expect(kept.endsWith(`…[${long.length} chars]`)).toBe(true);
    expect(kept.length).toBeLessThan(MAX_KEPT_CHARS + 32);
  });

  it('never cuts a surrogate pair in half', () => {
    const long = `${'a'.repeat(MAX_KEPT_CHARS - 1)}😀${'b'.repeat(10)}`;
    const kept = boundString(long);
    expect(kept.startsWith(`${'a'.repeat(MAX_KEPT_CHARS - 1)}…`)).toBe(true);
    expect(kept).not.toContain('\ud83d…');
  });
});

describe('boundValue', () => {
  it('keeps numbers, booleans, null and small structures whole', () => {
    expect(boundValue(0)).toBe(0);
    expect(boundValue(false)).toBe(false);
    expect(boundValue(null)).toBeNull();
    expect(boundValue(undefined)).toBeUndefined();
    expect(boundValue({ '50256': -100 })).toEqual({ '50256': -100 });
    expect(boundValue(['\n', 'END'])).toEqual(['\n', 'END']);
  });

  it('cuts a long string and records a large array or object as its type and size', () => {
    expect(boundValue('7'.repeat(4_000_000))).toBe(boundString('7'.repeat(4_000_000)));
    expect(boundValue(Array.from({ length: 100_000 }, (_, i) => i))).toEqual({ omitted: 'array', size: 100_000 });
    const bias = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [String(i), 1]));
    expect(boundValue(bias)).toEqual({ omitted: 'object', size: 5_000 });
    expect(boundValue({ nested: 'y'.repeat(MAX_KEPT_JSON) })).toEqual({ omitted: 'object', size: 1 });
  });
});

describe('jsonSizeWithin', () => {
  it('measures small values and gives up on large ones without walking them whole', () => {
    expect(jsonSizeWithin({ a: [1, 'bc'] }, 100)).toBeGreaterThanOrEqual(JSON.stringify({ a: [1, 'bc'] }).length - 2);
    expect(jsonSizeWithin('z'.repeat(2000), 1000)).toBeUndefined();
    const huge = Array.from({ length: 1_000_000 }, () => ({ k: 'v' }));
    expect(jsonSizeWithin(huge, 1000)).toBeUndefined();
  });
});

describe('AttributeVocabulary', () => {
  it('admits the first values and folds the rest into OTHER', () => {
    const vocabulary = new AttributeVocabulary(3);
    expect(['a', 'b', 'c', 'd', 'a', 'e'].map((value) => vocabulary.admit(value))).toEqual(['a', 'b', 'c', OTHER, 'a', OTHER]);
  });
});
