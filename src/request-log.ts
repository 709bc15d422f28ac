// One structured JSON line per request: id, route, model, policy, status, duration. The id is
// the client's x-request-id when it sent a usable one, else made here; it comes back as
// x-temperance-request-id. Nothing from headers or bodies is logged, and the line is redacted.
import type { MiddlewareHandler } from 'hono';
import { createRedactor } from './redact.ts';
import type { GatewayDeps, GatewayEnv } from './routes/context.ts';

const USABLE_ID = /^[\x21-\x7e]{1,128}$/;

function bearer(header: string | null): string | undefined {
  return header === null ? undefined : /^Bearer\s+(.+)$/i.exec(header.trim())?.[1];
}

export function requestLog(deps: GatewayDeps): MiddlewareHandler<GatewayEnv> {
  const { config, log } = deps;
  const gatewaySecrets = [config.OPENAI_API_KEY, config.ADMIN_API_KEY, ...config.GATEWAY_API_KEYS];
  return async (c, next) => {
    const started = performance.now();
    // The key this client presented is a secret too, whatever its shape.
    const redact = createRedactor([...gatewaySecrets, bearer(c.req.header('authorization') ?? null)]);
    const offered = c.req.header('x-request-id');
    const id = offered !== undefined && USABLE_ID.test(offered) && redact(offered) === offered ? offered : crypto.randomUUID();
    c.set('requestId', id);
    c.set('facts', {});
    c.set('redact', redact);
    await next();
    c.res.headers.set('x-temperance-request-id', id);
    if (log === undefined) return;
    const facts = c.get('facts');
    const line = {
      time: new Date().toISOString(),
      level: c.res.status >= 500 ? 'error' : c.res.status >= 400 ? 'warn' : 'info',
      msg: 'request',
      id,
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      ...facts,
      status: c.res.status,
      // For a stream, the time to its response headers; the stream itself goes on.
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      upstream_request_id: c.res.headers.get('x-request-id') ?? undefined,
    };
    log(JSON.parse(redact(JSON.stringify(line))));
  };
}
