// The routes that run a model (chat completions, responses, completions): the request's policy
// is applied before it is forwarded. Each request is observed (src/observe/observation.ts).
import type { Context } from 'hono';
import { gatewayError, type GatewayError } from '../errors.ts';
import { MAX_KEPT_CHARS as MAX_MODEL_CHARS } from '../observe/bound.ts';
import { applyPolicy } from '../policy/apply.ts';
import { ARM_HEADER, assignArm, EXPERIMENT_HEADER } from '../experiment/assign.ts';
import { isJsonObject, type JsonObject } from '../policy/decision.ts';
import type { RouteAdapter } from '../policy/routes/route.ts';
import { forward } from '../proxy/forward.ts';
import { upstreamRequestHeaders } from '../proxy/headers.ts';
import { readBodyWithin } from '../proxy/read-body.ts';
import { asksForUsage, spliceUsage, withUsage } from '../proxy/usage-filter.ts';
import { inheritStep } from './inherit-step.ts';
import { noteError, POLICY_HEADER, type GatewayDeps, type GatewayEnv, type Observe } from './context.ts';
import { setCredential, upstreamUrl } from '../upstream/request-headers.ts';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

type ParsedBody = { ok: true; bytes: Uint8Array; body: JsonObject } | { ok: false; error: GatewayError };

async function readJsonBody(request: Request, limit: number): Promise<ParsedBody> {
  const read = await readBodyWithin(request, limit);
  if (!read.ok) return { ok: false, error: gatewayError('request_too_large', `The request body is larger than ${limit} bytes (MAX_BODY_BYTES).`) };
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(read.bytes));
  } catch (error) {
    // The parser's own message quotes the body, which may hold anything: give only the position.
    const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    return { ok: false, error: gatewayError('invalid_json', `The request body is not valid JSON${position === undefined ? '' : ` (at position ${position})`}.`) };
  }
  if (!isJsonObject(body)) return { ok: false, error: gatewayError('invalid_request', 'The request body must be a JSON object.') };
  return { ok: true, bytes: read.bytes, body };
}

/** Outgoing bytes and body once the gateway has (maybe) asked for the stream's usage. */
type Outgoing = { bytes: Uint8Array; body: JsonObject; usageAdded: boolean };

/**
 * A chat or completions stream without include_usage: ask for it (to count tokens) and hide
 * the extra chunk later. A body the policy left alone keeps its own bytes; see spliceUsage.
 */
function requestUsage(route: RouteAdapter, outgoing: Outgoing, changed: boolean): Outgoing {
  const { body } = outgoing;
  if (route.route === 'responses' || body.stream !== true || asksForUsage(body)) return outgoing;
  if (changed) {
    const next = withUsage(body);
    return { bytes: encoder.encode(JSON.stringify(next)), body: next, usageAdded: true };
  }
  const spliced = spliceUsage(outgoing.bytes, body);
  return spliced === undefined ? outgoing : { bytes: spliced, body: withUsage(body), usageAdded: true };
}

export function governedRoute(route: RouteAdapter, deps: GatewayDeps, observe: Observe) {
  const { config } = deps;
  const random = deps.random ?? Math.random;

  return async (c: Context<GatewayEnv>): Promise<Response> => {
    const request = c.req.raw;
    const observation = observe(c, route.route);
    const parsed = await readJsonBody(request, config.MAX_BODY_BYTES);
    if (!parsed.ok) return observation.fail(noteError(c, parsed.error));
    const { body } = parsed;
    observation.requested(body);
    if (body.model !== undefined && typeof body.model !== 'string') {
      return observation.fail(noteError(c, gatewayError('invalid_type', 'model must be a string', 'model')));
    }
    // Before resolution: no model id is this long, and a name that long must not reach a cache.
    if (typeof body.model === 'string' && body.model.length > MAX_MODEL_CHARS) {
      const message = `model is ${body.model.length} characters long; at most ${MAX_MODEL_CHARS} are allowed.`;
      return observation.fail(noteError(c, gatewayError('model_too_long', message, 'model')));
    }
    const resolution = typeof body.model === 'string' ? deps.policies().resolve(body.model) : null;

    let outgoing: Outgoing = { bytes: parsed.bytes, body, usageAdded: false };
    let changed = false;
    // The client's end-to-end headers; the credential is the upstream's, set once it is known.
    const headers = upstreamRequestHeaders(request.headers, undefined);
    // The gateway's own control header, never the upstream's business: also under a policy with
    // no experiment, or none (where it selects nothing and is otherwise ignored).
    headers.delete(ARM_HEADER);
    let policyName: string | undefined;
    /** The gateway's headers on every answer under a policy: its name, and the experiment's arm. */
    let ours: Record<string, string> | undefined;
    // No policy: openai. Under a policy: the upstream of the policy that applied (contract §8).
    let upstream = config.upstreams.openai;
    if (resolution === null) {
      if (config.UNLISTED_MODELS === 'reject') {
        const named = typeof body.model === 'string' ? `The model ${JSON.stringify(body.model)} is` : 'A request without a model is';
        return observation.fail(noteError(c, gatewayError('model_not_allowed', `${named} not governed by any policy of this gateway (UNLISTED_MODELS=reject).`, 'model')));
      }
    } else {
      let { policy } = resolution;
      policyName = policy.name;
      ours = { [POLICY_HEADER]: policy.name };
      if (policy.experiment !== undefined) {
        // The arm is one more layer of the policy: its merged rules go through the same engine.
        const drawn = assignArm(policy.experiment, body, request.headers, random);
        ours[EXPERIMENT_HEADER] = policy.experiment.name;
        if (!drawn.ok) {
          observation.governed(policy, []);
          return observation.fail(noteError(c, drawn.error), ours);
        }
        observation.experiment(drawn.assignment);
        ours[ARM_HEADER] = drawn.assignment.arm.name;
        policy = drawn.assignment.arm.policy;
      }
      const result = applyPolicy(body, policy, route);
      observation.governed(policy, result.decisions);
      const named = config.upstreams.get(policy.upstream);
      // Only a policy set loaded without upstreams.yaml can name an unknown one: never guess where to send it.
      if (named === undefined) return observation.fail(noteError(c, gatewayError('gateway_misconfigured', `The policy ${policy.name} names an upstream this gateway does not define.`)), ours);
      upstream = named;
      observation.via(upstream);
      if (!result.ok) return observation.fail(noteError(c, result.error), ours);
      // Unchanged bodies go out as the client's own bytes: JSON.parse loses integers above 2^53.
      if (result.changed) {
        changed = true;
        outgoing = { bytes: encoder.encode(JSON.stringify(result.body)), body: result.body, usageAdded: false };
      }
    }
    // Contract §7: what the base model refuses goes, after the policy's rules, with or without a policy.
    ({ outgoing, changed } = inheritStep(config, route.route, { outgoing, changed }, resolution?.policy.base, observation));
    setCredential(headers, upstream, c.get('clientAuthorization'));
    // Only under a policy: a model no policy governs is forwarded exactly as sent (an
    // OpenAI-compatible server might not know stream_options).
    if (policyName !== undefined) outgoing = requestUsage(route, outgoing, changed);
    if (changed || outgoing.usageAdded) headers.set('content-type', 'application/json');
    observation.sending(outgoing.body, headers, outgoing.usageAdded);

    const forwarded = await forward(deps.fetch, {
      url: upstreamUrl(upstream, route.path, new URL(request.url).search),
      method: 'POST',
      headers,
      body: outgoing.bytes,
      signal: request.signal,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      idleTimeoutMs: config.UPSTREAM_IDLE_TIMEOUT_MS,
      retries: config.UPSTREAM_RETRIES,
      maxRetryDelayMs: config.UPSTREAM_RETRY_MAX_DELAY_MS,
    }, upstream.label);
    observation.attempted(forwarded.attempts);
    if (!forwarded.ok) return observation.fail(noteError(c, forwarded.error), ours);
    for (const [name, value] of Object.entries(ours ?? {})) forwarded.response.headers.set(name, value);
    return observation.respond(forwarded.response, { hideUsageChunk: outgoing.usageAdded });
  };
}
