// The canonical system message on /v1/responses: delivered as instructions, three modes,
// string and array input, idempotence.
import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../../../src/policy/apply.ts';
import { completionsRoute } from '../../../src/policy/routes/completions.ts';
import { responsesRoute } from '../../../src/policy/routes/responses.ts';
import { policyFor } from '../helpers.ts';

const CANON = 'You are SharkBait.';

function run(mode: string, body: Record<string, unknown>, role = 'system') {
  const policy = policyFor(`model: m\nsystem: { text: "${CANON}", mode: ${mode}, role: ${role} }`, 'm');
  return applyPolicy({ model: 'm', ...body }, policy, responsesRoute);
}

function forwarded(mode: string, body: Record<string, unknown>, role = 'system') {
  const result = run(mode, body, role);
  if (!result.ok) throw new Error(result.error.message);
  const { model: _model, ...rest } = result.body;
  return rest;
}

const userItem = { role: 'user', content: 'Hi' };
const systemItem = { role: 'system', content: 'Be brief.' };
const devItem = { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Use tools.' }] };

describe('prepend', () => {
  it('sets instructions when the client sent none, leaving a string input a string', () => {
    expect(forwarded('prepend', { input: 'Hi' })).toEqual({ input: 'Hi', instructions: CANON });
    expect(forwarded('prepend', { input: 'Hi', instructions: null })).toEqual({ input: 'Hi', instructions: CANON });
    expect(forwarded('prepend', { input: 'Hi', instructions: '' })).toEqual({ input: 'Hi', instructions: CANON });
  });

  it("moves the client's instructions to the start of input, with the policy's role", () => {
    expect(forwarded('prepend', { input: 'Hi', instructions: 'Be brief.' }, 'developer')).toEqual({
      instructions: CANON, input: [{ role: 'developer', content: 'Be brief.' }, userItem],
    });
    expect(forwarded('prepend', { input: [userItem], instructions: 'Be brief.' })).toEqual({
      instructions: CANON, input: [{ role: 'system', content: 'Be brief.' }, userItem],
    });
    expect(forwarded('prepend', { instructions: 'Be brief.' })).toEqual({ instructions: CANON, input: [{ role: 'system', content: 'Be brief.' }] });
  });

  it('keeps system messages in input after the canonical instructions', () => {
    expect(forwarded('prepend', { input: [systemItem, userItem] })).toEqual({ instructions: CANON, input: [systemItem, userItem] });
  });
});

describe('replace', () => {
  it("removes the client's instructions and system/developer input messages", () => {
    expect(forwarded('replace', { input: [systemItem, userItem, devItem], instructions: 'Evil.' })).toEqual({ instructions: CANON, input: [userItem] });
    expect(forwarded('replace', { input: 'Hi', instructions: 'Evil.' })).toEqual({ instructions: CANON, input: 'Hi' });
  });
});

describe('if_missing', () => {
  it('sets instructions only when there are neither instructions nor system/developer input messages', () => {
    expect(forwarded('if_missing', { input: 'Hi' })).toEqual({ input: 'Hi', instructions: CANON });
    expect(forwarded('if_missing', { input: 'Hi', instructions: 'Mine.' })).toEqual({ input: 'Hi', instructions: 'Mine.' });
    expect(forwarded('if_missing', { input: [devItem, userItem] })).toEqual({ input: [devItem, userItem] });
    expect(forwarded('if_missing', { input: [userItem], instructions: '' })).toEqual({ input: [userItem], instructions: CANON });
  });
});

describe('idempotence', () => {
  const asFirstItem = [
    { role: 'system', content: CANON },
    { role: 'developer', content: [{ type: 'input_text', text: CANON }] },
    { type: 'message', role: 'system', content: [{ type: 'text', text: CANON }] },
  ];

  it.each(['prepend', 'replace', 'if_missing'])('%s changes nothing when instructions already are the canonical text', (mode) => {
    expect(run(mode, { input: 'Hi', instructions: CANON })).toMatchObject({ ok: true, changed: false });
  });

  it.each(['prepend', 'if_missing'])('%s changes nothing when the first input item is the canonical message (the Vercel AI SDK way)', (mode) => {
    for (const first of asFirstItem) expect(run(mode, { input: [first, userItem] })).toMatchObject({ ok: true, changed: false });
  });

  it('replace keeps a canonical first item and removes the other system messages and instructions', () => {
    for (const first of asFirstItem) {
      expect(forwarded('replace', { input: [first, systemItem, userItem], instructions: 'Evil.' })).toEqual({ input: [first, userItem] });
      expect(run('replace', { input: [first, userItem] })).toMatchObject({ ok: true, changed: false });
    }
  });

  it('applying twice gives the same body as applying once', () => {
    for (const mode of ['prepend', 'replace', 'if_missing']) {
      const once = run(mode, { input: [systemItem, userItem], instructions: 'Be brief.' });
      if (!once.ok) throw new Error('refused');
      expect(applyPolicy(once.body, policyFor(`model: m\nsystem: { text: "${CANON}", mode: ${mode} }`, 'm'), responsesRoute)).toMatchObject({ changed: false });
    }
  });
});

describe('invalid bodies', () => {
  it('refuses instructions or input of the wrong type', () => {
    expect(run('prepend', { instructions: 5 })).toMatchObject({ ok: false, error: { kind: 'invalid_type', param: 'instructions' } });
    expect(run('prepend', { input: { role: 'user' } })).toMatchObject({ ok: false, error: { kind: 'invalid_type', param: 'input' } });
  });

  it('forwards unknown and ungoverned fields exactly', () => {
    const extra = { previous_response_id: 'resp_1', store: true, tools: [{ type: 'web_search' }], text: { format: { type: 'json_object' } }, future: { x: [1] } };
    expect(forwarded('prepend', { input: 'Hi', ...extra })).toEqual({ input: 'Hi', instructions: CANON, ...extra });
  });
});

describe('/v1/completions', () => {
  it('applies no system message and says why in the decisions', () => {
    const policy = policyFor(`model: m\nsampling: { temperature: { default: 0.5 } }\nsystem: { text: "${CANON}" }`, 'm');
    const result = applyPolicy({ model: 'm', prompt: 'Once upon' }, policy, completionsRoute);
    expect(result).toEqual({
      ok: true,
      changed: true,
      body: { model: 'm', prompt: 'Once upon', temperature: 0.5 },
      decisions: [
        { param: 'temperature', requested: undefined, applied: 0.5, rule: 'default' },
        { param: 'system', requested: undefined, applied: undefined, rule: 'system', reason: 'not applied: /v1/completions takes a prompt, not messages' },
      ],
    });
  });
});
