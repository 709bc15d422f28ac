// The catalog step of a governed route (contract §7), as governed.ts calls it: after the
// policy's rules, with or without a policy, unless MODEL_CATALOG=off. What the base refused or
// renamed goes to the observation; an unchanged body keeps the client's own bytes.
import { inheritFromBase } from '../catalog/inherit.ts';
import type { Config } from '../config.ts';
import type { Observation } from '../observe/observation.ts';
import type { JsonObject } from '../policy/decision.ts';
import type { Route } from '../policy/parameters.ts';

type Outgoing = { bytes: Uint8Array; body: JsonObject; usageAdded: boolean };

const encoder = new TextEncoder();

export function inheritStep<T extends Outgoing>(
  config: Config,
  route: Route,
  step: { outgoing: T; changed: boolean },
  stated: string | undefined,
  observation: Observation,
): { outgoing: T; changed: boolean } {
  if (!config.MODEL_CATALOG) return step;
  const inherited = inheritFromBase(step.outgoing.body, route, stated);
  if (!inherited.changed) return step;
  observation.inherited(inherited.decisions);
  return { outgoing: { ...step.outgoing, bytes: encoder.encode(JSON.stringify(inherited.body)), body: inherited.body }, changed: true };
}
