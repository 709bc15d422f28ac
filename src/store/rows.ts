// The store's rows, one zod schema each: the types are inferred from them. Rows read back from
// a backend (Postgres gives BIGINT as text, SQLite and D1 give 0/1 for booleans, NULL for
// absent) go through outcomeFromDb/feedbackFromDb, the same conversions written by hand: the
// results read every row of an experiment, and a zod parse per row was half of that time.
import * as z from 'zod';

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

type DbRow = Record<string, unknown>;

function text(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}
function optionalTextOf(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : text(value);
}
function numberOf(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}
function optionalNumberOf(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : numberOf(value);
}
function flagOf(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === '1';
}

/** An outcome from a column reader: absent (NULL) columns are left out, as when written. */
function decodeOutcome(get: (column: string) => unknown): OutcomeRow {
  const outcome: OutcomeRow = {
    request_id: text(get('request_id')), at: numberOf(get('at')), experiment: text(get('experiment')), arm: text(get('arm')), forced: flagOf(get('forced')),
    policy_digest: text(get('policy_digest')), status: numberOf(get('status')), latency_ms: numberOf(get('latency_ms')), empty: flagOf(get('empty')), refusal: flagOf(get('refusal')),
  };
  const unit = optionalTextOf(get('unit_digest'));
  if (unit !== undefined) outcome.unit_digest = unit;
  const code = optionalTextOf(get('error_code'));
  if (code !== undefined) outcome.error_code = code;
  const ttft = optionalNumberOf(get('ttft_ms'));
  if (ttft !== undefined) outcome.ttft_ms = ttft;
  const input = optionalNumberOf(get('input_tokens'));
  if (input !== undefined) outcome.input_tokens = input;
  const output = optionalNumberOf(get('output_tokens'));
  if (output !== undefined) outcome.output_tokens = output;
  const finish = optionalTextOf(get('finish_reason'));
  if (finish !== undefined) outcome.finish_reason = finish;
  return outcome;
}

/** A row as a backend returns it (an object by column name) → an OutcomeRow. */
export function outcomeFromDb(row: DbRow): OutcomeRow {
  return decodeOutcome((column) => row[column]);
}

const COLUMN_INDEX = new Map(OUTCOME_COLUMNS.map((column, i) => [column, i]));

/** A row read as an array of values in OUTCOME_COLUMNS order (SQLite's setReturnArrays: no object per row). */
export function outcomeFromValues(values: readonly unknown[]): OutcomeRow {
  return decodeOutcome((column) => values[COLUMN_INDEX.get(column) ?? -1]);
}

export function feedbackFromDb(row: DbRow): FeedbackRow {
  return { request_id: text(row.request_id), metric: text(row.metric), value: numberOf(row.value), at: numberOf(row.at) };
}
