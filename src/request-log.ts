// One structured JSON line per request. The id is the client's x-request-id when it sent a
// usable one, else made here; it comes back as x-temperance-request-id and is the id of the
// request's record (trace page, spans). For an observed route the line is written from that
// record once the answer is over (a stream's whole duration, its tokens); any other request
// (a refused key, an unknown URL, the admin pages) gets its line at once. Nothing from headers
// or bodies is logged, and the line is redacted.
import type { Context, MiddlewareHandler } from 'hono';
import type { Observation } from './observe/observation.ts';
import type { RequestRecord } from './observe/record.ts';
import { bearerToken } from './credentials.ts';
import { boundString } from './observe/bound.ts';
import { createRedactor } from './redact.ts';
import { timeOrderedId } from './request-id.ts';
import { upstreamKeys } from './upstream/upstream-set.ts';
import type { GatewayDeps, GatewayEnv, LogLine } from './routes/context.ts';

const USABLE_ID = /^[\x21-\x7e]{1,128}$/;

/** The response header that names the request (and its record). */
export const REQUEST_ID_HEADER = 'x-temperance-request-id';

function level(status: number): string {
  return status >= 500 || status === 0 ? 'error' : status >= 400 ? 'warn' : 'info';
}

function fromRecord(record: Readonly<RequestRecord>): LogLine {
  return {
    level: level(record.status),
    id: record.id,
    method: record.method,
    path: record.path,
    route: record.route,
    model: record.requestedModel,
    upstream_model: record.model === record.requestedModel ? undefined : record.model,
    policy: record.policy,
    experiment: record.experiment?.name,
    arm: record.experiment?.arm,
    arm_forced: record.experiment?.forced,
    upstream: record.upstreamName,
    stream: record.stream,
    status: record.status,
    error: record.errorType,
    attempts: record.attempts,
    duration_ms: record.durationMs,
    ttft_ms: record.timeToFirstTokenMs,
    input_tokens: record.usage?.inputTokens,
    output_tokens: record.usage?.outputTokens,
    response_id: record.response?.id,
  };
}

function fromContext(c: Context<GatewayEnv>, id: string, started: number): LogLine {
  return {
    level: level(c.res.status),
    id,
    method: c.req.method,
    path: boundString(new URL(c.req.url).pathname),
    status: c.res.status,
    error: c.get('refusal'),
    duration_ms: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** A request's id and its redactor, as every entry of the gateway gives them. */
export type Identity = { id: string; redact: (text: string) => string };

/** Names one request: from its Authorization header (a secret to redact) and its x-request-id. */
export function requestIdentities(config: GatewayDeps['config']): (authorization: string | null | undefined, offered: string | null | undefined) => Identity {
  const redactWith = createRedactor([config.OPENAI_API_KEY, config.ADMIN_API_KEY, ...config.GATEWAY_API_KEYS, ...upstreamKeys(config.upstreams)]);
  return (authorization, offered) => {
    // The key this client presented is a secret too, whatever its shape.
    const presented = bearerToken(authorization);
    const redact = (text: string) => redactWith(text, presented);
    // Time-ordered (src/request-id.ts): the store's index of request ids stays cheap to extend.
    const id = typeof offered === 'string' && USABLE_ID.test(offered) && redact(offered) === offered ? offered : timeOrderedId();
    return { id, redact };
  };
}

/** One serialisation, then the keys out of the text: a key can hide in any client-sent string. */
function emitLine(log: (line: string) => void, redact: (text: string) => string, line: LogLine): void {
  log(redact(JSON.stringify({ time: new Date().toISOString(), msg: 'request', ...line })));
}

/** The log line of an observed request, written once its record is complete. */
export function logObserved(log: ((line: string) => void) | undefined, identity: Identity, observation: Observation): void {
  if (log === undefined) return;
  void observation.finished.then(() => emitLine(log, identity.redact, fromRecord(observation.record)));
}

export function requestLog(deps: GatewayDeps): MiddlewareHandler<GatewayEnv> {
  const { config, log } = deps;
  const identify = requestIdentities(config);
  return async (c, next) => {
    const started = performance.now();
    const { id, redact } = identify(c.req.header('authorization'), c.req.header('x-request-id'));
    c.set('requestId', id);
    c.set('redact', redact);
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, id);
    if (log === undefined) return;
    const observation = c.get('observation');
    if (observation === undefined) emitLine(log, redact, fromContext(c, id, started));
    else logObserved(log, { id, redact }, observation);
  };
}
