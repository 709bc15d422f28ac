// The two spans of a governed request: SERVER for the gateway's handling (continuing the
// client's traceparent), CLIENT for the upstream call (whose context goes upstream). Spans are
// parented explicitly, so no context manager (AsyncLocalStorage) is needed on either runtime.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import type { HeaderMap } from '../proxy/header-list.ts';
import { boundString } from './bound.ts';
import { GEN_AI, HTTP, PROVIDER } from './semconv.ts';
import type { RecordRoute, RequestRecord } from './record.ts';
import type { Telemetry } from './telemetry.ts';
import { clientAttributes, clientSpanName, operationName, serverAttributes, serverSpanName } from '../trace.ts';

const headerGetter: TextMapGetter<HeaderMap> = {
  keys: (headers) => [...headers].map(([name]) => name),
  get: (headers, key) => headers.get(key) ?? undefined,
};
const headerSetter: TextMapSetter<HeaderMap> = { set: (headers, key, value) => headers.set(key, value) };

export class RequestSpans {
  readonly #telemetry: Telemetry;
  readonly #server: Span;
  #upstream: URL;
  #client: Span | undefined;

  constructor(telemetry: Telemetry, request: { method: string; url: string; headers: HeaderMap }, route: RecordRoute, upstream: URL) {
    this.#telemetry = telemetry;
    this.#upstream = upstream;
    const parent = telemetry.propagator.extract(ROOT_CONTEXT, request.headers, headerGetter);
    const path = boundString(new URL(request.url).pathname);
    this.#server = telemetry.tracer.startSpan(serverSpanName({ method: request.method, route, path }), {
      kind: SpanKind.SERVER,
      attributes: { [HTTP.requestMethod]: request.method, [HTTP.urlPath]: path },
    }, parent);
  }

  get traceId(): string {
    return this.#server.spanContext().traceId;
  }

  get spanId(): string {
    return this.#server.spanContext().spanId;
  }

  /** The upstream the CLIENT span calls, when a policy names one (before startUpstream). */
  via(upstream: URL): void {
    this.#upstream = upstream;
  }

  /** Starts the CLIENT span and puts its traceparent (replacing the client's) on `headers`. */
  startUpstream(route: RecordRoute, model: string | undefined, headers: HeaderMap): void {
    const parent = trace.setSpan(ROOT_CONTEXT, this.#server);
    // Provider and operation at creation time, as the conventions ask (samplers may read them).
    const attributes = { [GEN_AI.operationName]: operationName(route), [GEN_AI.providerName]: PROVIDER };
    this.#client = this.#telemetry.tracer.startSpan(clientSpanName(route, model), { kind: SpanKind.CLIENT, attributes }, parent);
    headers.delete('traceparent');
    headers.delete('tracestate');
    this.#telemetry.propagator.inject(trace.setSpan(ROOT_CONTEXT, this.#client), headers, headerSetter);
  }

  /** Forwarded without a CLIENT span (pass-through): our SERVER span is the upstream's parent. */
  propagate(headers: HeaderMap): void {
    headers.delete('traceparent');
    headers.delete('tracestate');
    this.#telemetry.propagator.inject(trace.setSpan(ROOT_CONTEXT, this.#server), headers, headerSetter);
  }

  end(record: RequestRecord): void {
    if (this.#client !== undefined) {
      this.#client.setAttributes(clientAttributes(record, this.#upstream));
      if (record.errorType !== undefined) this.#client.setStatus({ code: SpanStatusCode.ERROR, message: record.errorType });
      this.#client.end();
    }
    this.#server.setAttributes(serverAttributes(record));
    // A server span is in error for its own failures (5xx, a broken stream), not for a client's 4xx.
    if (record.status >= 500 || (record.errorType !== undefined && record.status < 400)) {
      this.#server.setStatus({ code: SpanStatusCode.ERROR, message: record.errorType ?? String(record.status) });
    }
    this.#server.end();
  }
}
