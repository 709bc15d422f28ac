// The gateway's own routes (contract section 5): health for anyone; policies and the traces
// (page and JSON) for an admin (src/admin/access.ts). Nothing here ever shows a key: the
// records carry none, and the login form's cookie holds a digest.
import type { Context, Hono } from 'hono';
import { describeInheritance } from '../catalog/describe.ts';
import { errorResponse, gatewayError } from '../errors.ts';
import type { TraceBuffer } from '../observe/trace-buffer.ts';
import { formatUnitSource } from '../experiment/unit.ts';
import type { LoadedExperiment } from '../policy/policy-set.ts';
import { readBodyWithin } from '../proxy/read-body.ts';
import type { GatewayDeps, GatewayEnv } from '../routes/context.ts';
import { ADMIN_COOKIE, createAdminGuard } from './access.ts';
import { createLoginLimiter } from './login-limit.ts';
import { loginPage, PAGE_SECURITY_HEADERS, tracePage } from './trace-page.ts';
import { experimentRoutes } from '../results/routes.ts';
import { storeHealth } from '../store/store.ts';

const SECURE_PREFIX = '/_temperance';

/** An experiment with each arm's effective rules (the policy's, with the arm's layer merged over them). */
function describeExperiment(experiment: LoadedExperiment) {
  const { summary } = experiment;
  return {
    name: experiment.name,
    sticky: experiment.sticky.map(formatUnitSource),
    control: summary.control,
    metrics: summary.metrics,
    digest: summary.digest,
    arms: experiment.arms.map(({ name, weight, policy }) => ({
      name, weight, sampling: policy.sampling, out_of_range: policy.outOfRange, system: policy.system ?? null,
    })),
  };
}

/** A sign-in form is a key and little else: a larger body is refused unread, never buffered. */
const MAX_LOGIN_BYTES = 8 * 1024;

/** The key typed into the sign-in form, or undefined for a missing, malformed or oversized form. */
async function typedKey(request: Request): Promise<string | undefined> {
  const read = await readBodyWithin(request, MAX_LOGIN_BYTES);
  if (!read.ok) return undefined;
  const form = await new Response(read.bytes, { headers: { 'content-type': request.headers.get('content-type') ?? '' } }).formData().catch(() => undefined);
  const key = form?.get('key');
  return typeof key === 'string' ? key : undefined;
}

function wantsHtml(request: Request): boolean {
  return (request.headers.get('accept') ?? '').includes('text/html');
}

export function adminRoutes(app: Hono<GatewayEnv>, deps: GatewayDeps, buffer: TraceBuffer): void {
  const guard = createAdminGuard(deps.config);
  const limiter = createLoginLimiter();
  // The socket's address on Node; on Cloudflare (no loopback address there) the client address
  // Cloudflare itself sets, which a client cannot forge past Cloudflare's edge.
  const loginAddress = (c: Context<GatewayEnv>) => deps.clientAddress?.(c) ?? c.req.header('cf-connecting-ip') ?? 'unknown';

  // Names and hosts only: a base URL's path or query could carry a key (some servers take ?key=).
  const upstreams = deps.config.upstreams.all.map((upstream) => ({ name: upstream.name, host: upstream.host }));
  app.get(`${SECURE_PREFIX}/health`, (c) => c.json({ status: 'ok', policies: deps.policies().files.length, upstreams, ...deps.health?.(),
    // The store's state is shown, never a reason to fail: a store that is down costs records only.
    store: deps.store === undefined ? null : storeHealth(deps.store) }));

  app.post(`${SECURE_PREFIX}/login`, async (c) => {
    const address = loginAddress(c);
    const verdict = limiter.check(address);
    if (!verdict.allowed) {
      return new Response(loginPage(true, verdict.retryAfterSeconds), { status: 429, headers: { ...PAGE_SECURITY_HEADERS, 'retry-after': String(verdict.retryAfterSeconds) } });
    }
    const typed = await typedKey(c.req.raw);
    const cookie = typeof typed === 'string' ? await guard.cookieFor(typed) : undefined;
    if (cookie === undefined) {
      limiter.failed(address);
      return new Response(loginPage(true), { status: 401, headers: PAGE_SECURITY_HEADERS });
    }
    limiter.succeeded(address);
    const secure = new URL(c.req.url).protocol === 'https:' ? '; Secure' : '';
    return new Response(null, {
      status: 303,
      headers: { location: `${SECURE_PREFIX}/traces`, 'set-cookie': `${ADMIN_COOKIE}=${cookie}; Path=${SECURE_PREFIX}; HttpOnly; SameSite=Strict${secure}` },
    });
  });

  app.use(`${SECURE_PREFIX}/*`, async (c: Context<GatewayEnv>, next) => {
    const access = await guard.check(c.req.raw, deps.clientAddress?.(c));
    if (access === 'allowed') {
      await next();
      return undefined;
    }
    if (access === 'needs_key') {
      if (wantsHtml(c.req.raw)) return new Response(loginPage(false), { status: 401, headers: PAGE_SECURITY_HEADERS });
      return errorResponse(gatewayError('admin_key_required', 'This needs the ADMIN_API_KEY: send Authorization: Bearer <key>, or sign in at /_temperance/traces.'));
    }
    return errorResponse(gatewayError('admin_loopback_only', 'Without ADMIN_API_KEY, /_temperance/ answers only clients on this machine (loopback). Set ADMIN_API_KEY to open it to others.'));
  });

  app.get(`${SECURE_PREFIX}/policies`, (c) => {
    const set = deps.policies();
    return c.json({
      loadedAt: set.loadedAt,
      policies: set.policies.map((policy) => ({
        name: policy.name, path: policy.path, model: policy.model, pattern: policy.pattern, aliases: policy.aliases,
        sampling: policy.sampling, out_of_range: policy.outOfRange, system: policy.system ?? null,
        // Contract §7: the base and what requests inherit from it (MODEL_CATALOG=off: nothing).
        base: describeInheritance(policy.model, policy.base), model_catalog: deps.config.MODEL_CATALOG ? 'on' : 'off',
        upstream: policy.upstream,
        experiment: policy.experiment === undefined ? null : describeExperiment(policy.experiment),
      })),
      experiments: set.experiments,
    });
  });

  app.get(`${SECURE_PREFIX}/traces.json`, (c) => {
    const since = Number(c.req.query('since') ?? '0');
    // ?policy=NAME and ?arm=ARM (an arm name, or EXPERIMENT:ARM) narrow the list.
    const policy = c.req.query('policy');
    const arm = c.req.query('arm');
    const records = buffer.list(Number.isFinite(since) ? since : 0).filter((record) =>
      (policy === undefined || record.policy === policy) &&
      (arm === undefined || (record.experiment !== undefined && (record.experiment.arm === arm || `${record.experiment.name}:${record.experiment.arm}` === arm))));
    return c.json(records, 200, { 'cache-control': 'no-store' });
  });

  app.get(`${SECURE_PREFIX}/traces`, () => new Response(tracePage(), { headers: PAGE_SECURITY_HEADERS }));

  experimentRoutes(app, SECURE_PREFIX, deps);
}
