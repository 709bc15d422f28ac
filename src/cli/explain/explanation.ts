// What the gateway would do with one request, computed with its own engine (resolve, then
// applyPolicy) and no network: the data `temperance explain` prints.
import { resolveBase } from '../../catalog/base.ts';
import { inheritFromBase } from '../../catalog/inherit.ts';
import { errorBody, ERROR_KINDS, type ErrorBody } from '../../errors.ts';
import { applyPolicy } from '../../policy/apply.ts';
import type { Decision, JsonObject } from '../../policy/decision.ts';
import type { Route } from '../../policy/parameters.ts';
import type { PolicySet } from '../../policy/policy-set.ts';
import { chatRoute } from '../../policy/routes/chat.ts';
import { completionsRoute } from '../../policy/routes/completions.ts';
import { responsesRoute } from '../../policy/routes/responses.ts';
import type { RouteAdapter } from '../../policy/routes/route.ts';
import type { Resolution } from '../../policy/resolve.ts';

export const ROUTES = {
  chat: { adapter: chatRoute, path: '/v1/chat/completions' },
  responses: { adapter: responsesRoute, path: '/v1/responses' },
  completions: { adapter: completionsRoute, path: '/v1/completions' },
} as const satisfies Record<Route, { adapter: RouteAdapter; path: string }>;

export type Explanation = {
  model: string;
  route: Route;
  path: string;
  policy: { name: string; path: string; model: string; via: Resolution['via'] } | null;
  /** The request's base model and its catalog family (null: the id reveals none); `stated` when a policy's base: says it. */
  base: { id: string; family: string | null; stated: boolean } | null;
  /** The policy's decisions, then what the base refused or renamed (rules unsupported, renamed). */
  decisions: Decision[];
  outcome:
    | { forwarded: true; changed: boolean; body: JsonObject }
    | { forwarded: false; status: number; error: ErrorBody };
};

/** The route a body is meant for, from the fields only that route has. */
export function inferRoute(body: JsonObject): Route {
  if (Object.hasOwn(body, 'messages')) return 'chat';
  if (Object.hasOwn(body, 'input') || Object.hasOwn(body, 'instructions')) return 'responses';
  if (Object.hasOwn(body, 'prompt')) return 'completions';
  return 'chat';
}

function describeBase(model: string, stated: string | undefined): Explanation['base'] {
  const base = resolveBase(model, stated);
  return base === undefined ? null : { id: base.id, family: base.family ?? null, stated: stated !== undefined };
}

/** `catalog`: false as with MODEL_CATALOG=off, when nothing is inherited from the base. */
export function explainRequest(set: PolicySet, body: JsonObject, route: Route, model: string, catalog = true): Explanation {
  const { adapter, path } = ROUTES[route];
  const resolution = set.resolve(model);
  // The gateway's order: the policy's rules, then what the base refuses (src/routes/governed.ts).
  const inherit = (next: JsonObject, stated: string | undefined) => (catalog ? inheritFromBase(next, route, stated) : { body: next, decisions: [], changed: false });
  if (resolution === null) {
    const inherited = inherit(body, undefined);
    return { model, route, path, policy: null, base: describeBase(model, undefined), decisions: inherited.decisions, outcome: { forwarded: true, changed: inherited.changed, body: inherited.body } };
  }
  const { policy, via } = resolution;
  const summary = { name: policy.name, path: policy.path, model: policy.model, via };
  const base = describeBase(policy.pattern ? model : policy.model, policy.base);
  const result = applyPolicy(body, policy, adapter);
  if (!result.ok) {
    return { model, route, path, policy: summary, base, decisions: result.decisions, outcome: { forwarded: false, status: ERROR_KINDS[result.error.kind].status, error: errorBody(result.error) } };
  }
  const inherited = inherit(result.body, policy.base);
  return { model, route, path, policy: summary, base, decisions: [...result.decisions, ...inherited.decisions], outcome: { forwarded: true, changed: result.changed || inherited.changed, body: inherited.body } };
}
