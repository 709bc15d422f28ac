// An arm is the third layer of one inheritance (file → persona → arm): each override kind
// replaces what is below it, exactly as a persona does, and the same engine applies the result.
import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../../src/policy/apply.ts';
import { chatRoute } from '../../src/policy/routes/chat.ts';
import type { LoadedArm, Policy } from '../../src/policy/policy-set.ts';
import { policyFor } from '../policy/helpers.ts';

const FILE = [
  'model: m',
  'sampling:',
  '  temperature: { default: 0.6, min: 0.1, max: 0.8 }',
  '  top_p: { default: 0.9 }',
  'system: { text: "File.", mode: prepend }',
  'experiment:',
  '  arms:',
  '    control: { weight: 1 }',
  '    cool: { weight: 1, sampling: { temperature: { default: 0.3, max: 0.5 } } }',
  '    strict: { weight: 1, out_of_range: reject }',
  '    terse: { weight: 0, system: { text: "Arm.", mode: replace } }',
  'personas:',
  '  chum:',
  '    system: { text: "Persona." }',
  '    sampling: { top_p: { fixed: 1 } }',
  '    experiment:',
  '      arms:',
  '        control: { weight: 1 }',
  '        warm: { weight: 1, sampling: { temperature: { default: 0.7 } } }',
].join('\n');

function arm(policy: Policy, name: string): LoadedArm {
  const found = policy.experiment?.arms.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no arm ${name}`);
  return found;
}

function send(policy: Policy, body: Record<string, unknown>) {
  return applyPolicy({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], ...body }, policy, chatRoute);
}

describe('an arm over the file', () => {
  const file = policyFor(FILE, 'm');

  it('an arm with only a weight is the policy as written', () => {
    const control = arm(file, 'control').policy;
    expect(control.sampling).toEqual(file.sampling);
    expect(control.system).toEqual(file.system);
    expect(control.outOfRange).toBe('clamp');
    expect(control.experiment).toBeUndefined();
  });

  it('a sampling rule replaces the whole rule for its parameter (no min of the file left), others inherited', () => {
    const cool = arm(file, 'cool').policy;
    expect(cool.sampling).toEqual({ temperature: { default: 0.3, max: 0.5 }, top_p: { default: 0.9 } });
    const result = send(cool, { temperature: 0.05 });
    // The file's min 0.1 is gone with its rule: 0.05 stays.
    expect(result.ok && result.body.temperature).toBe(0.05);
    const defaulted = send(cool, {});
    expect(defaulted.ok && defaulted.body).toMatchObject({ temperature: 0.3, top_p: 0.9 });
    expect(defaulted.decisions.find((decision) => decision.param === 'temperature')).toEqual({ param: 'temperature', requested: undefined, applied: 0.3, rule: 'default', layer: 'arm' });
    expect(defaulted.decisions.find((decision) => decision.param === 'top_p')).toEqual({ param: 'top_p', requested: undefined, applied: 0.9, rule: 'default' });
  });

  it('out_of_range replaces the file\'s: reject', () => {
    const result = send(arm(file, 'strict').policy, { temperature: 1.5 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.kind).toBe('policy_violation');
    const clamped = send(file, { temperature: 1.5 });
    expect(clamped.ok && clamped.body.temperature).toBe(0.8);
  });

  it('system replaces the whole mapping (mode too), and its decision says the arm', () => {
    const result = send(arm(file, 'terse').policy, { messages: [{ role: 'system', content: 'Mine.' }, { role: 'user', content: 'Hi' }] });
    expect(result.ok && result.body.messages).toEqual([{ role: 'system', content: 'Arm.' }, { role: 'user', content: 'Hi' }]);
    expect(result.decisions.find((decision) => decision.param === 'system')?.layer).toBe('arm');
  });
});

describe('an arm over a persona', () => {
  const chum = policyFor(FILE, 'chum');

  it('a persona without an experiment of its own has none: the file\'s does not reach it', () => {
    const plain = policyFor(`${FILE}\n  plain:\n    sampling: { top_p: { default: 0.5 } }`, 'plain');
    expect(plain.name).toBe('p/plain');
    expect(plain.experiment).toBeUndefined();
    expect(policyFor(FILE, 'm').experiment?.name).toBe('p');
  });

  it('the persona is governed by its own experiment, not the file\'s', () => {
    expect(chum.experiment?.name).toBe('p/chum');
    expect(chum.experiment?.arms.map((candidate) => candidate.name)).toEqual(['control', 'warm']);
  });

  it('the arm layers over the persona over the file, each decision naming its layer', () => {
    const warm = arm(chum, 'warm').policy;
    expect(warm.name).toBe('p/chum');
    expect(warm.sampling).toEqual({ temperature: { default: 0.7 }, top_p: { fixed: 1 } });
    expect(warm.system?.text).toBe('Persona.');
    const result = send(warm, { model: 'chum' });
    expect(result.ok && result.body).toMatchObject({ temperature: 0.7, top_p: 1 });
    expect(result.decisions.map((decision) => [decision.param, decision.layer])).toEqual([
      ['model', undefined], ['temperature', 'arm'], ['top_p', 'persona'], ['system', 'persona'],
    ]);
  });
});
