import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { storeCases } from './store.cases.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'temperance-sqlite-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// A file in a folder that does not exist yet: the adapter creates it, as at a first start.
storeCases('SQLite (node:sqlite)', async () => openSqliteStore(join(dir, 'nested', 'temperance.db')));
