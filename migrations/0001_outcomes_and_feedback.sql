-- Outcomes (contract 6.1) and feedback (6.2). One text for every store: SQLite (node:sqlite),
-- Postgres and D1 (`wrangler d1 migrations apply`) all run this file as it is, so it keeps to
-- the SQL the three share: TEXT, INTEGER, BIGINT, DOUBLE PRECISION, ON CONFLICT, IF NOT EXISTS.
-- Times are Unix milliseconds; booleans are 0/1.
CREATE TABLE IF NOT EXISTS outcomes (
  request_id TEXT PRIMARY KEY,
  at BIGINT NOT NULL,
  experiment TEXT NOT NULL,
  arm TEXT NOT NULL,
  forced INTEGER NOT NULL,
  unit_digest TEXT,
  policy_digest TEXT NOT NULL,
  status INTEGER NOT NULL,
  error_code TEXT,
  latency_ms DOUBLE PRECISION NOT NULL,
  ttft_ms DOUBLE PRECISION,
  input_tokens INTEGER,
  output_tokens INTEGER,
  finish_reason TEXT,
  empty INTEGER NOT NULL,
  refusal INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outcomes_by_experiment ON outcomes (experiment, at);
CREATE INDEX IF NOT EXISTS outcomes_by_time ON outcomes (at);

CREATE TABLE IF NOT EXISTS feedback (
  request_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (request_id, metric)
);
CREATE INDEX IF NOT EXISTS feedback_by_time ON feedback (at);
