// POST /v1/completions: a prompt, no messages; a system message has nowhere to go.
import type { RouteAdapter } from './route.ts';

export const completionsRoute: RouteAdapter = {
  route: 'completions',
  path: '/completions',
  applySystem(body) {
    return {
      ok: true,
      body,
      decision: {
        param: 'system', requested: undefined, applied: undefined, rule: 'system',
        reason: 'not applied: /v1/completions takes a prompt, not messages',
      },
    };
  },
};
