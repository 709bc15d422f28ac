// The policy engine: a request body and its policy in, the body to forward and what changed
// out. No I/O, no clock, no mutation of the input; a refusal is a returned value.
import { gatewayError, type GatewayError } from '../errors.ts';
import type { Decision, JsonObject } from './decision.ts';
import { belongsToRoute, numericRange } from './parameters.ts';
import type { Policy } from './policy-set.ts';
import type { RouteAdapter } from './routes/route.ts';
import type { SamplingRule } from './schema.ts';

export type PolicyResult =
  | { ok: true; body: JsonObject; decisions: Decision[]; changed: boolean }
  | { ok: false; error: GatewayError; decisions: Decision[] };

type RuleOutcome = { kind: 'keep' } | { kind: 'set'; value: unknown; decision: Decision } | { kind: 'remove'; decision: Decision } | { kind: 'error'; error: GatewayError };

const KEEP = { kind: 'keep' } as const;

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

function formatRange(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${min}–${max}`;
  return min !== undefined ? `≥ ${min}` : `≤ ${max}`;
}

/** Why a value of the wrong type is refused, or undefined when the type is right. */
function typeProblem(param: string, rule: SamplingRule, value: unknown): string | undefined {
  const range = numericRange(param);
  if (range !== undefined || rule.min !== undefined || rule.max !== undefined) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${param} must be a number, got ${jsonType(value)}`;
    if (range?.integer === true && !Number.isInteger(value)) return `${param} must be an integer, got ${value}`;
    return undefined;
  }
  // Another parameter with a default: the default's JSON type is the expected one.
  const expected = jsonType(rule.default);
  return jsonType(value) === expected ? undefined : `${param} must be of type ${expected}, got ${jsonType(value)}`;
}

function applyRule(param: string, rule: SamplingRule, body: JsonObject, policy: Policy): RuleOutcome {
  const present = Object.hasOwn(body, param);
  const requested = present ? body[param] : undefined;

  if (rule.drop === true) {
    return present ? { kind: 'remove', decision: { param, requested, applied: undefined, rule: 'drop' } } : KEEP;
  }
  if (Object.hasOwn(rule, 'fixed') && rule.fixed !== undefined) {
    const { fixed } = rule;
    return present && sameJson(requested, fixed) ? KEEP : { kind: 'set', value: fixed, decision: { param, requested, applied: fixed, rule: 'fixed' } };
  }
  if (requested === undefined || requested === null) {
    if (rule.default === undefined) return KEEP;
    return { kind: 'set', value: rule.default, decision: { param, requested, applied: rule.default, rule: 'default' } };
  }
  const problem = typeProblem(param, rule, requested);
  if (problem !== undefined) return { kind: 'error', error: gatewayError('invalid_type', `${problem} (policy ${policy.name})`, param) };
  if (typeof requested !== 'number') return KEEP;

  const { min, max } = rule;
  const bound = min !== undefined && requested < min ? min : max !== undefined && requested > max ? max : undefined;
  if (bound === undefined) return KEEP;
  if (policy.outOfRange === 'reject') {
    const message = `${param} ${requested} is outside the range ${formatRange(min, max)} allowed for model ${policy.model} (policy ${policy.name})`;
    return { kind: 'error', error: gatewayError('policy_violation', message, param) };
  }
  return { kind: 'set', value: bound, decision: { param, requested, applied: bound, rule: 'clamp' } };
}

/** The decision, marked with the layer its rule came from when that is a persona or an arm. */
function fromLayer(decision: Decision, policy: Policy, key: string): Decision {
  const layer = policy.layers?.[key];
  return layer === undefined || layer === 'file' ? decision : { ...decision, layer };
}

/**
 * Applies `policy` to a request `body` sent to `route`. The body's `model` is the name the
 * client sent: an alias or persona name is rewritten to the policy's model.
 */
export function applyPolicy(body: JsonObject, policy: Policy, route: RouteAdapter): PolicyResult {
  let next: JsonObject = { ...body };
  const decisions: Decision[] = [];
  let changed = false;

  if (!policy.pattern && body.model !== policy.model) {
    decisions.push({ param: 'model', requested: body.model, applied: policy.model, rule: 'alias' });
    next.model = policy.model;
    changed = true;
  }
  for (const [param, rule] of Object.entries(policy.sampling)) {
    if (!belongsToRoute(param, route.route)) continue;
    const outcome = applyRule(param, rule, body, policy);
    if (outcome.kind === 'keep') continue;
    if (outcome.kind === 'error') return { ok: false, error: outcome.error, decisions };
    decisions.push(fromLayer(outcome.decision, policy, param));
    changed = true;
    if (outcome.kind === 'remove') delete next[param];
    else next[param] = outcome.value;
  }
  if (policy.system !== undefined) {
    const outcome = route.applySystem(next, policy.system);
    if (!outcome.ok) return { ok: false, error: outcome.error, decisions };
    if (outcome.decision !== undefined) decisions.push(fromLayer(outcome.decision, policy, 'system'));
    if (outcome.body !== next) {
      next = outcome.body;
      changed = true;
    }
  }
  return { ok: true, body: next, decisions, changed };
}
