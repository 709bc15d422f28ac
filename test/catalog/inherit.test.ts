import { describe, expect, it } from 'vitest';
import { inheritFromBase } from '../../src/catalog/inherit.ts';
import type { Route } from '../../src/policy/parameters.ts';

const messages = [{ role: 'user', content: 'Hi' }];
/** Every parameter the catalog knows about, at values no reasoning model takes. */
const EVERYTHING = { temperature: 0.7, top_p: 0.9, presence_penalty: 0.5, frequency_penalty: 0.5, logprobs: true, top_logprobs: 2, logit_bias: { '50256': -100 }, max_tokens: 500, seed: 7, stop: ['\n'] };

function removed(model: string, route: Route, extra: Record<string, unknown> = {}) {
  const body = route === 'chat' ? { model, messages, ...EVERYTHING, ...extra } : { model, input: 'Hi', temperature: 0.7, top_p: 0.9, top_logprobs: 2, max_output_tokens: 500, ...extra };
  const result = inheritFromBase(body, route);
  return {
    unsupported: result.decisions.filter((d) => d.rule === 'unsupported').map((d) => d.param).sort(),
    renamed: result.decisions.filter((d) => d.rule === 'renamed').map((d) => d.param),
    body: result.body,
  };
}

const O_SERIES_CHAT = ['frequency_penalty', 'logit_bias', 'logprobs', 'presence_penalty', 'temperature', 'top_logprobs', 'top_p'];
const ADJUSTABLE_CHAT = ['logprobs', 'temperature', 'top_logprobs', 'top_p'];

describe('every family on chat completions, with the request naming no reasoning effort', () => {
  it.each([
    ['gpt-3.5-turbo-0125', [], []],
    ['gpt-4o-2024-08-06', [], []],
    ['gpt-4o-mini-2024-07-18', [], []],
    ['gpt-4.1-2025-04-14', [], []],
    ['gpt-4.1-mini-2025-04-14', [], []],
    ['gpt-4.1-nano-2025-04-14', [], []],
    ['gpt-5-chat-latest', [], []],
    ['o1', O_SERIES_CHAT, ['max_tokens']],
    ['o1-mini', O_SERIES_CHAT, ['max_tokens']],
    ['o1-preview', O_SERIES_CHAT, ['max_tokens']],
    ['o3', O_SERIES_CHAT, ['max_tokens']],
    ['o3-mini-2025-01-31', O_SERIES_CHAT, ['max_tokens']],
    ['o4-mini-2025-04-16', O_SERIES_CHAT, ['max_tokens']],
    ['gpt-5', O_SERIES_CHAT, ['max_tokens']],
    ['gpt-5-mini-2025-08-07', O_SERIES_CHAT, ['max_tokens']],
    ['gpt-5-nano', O_SERIES_CHAT, ['max_tokens']],
    ['gpt-5-codex', O_SERIES_CHAT, ['max_tokens']],
    ['gpt-5.1-codex-mini', O_SERIES_CHAT, ['max_tokens']],
    ['gpt-5.2-codex', O_SERIES_CHAT, ['max_tokens']],
    ['gpt-5.2-pro', O_SERIES_CHAT, ['max_tokens']],
    // Default effort none: sampling stays, only the rename.
    ['gpt-5.1', [], ['max_tokens']],
    ['gpt-5.2-2025-12-11', [], ['max_tokens']],
    ['gpt-5.4-mini', [], ['max_tokens']],
    // Default effort medium: sampling goes unless the request says none.
    ['gpt-5.5', ADJUSTABLE_CHAT, ['max_tokens']],
    ['gpt-5.6-terra', ADJUSTABLE_CHAT, ['max_tokens']],
  ])('%s refuses %j and renames %j', (model, unsupported, renamed) => {
    const result = removed(`ft:${model}:acme:x:1`, 'chat');
    expect(result.unsupported).toEqual(unsupported);
    expect(result.renamed).toEqual(renamed);
    expect(result.body.seed).toBe(7);
    expect(result.body.stop).toEqual(['\n']);
  });
});

describe('every reasoning family on responses', () => {
  it.each([
    ['o4-mini', ['temperature', 'top_p']],
    ['o1', ['temperature', 'top_p']],
    ['gpt-5-nano', ['temperature', 'top_p']],
    ['gpt-5.2-pro', ['temperature', 'top_p']],
    ['gpt-5.1', []],
    ['gpt-5.5', ['temperature', 'top_p']],
    ['gpt-4o-mini', []],
  ])('%s refuses %j; max_output_tokens is its own name there', (model, unsupported) => {
    const result = removed(model, 'responses');
    expect(result.unsupported).toEqual(unsupported);
    expect(result.renamed).toEqual([]);
    expect(result.body.max_output_tokens).toBe(500);
    expect(result.body.top_logprobs).toBe(2);
  });
});

describe('conditional refusals', () => {
  it('gpt-5.5 keeps sampling when the request asks for reasoning effort none (chat and responses)', () => {
    expect(removed('gpt-5.5', 'chat', { reasoning_effort: 'none' }).unsupported).toEqual([]);
    expect(removed('gpt-5.5', 'responses', { reasoning: { effort: 'none' } }).unsupported).toEqual([]);
  });

  it('gpt-5.1 loses sampling when the request reasons, though its default is none', () => {
    expect(removed('gpt-5.1', 'chat', { reasoning_effort: 'low' }).unsupported).toEqual(ADJUSTABLE_CHAT);
    expect(removed('gpt-5.1', 'responses', { reasoning: { effort: 'high' } }).unsupported).toEqual(['temperature', 'top_p']);
    // The chat name on responses (or the reverse) is not the route's effort.
    expect(removed('gpt-5.1', 'responses', { reasoning_effort: 'high' }).unsupported).toEqual([]);
  });

  it('a null effort is no effort: the default decides', () => {
    expect(removed('gpt-5.5', 'chat', { reasoning_effort: null }).unsupported).toEqual(ADJUSTABLE_CHAT);
    expect(removed('gpt-5.1', 'chat', { reasoning_effort: null }).unsupported).toEqual([]);
  });

  it('says why, naming the base and where the effort came from', () => {
    const sent = inheritFromBase({ model: 'gpt-5.1', messages, temperature: 0.2, reasoning_effort: 'high' }, 'chat');
    expect(sent.decisions).toEqual([{ param: 'temperature', requested: 0.2, applied: undefined, rule: 'unsupported', base: 'gpt-5.1', reason: "the base model gpt-5.1 accepts temperature only with reasoning effort none; this request's is high" }]);
    const defaulted = inheritFromBase({ model: 'gpt-5.5', messages, temperature: 0.2 }, 'chat');
    expect(defaulted.decisions[0]?.reason).toBe("the base model gpt-5.5 accepts temperature only with reasoning effort none; this request sets no reasoning effort, and gpt-5.5's default is medium");
  });

  it('a value the model takes as its only one is forwarded: temperature 1, presence_penalty 0', () => {
    const result = inheritFromBase({ model: 'o4-mini', messages, temperature: 1, top_p: 1, presence_penalty: 0, frequency_penalty: 0.2 }, 'chat');
    expect(result.decisions.map((d) => d.param)).toEqual(['frequency_penalty']);
    expect(result.decisions[0]?.reason).toBe('the base model o4-mini does not accept frequency_penalty (only its default 0)');
    expect(result.body).toMatchObject({ temperature: 1, top_p: 1, presence_penalty: 0 });
  });
});

describe('renaming max_tokens', () => {
  it('moves max_tokens to max_completion_tokens', () => {
    const result = inheritFromBase({ model: 'ft:o4-mini-2025-04-16:acme:triage:4kL', messages, temperature: 0.7, max_tokens: 500 }, 'chat');
    expect(result.body).toEqual({ model: 'ft:o4-mini-2025-04-16:acme:triage:4kL', messages, max_completion_tokens: 500 });
    expect(result.decisions).toEqual([
      { param: 'temperature', requested: 0.7, applied: undefined, rule: 'unsupported', base: 'o4-mini', reason: 'the base model o4-mini does not accept temperature (only its default 1)' },
      { param: 'max_tokens', requested: 500, applied: 500, rule: 'renamed', base: 'o4-mini', reason: 'the base model o4-mini takes max_completion_tokens instead of max_tokens: sent as max_completion_tokens' },
    ]);
  });

  it("keeps the client's own max_completion_tokens when it sent both, and drops max_tokens", () => {
    const result = inheritFromBase({ model: 'o3', messages, max_tokens: 500, max_completion_tokens: 800 }, 'chat');
    expect(result.body).toEqual({ model: 'o3', messages, max_completion_tokens: 800 });
    expect(result.decisions).toEqual([{ param: 'max_tokens', requested: 500, applied: undefined, rule: 'renamed', base: 'o3', reason: "the base model o3 takes max_completion_tokens instead of max_tokens: the client's own max_completion_tokens (800) stands" }]);
  });

  it('a null max_completion_tokens does not stand in the way', () => {
    expect(inheritFromBase({ model: 'o3', messages, max_tokens: 5, max_completion_tokens: null }, 'chat').body.max_completion_tokens).toBe(5);
  });
});

describe('what is left alone', () => {
  it('a body nothing changes is returned as it is, unchanged', () => {
    const body = { model: 'o4-mini', messages, max_completion_tokens: 100, seed: 1 };
    const result = inheritFromBase(body, 'chat');
    expect(result).toEqual({ body, decisions: [], changed: false });
    expect(result.body).toBe(body);
  });

  it('unknown models, no model, and completions inherit nothing; the input is never mutated', () => {
    const body = { model: 'my-llama', messages, temperature: 0.7, max_tokens: 5 };
    expect(inheritFromBase(body, 'chat').changed).toBe(false);
    expect(inheritFromBase({ messages, temperature: 0.7 }, 'chat').changed).toBe(false);
    expect(inheritFromBase({ model: 'o4-mini', prompt: 'x', temperature: 0.7, max_tokens: 5 }, 'completions').changed).toBe(false);
    const frozen = Object.freeze({ model: 'o4-mini', messages, temperature: 0.7 });
    expect(inheritFromBase(frozen, 'chat').body).not.toHaveProperty('temperature');
    expect(frozen.temperature).toBe(0.7);
  });

  it("a policy's base: makes a deployment name inherit", () => {
    const result = inheritFromBase({ model: 'triage-deployment', messages, temperature: 0.7 }, 'chat', 'o4-mini');
    expect(result.decisions.map((d) => [d.param, d.rule, d.base])).toEqual([['temperature', 'unsupported', 'o4-mini']]);
  });
});
