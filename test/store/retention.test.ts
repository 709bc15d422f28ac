// Retention (EXPERIMENT_RETENTION_DAYS): the Node server deletes older outcomes and feedback at
// start (and hourly); the Worker in its daily Cron Trigger, run here through wrangler dev's
// --test-scheduled route.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { localD1 } from '../support/d1.ts';
import { nodeRuntime, startWranglerDev } from '../support/runtimes.ts';
import { outcome } from './store.cases.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('retention', () => {
  it('Node: outcomes and feedback older than EXPERIMENT_RETENTION_DAYS are gone after a start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'temperance-retention-'));
    const file = join(dir, 'temperance.db');
    try {
      const seed = openSqliteStore(file);
      await seed.migrate();
      const now = Date.now();
      await seed.writeOutcomes([outcome('old', { at: now - 10 * DAY }), outcome('recent', { at: now - 2 * DAY })]);
      await seed.upsertFeedback([{ request_id: 'old', metric: 'resolved', value: 1, at: now - 10 * DAY }, { request_id: 'recent', metric: 'resolved', value: 1, at: now - 2 * DAY }]);
      await seed.close();

      const gateway = await nodeRuntime.start({ TEMPERANCE_DB: file, EXPERIMENT_RETENTION_DAYS: '7' });
      await expect.poll(() => gateway.output(), { timeout: 5000 }).toContain('store: retention');
      await gateway.close();
      const after = openSqliteStore(file);
      const rows = await after.readExperiment('support-temperature');
      await after.close();
      expect(rows.outcomes.map((row) => row.request_id)).toEqual(['recent']);
      expect(rows.feedback.map((row) => row.request_id)).toEqual(['recent']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('Workers: the daily Cron Trigger runs the retention against D1', async () => {
    const config = 'test/fixtures/wrangler-store.toml';
    const state = await localD1(config);
    const worker = await startWranglerDev(['-c', config, '--persist-to', state.persistTo, '--test-scheduled']);
    try {
      const response = await fetch(`${worker.url}/__scheduled?cron=0+3+*+*+*`);
      expect(response.status).toBe(200);
      await expect.poll(() => worker.output(), { timeout: 10_000 }).toMatch(/store: retention.*"days":90/);
    } finally {
      await worker.close();
      await state.close();
    }
  }, 60_000);
});
