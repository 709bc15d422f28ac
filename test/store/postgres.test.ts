import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { storeCases } from './store.cases.ts';

let server: TestPostgres | undefined;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(() => server?.close());

const url = () => {
  if (server === undefined) throw new Error('Postgres did not start');
  return server.url;
};

// First, on the fresh database: instances starting together never race (the advisory lock).
describe('Postgres migrations', () => {
  it('four instances migrating at once: all succeed, each migration applied once', async () => {
    const stores = Array.from({ length: 4 }, () => openPostgresStore(url()));
    await Promise.all(stores.map((store) => store.migrate()));
    await Promise.all(stores.map((store) => store.close()));
    const sql = postgres(url(), { max: 1, onnotice: () => {} });
    const rows = await sql`SELECT name FROM temperance_migrations`;
    await sql.end();
    expect(rows.map((row) => row.name)).toEqual(['0001_outcomes_and_feedback.sql']);
  });
});

storeCases('Postgres', async () => openPostgresStore(url()));
