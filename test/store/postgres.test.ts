import { afterAll, beforeAll } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { storeCases } from './store.cases.ts';

let server: TestPostgres | undefined;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(() => server?.close());

storeCases('Postgres', async () => {
  if (server === undefined) throw new Error('Postgres did not start');
  return openPostgresStore(server.url);
});
