// The store as the gateway sees it (conventions: "the store is a port"): one small interface,
// one adapter per backend (node:sqlite, Postgres, D1), the same SQL migrations (migrations/)
// for all. The core gets a port through deps and never knows which backend it has.
import type { FeedbackRow, OutcomeRow } from './rows.ts';

export type { FeedbackRow, OutcomeRow } from './rows.ts';

export type StoreKind = 'sqlite' | 'postgres' | 'd1';

/** What the results need of one experiment. */
export type ExperimentRows = {
  /** Every outcome of the experiment, oldest first. */
  outcomes: OutcomeRow[];
  /** Feedback whose request has an outcome of this experiment. */
  feedback: FeedbackRow[];
};

export type StorePort = {
  readonly kind: StoreKind;
  /** Runs the migrations not yet applied (D1: `wrangler d1 migrations apply` does, so it only checks). */
  migrate(): Promise<void>;
  /** Writes finished requests' outcomes; one id already stored keeps its first outcome. */
  writeOutcomes(rows: readonly OutcomeRow[]): Promise<void>;
  /** Stores feedback, all or nothing; the same (request, metric) replaces the earlier value. */
  upsertFeedback(rows: readonly FeedbackRow[]): Promise<void>;
  readExperiment(experiment: string): Promise<ExperimentRows>;
  /** Feedback whose request id has no outcome, counted per metric. */
  unmatchedFeedback(): Promise<Record<string, number>>;
  /** Deletes outcomes and feedback older than `before` (Unix ms); how many of each. */
  purge(before: number): Promise<{ outcomes: number; feedback: number }>;
  close(): Promise<void>;
};
