// The statistics by simulation, with fixed seeds (deterministic): A/A experiments looked at
// after every batch of 20 observations per arm up to 2,000 must say better/worse in at most
// 5% of runs; real differences must be found, in the goal's direction.
import { describe, expect, it } from 'vitest';
import { seededRandom as generator } from '../support/seeded-random.ts';
import {
  compareMeans, compareMedians, halfWidth, meanInterval, medianInterval, moments, observe, sortedCopy, verdictOf,
  type Comparison, type Goal,
} from '../../src/stats/sequential.ts';

/** mulberry32: a small seeded generator, enough for simulations. */

function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

type Draw = (random: () => number) => number;
const bernoulli = (p: number): Draw => (random) => (random() < p ? 1 : 0);
const gaussian = (mean: number, sd: number): Draw => (random) => mean + sd * normal(random);
const exponential = (mean: number): Draw => (random) => -mean * Math.log(1 - random());

const BATCH = 20;
const PER_ARM = 2000;

/** One simulated experiment of means, looked at after every batch; the first verdict that is not "no difference yet". */
function runMeans(random: () => number, control: Draw, arm: Draw, goal: Goal, boolean: boolean): Comparison['verdict'] {
  const a = moments();
  const b = moments();
  for (let n = 0; n < PER_ARM; n += BATCH) {
    for (let i = 0; i < BATCH; i += 1) {
      observe(a, control(random));
      observe(b, arm(random));
    }
    const { verdict } = compareMeans(a, b, goal, boolean);
    if (verdict !== 'no difference yet') return verdict;
  }
  return 'no difference yet';
}

function verdicts(runs: number, seed: number, run: (random: () => number) => Comparison['verdict']) {
  const random = generator(seed);
  const counts = { better: 0, worse: 0, 'no difference yet': 0 };
  for (let i = 0; i < runs; i += 1) counts[run(random)] += 1;
  return counts;
}

describe('A/A: looking after every 20 observations per arm up to 2,000 rarely cries wolf', () => {
  const cases: [string, Draw, boolean, Goal][] = [
    ['a boolean metric at 30% (goal max)', bernoulli(0.3), true, 'max'],
    ['a rare boolean (an error rate at 2%, goal min)', bernoulli(0.02), true, 'min'],
    ['a number metric, normal (goal min)', gaussian(40, 12), false, 'min'],
    ['a skewed number metric, exponential (goal max)', exponential(90), false, 'max'],
  ];
  for (const [name, draw, boolean, goal] of cases) {
    it(name, () => {
      const counts = verdicts(1000, 12345, (random) => runMeans(random, draw, draw, goal, boolean));
      const falseRate = (counts.better + counts.worse) / 1000;
      // Printed for the docs: the measured false-positive rate.
      console.log(`A/A ${name}: false better/worse in ${(falseRate * 100).toFixed(1)}% of 1,000 runs`);
      expect(falseRate).toBeLessThanOrEqual(0.05);
    });
  }

  it('medians (latency, p50, log-normal) looked at every 20 per arm up to 2,000, 1,000 runs', () => {
    const draw: Draw = (random) => Math.exp(6 + 0.5 * normal(random));
    const counts = verdicts(1000, 777, (random) => {
      const a = new Float64Array(PER_ARM);
      const b = new Float64Array(PER_ARM);
      for (let n = 0; n < PER_ARM; n += BATCH) {
        for (let i = n; i < n + BATCH; i += 1) {
          a[i] = draw(random);
          b[i] = draw(random);
        }
        const { verdict } = compareMedians(a.subarray(0, n + BATCH), b.subarray(0, n + BATCH), 'min');
        if (verdict !== 'no difference yet') return verdict;
      }
      return 'no difference yet';
    });
    const falseRate = (counts.better + counts.worse) / 1000;
    console.log(`A/A medians: false better/worse in ${(falseRate * 100).toFixed(1)}% of 1,000 runs`);
    expect(falseRate).toBeLessThanOrEqual(0.05);
  });

  it('a fixed-horizon 95% interval looked at as often is not safe (why the page needs this method)', () => {
    const random = generator(99);
    let fooled = 0;
    for (let run = 0; run < 300; run += 1) {
      const a = moments();
      const b = moments();
      for (let n = 0; n < PER_ARM; n += BATCH) {
        for (let i = 0; i < BATCH; i += 1) {
          observe(a, random() < 0.3 ? 1 : 0);
          observe(b, random() < 0.3 ? 1 : 0);
        }
        const pa = a.sum / a.n;
        const pb = b.sum / b.n;
        const se = Math.sqrt((pa * (1 - pa)) / a.n + (pb * (1 - pb)) / b.n);
        if (Math.abs(pb - pa) > 1.96 * se) {
          fooled += 1;
          break;
        }
      }
    }
    console.log(`A/A with a fixed-horizon 95% interval looked at as often: a false difference in ${((fooled / 300) * 100).toFixed(1)}% of 300 runs`);
    expect(fooled / 300).toBeGreaterThan(0.15);
  });
});

describe('real differences are found, in the goal\'s direction', () => {
  it('a boolean metric 30% → 37%: better when the goal is max, worse when it is min', () => {
    const max = verdicts(100, 2024, (random) => runMeans(random, bernoulli(0.3), bernoulli(0.37), 'max', true));
    const min = verdicts(100, 2024, (random) => runMeans(random, bernoulli(0.3), bernoulli(0.37), 'min', true));
    expect(max.better).toBeGreaterThanOrEqual(90);
    expect(max.worse).toBe(0);
    expect(min.worse).toBeGreaterThanOrEqual(90);
    expect(min.better).toBe(0);
  });

  it('a number metric 40 → 37 (sd 12) with goal min: better', () => {
    const counts = verdicts(100, 7, (random) => runMeans(random, gaussian(40, 12), gaussian(37, 12), 'min', false));
    expect(counts.better).toBeGreaterThanOrEqual(90);
    expect(counts.worse).toBe(0);
  });

  it('a median latency 20% higher is worse (goal min)', () => {
    const random = generator(5);
    const a = sortedCopy(Array.from({ length: 1500 }, () => Math.exp(6 + 0.5 * normal(random))));
    const b = sortedCopy(Array.from({ length: 1500 }, () => 1.2 * Math.exp(6 + 0.5 * normal(random))));
    const result = compareMedians(a, b, 'min');
    expect(result.verdict).toBe('worse');
    expect(result.low).toBeGreaterThan(0);
    expect(result.difference).toBeGreaterThan(40);
  });
});

describe('the pieces', () => {
  it('the interval narrows as data arrives and contains the estimate', () => {
    const random = generator(1);
    const m = moments();
    const widths: number[] = [];
    for (let i = 0; i < 4000; i += 1) {
      observe(m, random() < 0.5 ? 1 : 0);
      if ((i + 1) % 1000 === 0) {
        const interval = meanInterval(m, true);
        if (interval === null) throw new Error('no interval');
        expect(interval.low).toBeLessThan(interval.estimate);
        expect(interval.high).toBeGreaterThan(interval.estimate);
        widths.push(interval.high - interval.low);
      }
    }
    expect(widths).toEqual([...widths].sort((x, y) => y - x));
    const median = medianInterval(sortedCopy([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    expect(median?.estimate).toBe(6);
  });

  it('no data, or fewer than 10 a side: no interval and no verdict', () => {
    expect(compareMeans(moments(), moments(), 'max', true)).toEqual({ difference: null, low: null, high: null, verdict: 'no difference yet' });
    const a = moments();
    const b = moments();
    for (let i = 0; i < 5; i += 1) {
      observe(a, 0);
      observe(b, 1);
    }
    expect(compareMeans(a, b, 'max', true)).toEqual({ difference: 1, low: null, high: null, verdict: 'no difference yet' });
  });

  it('verdicts follow the goal', () => {
    expect(verdictOf(0.01, 0.1, 'max')).toBe('better');
    expect(verdictOf(0.01, 0.1, 'min')).toBe('worse');
    expect(verdictOf(-0.1, -0.01, 'min')).toBe('better');
    expect(verdictOf(-0.1, 0.01, 'min')).toBe('no difference yet');
    expect(halfWidth(0, 1)).toBe(0);
  });
});
