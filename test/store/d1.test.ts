// D1 as the Worker gets it: wrangler's local D1 (workerd), reached through getPlatformProxy,
// after `wrangler d1 migrations apply --local` (wrangler dev does not apply them itself).
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { getPlatformProxy } from 'wrangler';
import { d1Store } from '../../src/store/d1.ts';
import type { StorePort } from '../../src/store/port.ts';
import { d1OnlyConfig, localD1 } from '../support/d1.ts';
import { storeCases } from './store.cases.ts';

let store: StorePort | undefined;
const cleanUps: (() => Promise<void>)[] = [];
beforeAll(async () => {
  const config = await d1OnlyConfig();
  cleanUps.push(config.close);
  const state = await localD1(config.path);
  cleanUps.push(state.close);
  const proxy = await getPlatformProxy<Record<string, unknown>>({ configPath: config.path, persist: { path: join(state.persistTo, 'v3') } });
  cleanUps.unshift(() => proxy.dispose());
  store = d1Store(proxy.env.DB);
}, 120_000);
afterAll(async () => {
  for (const cleanUp of cleanUps) await cleanUp();
});

storeCases('D1 (local, wrangler)', async () => {
  if (store === undefined) throw new Error('no D1 binding');
  return store;
});
