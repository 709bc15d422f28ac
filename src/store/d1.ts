// The store in Cloudflare D1 (the Worker's `DB` binding). The tables come from
// `wrangler d1 migrations apply` (wrangler.toml migrations_dir = "migrations"), which
// `npm start` and the tests run first because `wrangler dev` does not. D1 binds at most 100
// parameters per statement, so each row is one statement and a batch is one db.batch() — D1
// runs a batch as one transaction (all or nothing).
import type { StorePort } from './port.ts';
import { feedbackFromDb, outcomeFromDb, outcomeValues } from './rows.ts';
import { COUNT_UNMATCHED, INSERT_OUTCOME, PURGE_FEEDBACK, PURGE_OUTCOMES, SELECT_FEEDBACK, SELECT_OUTCOMES, UPSERT_FEEDBACK } from './sql.ts';

/** The part of D1's binding this adapter uses (workers-types' D1Database, structurally). */
export type D1Statement = {
  bind(...values: unknown[]): D1Statement;
  all(): Promise<{ results: Record<string, unknown>[] }>;
  run(): Promise<{ meta: { changes?: number } }>;
};
export type D1Like = {
  prepare(query: string): D1Statement;
  batch(statements: D1Statement[]): Promise<{ meta: { changes?: number } }[]>;
};

function isD1(value: unknown): value is D1Like {
  return typeof value === 'object' && value !== null && 'prepare' in value && typeof value.prepare === 'function' && 'batch' in value && typeof value.batch === 'function';
}

/** The binding as a store, or undefined when the Worker has none (then it runs without a store). */
export function d1Store(binding: unknown): StorePort | undefined {
  if (!isD1(binding)) return undefined;
  const db = binding;
  return {
    kind: 'd1',
    async migrate() {
      // Only a check: a Worker cannot read the migrations folder, wrangler applies it.
      await db.prepare('SELECT 1 FROM outcomes LIMIT 1').all();
    },
    async writeOutcomes(rows) {
      if (rows.length === 0) return;
      await db.batch(rows.map((row) => db.prepare(INSERT_OUTCOME).bind(...outcomeValues(row))));
    },
    async upsertFeedback(rows) {
      if (rows.length === 0) return;
      await db.batch(rows.map((row) => db.prepare(UPSERT_FEEDBACK).bind(row.request_id, row.metric, row.value, row.at)));
    },
    async readExperiment(experiment) {
      const outcomes = (await db.prepare(SELECT_OUTCOMES).bind(experiment).all()).results.map(outcomeFromDb);
      const feedback = (await db.prepare(SELECT_FEEDBACK).bind(experiment).all()).results.map(feedbackFromDb);
      return { outcomes, feedback };
    },
    async unmatchedFeedback() {
      return Object.fromEntries((await db.prepare(COUNT_UNMATCHED).all()).results.map((row) => [String(row.metric), Number(row.n)]));
    },
    async purge(before) {
      const [outcomes, feedback] = await db.batch([db.prepare(PURGE_OUTCOMES).bind(before), db.prepare(PURGE_FEEDBACK).bind(before)]);
      return { outcomes: outcomes?.meta.changes ?? 0, feedback: feedback?.meta.changes ?? 0 };
    },
    async close() {},
  };
}
