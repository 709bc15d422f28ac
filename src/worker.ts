// Cloudflare Workers entry: bindings → config, compiled policies → the gateway, once per isolate.
// `temperance-policies` is the build step's output (wrangler.toml [alias]).
import type { ExecutionContext } from 'hono';
import compiled from 'temperance-policies';
import { parseConfig } from './config.ts';
import { errorResponse, gatewayError } from './errors.ts';
import { createGateway } from './gateway.ts';
import { fromCompiled, upstreamsFromCompiled } from './policy/compiled.ts';
import { isLoopback } from './admin/access.ts';
import { createTelemetry } from './telemetry/create-telemetry.ts';
import { d1Store } from './store/d1.ts';
import { createStore, purgeOld } from './store/store.ts';

type WorkerEnv = Record<string, unknown>;
type WorkerContext = ExecutionContext;
type Handler = (request: Request, env: WorkerEnv, ctx: WorkerContext) => Response | Promise<Response>;

const policies = fromCompiled(compiled);
const upstreams = upstreamsFromCompiled(compiled);

// A Worker cannot refuse to start: a bad configuration answers every request instead.
function misconfigured(errors: readonly string[]): Handler {
  const message = `The gateway is misconfigured: ${errors.join('; ')}`;
  return () => errorResponse(gatewayError('gateway_misconfigured', message));
}

function build(env: WorkerEnv): Handler {
  if (!policies.ok) return misconfigured(policies.errors);
  if (!upstreams.ok) return misconfigured(upstreams.errors);
  // Each upstream's key is read from env by the variable upstreams.yaml names (a Worker secret).
  const config = parseConfig(env, upstreams.value);
  if (!config.ok) return misconfigured(config.errors);
  const set = policies.value;
  const upstreamFetch: typeof fetch = (input, init) => fetch(input, init);
  // Metrics go out after each request: an isolate runs nothing between requests.
  const telemetry = createTelemetry(config.config, upstreamFetch, 'after-each-request', 'webjs');
  // The DB binding (D1) is the store; without one the gateway runs without a store.
  const port = d1Store(env.DB);
  const log = (line: string) => console.log(line);
  const store = port === undefined ? undefined : createStore(port, { flushAfterEachRequest: true, log, ...(telemetry?.meter === undefined ? {} : { meter: telemetry.meter }) });
  const app = createGateway({
    config: config.config,
    policies: () => set,
    fetch: upstreamFetch,
    ...(telemetry === undefined ? {} : { telemetry }),
    clientAddress: localDevClient,
    log,
    ...(store === undefined ? {} : { store }),
  });
  return (request, _env, ctx) => app.fetch(request, {}, ctx);
}

/**
 * Loopback only under `wrangler dev`: there the request's host is the local address and
 * CF-Connecting-IP is the socket's peer. On Cloudflare the host is the Worker's own name and
 * CF-Connecting-IP the real client, so neither is ever loopback and ADMIN_API_KEY is needed.
 */
function localDevClient(c: { req: { raw: Request } }): string | undefined {
  const request = c.req.raw;
  if (!isLoopback(new URL(request.url).hostname)) return undefined;
  return request.headers.get('cf-connecting-ip') ?? undefined;
}

let handler: Handler | undefined;

export default {
  fetch(request: Request, env: WorkerEnv, ctx: WorkerContext): Response | Promise<Response> {
    handler ??= build(env);
    return handler(request, env, ctx);
  },
  /** The daily Cron Trigger (wrangler.toml [triggers]): retention, EXPERIMENT_RETENTION_DAYS. */
  scheduled(_event: unknown, env: WorkerEnv, ctx: WorkerContext): void {
    const port = d1Store(env.DB);
    const config = parseConfig(env);
    if (port === undefined || !config.ok) return;
    ctx.waitUntil(purgeOld(port, config.config.EXPERIMENT_RETENTION_DAYS, (line) => console.log(line)));
  },
};
