// D1 as the Worker gets it, under a real `wrangler dev` (workerd, a local D1 migrated first by
// `wrangler d1 migrations apply --local`, as `npm start` does): the store cases call the D1
// adapter inside a test Worker (test/fixtures/d1-store/worker.ts) over HTTP.
import { afterAll, beforeAll } from 'vitest';
import type { ExperimentRows, StorePort } from '../../src/store/port.ts';
import { localD1 } from '../support/d1.ts';
import { startWranglerDev, type WranglerDev } from '../support/runtimes.ts';
import { storeCases } from './store.cases.ts';

const CONFIG = 'test/fixtures/d1-store/wrangler.toml';
let worker: WranglerDev | undefined;
let cleanUp: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const state = await localD1(CONFIG);
  cleanUp = state.close;
  worker = await startWranglerDev(['-c', CONFIG, '--persist-to', state.persistTo]);
}, 120_000);
afterAll(async () => {
  await worker?.close();
  await cleanUp?.();
});

async function call<T>(body: Record<string, unknown>): Promise<T> {
  if (worker === undefined) throw new Error('wrangler dev did not start');
  const response = await fetch(worker.url, { method: 'POST', body: JSON.stringify(body) });
  const answer = (await response.json()) as { result: T; error?: string };
  if (answer.error !== undefined) throw new Error(answer.error);
  return answer.result;
}

const remote: StorePort = {
  kind: 'd1',
  migrate: () => call<void>({ method: 'migrate' }),
  writeOutcomes: (rows) => call<void>({ method: 'writeOutcomes', rows }),
  upsertFeedback: (rows) => call<void>({ method: 'upsertFeedback', rows }),
  readExperiment: (experiment) => call<ExperimentRows>({ method: 'readExperiment', experiment }),
  unmatchedFeedback: () => call<Record<string, number>>({ method: 'unmatchedFeedback' }),
  purge: (before) => call<{ outcomes: number; feedback: number }>({ method: 'purge', before }),
  close: async () => {},
};

storeCases('D1 (wrangler dev)', async () => remote);
