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
import { drawForUnit } from '../../experiment/draw.ts';
import { ARM_HEADER } from '../../experiment/assign.ts';
import { boundUnit, readUnit } from '../../experiment/unit.ts';
import { gatewayError } from '../../errors.ts';
import type { LoadedArm, LoadedExperiment, Policy } from '../../policy/policy-set.ts';

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
  /** The experiment's arm the request gets, and how it was chosen. */
  experiment?: {
    name: string;
    arms: { name: string; weight: number }[];
    arm: string | null;
    /** forced: --arm; unit: --unit or the body's sticky field; none: no unit, each request draws by weight (the control is shown). */
    chosenBy: 'forced' | 'unit' | 'none';
  };
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

export type ArmChoice = { arm?: string | undefined; unit?: string | undefined };

type Chosen = { arm: LoadedArm | undefined; chosenBy: 'forced' | 'unit' | 'none' };

/** The arm as the gateway would choose it, without randomness: with no unit, the control. */
function chooseArm(experiment: LoadedExperiment, body: JsonObject, choice: ArmChoice): Chosen {
  if (choice.arm !== undefined) return { arm: experiment.arms.find((arm) => arm.name === choice.arm), chosenBy: 'forced' };
  const unit = choice.unit === undefined ? readUnit(experiment.sticky, body, new Headers()) : boundUnit(choice.unit);
  if (unit !== undefined) return { arm: drawForUnit(experiment.name, unit, experiment.arms), chosenBy: 'unit' };
  return { arm: experiment.arms[0], chosenBy: 'none' };
}

function describeBase(model: string, stated: string | undefined): Explanation['base'] {
  const base = resolveBase(model, stated);
  return base === undefined ? null : { id: base.id, family: base.family ?? null, stated: stated !== undefined };
}

/** `catalog`: false as with MODEL_CATALOG=off, when nothing is inherited from the base; `choice`: an experiment's arm or unit. */
export function explainRequest(set: PolicySet, body: JsonObject, route: Route, model: string, catalog = true, choice: ArmChoice = {}): Explanation {
  const { adapter, path } = ROUTES[route];
  const resolution = set.resolve(model);
  // The gateway's order: the policy's rules, then what the base refuses (src/routes/governed.ts).
  const inherit = (next: JsonObject, stated: string | undefined) => (catalog ? inheritFromBase(next, route, stated) : { body: next, decisions: [], changed: false });
  if (resolution === null) {
    const inherited = inherit(body, undefined);
    return { model, route, path, policy: null, base: describeBase(model, undefined), decisions: inherited.decisions, outcome: { forwarded: true, changed: inherited.changed, body: inherited.body } };
  }
  const { via } = resolution;
  let policy: Policy = resolution.policy;
  const summary = { name: policy.name, path: policy.path, model: policy.model, via };
  const base = describeBase(policy.pattern ? model : policy.model, policy.base);
  const head = { model, route, path, policy: summary, base };
  let experiment: Explanation['experiment'];
  if (policy.experiment !== undefined) {
    const chosen = chooseArm(policy.experiment, body, choice);
    experiment = { name: policy.experiment.name, arms: policy.experiment.summary.arms, arm: chosen.arm?.name ?? null, chosenBy: chosen.chosenBy };
    if (chosen.arm === undefined) {
      const error = gatewayError('unknown_arm', `The experiment ${policy.experiment.name} has no arm ${JSON.stringify(choice.arm)} (${ARM_HEADER}).`);
      return { ...head, experiment, decisions: [], outcome: { forwarded: false, status: ERROR_KINDS[error.kind].status, error: errorBody(error) } };
    }
    policy = chosen.arm.policy;
  }
  const withExperiment = experiment === undefined ? head : { ...head, experiment };
  const result = applyPolicy(body, policy, adapter);
  if (!result.ok) {
    return { ...withExperiment, decisions: result.decisions, outcome: { forwarded: false, status: ERROR_KINDS[result.error.kind].status, error: errorBody(result.error) } };
  }
  const inherited = inherit(result.body, policy.base);
  return { ...withExperiment, decisions: [...result.decisions, ...inherited.decisions], outcome: { forwarded: true, changed: result.changed || inherited.changed, body: inherited.body } };
}
