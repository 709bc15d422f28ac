// POST /_temperance/feedback (contract 6.2). Who may send it: a key from GATEWAY_API_KEYS or
// ADMIN_API_KEY; with neither set, clients on this machine only (as the admin routes). The
// body is bounded; validation refuses the whole batch on one bad item; 202 means stored.
import type { Context } from 'hono';
import type { Config } from '../config.ts';
import { bearerToken, sameDigest, sha256 } from '../credentials.ts';
import { errorResponse, gatewayError, type GatewayError } from '../errors.ts';
import { isLoopback } from '../admin/access.ts';
import { readBodyWithin } from '../proxy/read-body.ts';
import type { GatewayDeps, GatewayEnv } from '../routes/context.ts';
import { errorKind } from '../store/write-behind.ts';
import { parseFeedback, type MetricTypes } from './validate.ts';

/** 1,000 items of a 128-character id, a metric name and a number fit well within this. */
export const MAX_FEEDBACK_BYTES = 1024 * 1024;

type Check = (request: Request, clientAddress: string | undefined) => Promise<GatewayError | undefined>;

function feedbackAccess(config: Config): Check {
  const keys = [...config.GATEWAY_API_KEYS, ...(config.ADMIN_API_KEY === undefined ? [] : [config.ADMIN_API_KEY])];
  if (keys.length === 0) {
    return async (_request, address) =>
      isLoopback(address) ? undefined : gatewayError('admin_loopback_only', 'Without GATEWAY_API_KEYS or ADMIN_API_KEY, feedback is taken only from clients on this machine (loopback).');
  }
  const digests = Promise.all(keys.map(sha256));
  return async (request) => {
    const token = bearerToken(request.headers.get('authorization'));
    if (token === undefined) return gatewayError('missing_api_key', 'Feedback needs a key: send Authorization: Bearer <a key from GATEWAY_API_KEYS or the ADMIN_API_KEY>.');
    const presented = await sha256(token);
    let matched = false;
    for (const digest of await digests) matched = sameDigest(presented, digest) || matched;
    return matched ? undefined : gatewayError('invalid_api_key', 'The API key is not one of this gateway\'s keys.');
  };
}

export function metricTypes(deps: GatewayDeps): MetricTypes {
  const types = new Map<string, 'boolean' | 'number'>();
  for (const experiment of deps.policies().experiments) for (const [name, metric] of Object.entries(experiment.metrics)) types.set(name, metric.type);
  return types;
}

export function feedbackRoute(deps: GatewayDeps) {
  const check = feedbackAccess(deps.config);
  return async (c: Context<GatewayEnv>): Promise<Response> => {
    const denied = await check(c.req.raw, deps.clientAddress?.(c));
    if (denied !== undefined) return errorResponse(denied);
    const store = deps.store;
    if (store === undefined) {
      return errorResponse(gatewayError('store_unavailable', 'This gateway runs without a store (TEMPERANCE_DB=off, or no DB binding on Workers): feedback cannot be kept. See the README, "The store".'));
    }
    const read = await readBodyWithin(c.req.raw, MAX_FEEDBACK_BYTES);
    if (!read.ok) return errorResponse(gatewayError('request_too_large', `A feedback body is at most ${MAX_FEEDBACK_BYTES} bytes.`));
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(read.bytes));
    } catch {
      return errorResponse(gatewayError('invalid_json', 'The body is not valid JSON.', 'body'));
    }
    const parsed = parseFeedback(body, metricTypes(deps), Date.now(), c.get('redact'));
    if (!parsed.ok) return errorResponse(parsed.error);
    try {
      await store.port.upsertFeedback(parsed.rows);
      store.feedbackWrites += 1;
    } catch (error) {
      deps.log?.(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'store: feedback not stored', store: store.port.kind, error: errorKind(error) }));
      return errorResponse(gatewayError('store_unavailable', 'The store did not take the feedback; nothing was stored. Try again later.'));
    }
    return c.json({ accepted: parsed.items }, 202);
  };
}
