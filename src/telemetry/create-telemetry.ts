// The OpenTelemetry SDK behind the core's Telemetry: spans collected in memory and posted as
// OTLP/HTTP JSON after each request; metrics on an interval (Node) or after each request
// (Workers). Used by both entries; the core itself only sees @opentelemetry/api types.
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider } from '@opentelemetry/sdk-metrics';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import type { Config } from '../config.ts';
import type { Telemetry } from '../observe/telemetry.ts';
import { OtlpMetricReader } from './metric-reader.ts';
import { parseOtlpHeaders } from './otlp-headers.ts';
import { postOtlp, type OtlpTarget } from './otlp-post.ts';
import { SpanBuffer } from './span-buffer.ts';


const VERSION = '0.1.0';
/** An export is given up after this: a hanging collector holds no more than this. */
const EXPORT_TIMEOUT_MS = 10_000;
/** At most this many exports in flight; more spans wait in the (bounded) buffer. */
const MAX_IN_FLIGHT = 4;
const SHUTDOWN_WAIT_MS = 2_000;

export type MetricsMode = { every: number } | 'after-each-request' | 'off';

export type SdkTelemetry = Telemetry & { shutdown(): Promise<void> };

function signalUrl(endpoint: string, signal: 'traces' | 'metrics'): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/${signal}`;
}

/** The SDK for a configuration, or undefined when no OTLP endpoint is set. */
export function createTelemetry(config: Config, fetchCollector: typeof fetch, metricsMode: MetricsMode, language: 'nodejs' | 'webjs'): SdkTelemetry | undefined {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint === undefined) return undefined;
  const headers = parseOtlpHeaders(config.OTEL_EXPORTER_OTLP_HEADERS);
  const target = (signal: 'traces' | 'metrics'): OtlpTarget => ({ url: signalUrl(endpoint, signal), headers, timeoutMs: EXPORT_TIMEOUT_MS });
  const resource = resourceFromAttributes({
    'service.name': config.OTEL_SERVICE_NAME,
    'service.version': VERSION,
    'service.instance.id': crypto.randomUUID(),
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.language': language,
  });
  const buffer = new SpanBuffer();
  const provider = new TracerProvider({ resource, spanProcessors: [buffer] });
  const traces = target('traces');

  let reader: OtlpMetricReader | undefined;
  let meterProvider: MeterProvider | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  if (metricsMode !== 'off') {
    const temporality = metricsMode === 'after-each-request' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
    reader = new OtlpMetricReader(fetchCollector, target('metrics'), temporality);
    meterProvider = new MeterProvider({ resource, readers: [reader] });
    if (typeof metricsMode === 'object') {
      const every = reader;
      timer = setInterval(() => void every.exportNow(), metricsMode.every);
      // A Node timer that would keep the process alive after the server closed.
      if (typeof timer === 'object' && timer !== null && 'unref' in timer) timer.unref();
    }
  }

  let inFlight = 0;
  const flushSpans = async (): Promise<void> => {
    if (inFlight >= MAX_IN_FLIGHT) return;
    const spans = buffer.drain();
    if (spans.length === 0) return;
    const body = JsonTraceSerializer.serializeRequest(spans);
    if (body === undefined) return;
    inFlight += 1;
    try {
      await postOtlp(fetchCollector, traces, body);
    } finally {
      inFlight -= 1;
    }
  };

  const telemetry: SdkTelemetry = {
    tracer: provider.getTracer('temperance', VERSION),
    propagator: new W3CTraceContextPropagator(),
    async flush() {
      await Promise.all([flushSpans(), metricsMode === 'after-each-request' ? reader?.exportNow() : undefined]);
    },
    async shutdown() {
      clearInterval(timer);
      // A last export, but a stuck collector must not hold a shutdown for the whole export timeout.
      const last = Promise.all([flushSpans(), reader?.exportNow()]).then(() => undefined);
      let timeout: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([last, new Promise<void>((resolve) => { timeout = setTimeout(resolve, SHUTDOWN_WAIT_MS); })]);
      clearTimeout(timeout);
    },
  };
  if (meterProvider !== undefined) telemetry.meter = meterProvider.getMeter('temperance', VERSION);
  return telemetry;
}
