// What a governed request becomes, with no runtime in it: the client's body and headers, the
// policy (and its experiment's arm), the catalog step → the upstream call to make, or the
// gateway's refusal. Both entries use it: the Hono route (src/routes/governed.ts, both
// runtimes) and the Node-native path (src/node/native-route.ts). The observation hears every
// step here, so both entries record a request the same way.
import { gatewayError, type GatewayError } from '../errors.ts';
import { MAX_KEPT_CHARS as MAX_MODEL_CHARS } from '../observe/bound.ts';
import type { Observation } from '../observe/observation.ts';
import { applyPolicy } from '../policy/apply.ts';
import { ARM_HEADER, assignArm, EXPERIMENT_HEADER } from '../experiment/assign.ts';
import { isJsonObject, type JsonObject } from '../policy/decision.ts';
import type { RouteAdapter } from '../policy/routes/route.ts';
import type { HeaderMap } from '../proxy/header-list.ts';
import { upstreamRequestHeaders } from '../proxy/headers.ts';
import { asksForUsage, spliceUsage, withUsage } from '../proxy/usage-filter.ts';
import { inheritStep } from './inherit-step.ts';
import { POLICY_HEADER, type GatewayDeps } from './context.ts';
import { setCredential, upstreamUrl } from '../upstream/request-headers.ts';
import type { Upstream } from '../upstream/upstream-set.ts';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export type ParsedBody = { ok: true; bytes: Uint8Array; body: JsonObject } | { ok: false; error: GatewayError };

/** The body the client sent, as a JSON object, or the error that says why it is not one. */
export function parseJsonBody(bytes: Uint8Array): ParsedBody {
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    // The parser's own message quotes the body, which may hold anything: give only the position.
    const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    return { ok: false, error: gatewayError('invalid_json', `The request body is not valid JSON${position === undefined ? '' : ` (at position ${position})`}.`) };
  }
  if (!isJsonObject(body)) return { ok: false, error: gatewayError('invalid_request', 'The request body must be a JSON object.') };
  return { ok: true, bytes, body };
}

export function tooLarge(limit: number): GatewayError {
  return gatewayError('request_too_large', `The request body is larger than ${limit} bytes (MAX_BODY_BYTES).`);
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

/** The call to make upstream: where, with which headers and bytes. */
export type UpstreamCall<H extends HeaderMap> = {
  upstream: Upstream;
  url: string;
  headers: H;
  bytes: Uint8Array;
  /** The gateway asked the stream for usage the client did not ask for: that chunk is left out. */
  hideUsageChunk: boolean;
};

/** `ours`: the gateway's headers on every answer under a policy (its name, the experiment's arm). */
export type Decided<H extends HeaderMap> =
  | { ok: true; call: UpstreamCall<H>; ours: Record<string, string> | undefined }
  | { ok: false; error: GatewayError; ours: Record<string, string> | undefined };

export type DecideInput<H extends HeaderMap> = {
  parsed: { bytes: Uint8Array; body: JsonObject };
  /** The client's request headers. */
  headers: HeaderMap;
  /** An empty header list of the kind the caller sends upstream with (a Web Headers for fetch). */
  outgoing: H;
  /** The client's query string (`?…` or ''), passed on. */
  search: string;
  /** The client's Authorization when it is its own upstream credential (src/auth.ts). */
  clientAuthorization: string | undefined;
  observation: Observation;
};

type DecideDeps = Pick<GatewayDeps, 'config' | 'policies' | 'random'>;

export function decideGoverned<H extends HeaderMap>(route: RouteAdapter, deps: DecideDeps, input: DecideInput<H>): Decided<H> {
  const { config } = deps;
  const { body } = input.parsed;
  const { observation } = input;
  observation.requested(body);
  if (body.model !== undefined && typeof body.model !== 'string') {
    return { ok: false, error: gatewayError('invalid_type', 'model must be a string', 'model'), ours: undefined };
  }
  // Before resolution: no model id is this long, and a name that long must not reach a cache.
  if (typeof body.model === 'string' && body.model.length > MAX_MODEL_CHARS) {
    const message = `model is ${body.model.length} characters long; at most ${MAX_MODEL_CHARS} are allowed.`;
    return { ok: false, error: gatewayError('model_too_long', message, 'model'), ours: undefined };
  }
  const resolution = typeof body.model === 'string' ? deps.policies().resolve(body.model) : null;

  let outgoing: Outgoing = { bytes: input.parsed.bytes, body, usageAdded: false };
  let changed = false;
  // The client's end-to-end headers; the credential is the upstream's, set once it is known.
  const headers = upstreamRequestHeaders(input.headers, undefined, input.outgoing);
  // The gateway's own control header, never the upstream's business: also under a policy with
  // no experiment, or none (where it selects nothing and is otherwise ignored).
  headers.delete(ARM_HEADER);
  let ours: Record<string, string> | undefined;
  // No policy: openai. Under a policy: the upstream of the policy that applied (contract §8).
  let upstream = config.upstreams.openai;
  if (resolution === null) {
    if (config.UNLISTED_MODELS === 'reject') {
      const named = typeof body.model === 'string' ? `The model ${JSON.stringify(body.model)} is` : 'A request without a model is';
      return { ok: false, error: gatewayError('model_not_allowed', `${named} not governed by any policy of this gateway (UNLISTED_MODELS=reject).`, 'model'), ours };
    }
  } else {
    let { policy } = resolution;
    ours = { [POLICY_HEADER]: policy.name };
    if (policy.experiment !== undefined) {
      // The arm is one more layer of the policy: its merged rules go through the same engine.
      const drawn = assignArm(policy.experiment, body, input.headers, deps.random ?? Math.random);
      ours[EXPERIMENT_HEADER] = policy.experiment.name;
      if (!drawn.ok) {
        observation.governed(policy, []);
        return { ok: false, error: drawn.error, ours };
      }
      observation.experiment(drawn.assignment);
      ours[ARM_HEADER] = drawn.assignment.arm.name;
      policy = drawn.assignment.arm.policy;
    }
    const result = applyPolicy(body, policy, route);
    observation.governed(policy, result.decisions);
    const named = config.upstreams.get(policy.upstream);
    // Only a policy set loaded without upstreams.yaml can name an unknown one: never guess where to send it.
    if (named === undefined) return { ok: false, error: gatewayError('gateway_misconfigured', `The policy ${policy.name} names an upstream this gateway does not define.`), ours };
    upstream = named;
    observation.via(upstream);
    if (!result.ok) return { ok: false, error: result.error, ours };
    // Unchanged bodies go out as the client's own bytes: JSON.parse loses integers above 2^53.
    if (result.changed) {
      changed = true;
      outgoing = { bytes: encoder.encode(JSON.stringify(result.body)), body: result.body, usageAdded: false };
    }
  }
  // Contract §7: what the base model refuses goes, after the policy's rules, with or without a policy.
  ({ outgoing, changed } = inheritStep(config, route.route, { outgoing, changed }, resolution?.policy.base, observation));
  setCredential(headers, upstream, input.clientAuthorization);
  // Only under a policy: a model no policy governs is forwarded exactly as sent (an
  // OpenAI-compatible server might not know stream_options).
  if (resolution !== null) outgoing = requestUsage(route, outgoing, changed);
  if (changed || outgoing.usageAdded) headers.set('content-type', 'application/json');
  observation.sending(outgoing.body, headers, outgoing.usageAdded);
  return {
    ok: true,
    call: { upstream, url: upstreamUrl(upstream, route.path, input.search), headers, bytes: outgoing.bytes, hideUsageChunk: outgoing.usageAdded },
    ours,
  };
}
