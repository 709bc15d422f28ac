// The engine: each sampling rule, route membership, aliases, and what the decisions say.
import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../../src/policy/apply.ts';
import { chatRoute } from '../../src/policy/routes/chat.ts';
import { completionsRoute } from '../../src/policy/routes/completions.ts';
import { responsesRoute } from '../../src/policy/routes/responses.ts';
import { policyFor } from './helpers.ts';

const SUPPORT = `
model: ft:support
aliases: [support-bot]
sampling:
  temperature: { default: 0.6, min: 0.1, max: 0.8 }
  top_p: { default: 0.9, max: 0.95 }
  presence_penalty: { fixed: 0 }
  logit_bias: { drop: true }
  reasoning_effort: { default: low }
  max_output_tokens: { max: 100 }
  top_k: { fixed: 40 }
`;
const support = policyFor(SUPPORT, 'ft:support');
const messages = [{ role: 'user', content: 'Hi' }];

describe('sampling rules', () => {
  it('fills in defaults and fixed values for omitted parameters, and says so', () => {
    const body = { model: 'ft:support', messages };
    const result = applyPolicy(body, support, chatRoute);
    expect(result).toEqual({
      ok: true,
      changed: true,
      body: { model: 'ft:support', messages, temperature: 0.6, top_p: 0.9, presence_penalty: 0, reasoning_effort: 'low', top_k: 40 },
      decisions: [
        { param: 'temperature', requested: undefined, applied: 0.6, rule: 'default' },
        { param: 'top_p', requested: undefined, applied: 0.9, rule: 'default' },
        { param: 'presence_penalty', requested: undefined, applied: 0, rule: 'fixed' },
        { param: 'reasoning_effort', requested: undefined, applied: 'low', rule: 'default' },
        { param: 'top_k', requested: undefined, applied: 40, rule: 'fixed' },
      ],
    });
    expect(body).toEqual({ model: 'ft:support', messages });
  });

  it('takes the default for null, and keeps 0 as a real value', () => {
    const result = applyPolicy({ model: 'ft:support', messages, temperature: null, top_p: 0 }, support, chatRoute);
    expect(result.ok && result.body).toMatchObject({ temperature: 0.6, top_p: 0 });
  });

  it.each([
    [1.5, 0.8],
    [0, 0.1],
    [0.1, 0.1],
    [0.8, 0.8],
    [0.5, 0.5],
  ])('clamps temperature %s to %s', (requested, applied) => {
    const result = applyPolicy({ model: 'ft:support', messages, temperature: requested }, support, chatRoute);
    expect(result.ok && result.body.temperature).toBe(applied);
    const decision = result.decisions.find((d) => d.param === 'temperature');
    expect(decision).toEqual(requested === applied ? undefined : { param: 'temperature', requested, applied, rule: 'clamp' });
  });

  it('drops a parameter the model rejects, and keeps a fixed value that was sent already', () => {
    const result = applyPolicy({ model: 'ft:support', messages, logit_bias: { '50256': -100 }, presence_penalty: 0 }, support, chatRoute);
    expect(result.ok && result.body).not.toHaveProperty('logit_bias');
    expect(result.decisions).toContainEqual({ param: 'logit_bias', requested: { '50256': -100 }, applied: undefined, rule: 'drop' });
    expect(result.decisions.some((d) => d.param === 'presence_penalty')).toBe(false);
  });

  it('overrides a client value under fixed, whatever its type', () => {
    const result = applyPolicy({ model: 'ft:support', messages, presence_penalty: 'lots' }, support, chatRoute);
    expect(result.ok && result.body.presence_penalty).toBe(0);
  });

  it('rejects a value outside the range in reject mode, naming parameter, value, range and model', () => {
    const strict = policyFor('model: ft:strict\nout_of_range: reject\nsampling: { temperature: { max: 0.8 } }', 'ft:strict');
    const result = applyPolicy({ model: 'ft:strict', messages, temperature: 1.2 }, strict, chatRoute);
    expect(result).toEqual({
      ok: false,
      decisions: [],
      error: { kind: 'policy_violation', param: 'temperature', message: 'temperature 1.2 is outside the range ≤ 0.8 allowed for model ft:strict (policy p)' },
    });
  });

  it.each([
    ['temperature', 'hot', 'temperature must be a number, got string'],
    ['temperature', [0.5], 'temperature must be a number, got array'],
    ['max_output_tokens', 10.5, 'max_output_tokens must be an integer, got 10.5'],
    ['reasoning_effort', 3, 'reasoning_effort must be of type string, got number'],
  ])('refuses %s = %j with invalid_type in clamp mode too', (param, value, message) => {
    const result = applyPolicy({ model: 'ft:support', messages, input: 'x', [param]: value }, support, param === 'max_output_tokens' ? responsesRoute : chatRoute);
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_type', param, message: `${message} (policy p)` } });
  });

  it('leaves a parameter alone when a min/max rule has no default and the client sent none', () => {
    const bounded = policyFor('model: ft:b\nsampling: { temperature: { max: 0.8 } }', 'ft:b');
    const body = { model: 'ft:b', messages };
    expect(applyPolicy(body, bounded, chatRoute)).toEqual({ ok: true, body, decisions: [], changed: false });
  });
});

describe('route membership', () => {
  it('never adds a parameter the route does not have', () => {
    const result = applyPolicy({ model: 'ft:support', input: 'Hi' }, support, responsesRoute);
    expect(result.ok && result.body).toEqual({ model: 'ft:support', input: 'Hi', temperature: 0.6, top_p: 0.9, top_k: 40 });
  });

  it('applies max_output_tokens bounds on /v1/responses only', () => {
    const responses = applyPolicy({ model: 'ft:support', input: 'Hi', max_output_tokens: 500 }, support, responsesRoute);
    expect(responses.ok && responses.body.max_output_tokens).toBe(100);
    const chat = applyPolicy({ model: 'ft:support', messages, max_output_tokens: 500 }, support, chatRoute);
    expect(chat.ok && chat.body.max_output_tokens).toBe(500);
  });

  it('applies chat-and-completions parameters on completions', () => {
    const result = applyPolicy({ model: 'ft:support', prompt: 'Once', logit_bias: {} }, support, completionsRoute);
    expect(result.ok && result.body).toEqual({ model: 'ft:support', prompt: 'Once', temperature: 0.6, top_p: 0.9, presence_penalty: 0, top_k: 40 });
  });
});

describe('aliases', () => {
  it('rewrites an alias to the model and records it', () => {
    const result = applyPolicy({ model: 'support-bot', messages, temperature: 0.5, top_p: 0.9, presence_penalty: 0, reasoning_effort: 'low', top_k: 40 }, support, chatRoute);
    expect(result).toEqual({
      ok: true,
      changed: true,
      body: { model: 'ft:support', messages, temperature: 0.5, top_p: 0.9, presence_penalty: 0, reasoning_effort: 'low', top_k: 40 },
      decisions: [{ param: 'model', requested: 'support-bot', applied: 'ft:support', rule: 'alias' }],
    });
  });

  it('keeps the requested model under a pattern', () => {
    const family = policyFor('model: "ft:o4-mini:*"\nsampling: { temperature: { drop: true } }', 'ft:o4-mini:x');
    const result = applyPolicy({ model: 'ft:o4-mini:x', messages, temperature: 1 }, family, chatRoute);
    expect(result.ok && result.body).toEqual({ model: 'ft:o4-mini:x', messages });
  });

  it('reports nothing changed when the request already obeys the policy', () => {
    const body = { model: 'ft:support', messages, temperature: 0.5, top_p: 0.9, presence_penalty: 0, reasoning_effort: 'low', top_k: 40 };
    expect(applyPolicy(body, support, chatRoute)).toEqual({ ok: true, body, decisions: [], changed: false });
  });
});
