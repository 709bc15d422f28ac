// Cloudflare Workers entry: bindings → config, compiled policies → the gateway, once per isolate.
// `temperance-policies` is the build step's output (wrangler.toml [alias]).
import type { ExecutionContext } from 'hono';
import compiled from 'temperance-policies';
import { parseConfig } from './config.ts';
import { errorResponse, gatewayError } from './errors.ts';
import { createGateway } from './gateway.ts';
import { fromCompiled } from './policy/compiled.ts';

type WorkerEnv = Record<string, unknown>;
type WorkerContext = ExecutionContext;
type Handler = (request: Request, env: WorkerEnv, ctx: WorkerContext) => Response | Promise<Response>;

const policies = fromCompiled(compiled);

// A Worker cannot refuse to start: a bad configuration answers every request instead.
function misconfigured(errors: readonly string[]): Handler {
  const message = `The gateway is misconfigured: ${errors.join('; ')}`;
  return () => errorResponse(gatewayError('gateway_misconfigured', message));
}

function build(env: WorkerEnv): Handler {
  if (!policies.ok) return misconfigured(policies.errors);
  const config = parseConfig(env);
  if (!config.ok) return misconfigured(config.errors);
  const set = policies.value;
  const app = createGateway({
    config: config.config,
    policies: () => set,
    fetch: (input, init) => fetch(input, init),
    log: (line) => console.log(JSON.stringify(line)),
  });
  return (request, _env, ctx) => app.fetch(request, {}, ctx);
}

let handler: Handler | undefined;

export default {
  fetch(request: Request, env: WorkerEnv, ctx: WorkerContext): Response | Promise<Response> {
    handler ??= build(env);
    return handler(request, env, ctx);
  },
};
