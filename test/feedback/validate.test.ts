import { describe, expect, it } from 'vitest';
import { parseFeedback } from '../../src/feedback/validate.ts';
import { outcomeOf } from '../../src/store/outcome-sink.ts';
import type { RequestRecord } from '../../src/observe/record.ts';

const metrics = new Map<string, 'boolean' | 'number'>([['resolved', 'boolean'], ['handle_seconds', 'number']]);

describe('feedback bodies', () => {
  it('one item or a batch; booleans stored as 0/1; the last of a repeated (request, metric) wins', () => {
    expect(parseFeedback({ request_id: 'a', metric: 'resolved', value: true }, metrics, 5)).toEqual({ ok: true, items: 1, rows: [{ request_id: 'a', metric: 'resolved', value: 1, at: 5 }] });
    const batch = parseFeedback([
      { request_id: 'a', metric: 'handle_seconds', value: 30 },
      { request_id: 'a', metric: 'handle_seconds', value: 42.5 },
      { request_id: 'b', metric: 'resolved', value: false },
    ], metrics, 5);
    expect(batch).toEqual({ ok: true, items: 3, rows: [{ request_id: 'a', metric: 'handle_seconds', value: 42.5, at: 5 }, { request_id: 'b', metric: 'resolved', value: 0, at: 5 }] });
  });

  it('names the field of the first bad item', () => {
    const param = (body: unknown) => {
      const parsed = parseFeedback(body, metrics, 0);
      return parsed.ok ? 'ok' : parsed.error.param;
    };
    expect(param({ metric: 'resolved', value: true })).toBe('request_id');
    expect(param({ request_id: 'a', value: true })).toBe('metric');
    expect(param({ request_id: 'a', metric: 'unknown', value: true })).toBe('metric');
    expect(param({ request_id: 'a', metric: 'resolved' })).toBe('value');
    expect(param({ request_id: 'a', metric: 'resolved', value: 1 })).toBe('value');
    expect(param({ request_id: 'a', metric: 'handle_seconds', value: true })).toBe('value');
    expect(param([{ request_id: 'a', metric: 'resolved', value: true }, 'x'])).toBe('[1]');
    expect(param([{ request_id: 'a', metric: 'resolved', value: true }, { request_id: 'b', metric: 'handle_seconds', value: 'NaN' }])).toBe('[1].value');
    expect(param([])).toBe('body');
    expect(param(null)).toBe('body');
    expect(param(Array.from({ length: 1001 }, () => ({ request_id: 'a', metric: 'resolved', value: true })))).toBe('body');
    expect(param({ request_id: 'x'.repeat(129), metric: 'resolved', value: true })).toBe('request_id');
    expect(param({ request_id: 'has space', metric: 'resolved', value: true })).toBe('request_id');
    // A key where an id should be is refused, never stored.
    const keyed = parseFeedback({ request_id: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789', metric: 'resolved', value: true }, metrics, 0, (text) => text.replace(/sk-[\w-]{20,}/g, '[REDACTED]'));
    expect(keyed.ok ? 'ok' : keyed.error.param).toBe('request_id');
  });

  it('quotes at most a bounded part of an unknown metric name', () => {
    const parsed = parseFeedback({ request_id: 'a', metric: 'm'.repeat(10_000), value: 1 }, metrics, 0);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message.length).toBeLessThan(200);
  });
});

describe('outcome rows from records', () => {
  const record: RequestRecord = {
    id: 'req-1', startedAt: 1_700_000_000_123.4, method: 'POST', path: '/v1/chat/completions', route: 'chat', stream: true,
    decisions: [], parameters: {}, usageAdded: false, status: 200, durationMs: 812.5, timeToFirstTokenMs: 210, upstream: 'api.openai.com',
    usage: { inputTokens: 12, outputTokens: 88 }, response: { finishReasons: ['length'] }, answer: { empty: false, refusal: true },
    experiment: { name: 'support-temperature', arm: 'cool', forced: false, unitDigest: 'ab', policyDigest: 'v1' },
  };

  it('only records under an experiment become outcomes, with every field of 6.1', () => {
    const { experiment: _governed, ...plain } = record;
    expect(outcomeOf(plain)).toBeUndefined();
    expect(outcomeOf(record)).toEqual({
      request_id: 'req-1', at: 1_700_000_000_123, experiment: 'support-temperature', arm: 'cool', forced: false, unit_digest: 'ab',
      policy_digest: 'v1', status: 200, latency_ms: 812.5, ttft_ms: 210, input_tokens: 12, output_tokens: 88, finish_reason: 'length', empty: false, refusal: true,
    });
  });
});
