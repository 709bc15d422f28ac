// What a response says about itself — ids, model, finish reasons, token usage, first token,
// generated text — read from a JSON body or from stream events, for the three governed routes.
import { isJsonObject, type JsonObject } from '../policy/decision.ts';
import type { RecordRoute, TokenUsage } from './record.ts';

const MAX_TEXT = 64 * 1024;

// What a stream event past the first token may still tell (see mayTell): an error, or a
// non-null usage, finish reason or refusal (OpenAI sends `"finish_reason":null` on every delta,
// and `"usage":null` on every one when usage was asked for). A key can only be a key here: a
// quote inside a JSON string is escaped. Whitespace after the colon is allowed: OpenAI-compatible
// servers (vLLM) write it.
const CHAT_NEWS = /"error"|"usage"\s*:\s*\{|"finish_reason"\s*:\s*"|"refusal"\s*:\s*"/;
const RESPONSES_NEWS = /"response"|"error"|refusal/;

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function usageOf(value: unknown): TokenUsage | undefined {
  if (!isJsonObject(value)) return undefined;
  // chat/completions name them prompt/completion; responses names them input/output.
  const usage: TokenUsage = {};
  const input = count(value.prompt_tokens) ?? count(value.input_tokens);
  const output = count(value.completion_tokens) ?? count(value.output_tokens);
  const total = count(value.total_tokens);
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  if (total !== undefined) usage.totalTokens = total;
  return Object.keys(usage).length === 0 ? undefined : usage;
}

/** Collects the facts of one response as its body or events go by. */
export class ResponseScan {
  id: string | undefined;
  model: string | undefined;
  finishReasons: string[] = [];
  usage: TokenUsage | undefined;
  errorType: string | undefined;
  /** Generated text, kept only when content is captured, bounded. */
  text = '';
  /** Whether the answer had any content (text or a tool call): an outcome's `empty` is its opposite. */
  produced = false;
  /** Whether the model refused (a `refusal`, or finish reason `content_filter`). */
  refusal = false;
  readonly #route: RecordRoute;
  readonly #keepText: boolean;
  /** Whether an event has carried a token yet (the first one times the first token). */
  #tokenSeen = false;

  constructor(route: RecordRoute, keepText: boolean) {
    this.#route = route;
    this.#keepText = keepText;
  }

  /** A whole JSON response body. */
  json(body: unknown): void {
    if (!isJsonObject(body)) return;
    if (this.#route === 'responses') return this.#response(body);
    this.#identity(body);
    this.usage = usageOf(body.usage) ?? this.usage;
    for (const choice of Array.isArray(body.choices) ? body.choices : []) {
      if (!isJsonObject(choice)) continue;
      this.#finish(choice.finish_reason);
      const text = isJsonObject(choice.message) ? choice.message.content : choice.text;
      if (isJsonObject(choice.message)) this.#answer(choice.message);
      this.#append(text);
    }
  }

  /**
   * Whether a stream event's data (its text, before parsing) may change what this scan has
   * found. Past the first token, with no text kept, a plain content delta changes nothing:
   * the event is then not parsed at all, which is most of a long stream's per-chunk cost
   * (docs/benchmarks.md). What such a delta could still carry — usage, a finish reason, a
   * refusal, an error, a Responses object — is looked for in the text first. Its id and model
   * are the stream's, which the last event (usage or finish reason) carries again.
   */
  mayTell(data: string): boolean {
    if (this.#keepText || !this.#tokenSeen) return true;
    return (this.#route === 'responses' ? RESPONSES_NEWS : CHAT_NEWS).test(data);
  }

  /** One stream event's JSON data; true when it carries generated content (a token). */
  event(data: unknown): boolean {
    const token = this.#event(data);
    if (token) this.#tokenSeen = true;
    return token;
  }

  #event(data: unknown): boolean {
    if (!isJsonObject(data)) return false;
    if (isJsonObject(data.error)) {
      this.errorType = typeof data.error.type === 'string' ? data.error.type : 'stream_error';
      return false;
    }
    if (this.#route === 'responses') return this.#responseEvent(data);
    this.#identity(data);
    this.usage = usageOf(data.usage) ?? this.usage;
    let token = false;
    for (const choice of Array.isArray(data.choices) ? data.choices : []) {
      if (!isJsonObject(choice)) continue;
      this.#finish(choice.finish_reason);
      const text = isJsonObject(choice.delta) ? choice.delta.content : choice.text;
      if (isJsonObject(choice.delta)) this.#answer(choice.delta);
      if (typeof text === 'string' && text !== '') token = true;
      this.#append(text);
    }
    return token;
  }

  #responseEvent(data: JsonObject): boolean {
    if (data.type === 'error') {
      this.errorType = typeof data.code === 'string' ? data.code : 'stream_error';
      return false;
    }
    if (isJsonObject(data.response)) this.#response(data.response);
    if (data.type === 'response.refusal.delta' || data.type === 'response.refusal.done') this.refusal = true;
    if (data.type === 'response.output_text.delta' && typeof data.delta === 'string') {
      this.#append(data.delta);
      return data.delta !== '';
    }
    return false;
  }

  #response(body: JsonObject): void {
    this.#identity(body);
    this.usage = usageOf(body.usage) ?? this.usage;
    // Responses have a status, not finish reasons: an unfinished one says why.
    const reason = isJsonObject(body.incomplete_details) ? body.incomplete_details.reason : undefined;
    if (typeof reason === 'string') this.finishReasons = [reason];
    else if (body.status === 'completed' || body.status === 'failed') this.finishReasons = [body.status === 'completed' ? 'stop' : 'error'];
    if (Array.isArray(body.output)) {
      const fill = this.text === '';
      for (const item of body.output) {
        if (!isJsonObject(item)) continue;
        if (item.type === 'function_call') this.produced = true;
        if (!Array.isArray(item.content)) continue;
        for (const part of item.content) {
          if (!isJsonObject(part)) continue;
          if (part.type === 'refusal') this.refusal = true;
          if (part.type !== 'output_text') continue;
          if (typeof part.text === 'string' && part.text !== '') this.produced = true;
          if (fill) this.#append(part.text);
        }
      }
    }
  }

  #identity(body: JsonObject): void {
    if (typeof body.id === 'string') this.id = body.id;
    if (typeof body.model === 'string') this.model = body.model;
  }

  #finish(reason: unknown): void {
    if (typeof reason !== 'string') return;
    // One per distinct reason: a long stream repeats them, and the list outlives the request.
    if (this.finishReasons.length < 16 && !this.finishReasons.includes(reason)) this.finishReasons.push(reason);
    if (reason === 'content_filter') this.refusal = true;
  }

  /** A chat message or delta: its refusal and tool calls (text is counted by #append). */
  #answer(message: JsonObject): void {
    if (typeof message.refusal === 'string' && message.refusal !== '') this.refusal = true;
    if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) this.produced = true;
  }

  #append(text: unknown): void {
    if (typeof text === 'string' && text !== '') this.produced = true;
    if (this.#keepText && typeof text === 'string' && this.text.length < MAX_TEXT) this.text = (this.text + text).slice(0, MAX_TEXT);
  }
}
