// The routes that run a model (chat completions, responses, completions) on Web standards: the
// request's policy is applied (src/routes/decide.ts) before it is forwarded. Each request is
// observed (src/observe/observation.ts). The Node server answers most of these requests on its
// own native path (src/node/native-route.ts) with the same decision; this route is the
// Worker's, and the Node server's for what its native path hands over.
import type { Context } from 'hono';
import type { RouteAdapter } from '../policy/routes/route.ts';
import { forward } from '../proxy/forward.ts';
import { readBodyWithin } from '../proxy/read-body.ts';
import { decideGoverned, parseJsonBody, tooLarge } from './decide.ts';
import { noteError, type GatewayDeps, type GatewayEnv, type Observe } from './context.ts';

export function governedRoute(route: RouteAdapter, deps: GatewayDeps, observe: Observe) {
  const { config } = deps;

  return async (c: Context<GatewayEnv>): Promise<Response> => {
    const request = c.req.raw;
    const observation = observe(c, route.route);
    const read = await readBodyWithin(request, config.MAX_BODY_BYTES);
    if (!read.ok) return observation.fail(noteError(c, tooLarge(config.MAX_BODY_BYTES)));
    const parsed = parseJsonBody(read.bytes);
    if (!parsed.ok) return observation.fail(noteError(c, parsed.error));
    const decided = decideGoverned(route, deps, {
      parsed,
      headers: request.headers,
      outgoing: new Headers(),
      search: new URL(request.url).search,
      clientAuthorization: c.get('clientAuthorization'),
      observation,
    });
    if (!decided.ok) return observation.fail(noteError(c, decided.error), decided.ours);
    const { call, ours } = decided;

    const forwarded = await forward(deps.fetch, {
      url: call.url,
      method: 'POST',
      headers: call.headers,
      body: call.bytes,
      signal: request.signal,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      idleTimeoutMs: config.UPSTREAM_IDLE_TIMEOUT_MS,
      retries: config.UPSTREAM_RETRIES,
      maxRetryDelayMs: config.UPSTREAM_RETRY_MAX_DELAY_MS,
    }, call.upstream.label);
    observation.attempted(forwarded.attempts);
    if (!forwarded.ok) return observation.fail(noteError(c, forwarded.error), ours);
    for (const [name, value] of Object.entries(ours ?? {})) forwarded.response.headers.set(name, value);
    return observation.respond(forwarded.response, { hideUsageChunk: call.hideUsageChunk });
  };
}
