// A record for a request the gateway refused before any route observed it (401: no or a wrong
// key; 404: an unknown URL; 500 from the error handler), so the trace page shows them beside the
// observed ones. Only the trace buffer gets it: no span or GenAI metric describes a request
// that never went upstream, and its log line is already written by request-log.ts.
// The path is the client's: redacted (a key can be pasted anywhere) and bounded (bound.ts).
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../routes/context.ts';
import { boundString } from './bound.ts';
import type { RecordSink, RequestRecord } from './record.ts';

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
      method: boundString(c.req.method, 16),
      path: boundString(c.get('redact')(new URL(c.req.url).pathname)),
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
