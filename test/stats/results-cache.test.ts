import { describe, expect, it } from 'vitest';
import { ResultsCache } from '../../src/results/cache.ts';

describe('the results cache', () => {
  it('quick results are always fresh; slow ones are reused for ten times their cost, and shared while computing', async () => {
    let clock = 0;
    let computed = 0;
    const cache = new ResultsCache<number>(() => clock);
    const quick = async () => {
      computed += 1;
      clock += 5;
      return computed;
    };
    expect((await cache.get('k', quick)).value).toBe(1);
    expect((await cache.get('k', quick)).value).toBe(2);

    const slow = async () => {
      computed += 1;
      clock += 500;
      return computed;
    };
    const [a, b] = await Promise.all([cache.get('k', slow), cache.get('k', slow)]);
    expect([a.value, b.value]).toEqual([3, 3]);
    clock += 4000;
    expect(await cache.get('k', slow)).toEqual({ value: 3, ageMs: 4000 });
    clock += 1000;
    expect((await cache.get('k', slow)).value).toBe(4);
    // Another key (a new policy set, ?all=true) is computed on its own.
    expect((await cache.get('other', quick)).value).toBe(5);
  });
});
