// A governed route tells the engine where its system message lives; the sampling rules are
// the same everywhere (parameters by name, filtered by `belongsToRoute`).
import type { GatewayError } from '../../errors.ts';
import type { Decision, JsonObject } from '../decision.ts';
import type { Route } from '../parameters.ts';
import type { SystemMessage } from '../schema.ts';

export type SystemOutcome =
  | { ok: true; body: JsonObject; decision?: Decision }
  | { ok: false; error: GatewayError };

export type RouteAdapter = {
  route: Route;
  /** The upstream path, under OPENAI_BASE_URL: `/v1/chat/completions/` from a client still goes here. */
  path: string;
  /** Delivers the canonical system message. `body` is the engine's own copy: it may be reassigned, not mutated in depth. */
  applySystem(body: JsonObject, system: SystemMessage): SystemOutcome;
};
