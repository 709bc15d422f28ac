// Usage on streams the client did not ask it for. To count tokens, the gateway may ask the
// upstream for `stream_options.include_usage`; the upstream then sends one extra chunk
// (`choices: []`, `usage: {…}`) before `[DONE]`. This module asks for it and takes that chunk out
// again, so the client sees the stream it asked for.
import { isJsonObject, type JsonObject } from '../policy/decision.ts';
import { eventJson } from './sse.ts';

const encoder = new TextEncoder();

/** Whether the client's own body already asks for usage on its stream. */
export function asksForUsage(body: JsonObject): boolean {
  return isJsonObject(body.stream_options) && body.stream_options.include_usage === true;
}

/**
 * The body with `stream_options.include_usage: true`, merged into the client's stream_options.
 * Only for a body that is re-serialised anyway (the policy changed it).
 */
export function withUsage(body: JsonObject): JsonObject {
  const options = isJsonObject(body.stream_options) ? body.stream_options : {};
  return { ...body, stream_options: { ...options, include_usage: true } };
}

/**
 * The client's own bytes with `"stream_options":{"include_usage":true}` spliced in as the first
 * key, or undefined when that cannot be done safely: a body forwarded unchanged keeps its bytes
 * (JSON.parse loses integers above 2^53), and a client `stream_options` would become a
 * duplicate key, so then the gateway does not ask.
 */
export function spliceUsage(bytes: Uint8Array, body: JsonObject): Uint8Array | undefined {
  if (Object.hasOwn(body, 'stream_options') || Object.keys(body).length === 0) return undefined;
  const open = bytes.indexOf(0x7b); // `{`: the body is a JSON object, so its first brace opens it
  if (open < 0) return undefined;
  const insert = encoder.encode('"stream_options":{"include_usage":true},');
  const out = new Uint8Array(bytes.byteLength + insert.byteLength);
  out.set(bytes.subarray(0, open + 1), 0);
  out.set(insert, open + 1);
  out.set(bytes.subarray(open + 1), open + 1 + insert.byteLength);
  return out;
}

/** The chunk that only carries usage: what include_usage adds to a chat or completions stream. */
export function isUsageOnlyChunk(data: unknown): boolean {
  return isJsonObject(data) && Array.isArray(data.choices) && data.choices.length === 0 && isJsonObject(data.usage);
}

// Only an event with both of these can be the usage-only chunk: the others are not parsed here
// (the observation parses each event once already).
const EMPTY_CHOICES = /"choices"\s*:\s*\[\s*\]/;
function mayBeUsageOnly(event: string): boolean {
  return event.includes('"usage"') && EMPTY_CHOICES.test(event);
}

/** Whether an event of a stream the gateway asked usage for goes on to the client: all but the usage-only chunk. */
export function keepEvent(event: string): boolean {
  return !(mayBeUsageOnly(event) && isUsageOnlyChunk(eventJson(event)));
}
