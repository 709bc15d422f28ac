// What the gateway would do with one request, computed with its own engine (resolve, then
// applyPolicy) and no network: the data `temperance explain` prints.
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

export function explainRequest(set: PolicySet, body: JsonObject, route: Route, model: string): Explanation {
  const { adapter, path } = ROUTES[route];
  const resolution = set.resolve(model);
  if (resolution === null) {
    return { model, route, path, policy: null, decisions: [], outcome: { forwarded: true, changed: false, body } };
  }
  const { policy, via } = resolution;
  const summary = { name: policy.name, path: policy.path, model: policy.model, via };
  const result = applyPolicy(body, policy, adapter);
  if (!result.ok) {
    return { model, route, path, policy: summary, decisions: result.decisions, outcome: { forwarded: false, status: ERROR_KINDS[result.error.kind].status, error: errorBody(result.error) } };
  }
  return { model, route, path, policy: summary, decisions: result.decisions, outcome: { forwarded: true, changed: result.changed, body: result.body } };
}
