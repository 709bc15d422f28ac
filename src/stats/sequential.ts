// Anytime-valid comparisons of an arm against the control: pure arithmetic, no I/O.
//
// The method: the normal-mixture (mSPRT) confidence sequence — the interval of the mixture
// sequential probability ratio test of Johari, Pekelis and Walsh ("Always Valid Inference:
// Continuous Monitoring of A/B Tests", Operations Research 70(3), 2022; arXiv:1512.04922),
// which is Robbins' normal-mixture boundary (Howard, Ramdas, McAuliffe, Sekhon, "Time-uniform,
// nonparametric, nonasymptotic confidence sequences", Annals of Statistics 49(2), 2021, §3)
// applied to an estimate with variance V:
//
//     estimate ± sqrt( V (V + τ²) / τ² · ( ln((V + τ²) / V) − 2 ln α ) )
//
// For a Gaussian estimate this holds at every sample size at once: the chance that it ever
// excludes the truth, however often it is looked at, is at most α. With the variance estimated
// from the data (a plug-in, as Waudby-Smith, Arnold, Wu, Ramdas et al. justify in "Time-uniform
// central limit theory and asymptotic confidence sequences", Annals of Statistics 2024) the
// guarantee is asymptotic; the simulations in test/stats/ check it at the sizes the page sees.
// τ² (the mixture's spread) only decides at which sample size the interval is tightest: here
// around TUNED_FOR observations per arm.
export type Goal = 'max' | 'min';
export type Verdict = 'better' | 'worse' | 'no difference yet';

export type Interval = { estimate: number; low: number; high: number };
export type Comparison = { difference: number | null; low: number | null; high: number | null; verdict: Verdict };

export const ALPHA = 0.05;
const TUNED_FOR = 500;
// Howard et al.'s choice of ρ² that makes the boundary tightest at TUNED_FOR observations.
const RHO2 = (-2 * Math.log(ALPHA) + Math.log(-2 * Math.log(ALPHA) + 1)) / TUNED_FOR;
/** Fewer observations than this on a side: no interval yet (the plug-in variance means nothing). */
export const MIN_N = 10;

/** Running sums of one metric on one arm: adding an observation is O(1). */
export type Moments = { n: number; sum: number; sumSquares: number };

export function moments(): Moments {
  return { n: 0, sum: 0, sumSquares: 0 };
}

export function observe(m: Moments, value: number): void {
  m.n += 1;
  m.sum += value;
  m.sumSquares += value * value;
}

export function meanOf(m: Moments): number | null {
  return m.n === 0 ? null : m.sum / m.n;
}

/**
 * The variance of one observation. Booleans (0/1) use a rate pulled towards ½ by one success
 * and one failure (as Agresti and Coull's interval does), so an arm with no errors yet does
 * not claim zero variance.
 */
function varianceOf(m: Moments, boolean: boolean): number {
  if (boolean) {
    const p = (m.sum + 1) / (m.n + 2);
    return p * (1 - p);
  }
  if (m.n < 2) return 0;
  const mean = m.sum / m.n;
  return Math.max(0, (m.sumSquares - m.n * mean * mean) / (m.n - 1));
}

/** The half-width of the mixture boundary for an estimate of variance `v`, with spread τ². */
export function halfWidth(v: number, tau2: number, alpha = ALPHA): number {
  if (v <= 0 || tau2 <= 0) return 0;
  return Math.sqrt(((v * (v + tau2)) / tau2) * (Math.log((v + tau2) / v) - 2 * Math.log(alpha)));
}

export function verdictOf(low: number, high: number, goal: Goal): Verdict {
  if (low > 0) return goal === 'max' ? 'better' : 'worse';
  if (high < 0) return goal === 'max' ? 'worse' : 'better';
  return 'no difference yet';
}

function comparison(difference: number, v: number, sigma2: number, goal: Goal): Comparison {
  const width = halfWidth(v, RHO2 * sigma2);
  // No spread at all on either side (every value equal): the observed difference is exact.
  const low = difference - width;
  const high = difference + width;
  return { difference, low, high, verdict: verdictOf(low, high, goal) };
}

const NOT_YET: Comparison = { difference: null, low: null, high: null, verdict: 'no difference yet' };

/** An arm's mean against the control's: the difference arm − control and its interval. */
export function compareMeans(control: Moments, arm: Moments, goal: Goal, boolean: boolean): Comparison {
  const a = meanOf(control);
  const b = meanOf(arm);
  if (a === null || b === null) return NOT_YET;
  if (control.n < MIN_N || arm.n < MIN_N) return { ...NOT_YET, difference: b - a };
  const va = varianceOf(control, boolean);
  const vb = varianceOf(arm, boolean);
  return comparison(b - a, va / control.n + vb / arm.n, va + vb, goal);
}

/** One arm's mean with its anytime-valid interval. */
export function meanInterval(m: Moments, boolean: boolean): Interval | null {
  const mean = meanOf(m);
  if (mean === null) return null;
  if (m.n < MIN_N) return { estimate: mean, low: mean, high: mean };
  const v = varianceOf(m, boolean);
  const width = halfWidth(v / m.n, RHO2 * v);
  return { estimate: mean, low: mean - width, high: mean + width };
}

// z for a two-sided 95% interval: McKean and Schrader's order statistics.
const Z = 1.959963984540054;

/** a[i], as a number (typed arrays hold numbers; the index is always in range here). */
function at(a: Float64Array, i: number): number {
  return a[i] ?? Number.NaN;
}

/**
 * Moves the k-th smallest value of a[left..right] to a[k] (Hoare's quickselect, median-of-three
 * pivot): O(n) on average, where sorting would be O(n log n) — the results page computes
 * medians of every arm at a dozen moments in time.
 */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const x = at(a, left);
    const y = at(a, (left + right) >>> 1);
    const z = at(a, right);
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    let i = left;
    let j = right;
    while (i <= j) {
      while (at(a, i) < pivot) i += 1;
      while (at(a, j) > pivot) j -= 1;
      if (i <= j) {
        const swap = at(a, i);
        a[i] = at(a, j);
        a[j] = swap;
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return at(a, k);
}

/**
 * The median and the variance of the sample median, from McKean and Schrader's
 * order-statistic standard error ("A comparison of methods for studentizing the sample
 * median", 1984): SE = (X(n−c+1) − X(c)) / (2z), c = round((n+1)/2 − z·√(n/4)). It needs no
 * density estimate; the sample median is asymptotically normal, so the mixture boundary above
 * applies to it as to a mean (an approximation, documented in docs/outcomes.md). Values in any
 * order.
 */
export function medianAndVariance(values: ArrayLike<number>): { median: number; variance: number } | null {
  const n = values.length;
  if (n === 0) return null;
  const a = Float64Array.from(values);
  const mid = Math.floor(n / 2);
  const upper = select(a, mid);
  const median = n % 2 === 1 ? upper : (select(a, mid - 1) + upper) / 2;
  const c = Math.max(1, Math.round((n + 1) / 2 - Z * Math.sqrt(n / 4)));
  const se = (select(a, n - c) - select(a, c - 1)) / (2 * Z);
  return { median, variance: se * se };
}

/** A sorted copy (tests; the functions here take values in any order). */
export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** An arm's median against the control's (arm − control); values in any order. */
export function compareMedians(control: ArrayLike<number>, arm: ArrayLike<number>, goal: Goal): Comparison {
  const a = medianAndVariance(control);
  const b = medianAndVariance(arm);
  if (a === null || b === null) return NOT_YET;
  if (control.length < MIN_N || arm.length < MIN_N) return { ...NOT_YET, difference: b.median - a.median };
  // V is the variance of the difference; τ² scales with the per-observation variance n·Var.
  return comparison(b.median - a.median, a.variance + b.variance, a.variance * control.length + b.variance * arm.length, goal);
}

/** One arm's median with its interval (same approximation). */
export function medianInterval(values: ArrayLike<number>): Interval | null {
  const m = medianAndVariance(values);
  if (m === null) return null;
  if (values.length < MIN_N) return { estimate: m.median, low: m.median, high: m.median };
  const width = halfWidth(m.variance, RHO2 * m.variance * values.length);
  return { estimate: m.median, low: m.median - width, high: m.median + width };
}
