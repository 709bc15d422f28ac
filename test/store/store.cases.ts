// The same store cases for every backend (SQLite, Postgres, D1): what the gateway and the
// results rely on, against the real database.
import { beforeAll, describe, expect, it } from 'vitest';
import type { OutcomeRow, StorePort } from '../../src/store/port.ts';

export function outcome(id: string, overrides: Partial<OutcomeRow> = {}): OutcomeRow {
  return {
    request_id: id, at: 1_700_000_000_000, experiment: 'support-temperature', arm: 'control', forced: false,
    policy_digest: 'digest-1', status: 200, latency_ms: 640.5, empty: false, refusal: false, ...overrides,
  };
}

export function storeCases(name: string, open: () => Promise<StorePort>): void {
  describe(`the ${name} store`, () => {
    let store: StorePort;
    // Each case uses its own experiment name, so cases share one database without clearing it.
    let experiment = 0;
    const fresh = () => `exp-${name}-${(experiment += 1)}`;
    beforeAll(async () => {
      store = await open();
      await store.migrate();
      return () => store.close();
    });

    it('migrates again without harm (every start runs it)', async () => {
      await store.migrate();
      await store.migrate();
      expect(await store.readExperiment('nothing-here')).toEqual({ outcomes: [], feedback: [] });
    });

    it('writes outcomes and reads them back whole, oldest first, one experiment at a time', async () => {
      const e = fresh();
      const full = outcome(`${e}-b`, {
        experiment: e, at: 2000, arm: 'cool', forced: true, unit_digest: 'ab12', error_code: 'stream_error', status: 200,
        ttft_ms: 210.25, input_tokens: 12, output_tokens: 88, finish_reason: 'length', empty: true, refusal: true,
      });
      const bare = outcome(`${e}-a`, { experiment: e, at: 1000 });
      await store.writeOutcomes([full, bare, outcome(`${e}-other`, { experiment: `${e}-x` })]);
      const read = await store.readExperiment(e);
      expect(read.outcomes.map((row) => row.request_id)).toEqual([`${e}-a`, `${e}-b`]);
      expect(read.outcomes[1]).toMatchObject(full);
      const first = read.outcomes[0];
      expect(first).toMatchObject({ forced: false, empty: false, refusal: false, latency_ms: 640.5 });
      expect(first?.ttft_ms).toBeUndefined();
      expect(first?.unit_digest).toBeUndefined();
      expect(first?.output_tokens).toBeUndefined();
    });

    it('keeps the first outcome of a request id written twice', async () => {
      const e = fresh();
      await store.writeOutcomes([outcome(`${e}-1`, { experiment: e, arm: 'control' })]);
      await store.writeOutcomes([outcome(`${e}-1`, { experiment: e, arm: 'cool' })]);
      expect((await store.readExperiment(e)).outcomes.map((row) => row.arm)).toEqual(['control']);
    });

    it('takes feedback before its outcome; the same (request, metric) replaces the value', async () => {
      const e = fresh();
      const id = `${e}-r`;
      await store.upsertFeedback([{ request_id: id, metric: `resolved-${e}`, value: 0, at: 10 }]);
      expect((await store.unmatchedFeedback())[`resolved-${e}`]).toBe(1);
      expect((await store.readExperiment(e)).feedback).toEqual([]);
      await store.writeOutcomes([outcome(id, { experiment: e })]);
      await store.upsertFeedback([
        { request_id: id, metric: `resolved-${e}`, value: 1, at: 20 },
        { request_id: id, metric: `seconds-${e}`, value: 12.75, at: 20 },
      ]);
      const read = await store.readExperiment(e);
      expect(read.feedback.sort((a, b) => a.metric.localeCompare(b.metric))).toEqual([
        { request_id: id, metric: `resolved-${e}`, value: 1, at: 20 },
        { request_id: id, metric: `seconds-${e}`, value: 12.75, at: 20 },
      ]);
      expect((await store.unmatchedFeedback())[`resolved-${e}`]).toBeUndefined();
    });

    it('writes a batch of 500 outcomes in one call', async () => {
      const e = fresh();
      await store.writeOutcomes(Array.from({ length: 500 }, (_, i) => outcome(`${e}-${i}`, { experiment: e, at: i })));
      expect((await store.readExperiment(e)).outcomes).toHaveLength(500);
    });

    it('purges what is older than the retention, outcomes and feedback', async () => {
      const e = fresh();
      const old = 1000;
      const recent = 5_000_000_000_000;
      await store.writeOutcomes([outcome(`${e}-old`, { experiment: e, at: old }), outcome(`${e}-new`, { experiment: e, at: recent })]);
      await store.upsertFeedback([
        { request_id: `${e}-old`, metric: 'm', value: 1, at: old },
        { request_id: `${e}-new`, metric: 'm', value: 1, at: recent },
      ]);
      const removed = await store.purge(recent - 1);
      expect(removed.outcomes).toBeGreaterThanOrEqual(1);
      expect(removed.feedback).toBeGreaterThanOrEqual(1);
      const read = await store.readExperiment(e);
      expect(read.outcomes.map((row) => row.request_id)).toEqual([`${e}-new`]);
      expect(read.feedback.map((row) => row.request_id)).toEqual([`${e}-new`]);
    });
  });
}
