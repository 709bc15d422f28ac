// The `experiment:` block of a policy file: what it accepts, every mistake as file: field: message.
import { describe, expect, it } from 'vitest';
import { loadPolicies, parsePolicyFile } from '../../src/policy/load.ts';

const MODEL = 'model: ft:gpt-4o-mini-2024-07-18:acme:support:9xYzAbC';

function errorsOf(...lines: string[]): string[] {
  const result = parsePolicyFile({ path: 'policies/support.yaml', text: [MODEL, ...lines].join('\n') });
  return result.ok ? [] : result.errors;
}

function load(files: Record<string, string>) {
  return loadPolicies(Object.entries(files).map(([path, text]) => ({ path, text })), 1_700_000_000);
}

describe('a valid experiment', () => {
  it('reads name, sticky, metrics (goal max by default) and arms in file order', () => {
    const result = parsePolicyFile({
      path: 'policies/support.yaml',
      text: [
        MODEL,
        'sampling: { temperature: { default: 0.6, max: 0.8 } }',
        'experiment:',
        '  name: support-temperature',
        '  sticky: [safety_identifier, user, "header:x-session-id", metadata.account]',
        '  metrics:',
        '    resolved: { type: boolean }',
        '    handle_seconds: { type: number, goal: min }',
        '  arms:',
        '    zeta: { weight: 50 }',
        '    cool: { weight: 50, sampling: { temperature: { default: 0.3, max: 0.5 } } }',
        '    verbatim: { weight: 0, system: { text: "Hi.", mode: replace }, out_of_range: reject }',
      ].join('\n'),
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { experiment } = result.value.policy;
    expect(experiment?.metrics).toEqual({ resolved: { type: 'boolean', goal: 'max' }, handle_seconds: { type: 'number', goal: 'min' } });
    expect(Object.keys(experiment?.arms ?? {})).toEqual(['zeta', 'cool', 'verbatim']);
    expect(experiment?.arms.verbatim).toEqual({ weight: 0, system: { text: 'Hi.', mode: 'replace', role: 'system' }, out_of_range: 'reject' });
  });

  it('lets a persona have its own experiment', () => {
    expect(errorsOf('personas:', '  chum:', '    experiment: { arms: { a: { weight: 1 } } }')).toEqual([]);
  });
});

describe('experiment errors, each naming the file and the field', () => {
  it('no arms', () => {
    expect(errorsOf('experiment: { arms: {} }')).toEqual(['policies/support.yaml: experiment.arms: an experiment needs at least one arm']);
    expect(errorsOf('experiment: { name: x }')).toEqual(['policies/support.yaml: experiment.arms: is required']);
  });

  it('all weights 0', () => {
    expect(errorsOf('experiment: { arms: { a: { weight: 0 }, b: { weight: 0 } } }')).toEqual([
      'policies/support.yaml: experiment.arms: every weight is 0: at least one arm needs a weight above 0',
    ]);
  });

  it('a negative weight, a missing weight', () => {
    expect(errorsOf('experiment: { arms: { a: { weight: -1 }, b: { } } }')).toEqual([
      'policies/support.yaml: experiment.arms.a.weight: a weight is a number ≥ 0',
      'policies/support.yaml: experiment.arms.b.weight: is required',
    ]);
  });

  it('more than 10 arms', () => {
    const arms = Array.from({ length: 11 }, (_, i) => `a${i}: { weight: 1 }`).join(', ');
    expect(errorsOf(`experiment: { arms: { ${arms} } }`)).toEqual(['policies/support.yaml: experiment.arms: 11 arms: at most 10']);
  });

  it('a bad arm name', () => {
    expect(errorsOf('experiment: { arms: { Cool: { weight: 1 } } }')).toEqual([
      'policies/support.yaml: experiment.arms.Cool: an arm name is lower-case letters, digits, "-" and "_" (at most 64)',
    ]);
    expect(errorsOf('experiment: { arms: { "2": { weight: 1 } } }')).toEqual([
      'policies/support.yaml: experiment.arms.2: an arm name cannot be a number alone (it would lose its place in file order)',
    ]);
  });

  it('an arm override that is itself invalid: a default above its max', () => {
    expect(errorsOf('experiment: { arms: { a: { weight: 1, sampling: { temperature: { default: 0.9, max: 0.5 } } } } }')).toEqual([
      'policies/support.yaml: experiment.arms.a.sampling.temperature.default: 0.9 is above max 0.5',
    ]);
  });

  it('an unknown field in an arm, a bad sticky source, a bad metric type', () => {
    expect(errorsOf('experiment: { arms: { a: { weight: 1, temperature: 0.2 } } }')).toEqual([
      'policies/support.yaml: experiment.arms.a: unknown field "temperature"',
    ]);
    expect(errorsOf('experiment: { sticky: [messages], arms: { a: { weight: 1 } } }')).toEqual([
      'policies/support.yaml: experiment.sticky.0: a sticky source is safety_identifier, user, prompt_cache_key, metadata.KEY or header:NAME',
    ]);
    expect(errorsOf('experiment: { sticky: ["header:Authorization"], arms: { a: { weight: 1 } } }')).toEqual([
      'policies/support.yaml: experiment.sticky.0: this header carries a credential: it cannot identify a unit (its digest would be kept)',
    ]);
    expect(errorsOf('experiment: { metrics: { resolved: { type: text } }, arms: { a: { weight: 1 } } }')).toEqual([
      'policies/support.yaml: experiment.metrics.resolved.type: must be "boolean" or "number"',
    ]);
  });
});

describe('experiments across the folder', () => {
  const arms = 'arms: { a: { weight: 1 } }';
  it('the same experiment name in two files is an error naming both', () => {
    const result = load({
      'policies/a.yaml': `model: m1\nexperiment: { name: same, ${arms} }`,
      'policies/b.yaml': `model: m2\nexperiment: { name: same, ${arms} }`,
    });
    expect(result).toEqual({ ok: false, errors: ['policies/b.yaml: experiment.name: "same" (policy b) is also the name of an experiment of policies/a.yaml (policy a)'] });
  });

  it('a default name (the policy name) clashing with a named one is caught too', () => {
    const result = load({
      'policies/a.yaml': `model: m1\nexperiment: { ${arms} }`,
      'policies/b.yaml': `model: m2\nexperiment: { name: a, ${arms} }`,
    });
    expect(result.ok).toBe(false);
  });

  it('one metric name with two types is an error naming both files', () => {
    const result = load({
      'policies/a.yaml': `model: m1\nexperiment: { metrics: { resolved: { type: boolean } }, ${arms} }`,
      'policies/b.yaml': `model: m2\nexperiment: { metrics: { resolved: { type: number } }, ${arms} }`,
    });
    expect(result).toEqual({ ok: false, errors: ['policies/b.yaml: experiment.metrics.resolved: type number, but policies/a.yaml declares "resolved" as boolean'] });
  });

  it('lists every experiment with its arms, metrics and the file digest', () => {
    const result = load({
      'policies/multi.yaml': `model: m1\nexperiment: { metrics: { resolved: { type: boolean } }, arms: { control: { weight: 3 }, cool: { weight: 1 } } }\npersonas:\n  chum:\n    experiment: { ${arms} }`,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const digest = result.value.experiments[0]?.digest;
    expect(digest).toMatch(/^[0-9a-f]{16}$/);
    expect(result.value.experiments).toEqual([
      { name: 'multi', policy: 'multi', path: 'policies/multi.yaml', control: 'control', arms: [{ name: 'control', weight: 3 }, { name: 'cool', weight: 1 }], metrics: { resolved: { type: 'boolean', goal: 'max' } }, digest },
      { name: 'multi/chum', policy: 'multi/chum', path: 'policies/multi.yaml', control: 'a', arms: [{ name: 'a', weight: 1 }], metrics: {}, digest },
    ]);
  });
});

describe('an arm over a base model (contract §7)', () => {
  it('an arm\'s rule for a parameter the base refuses is an error, as the file\'s and a persona\'s are', () => {
    const result = parsePolicyFile({
      path: 'policies/triage.yaml',
      text: [
        'model: ft:o4-mini-2025-04-16:acme:triage:4kL',
        'experiment: { arms: { control: { weight: 1 }, hot: { weight: 1, sampling: { temperature: { default: 0.9 } } } } }',
        'personas:',
        '  calm:',
        '    experiment: { arms: { a: { weight: 1, sampling: { top_p: { max: 0.5 } } } } }',
      ].join('\n'),
    });
    expect(result.ok ? [] : result.errors).toEqual([
      'policies/triage.yaml: experiment.arms.hot.sampling.temperature: ft:o4-mini-2025-04-16:acme:triage:4kL is based on o4-mini, which does not accept temperature',
      'policies/triage.yaml: personas.calm.experiment.arms.a.sampling.top_p: ft:o4-mini-2025-04-16:acme:triage:4kL is based on o4-mini, which does not accept top_p',
    ]);
  });
});
