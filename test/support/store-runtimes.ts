// The two runtimes with a store: Node with SQLite in a temporary file, workerd under a real
// `wrangler dev` with a local D1 that `wrangler d1 migrations apply --local` migrated first.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localD1 } from './d1.ts';
import { nodeRuntime, startWranglerDev, type Runtime } from './runtimes.ts';

export const nodeSqliteRuntime: Runtime = {
  name: 'node',
  async start(env) {
    const dir = await mkdtemp(join(tmpdir(), 'temperance-e2e-'));
    const running = await nodeRuntime.start({ TEMPERANCE_DB: join(dir, 'temperance.db'), ...env });
    return { ...running, close: async () => { await running.close(); await rm(dir, { recursive: true, force: true }); } };
  },
};

const STORE_CONFIG = 'test/fixtures/wrangler-store.toml';

export const workerdD1Runtime: Runtime = {
  name: 'workerd',
  async start(env) {
    const state = await localD1(STORE_CONFIG);
    const running = await startWranglerDev(['-c', STORE_CONFIG, '--persist-to', state.persistTo, ...Object.entries(env).flatMap(([name, value]) => ['--var', `${name}:${value}`])]);
    return { ...running, close: async () => { await running.close(); await state.close(); } };
  },
};
