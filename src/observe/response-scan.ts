// What a response says about itself — ids, model, finish reasons, token usage, first token,
// generated text — read from a JSON body or from stream events, for the three governed routes.
import { isJsonObject, type JsonObject } from '../policy/decision.ts';
import type { RecordRoute, TokenUsage } from './record.ts';

const MAX_TEXT = 64 * 1024;

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
  readonly #route: RecordRoute;
  readonly #keepText: boolean;

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
      this.#append(text);
    }
  }

  /** One stream event's JSON data; true when it carries generated content (a token). */
  event(data: unknown): boolean {
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
    if (this.text === '' && Array.isArray(body.output)) {
      for (const item of body.output) {
        if (!isJsonObject(item) || !Array.isArray(item.content)) continue;
        for (const part of item.content) if (isJsonObject(part) && part.type === 'output_text') this.#append(part.text);
      }
    }
  }

  #identity(body: JsonObject): void {
    if (typeof body.id === 'string') this.id = body.id;
    if (typeof body.model === 'string') this.model = body.model;
  }

  #finish(reason: unknown): void {
    // One per distinct reason: a long stream repeats them, and the list outlives the request.
    if (typeof reason === 'string' && this.finishReasons.length < 16 && !this.finishReasons.includes(reason)) this.finishReasons.push(reason);
  }

  #append(text: unknown): void {
    if (this.#keepText && typeof text === 'string' && this.text.length < MAX_TEXT) this.text = (this.text + text).slice(0, MAX_TEXT);
  }
}
