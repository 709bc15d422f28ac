// A metric reader that exports when told to (the SDK's periodic reader owns a timer; on
// Workers only a request's own work runs, so there it exports after each request).
import { AggregationTemporality, InstrumentType, MetricReader } from '@opentelemetry/sdk-metrics';
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { postOtlp, type OtlpTarget } from './otlp-post.ts';

export class OtlpMetricReader extends MetricReader {
  readonly #fetch: typeof fetch;
  readonly #target: OtlpTarget;

  constructor(fetchCollector: typeof fetch, target: OtlpTarget, temporality: AggregationTemporality) {
    // Delta for histograms where each isolate exports on its own (Workers): cumulative sums
    // from many short-lived isolates would not add up.
    super({ aggregationTemporalitySelector: (instrument) => (instrument === InstrumentType.HISTOGRAM ? temporality : AggregationTemporality.CUMULATIVE) });
    this.#fetch = fetchCollector;
    this.#target = target;
  }

  /** Collects and posts; never rejects. */
  async exportNow(): Promise<void> {
    try {
      const { resourceMetrics } = await this.collect();
      if (resourceMetrics.scopeMetrics.every((scope) => scope.metrics.every((metric) => metric.dataPoints.length === 0))) return;
      const body = JsonMetricsSerializer.serializeRequest(resourceMetrics);
      if (body !== undefined) await postOtlp(this.#fetch, this.#target, body);
    } catch {
      // Metrics are best effort: a collection or export problem never reaches a request.
    }
  }

  protected override async onForceFlush(): Promise<void> {
    await this.exportNow();
  }

  protected override async onShutdown(): Promise<void> {}
}
