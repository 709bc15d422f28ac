// The store in Postgres (TEMPERANCE_DB=postgres://…), for several Node instances sharing one
// database. Client: `postgres` (porsager), which reconnects by itself when the server comes
// back. Migrations run at start inside one transaction holding a transaction-level advisory
// lock (pg_advisory_xact_lock), so instances starting together never race: the second waits,
// then finds them applied.
import postgres from 'postgres';
import { readMigrations } from './migrations.ts';
import type { StorePort } from './port.ts';
import { feedbackFromDb, outcomeFromDb, outcomeValues } from './rows.ts';
import { COUNT_UNMATCHED, INSERT_OUTCOME, numbered, PURGE_FEEDBACK, PURGE_OUTCOMES, SELECT_FEEDBACK, SELECT_OUTCOMES, UPSERT_FEEDBACK } from './sql.ts';

// Any fixed number: every temperance instance asks for the same lock.
const MIGRATION_LOCK = 7_241_905_311;

export function openPostgresStore(url: string): StorePort {
  const sql = postgres(url, {
    max: 4,
    // A stopped server fails a batch in seconds instead of holding it.
    connect_timeout: 5,
    idle_timeout: 60,
    onnotice: () => {},
  });
  const insertOutcome = numbered(INSERT_OUTCOME);
  const upsertFeedback = numbered(UPSERT_FEEDBACK);

  return {
    kind: 'postgres',
    async migrate() {
      const migrations = await readMigrations();
      await sql.begin(async (tx) => {
        await tx.unsafe(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
        await tx.unsafe('CREATE TABLE IF NOT EXISTS temperance_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)');
        const applied = new Set((await tx.unsafe('SELECT name FROM temperance_migrations')).map((row) => String(row.name)));
        for (const migration of migrations) {
          if (applied.has(migration.name)) continue;
          await tx.unsafe(migration.sql);
          await tx.unsafe('INSERT INTO temperance_migrations (name, applied_at) VALUES ($1, $2)', [migration.name, Date.now()]);
        }
      });
    },
    async writeOutcomes(rows) {
      await sql.begin(async (tx) => {
        for (const row of rows) await tx.unsafe(insertOutcome, outcomeValues(row));
      });
    },
    async upsertFeedback(rows) {
      await sql.begin(async (tx) => {
        for (const row of rows) await tx.unsafe(upsertFeedback, [row.request_id, row.metric, row.value, row.at]);
      });
    },
    async readExperiment(experiment) {
      const outcomes = (await sql.unsafe(numbered(SELECT_OUTCOMES), [experiment])).map(outcomeFromDb);
      const feedback = (await sql.unsafe(numbered(SELECT_FEEDBACK), [experiment])).map(feedbackFromDb);
      return { outcomes, feedback };
    },
    async unmatchedFeedback() {
      return Object.fromEntries((await sql.unsafe(COUNT_UNMATCHED)).map((row) => [String(row.metric), Number(row.n)]));
    },
    async purge(before) {
      return sql.begin(async (tx) => {
        const outcomes = await tx.unsafe(numbered(PURGE_OUTCOMES), [before]);
        const feedback = await tx.unsafe(numbered(PURGE_FEEDBACK), [before]);
        return { outcomes: outcomes.count, feedback: feedback.count };
      });
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
