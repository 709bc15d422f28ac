// The statements every adapter runs, written once with `?` placeholders (SQLite and D1 take
// them as they are; the Postgres adapter numbers them). Only SQL the three share.
import { OUTCOME_COLUMNS } from './rows.ts';

// A request id a client reused keeps its first outcome: ids are the client's to choose.
export const INSERT_OUTCOME = `INSERT INTO outcomes (${OUTCOME_COLUMNS.join(', ')}) VALUES (${OUTCOME_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (request_id) DO NOTHING`;

// The same (request, metric) again replaces the earlier value (contract 6.2).
export const UPSERT_FEEDBACK =
  'INSERT INTO feedback (request_id, metric, value, at) VALUES (?, ?, ?, ?) ON CONFLICT (request_id, metric) DO UPDATE SET value = excluded.value, at = excluded.at';

export const SELECT_OUTCOMES = `SELECT ${OUTCOME_COLUMNS.join(', ')} FROM outcomes WHERE experiment = ? ORDER BY at`;
// (Order within one millisecond does not matter to the results; ORDER BY at follows the index.)

export const SELECT_FEEDBACK =
  'SELECT f.request_id, f.metric, f.value, f.at FROM feedback f JOIN outcomes o ON o.request_id = f.request_id WHERE o.experiment = ?';

export const COUNT_UNMATCHED =
  'SELECT metric, COUNT(*) AS n FROM feedback f WHERE NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.request_id = f.request_id) GROUP BY metric';

export const PURGE_OUTCOMES = 'DELETE FROM outcomes WHERE at < ?';
export const PURGE_FEEDBACK = 'DELETE FROM feedback WHERE at < ?';

/** `?` → `$1, $2, …` for Postgres (the statements above hold no `?` inside a string). */
export function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
