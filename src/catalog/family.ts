// The shape of one catalog entry: what an OpenAI base model family refuses, renames and does
// not take, per route, and where that knowledge comes from. The data is in models.ts.
import type { Route } from '../policy/parameters.ts';

/** OpenAI's reasoning effort values (chat `reasoning_effort`, responses `reasoning.effort`). */
export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

export type Refusal = {
  readonly param: string;
  /** The one value the model takes (OpenAI: "Only the default (1) value is supported"): that value is forwarded, any other removed. */
  readonly only?: unknown;
  /**
   * Refused unless the request's effective reasoning effort is this value: the effort the request
   * (after the policy's rules) names, else the family's `defaultEffort`.
   */
  readonly unlessEffort?: ReasoningEffort;
};

export type RouteRules = {
  readonly refuses?: readonly Refusal[];
  /** Old name → new name (`max_tokens` → `max_completion_tokens`). */
  readonly renames?: Readonly<Record<string, string>>;
  /** Message roles the model does not take (a policy's `system.role` must not be one of them). */
  readonly refusesRoles?: readonly ('system' | 'developer')[];
};

export type Source = {
  /** The page the fact comes from. */
  readonly url: string;
  /** When we read it (YYYY-MM-DD). */
  readonly read: string;
  /** What it says that this entry relies on, in our words. */
  readonly says: string;
  /** Where the page was read when not directly (a client project quoting or testing it). */
  readonly via?: string;
};

export type Family = {
  readonly summary: string;
  /** The reasoning effort the API applies when a request names none (conditions read it). */
  readonly defaultEffort?: ReasoningEffort;
  readonly routes: Readonly<Partial<Record<Route, RouteRules>>>;
  /** At least one, and at least one of them an OpenAI page (test/catalog/models.test.ts checks). */
  readonly sources: readonly [Source, ...Source[]];
  /** Where sources disagree, what each says and which one this entry follows. */
  readonly disagreement?: string;
};
