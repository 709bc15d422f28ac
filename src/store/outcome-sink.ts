// Finished requests under an experiment → outcome rows (contract 6.1), queued for the store.
// Built from the observation record the traces already have: no second look at the response.
import type { RecordSink, RequestRecord } from '../observe/record.ts';
import type { OutcomeRow } from './rows.ts';

const MAX_CODE = 64;

/** The record's outcome, or undefined when no experiment governed the request. */
export function outcomeOf(record: RequestRecord): OutcomeRow | undefined {
  const { experiment } = record;
  if (experiment === undefined) return undefined;
  const row: OutcomeRow = {
    request_id: record.id,
    at: Math.round(record.startedAt),
    experiment: experiment.name,
    arm: experiment.arm,
    forced: experiment.forced,
    policy_digest: experiment.policyDigest,
    status: record.status,
    latency_ms: record.durationMs,
    empty: record.answer?.empty ?? true,
    refusal: record.answer?.refusal ?? false,
  };
  if (experiment.unitDigest !== undefined) row.unit_digest = experiment.unitDigest;
  // Both can come from the upstream's own text (a stream's error type): kept bounded.
  if (record.errorType !== undefined) row.error_code = record.errorType.slice(0, MAX_CODE);
  if (record.timeToFirstTokenMs !== undefined) row.ttft_ms = record.timeToFirstTokenMs;
  if (record.usage?.inputTokens !== undefined) row.input_tokens = record.usage.inputTokens;
  if (record.usage?.outputTokens !== undefined) row.output_tokens = record.usage.outputTokens;
  // The first choice's reason (n > 1 is rare; the first is what "length rate" is about).
  const finish = record.response?.finishReasons?.[0];
  if (finish !== undefined) row.finish_reason = finish.slice(0, MAX_CODE);
  return row;
}

export function outcomeSink(enqueue: (row: OutcomeRow) => void): RecordSink {
  return (record) => {
    const row = outcomeOf(record);
    if (row !== undefined) enqueue(row);
  };
}
