// An experiment's stored rows → its results (contract 6.3): per arm the estimates, per arm but
// the control the difference to the control with its anytime-valid interval and a verdict, and
// how that interval narrowed over time (for the page's chart). Pure: rows in, JSON out.
import type { ExperimentSummary } from '../policy/policy-set.ts';
import type { ExperimentRows, OutcomeRow } from '../store/port.ts';
import {
  compareMeans, compareMedians, meanInterval, medianInterval, moments, observe,
  type Comparison, type Goal, type Interval, type Moments,
} from './sequential.ts';

type Kind = 'rate' | 'mean' | 'median';
type MetricDefinition = { kind: Kind; goal: Goal; value: (row: OutcomeRow) => number | undefined };

/** Answered by the upstream (2xx): latency and the answer's facts are about these. */
const answered = (row: OutcomeRow) => row.status >= 200 && row.status < 300 && row.error_code === undefined;
const rate = (yes: boolean) => (yes ? 1 : 0);

// A client hanging up is not the arm's error. "length": chat's finish reason; the Responses API says max_output_tokens.
export const BUILT_IN_METRICS = {
  error_rate: { kind: 'rate', goal: 'min', value: (row) => rate(row.error_code !== undefined && row.error_code !== 'cancelled') },
  latency_p50_ms: { kind: 'median', goal: 'min', value: (row) => (answered(row) ? row.latency_ms : undefined) },
  ttft_p50_ms: { kind: 'median', goal: 'min', value: (row) => (answered(row) ? row.ttft_ms : undefined) },
  output_tokens_mean: { kind: 'mean', goal: 'min', value: (row) => (answered(row) ? row.output_tokens : undefined) },
  length_rate: { kind: 'rate', goal: 'min', value: (row) => (answered(row) ? rate(row.finish_reason === 'length' || row.finish_reason === 'max_output_tokens') : undefined) },
  refusal_rate: { kind: 'rate', goal: 'min', value: (row) => (answered(row) ? rate(row.refusal) : undefined) },
} as const satisfies Record<string, MetricDefinition>;

export type BuiltInMetric = keyof typeof BUILT_IN_METRICS;
const BUILT_IN_NAMES: readonly BuiltInMetric[] = ['error_rate', 'latency_p50_ms', 'ttft_p50_ms', 'output_tokens_mean', 'length_rate', 'refusal_rate'];

export type HistoryPoint = { at: number; n: number; difference: number | null; low: number | null; high: number | null };
export type VersusControl = Comparison & { goal: Goal; history: HistoryPoint[] };
export type Estimate = { n: number; estimate: number | null; low: number | null; high: number | null };

export type ArmResult = {
  name: string;
  weight: number;
  requests: number;
  forced: number;
  error_rate: number | null;
  latency_p50_ms: number | null;
  ttft_p50_ms: number | null;
  output_tokens_mean: number | null;
  length_rate: number | null;
  refusal_rate: number | null;
  metrics: Record<string, { n: number; mean: number | null }>;
  /** Every metric's estimate with its own anytime-valid interval (the page's per-arm chart). */
  estimates: Record<string, Estimate>;
  versus_control: Record<string, VersusControl>;
};

export type ExperimentResult = {
  name: string;
  policy: string;
  path: string;
  control: string;
  version: string;
  all_versions: boolean;
  unmatched_feedback: number;
  earlier_versions: { requests: number };
  metrics: Record<string, { type: 'boolean' | 'number' | 'built-in'; goal: Goal }>;
  arms: ArmResult[];
};

/** Observations of one metric on one arm, in time order (two parallel lists: no object per point). */
type Series = { times: number[]; values: number[] };

const HISTORY_POINTS = 12;
const emptySeries = (): Series => ({ times: [], values: [] });
const EMPTY = emptySeries();

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1e6) / 1e6;
}

function estimateOf(kind: Kind, series: Series): Estimate {
  const { values } = series;
  const interval: Interval | null = kind === 'median' ? medianInterval(values) : meanInterval(momentsOf(values), kind === 'rate');
  // A rate's interval never leaves [0, 1]: cutting it there keeps every rate it held.
  const low = interval === null ? null : kind === 'rate' ? Math.max(0, interval.low) : interval.low;
  const high = interval === null ? null : kind === 'rate' ? Math.min(1, interval.high) : interval.high;
  return { n: values.length, estimate: round(interval?.estimate ?? null), low: round(low), high: round(high) };
}

function momentsOf(values: readonly number[]) {
  const m = moments();
  for (const value of values) observe(m, value);
  return m;
}

/**
 * One series prepared for comparisons at any earlier moment: its times, and for means running
 * sums (a prefix's moments in O(1)); for medians its values (a prefix is a subarray).
 */
type Prepared = { times: Float64Array; values: Float64Array; sums: Float64Array; squares: Float64Array };

function prepare(series: Series): Prepared {
  const n = series.values.length;
  const prepared = { times: Float64Array.from(series.times), values: Float64Array.from(series.values), sums: new Float64Array(n + 1), squares: new Float64Array(n + 1) };
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i += 1) {
    const value = prepared.values[i] ?? 0;
    sum += value;
    squares += value * value;
    prepared.sums[i + 1] = sum;
    prepared.squares[i + 1] = squares;
  }
  return prepared;
}

/** The k-th smallest time (1-based) of two time-ordered lists together. */
function kthTime(a: Float64Array, b: Float64Array, k: number): number {
  // Binary search on how many come from a: the k smallest are a[0..i) and b[0..k-i).
  let low = Math.max(0, k - b.length);
  let high = Math.min(k, a.length);
  while (low < high) {
    const i = (low + high) >>> 1;
    if ((a[i] ?? Infinity) < (b[k - i - 1] ?? -Infinity)) low = i + 1;
    else high = i;
  }
  return Math.max(a[low - 1] ?? -Infinity, b[k - low - 1] ?? -Infinity);
}

/** How many of the series' points are at or before `time` (the series is in time order). */
function countUntil(times: Float64Array, time: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((times[mid] ?? Infinity) <= time) low = mid + 1;
    else high = mid;
  }
  return low;
}

function prefixMoments(series: Prepared, n: number): Moments {
  return { n, sum: series.sums[n] ?? 0, sumSquares: series.squares[n] ?? 0 };
}

/** Control vs arm over the first `a` and `b` observations of each. */
function compare(kind: Kind, goal: Goal, control: Prepared, arm: Prepared, a: number, b: number): Comparison {
  if (kind === 'median') return compareMedians(control.values.subarray(0, a), arm.values.subarray(0, b), goal);
  return compareMeans(prefixMoments(control, a), prefixMoments(arm, b), goal, kind === 'rate');
}

/** The comparison now and at up to HISTORY_POINTS earlier moments (evenly spaced by observation count). */
function versus(kind: Kind, goal: Goal, controlSeries: Series, armSeries: Series): VersusControl {
  const control = prepare(controlSeries);
  const arm = prepare(armSeries);
  const now = compare(kind, goal, control, arm, control.times.length, arm.times.length);
  const total = control.times.length + arm.times.length;
  const history: HistoryPoint[] = [];
  const steps = Math.min(HISTORY_POINTS, total);
  for (let step = 1; step <= steps; step += 1) {
    const at = kthTime(control.times, arm.times, Math.ceil((step * total) / steps));
    const a = countUntil(control.times, at);
    const b = countUntil(arm.times, at);
    const c = compare(kind, goal, control, arm, a, b);
    history.push({ at, n: a + b, difference: round(c.difference), low: round(c.low), high: round(c.high) });
  }
  return { difference: round(now.difference), low: round(now.low), high: round(now.high), verdict: now.verdict, goal, history };
}

export function experimentResults(summary: ExperimentSummary, rows: ExperimentRows, unmatched: Readonly<Record<string, number>>, allVersions: boolean): ExperimentResult {
  const current = (row: OutcomeRow) => allVersions || row.policy_digest === summary.digest;
  const included = rows.outcomes.filter(current);
  const counted = included.filter((row) => !row.forced);
  const feedback = new Map<string, Map<string, number>>();
  for (const row of rows.feedback) {
    const byMetric = feedback.get(row.request_id) ?? new Map<string, number>();
    byMetric.set(row.metric, row.value);
    feedback.set(row.request_id, byMetric);
  }

  const definitions = new Map<string, MetricDefinition>();
  for (const name of BUILT_IN_NAMES) definitions.set(name, BUILT_IN_METRICS[name]);
  for (const [name, metric] of Object.entries(summary.metrics)) {
    definitions.set(name, { kind: metric.type === 'boolean' ? 'rate' : 'mean', goal: metric.goal, value: (row) => feedback.get(row.request_id)?.get(name) });
  }

  const seriesOf = (arm: string): Map<string, Series> => {
    const entries = [...definitions].map(([name, definition]) => ({ name, definition, series: emptySeries() }));
    for (const row of counted) {
      if (row.arm !== arm) continue;
      for (const { definition, series } of entries) {
        const value = definition.value(row);
        if (value === undefined) continue;
        series.times.push(row.at);
        series.values.push(value);
      }
    }
    return new Map(entries.map(({ name, series }) => [name, series]));
  };
  const controlSeries = seriesOf(summary.control);

  const arms = summary.arms.map((arm): ArmResult => {
    const series = arm.name === summary.control ? controlSeries : seriesOf(arm.name);
    const estimates: Record<string, Estimate> = {};
    for (const [name, definition] of definitions) estimates[name] = estimateOf(definition.kind, series.get(name) ?? EMPTY);
    const builtIn = (name: BuiltInMetric) => estimates[name]?.estimate ?? null;
    const metrics: ArmResult['metrics'] = {};
    for (const name of Object.keys(summary.metrics)) metrics[name] = { n: estimates[name]?.n ?? 0, mean: estimates[name]?.estimate ?? null };
    const versusControl: Record<string, VersusControl> = {};
    if (arm.name !== summary.control) {
      for (const [name, definition] of definitions) versusControl[name] = versus(definition.kind, definition.goal, controlSeries.get(name) ?? EMPTY, series.get(name) ?? EMPTY);
    }
    return {
      name: arm.name,
      weight: arm.weight,
      requests: counted.filter((row) => row.arm === arm.name).length,
      forced: included.filter((row) => row.arm === arm.name && row.forced).length,
      error_rate: builtIn('error_rate'),
      latency_p50_ms: builtIn('latency_p50_ms'),
      ttft_p50_ms: builtIn('ttft_p50_ms'),
      output_tokens_mean: builtIn('output_tokens_mean'),
      length_rate: builtIn('length_rate'),
      refusal_rate: builtIn('refusal_rate'),
      metrics,
      estimates,
      versus_control: versusControl,
    };
  });

  const metricsInfo: ExperimentResult['metrics'] = {};
  for (const name of BUILT_IN_NAMES) metricsInfo[name] = { type: 'built-in', goal: BUILT_IN_METRICS[name].goal };
  for (const [name, metric] of Object.entries(summary.metrics)) metricsInfo[name] = { type: metric.type, goal: metric.goal };

  return {
    name: summary.name,
    policy: summary.policy,
    path: summary.path,
    control: summary.control,
    version: summary.digest,
    all_versions: allVersions,
    unmatched_feedback: Object.keys(summary.metrics).reduce((sum, name) => sum + (unmatched[name] ?? 0), 0),
    earlier_versions: { requests: rows.outcomes.filter((row) => row.policy_digest !== summary.digest).length },
    metrics: metricsInfo,
    arms,
  };
}
