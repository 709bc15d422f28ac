import { describe, expect, it } from 'vitest';
import type { ExperimentSummary } from '../../src/policy/policy-set.ts';
import type { FeedbackRow, OutcomeRow } from '../../src/store/port.ts';
import { experimentResults } from '../../src/stats/results.ts';
import { outcome } from '../store/store.cases.ts';

const summary: ExperimentSummary = {
  name: 'support-temperature', policy: 'support', path: 'policies/support.yaml', control: 'control',
  arms: [{ name: 'control', weight: 50 }, { name: 'cool', weight: 50 }],
  metrics: { resolved: { type: 'boolean', goal: 'max' }, handle_seconds: { type: 'number', goal: 'min' } },
  digest: 'v2',
};

describe('results from rows', () => {
  it('counts unforced outcomes of the current version per arm, forced and earlier versions apart', () => {
    const outcomes: OutcomeRow[] = [];
    const feedback: FeedbackRow[] = [];
    for (let i = 0; i < 400; i += 1) {
      const arm = i % 2 === 0 ? 'control' : 'cool';
      const id = `r${i}`;
      outcomes.push(outcome(id, {
        at: i, arm, policy_digest: 'v2', latency_ms: arm === 'cool' ? 500 + (i % 7) : 700 + (i % 7),
        output_tokens: 80, finish_reason: i % 10 === 1 ? 'length' : 'stop', ...(i % 50 === 0 ? { error_code: '500', status: 500 } : {}),
      }));
      // cool resolves 90%, control 40%.
      feedback.push({ request_id: id, metric: 'resolved', value: arm === 'cool' ? rate(i, 0.9) : rate(i, 0.4), at: i });
    }
    outcomes.push(outcome('forced', { arm: 'cool', forced: true, policy_digest: 'v2', at: 999 }));
    outcomes.push(outcome('old-1', { policy_digest: 'v1', at: 1 }), outcome('old-2', { policy_digest: 'v1', arm: 'cool', at: 2 }));

    const result = experimentResults(summary, { outcomes, feedback }, { resolved: 3, other: 9 }, false);
    expect(result.earlier_versions).toEqual({ requests: 2 });
    expect(result.unmatched_feedback).toBe(3);
    const [control, cool] = result.arms;
    expect(control).toMatchObject({ name: 'control', weight: 50, requests: 200, forced: 0, versus_control: {} });
    expect(cool).toMatchObject({ name: 'cool', requests: 200, forced: 1, output_tokens_mean: 80 });
    expect(control?.error_rate).toBe(0.04);
    expect(cool?.error_rate).toBe(0);
    expect(cool?.metrics.resolved?.n).toBe(200);
    expect(cool?.metrics.handle_seconds).toEqual({ n: 0, mean: null });
    expect(cool?.versus_control.resolved?.verdict).toBe('better');
    expect(cool?.versus_control.latency_p50_ms?.verdict).toBe('better');
    expect(cool?.versus_control.latency_p50_ms?.difference).toBe(-200);
    expect(cool?.versus_control.handle_seconds?.verdict).toBe('no difference yet');
    // The history ends where the current comparison is, and narrows.
    const history = cool?.versus_control.resolved?.history ?? [];
    expect(history.length).toBe(12);
    const last = history.at(-1);
    expect(last?.low).toBe(cool?.versus_control.resolved?.low);
    const widths = history.filter((point) => point.low !== null && point.high !== null).map((point) => (point.high ?? 0) - (point.low ?? 0));
    expect(widths[0]).toBeGreaterThan(widths.at(-1) ?? Infinity);

    const all = experimentResults(summary, { outcomes, feedback }, {}, true);
    expect(all.arms.map((arm) => arm.requests)).toEqual([201, 201]);
  });
});

function rate(i: number, p: number): number {
  // A deterministic spread of 0/1 with rate p.
  return ((i * 7919) % 100) / 100 < p ? 1 : 0;
}
