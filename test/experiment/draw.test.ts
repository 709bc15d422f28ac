// The draw: proportions honour the weights, a unit's arm never changes (golden values), weight 0
// is never drawn, and the digests are SHA-256.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { armAt, drawForUnit } from '../../src/experiment/draw.ts';
import { fnv1a32, unitPoint } from '../../src/experiment/hash.ts';
import { sha256Hex } from '../../src/experiment/sha256.ts';

const ARMS = [{ name: 'control', weight: 50 }, { name: 'cool', weight: 30 }, { name: 'warm', weight: 20 }];

function shares(arms: readonly { name: string; weight: number }[], units: number, experiment = 'support-temperature'): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(arms.map((arm) => [arm.name, 0]));
  for (let i = 0; i < units; i += 1) {
    const { name } = drawForUnit(experiment, `user-${i}`, arms);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, count / units]));
}

describe('the hash', () => {
  it('is FNV-1a 32-bit (the published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('gives the values of GrowthBook\'s SDK test cases (packages/sdk-js/test/cases.json and cases/fnv.json)', () => {
    // "creates experiments properly": seed "feature", hashVersion 2, anonId "123" → bucket 0.5231.
    expect(unitPoint('feature', '123')).toBe(0.5231);
    // cases/fnv.json: version-1 buckets (fnv1a32(value) % 1000), the same FNV underneath.
    expect(fnv1a32('a') % 1000).toBe(220);
    expect(fnv1a32('8952klfjas09ujkasdf') % 1000).toBe(549);
  });
});

describe('the draw', () => {
  it('honours the weights within 2 percentage points over 10,000 units', () => {
    const measured = shares(ARMS, 10_000);
    expect(Math.abs((measured.control ?? 0) - 0.5)).toBeLessThan(0.02);
    expect(Math.abs((measured.cool ?? 0) - 0.3)).toBeLessThan(0.02);
    expect(Math.abs((measured.warm ?? 0) - 0.2)).toBeLessThan(0.02);
  });

  it('honours a 50/50 split for another experiment name too', () => {
    const measured = shares([{ name: 'control', weight: 1 }, { name: 'cool', weight: 1 }], 10_000, 'other');
    expect(Math.abs((measured.control ?? 0) - 0.5)).toBeLessThan(0.02);
  });

  it('never draws an arm of weight 0, by unit or at random', () => {
    const arms = [{ name: 'control', weight: 1 }, { name: 'never', weight: 0 }, { name: 'cool', weight: 1 }, { name: 'last', weight: 0 }];
    expect(shares(arms, 10_000).never).toBe(0);
    expect(shares(arms, 10_000).last).toBe(0);
    for (const point of [0, 0.25, 0.4999, 0.5, 0.75, 0.99999999, 1 - Number.EPSILON]) {
      expect(['control', 'cool']).toContain(armAt(arms, point).name);
    }
  });

  it('for any unit and any weights, draws an arm of weight above 0, the same one every time', () => {
    const weights = fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1000, noNaN: true })), { minLength: 1, maxLength: 10 })
      .filter((list) => list.some((weight) => weight > 0));
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 40 }), weights, (unit, name, list) => {
      const arms = list.map((weight, i) => ({ name: `a${i}`, weight }));
      const arm = drawForUnit(name, unit, arms);
      expect(arm.weight).toBeGreaterThan(0);
      expect(drawForUnit(name, unit, arms)).toBe(arm);
    }));
  });

  it('draws by the point: slices are cumulative weights in file order', () => {
    expect(armAt(ARMS, 0).name).toBe('control');
    expect(armAt(ARMS, 0.4999).name).toBe('control');
    expect(armAt(ARMS, 0.5).name).toBe('cool');
    expect(armAt(ARMS, 0.7999).name).toBe('cool');
    expect(armAt(ARMS, 0.8).name).toBe('warm');
    expect(armAt(ARMS, 0.9999).name).toBe('warm');
  });

  it('gives a unit the same arm every time: golden values (a change of hash moves users and must be caught)', () => {
    const arms = [{ name: 'control', weight: 50 }, { name: 'cool', weight: 50 }];
    const golden = Object.fromEntries(['alice', 'bob', 'carol', 'dave', 'erin', 'user-1', 'user-2', 'user-42', 'sid-0001', '👩‍💻'].map((unit) => [unit, drawForUnit('support-temperature', unit, arms).name]));
    expect(golden).toEqual(GOLDEN);
    expect(unitPoint('support-temperature', 'alice')).toBe(GOLDEN_POINT_ALICE);
  });
});

describe('sha256Hex', () => {
  it('matches Web Crypto for empty, ASCII, multi-byte and multi-block input', async () => {
    for (const text of ['', 'abc', 'é漢字🙂', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), 'y'.repeat(1000)]) {
      const expected = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))).toString('hex');
      expect(sha256Hex(text)).toBe(expected);
    }
  });
});

// Pinned: if these move, every running experiment reshuffles its users.
const GOLDEN: Record<string, string> = {
  alice: 'control', bob: 'cool', carol: 'cool', dave: 'control', erin: 'control',
  'user-1': 'control', 'user-2': 'control', 'user-42': 'cool', 'sid-0001': 'control', '👩‍💻': 'cool',
};
const GOLDEN_POINT_ALICE = 0.2494;
