// A feedback body (contract 6.2) → rows, or the one error that names the field. Pure: the
// declared metrics come in. All or nothing: one bad item refuses the whole batch.
import { gatewayError, type GatewayError } from '../errors.ts';
import { isJsonObject } from '../policy/decision.ts';
import type { FeedbackRow } from '../store/rows.ts';

export const MAX_FEEDBACK_ITEMS = 1000;
/**
 * The ids the gateway issues (src/request-log.ts): its own UUIDs, or a client's x-request-id of
 * 1–128 printable ASCII characters that holds nothing key-like. Anything else can never match an
 * outcome, and is refused rather than stored (no key may reach the store).
 */
export const MAX_REQUEST_ID = 128;
const ISSUABLE_ID = /^[\x21-\x7e]{1,128}$/;

export type MetricTypes = ReadonlyMap<string, 'boolean' | 'number'>;

export type FeedbackParse = { ok: true; rows: FeedbackRow[]; items: number } | { ok: false; error: GatewayError };

/** A bounded quote of client text for an error message. */
function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

function invalid(message: string, param: string): FeedbackParse {
  return { ok: false, error: gatewayError('invalid_request', message, param) };
}

/** `redact` removes the gateway's keys and key-like text: an id it changes was never issued. */
export function parseFeedback(body: unknown, metrics: MetricTypes, now: number, redact: (text: string) => string = (text) => text): FeedbackParse {
  const batch = Array.isArray(body);
  const items: unknown[] = batch ? body : [body];
  if (batch && items.length === 0) return invalid('Send at least one feedback item.', 'body');
  if (items.length > MAX_FEEDBACK_ITEMS) return invalid(`At most ${MAX_FEEDBACK_ITEMS} feedback items per request (got ${items.length}).`, 'body');
  const rows: FeedbackRow[] = [];
  for (const [index, item] of items.entries()) {
    const at = (field: string) => (batch ? `[${index}].${field}` : field);
    if (!isJsonObject(item)) return invalid('Each feedback item is an object {"request_id", "metric", "value"}.', batch ? `[${index}]` : 'body');
    const { request_id: requestId, metric, value } = item;
    if (typeof requestId !== 'string' || requestId === '') return invalid('request_id is required: the x-temperance-request-id the response carried.', at('request_id'));
    if (requestId.length > MAX_REQUEST_ID) return invalid(`request_id is longer than ${MAX_REQUEST_ID} characters: it is not one this gateway issued.`, at('request_id'));
    if (!ISSUABLE_ID.test(requestId) || redact(requestId) !== requestId) return invalid('request_id is not one this gateway issues (printable ASCII without spaces, nothing key-like).', at('request_id'));
    if (typeof metric !== 'string' || metric === '') return invalid('metric is required: a metric an experiment declares.', at('metric'));
    const type = metrics.get(metric);
    if (type === undefined) return invalid(`No experiment declares the metric ${quote(metric)}.`, at('metric'));
    if (value === undefined) return invalid('value is required.', at('value'));
    if (type === 'boolean') {
      if (typeof value !== 'boolean') return invalid(`${quote(metric)} is a boolean metric: value must be true or false.`, at('value'));
      rows.push({ request_id: requestId, metric, value: value ? 1 : 0, at: now });
    } else {
      if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(`${quote(metric)} is a number metric: value must be a finite number.`, at('value'));
      rows.push({ request_id: requestId, metric, value, at: now });
    }
  }
  // The same (request, metric) twice in one batch: the last wins, as a later request would.
  const last = new Map(rows.map((row) => [`${row.request_id}\0${row.metric}`, row]));
  return { ok: true, rows: [...last.values()], items: items.length };
}
