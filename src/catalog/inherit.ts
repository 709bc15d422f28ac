// The engine's last step (contract §7): what the request's base model refuses is removed, what
// it renames is moved, after the policy's rules (so a policy never reintroduces what the base
// refuses) and with or without a policy. Pure: a body in, the body to forward and decisions out;
// the input is not mutated.
import type { Decision, JsonObject } from '../policy/decision.ts';
import { isJsonObject } from '../policy/decision.ts';
import type { Route } from '../policy/parameters.ts';
import { resolveBase } from './base.ts';
import type { Family, Refusal } from './family.ts';

export type InheritResult = { body: JsonObject; decisions: Decision[]; changed: boolean };

type Effort = { value: string | undefined; sent: boolean };

/** The reasoning effort the upstream will apply: the request's own, else the family's default. */
function effectiveEffort(body: JsonObject, route: Route, entry: Family): Effort {
  const sent = route === 'chat' ? body.reasoning_effort : route === 'responses' && isJsonObject(body.reasoning) ? body.reasoning.effort : undefined;
  return typeof sent === 'string' ? { value: sent, sent: true } : { value: entry.defaultEffort, sent: false };
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Why `refusal` removes the value, or undefined when the model takes it as it is. */
function refusalReason(refusal: Refusal, value: unknown, family: string, effort: Effort): string | undefined {
  const { param } = refusal;
  if (refusal.unlessEffort !== undefined) {
    if (effort.value === refusal.unlessEffort) return undefined;
    const whose = effort.sent ? `this request's is ${effort.value}` : `this request sets no reasoning effort, and ${family}'s default is ${effort.value ?? 'not none'}`;
    return `the base model ${family} accepts ${param} only with reasoning effort ${refusal.unlessEffort}; ${whose}`;
  }
  if (Object.hasOwn(refusal, 'only') && sameJson(value, refusal.only)) return undefined;
  const only = Object.hasOwn(refusal, 'only') ? ` (only its default ${JSON.stringify(refusal.only)})` : '';
  return `the base model ${family} does not accept ${param}${only}`;
}

/**
 * Applies what the base of `body.model` refuses and renames on `route`. `stated` is the
 * governing policy's `base:`, for ids that do not reveal their base.
 */
export function inheritFromBase(body: JsonObject, route: Route, stated?: string): InheritResult {
  const unchanged: InheritResult = { body, decisions: [], changed: false };
  if (typeof body.model !== 'string') return unchanged;
  const base = resolveBase(body.model, stated);
  if (base?.family === undefined || base.entry === undefined) return unchanged;
  const { family, entry } = base;
  const rules = entry.routes[route];
  if (rules === undefined) return unchanged;

  const next: JsonObject = { ...body };
  const decisions: Decision[] = [];
  const effort = effectiveEffort(body, route, entry);
  for (const refusal of rules.refuses ?? []) {
    if (!Object.hasOwn(body, refusal.param)) continue;
    const requested = body[refusal.param];
    const reason = refusalReason(refusal, requested, family, effort);
    if (reason === undefined) continue;
    delete next[refusal.param];
    decisions.push({ param: refusal.param, requested, applied: undefined, rule: 'unsupported', base: family, reason });
  }
  for (const [from, to] of Object.entries(rules.renames ?? {})) {
    if (!Object.hasOwn(next, from)) continue;
    const requested = next[from];
    delete next[from];
    const own = next[to];
    if (own !== undefined && own !== null) {
      // Only a number is quoted: the reason is kept in traces, and the value is the client's.
      const shown = typeof own === 'number' ? ` (${own})` : '';
      decisions.push({ param: from, requested, applied: undefined, rule: 'renamed', base: family, reason: `the base model ${family} takes ${to} instead of ${from}: the client's own ${to}${shown} stands` });
      continue;
    }
    next[to] = requested;
    decisions.push({ param: from, requested, applied: requested, rule: 'renamed', base: family, reason: `the base model ${family} takes ${to} instead of ${from}: sent as ${to}` });
  }
  return decisions.length === 0 ? unchanged : { body: next, decisions, changed: true };
}
