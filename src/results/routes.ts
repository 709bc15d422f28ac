// GET /_temperance/experiments.json and the page (contract 6.3), behind the admin guard.
import type { Hono } from 'hono';
import { errorResponse, gatewayError } from '../errors.ts';
import type { GatewayDeps, GatewayEnv } from '../routes/context.ts';
import { experimentResults, type ExperimentResult } from '../stats/results.ts';
import { errorKind } from '../store/write-behind.ts';
import { PAGE_SECURITY_HEADERS } from '../admin/trace-page.ts';
import { ResultsCache } from './cache.ts';
import { experimentsPage } from './page.ts';

export const NO_STORE_HELP =
  'No store: outcomes and feedback are not kept, so there are no results. On Node set TEMPERANCE_DB to a SQLite file path (the default is .temperance/temperance.db) or postgres://…; on Workers add a D1 binding named DB (README, "The store").';

export type ExperimentsJson =
  | { store: string; experiments: ExperimentResult[] }
  | { store: null; message: string; experiments: { name: string; policy: string; control: string; arms: { name: string; weight: number }[] }[] };

export function experimentRoutes(app: Hono<GatewayEnv>, prefix: string, deps: GatewayDeps): void {
  const cache = new ResultsCache<ExperimentsJson>();
  app.get(`${prefix}/experiments.json`, async (c) => {
    const set = deps.policies();
    const store = deps.store;
    if (store === undefined) {
      const body: ExperimentsJson = {
        store: null,
        message: NO_STORE_HELP,
        experiments: set.experiments.map((e) => ({ name: e.name, policy: e.policy, control: e.control, arms: e.arms })),
      };
      return c.json(body, 200, { 'cache-control': 'no-store' });
    }
    const all = c.req.query('all') === 'true';
    try {
      // A new policy set or new feedback is a new key: cached results never hide either.
      const { value, ageMs } = await cache.get(`${all}:${set.loadedAt}:${store.feedbackWrites}`, async () => {
        // What finished a moment ago is still in the queue: the page should count it.
        await store.outcomes.flush();
        const unmatched = await store.port.unmatchedFeedback();
        const experiments = await Promise.all(set.experiments.map(async (e) => experimentResults(e, await store.port.readExperiment(e.name), unmatched, all)));
        return { store: store.port.kind, experiments };
      });
      // How old these results are (large experiments are recomputed at most every few seconds).
      return c.json(value, 200, { 'cache-control': 'no-store', 'x-temperance-results-age-ms': String(ageMs) });
    } catch (error) {
      deps.log?.(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'store: results not read', store: store.port.kind, error: errorKind(error) }));
      return errorResponse(gatewayError('store_unavailable', 'The store did not answer; try again later.'));
    }
  });

  app.get(`${prefix}/experiments`, () => new Response(experimentsPage(), { headers: PAGE_SECURITY_HEADERS }));
}
