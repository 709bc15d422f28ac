// A store that is locked or down costs records, never requests: every request succeeds, the
// failure is logged (no key, no client text) and counted (health), and records resume when the
// store is back. SQLite: another connection holds the write lock. Postgres: the server is
// stopped mid-run and started again.
import { mkdtemp, rm } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.ts';
import { client } from '../support/openai-client.ts';
import { OtlpReceiver } from '../support/otlp-receiver.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { nodeRuntime, type RunningGateway } from '../support/runtimes.ts';

const TRIAL = 'ft:gpt-4o-mini:acme:trial:1';
type Health = { store: { kind: string; written: number; dropped: number; last_error?: { error: string } } };

async function health(gateway: RunningGateway): Promise<Health> {
  return (await (await fetch(`${gateway.url}/_temperance/health`)).json()) as Health;
}

async function requestsCounted(gateway: RunningGateway): Promise<number> {
  const response = await fetch(`${gateway.url}/_temperance/experiments.json`);
  if (response.status !== 200) return -1;
  const body = (await response.json()) as { experiments: { name: string; arms: { requests: number }[] }[] };
  return body.experiments.find((e) => e.name === 'trial-temperature')?.arms.reduce((sum, arm) => sum + arm.requests, 0) ?? -1;
}

async function send(openai: OpenAI, count: number, prefix: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const { response } = await openai.chat.completions.create({ model: TRIAL, messages: [{ role: 'user', content: 'hi' }], user: `${prefix}-${i}` }).withResponse();
    statuses.push(response.status);
  }
  return statuses;
}

describe('store faults on Node', () => {
  const upstream = new FakeUpstream();
  beforeAll(() => upstream.start());
  afterAll(() => upstream.stop());

  it('SQLite locked by another writer: requests succeed, drops are logged and counted (health, metric), writes resume', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'temperance-lock-'));
    const file = join(dir, 'temperance.db');
    const collector = await new OtlpReceiver().start();
    const gateway = await nodeRuntime.start({ OPENAI_BASE_URL: upstream.url, TEMPERANCE_DB: file, OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_METRIC_EXPORT_INTERVAL: '200' });
    try {
      const openai = client(gateway);
      expect(await send(openai, 5, 'before')).toEqual(Array(5).fill(200));
      await expect.poll(() => requestsCounted(gateway), { timeout: 10_000 }).toBe(5);

      const locker = new DatabaseSync(file);
      locker.exec('BEGIN EXCLUSIVE');
      expect(await send(openai, 8, 'locked')).toEqual(Array(8).fill(200));
      await expect.poll(async () => (await health(gateway)).store.dropped, { timeout: 10_000 }).toBe(8);
      expect((await health(gateway)).store.last_error?.error).toContain('database is locked');
      expect(gateway.output()).toContain('store: outcome records dropped');
      expect(gateway.output()).not.toContain('locked-0');
      // The metric a collector gets: temperance.store.dropped, by reason.
      await expect.poll(() => collector.metrics.filter((m) => m.name === 'temperance.store.dropped').flatMap((m) => m.points)
        .some((point) => point.attributes['temperance.store.reason'] === 'write_failed' && point.sum === 8), { timeout: 10_000 }).toBe(true);
      locker.exec('COMMIT');
      locker.close();

      expect(await send(openai, 4, 'after')).toEqual(Array(4).fill(200));
      await expect.poll(() => requestsCounted(gateway), { timeout: 10_000 }).toBe(9);
    } finally {
      await gateway.close();
      await collector.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('Postgres', () => {
    let pg: TestPostgres | undefined;
    beforeAll(async () => {
      pg = await startPostgres();
    }, 120_000);
    afterAll(() => pg?.close());

    it('stopped mid-run: requests succeed, drops are counted, records resume when it is back', async () => {
      if (pg === undefined) throw new Error('Postgres did not start');
      const gateway = await nodeRuntime.start({ OPENAI_BASE_URL: upstream.url, TEMPERANCE_DB: pg.url });
      try {
        const openai = client(gateway);
        expect(await send(openai, 5, 'up')).toEqual(Array(5).fill(200));
        await expect.poll(() => requestsCounted(gateway), { timeout: 10_000 }).toBe(5);
        // Feedback through the gateway into Postgres, counted in the results.
        const { response } = await openai.chat.completions.create({ model: TRIAL, messages: [{ role: 'user', content: 'hi' }], user: 'pg-feedback' }).withResponse();
        const id = response.headers.get('x-temperance-request-id') ?? '';
        const posted = await fetch(`${gateway.url}/_temperance/feedback`, { method: 'POST', body: JSON.stringify({ request_id: id, metric: 'resolved', value: true }) });
        expect(posted.status).toBe(202);
        const resolved = async () => {
          const body = (await (await fetch(`${gateway.url}/_temperance/experiments.json`)).json()) as { experiments: { name: string; arms: { metrics: Record<string, { n: number }> }[] }[] };
          return body.experiments.find((e) => e.name === 'trial-temperature')?.arms.reduce((sum, arm) => sum + (arm.metrics.resolved?.n ?? 0), 0);
        };
        await expect.poll(resolved, { timeout: 10_000 }).toBe(1);

        await pg.stop();
        // Feedback needs the store: a clear 503 while it is down, nothing half-stored.
        expect((await fetch(`${gateway.url}/_temperance/feedback`, { method: 'POST', body: JSON.stringify({ request_id: id, metric: 'resolved', value: false }) })).status).toBe(503);
        expect(await send(openai, 6, 'down')).toEqual(Array(6).fill(200));
        await expect.poll(async () => (await health(gateway)).store.dropped, { timeout: 20_000 }).toBe(6);
        expect(gateway.output()).toContain('store: outcome records dropped');
        // Results need the store: a clear 503, not a hang (once results cached from before have aged).
        await expect.poll(async () => (await fetch(`${gateway.url}/_temperance/experiments.json`)).status, { timeout: 15_000 }).toBe(503);

        await pg.start();
        // The first write after the restart may still meet a dead pooled connection: send until one lands.
        await expect.poll(async () => {
          await send(openai, 1, `back-${Date.now()}`);
          return (await requestsCounted(gateway)) > 6;
        }, { timeout: 30_000, interval: 500 }).toBe(true);
        expect((await health(gateway)).store.kind).toBe('postgres');
        expect(gateway.output()).not.toContain('temperance-test');
      } finally {
        await gateway.close();
      }
    }, 90_000);
  });
});
