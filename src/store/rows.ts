// The store's rows, one zod schema each: the types are inferred from them, and rows read back
// from any backend go through them (Postgres gives BIGINT as text, SQLite and D1 give 0/1 for
// booleans), so every adapter hands the same shapes to the results.
import { z } from 'zod';

const count = z.coerce.number();
const optionalNumber = z.preprocess((value) => (value === null || value === undefined ? undefined : value), z.coerce.number().optional());
const optionalText = z.preprocess((value) => (value === null || value === undefined ? undefined : value), z.string().optional());
const flag = z.union([z.boolean(), z.coerce.number()]).transform((value) => value === true || value === 1);

/** One request governed by an experiment, once it has ended (contract 6.1). */
export const OutcomeRowSchema = z.object({
  request_id: z.string(),
  /** Unix milliseconds when the request arrived. */
  at: count,
  experiment: z.string(),
  arm: z.string(),
  forced: flag,
  /** A digest of the unit, never the unit itself. */
  unit_digest: optionalText,
  /** The policy file's digest as loaded: a policy "version". */
  policy_digest: z.string(),
  status: count,
  /** The gateway's error code, the upstream's status, `stream_error`, `cancelled`. */
  error_code: optionalText,
  latency_ms: count,
  ttft_ms: optionalNumber,
  input_tokens: optionalNumber,
  output_tokens: optionalNumber,
  finish_reason: optionalText,
  empty: flag,
  refusal: flag,
});
export type OutcomeRow = z.output<typeof OutcomeRowSchema>;

/** One value of one metric for one request (contract 6.2); booleans are stored as 0/1. */
export const FeedbackRowSchema = z.object({
  request_id: z.string(),
  metric: z.string(),
  value: count,
  at: count,
});
export type FeedbackRow = z.output<typeof FeedbackRowSchema>;

export const OUTCOME_COLUMNS = Object.keys(OutcomeRowSchema.shape);

/** An outcome row as the values bound to `?` placeholders, in OUTCOME_COLUMNS order. */
export function outcomeValues(row: OutcomeRow): (string | number | null)[] {
  return [
    row.request_id, row.at, row.experiment, row.arm, row.forced ? 1 : 0, row.unit_digest ?? null, row.policy_digest,
    row.status, row.error_code ?? null, row.latency_ms, row.ttft_ms ?? null, row.input_tokens ?? null,
    row.output_tokens ?? null, row.finish_reason ?? null, row.empty ? 1 : 0, row.refusal ? 1 : 0,
  ];
}
