// What an experiment leaves in spans and metrics: the experiment, the arm and whether it was forced.
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { metricsSink } from '../../src/observe/metrics.ts';
import type { RequestRecord } from '../../src/observe/record.ts';
import { clientAttributes, serverAttributes } from '../../src/trace.ts';

const record: RequestRecord = {
  id: 'r', startedAt: 0, method: 'POST', path: '/v1/chat/completions', route: 'chat', stream: false,
  requestedModel: 'support-bot', model: 'ft:m', policy: 'support',
  experiment: { name: 'support-temperature', arm: 'cool', forced: true, unitDigest: 'ab'.repeat(16), policyDigest: '0123456789abcdef' },
  decisions: [{ param: 'temperature', requested: undefined, applied: 0.3, rule: 'default', layer: 'arm' }],
  parameters: { temperature: { applied: 0.3 } },
  usageAdded: false, status: 200, durationMs: 5, timeToHeadersMs: 4, upstream: 'api.openai.com', usage: { inputTokens: 3, outputTokens: 4 },
};

class ManualReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

describe('an experiment in telemetry', () => {
  it('spans carry temperance.experiment.{name,arm,forced}, never the unit, and the decision\'s layer', () => {
    for (const attributes of [serverAttributes(record), clientAttributes(record, new URL('https://api.openai.com/v1'))]) {
      expect(attributes).toMatchObject({ 'temperance.experiment.name': 'support-temperature', 'temperance.experiment.arm': 'cool', 'temperance.experiment.forced': true });
      expect(JSON.parse(String(attributes['temperance.decisions']))).toEqual([{ param: 'temperature', rule: 'default', applied: 0.3, layer: 'arm' }]);
      expect(JSON.stringify(attributes)).not.toContain('abab');
    }
    const { experiment: _experiment, ...plain } = record;
    expect(serverAttributes(plain)).not.toHaveProperty('temperance.experiment.arm');
  });

  it('the GenAI metrics carry the experiment and the arm as attributes', async () => {
    const reader = new ManualReader();
    const provider = new MeterProvider({ readers: [reader] });
    metricsSink(provider.getMeter('test'))(record);
    const { resourceMetrics } = await reader.collect();
    const attributes = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.flatMap((metric) => metric.dataPoints.map((point: { attributes: unknown }) => point.attributes)));
    expect(attributes.length).toBeGreaterThan(0);
    for (const set of attributes) {
      expect(set).toMatchObject({ 'temperance.experiment.name': 'support-temperature', 'temperance.experiment.arm': 'cool' });
    }
  });
});
