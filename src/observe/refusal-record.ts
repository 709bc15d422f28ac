// A record for a request the gateway refused before any route observed it (401: no or a wrong
// key; 404: an unknown URL; 500 from the error handler), so the trace page shows them beside the
// observed ones. Only the trace buffer gets it: no span or GenAI metric describes a request
// that never went upstream, and its log line is already written by request-log.ts.
// The path is the client's: redacted (a key can be pasted anywhere) and cut to a bounded prefix.
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../routes/context.ts';
import type { RecordSink, RequestRecord } from './record.ts';

/** Characters of the client's path kept in a record (hostile input: see the hardening issue). */
export const PATH_CHARS = 256;

export function boundedPath(path: string): string {
  return path.length <= PATH_CHARS ? path : `${path.slice(0, PATH_CHARS)}… (${path.length} chars)`;
}

export function recordRefusals(sink: RecordSink, upstreamHost: string): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const startedAt = Date.now();
    const started = performance.now();
    await next();
    const refusal = c.get('refusal');
    if (refusal === undefined || c.get('observation') !== undefined) return;
    const record: RequestRecord = {
      id: c.get('requestId'),
      startedAt,
      method: c.req.method.slice(0, 16),
      path: boundedPath(c.get('redact')(new URL(c.req.url).pathname)),
      route: 'refused',
      stream: false,
      decisions: [],
      parameters: {},
      usageAdded: false,
      status: c.res.status,
      errorType: refusal,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      upstream: upstreamHost,
    };
    sink(record);
  };
}
