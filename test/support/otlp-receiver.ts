// A real OTLP/HTTP receiver on 127.0.0.1: decodes the JSON export requests a gateway sends
// (`/v1/traces`, `/v1/metrics`) the way a collector would. `mode = 'hang'` accepts requests and
// never answers, as a stuck collector does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type ExportedSpan = {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  resource: Record<string, unknown>;
};

export type ExportedMetric = { name: string; unit: string; points: { attributes: Record<string, unknown>; count?: number; sum?: number }[] };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** An OTLP AnyValue as a JS value: intValue may arrive as a string (int64 in JSON). */
function anyValue(value: unknown): unknown {
  if (!isObject(value)) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value && isObject(value.arrayValue)) return list(value.arrayValue.values).map(anyValue);
  return undefined;
}

function attributes(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of list(value)) if (isObject(entry) && typeof entry.key === 'string') out[entry.key] = anyValue(entry.value);
  return out;
}

/** OTLP JSON ids are hex; tolerate base64 as some exporters send it. */
function id(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return /^[0-9a-f]+$/i.test(value) ? value.toLowerCase() : Buffer.from(value, 'base64').toString('hex');
}

export class OtlpReceiver {
  mode: 'ok' | 'hang' = 'ok';
  readonly spans: ExportedSpan[] = [];
  readonly metrics: ExportedMetric[] = [];
  /** Every request body as text and its headers, to prove what never appears in them. */
  readonly raw: { path: string; headers: Record<string, string | string[] | undefined>; text: string }[] = [];
  #server: Server | undefined;
  #port = 0;
  readonly #held: ServerResponse[] = [];

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<this> {
    this.#server = createServer((request, response) => this.#handle(request, response));
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    this.#port = typeof address === 'object' && address !== null ? address.port : 0;
    return this;
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (this.mode === 'hang') {
        this.#held.push(response);
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      this.raw.push({ path: request.url ?? '', headers: request.headers, text });
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        response.writeHead(400).end();
        return;
      }
      if (request.url === '/v1/traces') this.#traces(body);
      if (request.url === '/v1/metrics') this.#metrics(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  }

  #traces(body: unknown): void {
    if (!isObject(body)) return;
    for (const resourceSpans of list(body.resourceSpans)) {
      if (!isObject(resourceSpans)) continue;
      const resource = attributes(isObject(resourceSpans.resource) ? resourceSpans.resource.attributes : undefined);
      for (const scope of list(resourceSpans.scopeSpans)) {
        if (!isObject(scope)) continue;
        for (const span of list(scope.spans)) {
          if (!isObject(span)) continue;
          const status = isObject(span.status) ? span.status : {};
          this.spans.push({
            name: String(span.name),
            kind: Number(span.kind),
            traceId: id(span.traceId) ?? '',
            spanId: id(span.spanId) ?? '',
            parentSpanId: id(span.parentSpanId),
            attributes: attributes(span.attributes),
            status: { code: Number(status.code ?? 0), ...(typeof status.message === 'string' ? { message: status.message } : {}) },
            resource,
          });
        }
      }
    }
  }

  #metrics(body: unknown): void {
    if (!isObject(body)) return;
    for (const resourceMetrics of list(body.resourceMetrics)) {
      if (!isObject(resourceMetrics)) continue;
      for (const scope of list(resourceMetrics.scopeMetrics)) {
        if (!isObject(scope)) continue;
        for (const metric of list(scope.metrics)) {
          if (!isObject(metric)) continue;
          const histogram = isObject(metric.histogram) ? metric.histogram : {};
          // A counter is a `sum` whose points carry asInt or asDouble.
          const counter = isObject(metric.sum) ? metric.sum : undefined;
          this.metrics.push({
            name: String(metric.name),
            unit: String(metric.unit ?? ''),
            points: counter === undefined
              ? list(histogram.dataPoints).filter(isObject).map((point) => ({
                attributes: attributes(point.attributes),
                count: Number(point.count),
                sum: Number(point.sum),
              }))
              : list(counter.dataPoints).filter(isObject).map((point) => ({
                attributes: attributes(point.attributes),
                sum: Number(point.asInt ?? point.asDouble),
              })),
          });
        }
      }
    }
  }

  /** Waits until `find` returns something, polling what has arrived; fails after `timeoutMs`. */
  async waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`the collector never received ${what}; spans: ${this.spans.map((span) => span.name).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The spans of one trace, once both the SERVER span and `count` spans in all have arrived. */
  async trace(traceId: string, count: number): Promise<ExportedSpan[]> {
    return this.waitFor(() => {
      const spans = this.spans.filter((span) => span.traceId === traceId);
      return spans.length >= count ? spans : undefined;
    }, `${count} span(s) of trace ${traceId}`);
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    for (const response of this.#held) response.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
