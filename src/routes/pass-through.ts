// Every other /v1/ path: forwarded unchanged, its body streamed (file uploads are not limited).
// Observed lightly: method, path, status, timing.
import type { Context } from 'hono';
import { gatewayError } from '../errors.ts';
import { forward } from '../proxy/forward.ts';
import { headersForUpstream } from '../upstream/request-headers.ts';
import { fail, noteError, upstreamHost, upstreamUrl, type GatewayDeps, type GatewayEnv, type Observe } from './context.ts';

// An encoded slash or backslash could name another path once the upstream decodes it.
const ENCODED_SEPARATOR = /%2f|%5c/i;

export function passThroughRoute(deps: GatewayDeps, observe: Observe) {
  const host = upstreamHost(deps.config);
  return async (c: Context<GatewayEnv>): Promise<Response> => {
    const request = c.req.raw;
    const url = new URL(request.url);
    if (ENCODED_SEPARATOR.test(url.pathname)) {
      return fail(c, gatewayError('unknown_url', `Invalid URL (${request.method} ${url.pathname}): encoded slashes are not forwarded.`));
    }
    const observation = observe(c, 'pass-through');
    const headers = headersForUpstream(deps.config.upstreams.openai, request.headers, c.get('clientAuthorization'), new Headers());
    observation.passing(headers);
    const forwarded = await forward(deps.fetch, {
      url: upstreamUrl(deps.config, url),
      method: request.method,
      headers,
      body: request.body,
      signal: request.signal,
      timeoutMs: deps.config.UPSTREAM_TIMEOUT_MS,
      idleTimeoutMs: deps.config.UPSTREAM_IDLE_TIMEOUT_MS,
      retries: deps.config.UPSTREAM_RETRIES,
      maxRetryDelayMs: deps.config.UPSTREAM_RETRY_MAX_DELAY_MS,
    }, host);
    observation.attempted(forwarded.attempts);
    return forwarded.ok ? observation.respond(forwarded.response) : observation.fail(noteError(c, forwarded.error));
  };
}
