// Policy files → validated policies: every rule of the schema and every error message.
import { describe, expect, it } from 'vitest';
import { loadPolicies, parsePolicyFile } from '../../src/policy/load.ts';

function errorsOf(text: string, path = 'policies/support.yaml'): string[] {
  const result = parsePolicyFile({ path, text });
  return result.ok ? [] : result.errors;
}

function loaded(files: Record<string, string>) {
  return loadPolicies(Object.entries(files).map(([path, text]) => ({ path, text })), 1_700_000_000);
}

describe('a valid policy file', () => {
  it('reads YAML with every field, trimming the trailing newline of a | block', () => {
    const result = parsePolicyFile({
      path: 'policies/support.yaml',
      text: [
        'model: ft:gpt-4o-mini-2024-07-18:acme:support:9xYzAbC',
        'aliases: [support-bot]',
        'sampling:',
        '  temperature: { default: 0.6, min: 0, max: 0.8 }',
        '  top_p: { default: 0.9, max: 0.95 }',
        '  presence_penalty: { fixed: 0 }',
        '  logit_bias: { drop: true }',
        '  reasoning_effort: { default: low }',
        'out_of_range: reject',
        'system:',
        '  text: |',
        '    You are SharkBait, a user\'s best chum.',
        '  mode: replace',
        '  role: developer',
      ].join('\n'),
    });
    expect(result).toEqual({
      ok: true,
      value: {
        name: 'support',
        path: 'policies/support.yaml',
        policy: {
          model: 'ft:gpt-4o-mini-2024-07-18:acme:support:9xYzAbC',
          aliases: ['support-bot'],
          sampling: {
            temperature: { default: 0.6, min: 0, max: 0.8 },
            top_p: { default: 0.9, max: 0.95 },
            presence_penalty: { fixed: 0 },
            logit_bias: { drop: true },
            reasoning_effort: { default: 'low' },
          },
          out_of_range: 'reject',
          system: { text: "You are SharkBait, a user's best chum.", mode: 'replace', role: 'developer' },
        },
      },
    });
  });

  it('reads JSON and fills in the defaults: clamp, prepend, system', () => {
    const result = parsePolicyFile({ path: 'policies/a.json', text: '{"model":"m","system":{"text":"Hi.\\r\\n  \\n"}}' });
    expect(result.ok && result.value.policy).toEqual({ model: 'm', out_of_range: 'clamp', system: { text: 'Hi.', mode: 'prepend', role: 'system' } });
  });
});

describe('validation errors name the file, the field path and the problem', () => {
  it.each([
    ['model: m\nsampling:\n  temperature: { default: 1.4, max: 0.8 }', 'policies/support.yaml: sampling.temperature.default: 1.4 is above max 0.8'],
    ['model: m\nsampling:\n  temperature: { default: 0.1, min: 0.2 }', 'policies/support.yaml: sampling.temperature.default: 0.1 is below min 0.2'],
    ['model: m\nsampling:\n  temperature: { min: 0.9, max: 0.8 }', 'policies/support.yaml: sampling.temperature.min: min 0.9 is above max 0.8'],
    ['model: m\nsampling:\n  temperature: { max: 2.5 }', "policies/support.yaml: sampling.temperature.max: 2.5 is above temperature's API maximum 2"],
    ['model: m\nsampling:\n  top_p: { default: -0.1 }', "policies/support.yaml: sampling.top_p.default: -0.1 is below top_p's API minimum 0"],
    ['model: m\nsampling:\n  presence_penalty: { fixed: 3 }', "policies/support.yaml: sampling.presence_penalty.fixed: 3 is above presence_penalty's API maximum 2"],
    ['model: m\nsampling:\n  max_tokens: { max: 10.5 }', 'policies/support.yaml: sampling.max_tokens.max: 10.5 is not an integer (max_tokens takes whole numbers)'],
    ['model: m\nsampling:\n  n: { default: 0 }', "policies/support.yaml: sampling.n.default: 0 is below n's API minimum 1"],
    ['model: m\nsampling:\n  seed: { fixed: 1.5 }', 'policies/support.yaml: sampling.seed.fixed: 1.5 is not an integer (seed takes whole numbers)'],
    ['model: m\nsampling:\n  temperature: { default: hot }', 'policies/support.yaml: sampling.temperature.default: "hot" is not a number'],
    ['model: m\nsampling:\n  temperature: { fixed: 0, max: 1 }', 'policies/support.yaml: sampling.temperature.fixed: fixed cannot be combined with default, min or max'],
    ['model: m\nsampling:\n  temperature: { drop: true, default: 1 }', 'policies/support.yaml: sampling.temperature.drop: drop stands alone: remove the other fields of this rule'],
    ['model: m\nsampling:\n  temperature: { drop: false }', 'policies/support.yaml: sampling.temperature.drop: must be true'],
    ['model: m\nsampling:\n  temperature: {}', 'policies/support.yaml: sampling.temperature: a rule needs one of default, min, max, fixed or drop'],
    ['model: m\nsampling:\n  top_k: { max: 40 }', 'policies/support.yaml: sampling.top_k.max: min and max apply only to numeric parameters (temperature, top_p, presence_penalty, frequency_penalty, max_tokens, max_completion_tokens, max_output_tokens, n, seed)'],
    ['model: m\nsampling:\n  temperature: { defualt: 0.5 }', 'policies/support.yaml: sampling.temperature: unknown field "defualt"'],
    ['model: m\nsampling:\n  "top-p": { max: 1 }', 'policies/support.yaml: sampling.top-p: a parameter name is letters, digits and _'],
    ['model: m\ntemprature: 1', 'policies/support.yaml: unknown field "temprature"'],
    ['aliases: [x]', 'policies/support.yaml: model: is required'],
    ['model: ""', 'policies/support.yaml: model: the model is empty'],
    ['model: 42', 'policies/support.yaml: model: expected string, got number 42'],
    ['model: m\nout_of_range: wrap', 'policies/support.yaml: out_of_range: must be "clamp" or "reject"'],
    ['model: m\nsystem: { text: "  \\n" }', 'policies/support.yaml: system.text: the system message is empty'],
    ['model: m\nsystem: { text: hi, mode: append }', 'policies/support.yaml: system.mode: must be "prepend" or "replace" or "if_missing"'],
    ['model: m\nsystem: { text: hi, role: user }', 'policies/support.yaml: system.role: must be "system" or "developer"'],
    ['model: "ft:*"\naliases: [a]', 'policies/support.yaml: aliases: aliases need an exact model, not a pattern'],
    ['model: "ft:*"\npersonas: { a: {} }', 'policies/support.yaml: personas: personas need an exact model, not a pattern'],
    ['model: m\naliases: [m]', 'policies/support.yaml: aliases.0: "m" is already the model or another alias'],
    ['model: m\naliases: [a, a]', 'policies/support.yaml: aliases.1: "a" is already the model or another alias'],
    ['model: m\naliases: ["a*"]', 'policies/support.yaml: aliases.0: "a*": an alias is an exact name, without *'],
    ['model: m\naliases: [a]\npersonas: { a: {} }', 'policies/support.yaml: personas.a: "a" is already the model or an alias'],
    ['model: m\npersonas: { "a/b": {} }', 'policies/support.yaml: personas.a/b: a persona name has no /, * or spaces'],
    ['model: m\npersonas: { a: { sampling: { temperature: { max: 9 } } } }', "policies/support.yaml: personas.a.sampling.temperature.max: 9 is above temperature's API maximum 2"],
    ['model: m\npersonas: { a: { colour: red } }', 'policies/support.yaml: personas.a: unknown field "colour"'],
    ['- model: m', 'policies/support.yaml: expected object, got a list'],
  ])('%s', (text, message) => {
    expect(errorsOf(text)).toEqual([message]);
  });

  it('reports every error of a file at once', () => {
    expect(errorsOf('model: m\nsampling:\n  temperature: { default: 1.4, max: 0.8 }\n  top_p: { max: 2 }')).toEqual([
      'policies/support.yaml: sampling.temperature.default: 1.4 is above max 0.8',
      "policies/support.yaml: sampling.top_p.max: 2 is above top_p's API maximum 1",
    ]);
  });

  it('reports unreadable YAML and JSON with the file name', () => {
    expect(errorsOf('model: [unclosed')[0]).toMatch(/^policies\/support\.yaml: cannot be read as YAML: /);
    expect(errorsOf('model: a\nmodel: b')[0]).toMatch(/^policies\/support\.yaml: cannot be read as YAML: .*unique/i);
    expect(errorsOf('model: !secret m')[0]).toMatch(/^policies\/support\.yaml: cannot be read as YAML: .*tag/i);
    expect(errorsOf('{"model":', 'policies/x.json')[0]).toMatch(/^policies\/x\.json: cannot be read as JSON: /);
  });

  it('refuses a file name that cannot be a header value', () => {
    expect(errorsOf('model: m', 'policies/süpport.yaml')).toEqual(['policies/süpport.yaml: the file name "süpport" must be letters, digits, ".", "_" or "-"']);
  });
});

describe('a policy folder', () => {
  it('refuses two files claiming the same exact model, alias, persona or pattern, naming both', () => {
    const result = loaded({
      'policies/a.yaml': 'model: m\naliases: [bot]\npersonas: { chum: {} }',
      'policies/b.yaml': 'model: m',
      'policies/c.yaml': 'model: other\naliases: [bot, chum]',
      'policies/d.yaml': 'model: "ft:*"',
      'policies/e.json': '{"model":"ft:*"}',
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        'policies/b.yaml: model: "m" is also claimed by policies/a.yaml',
        'policies/c.yaml: aliases: "bot" is also claimed by policies/a.yaml',
        'policies/c.yaml: aliases: "chum" is also claimed by policies/a.yaml',
        'policies/e.json: model: "ft:*" is also claimed by policies/d.yaml',
      ],
    });
  });

  it('refuses two files with the same name and collects the errors of every file', () => {
    const result = loaded({ 'policies/a.yaml': 'model: m', 'policies/a.json': '{"model":"n"}', 'policies/b.yaml': 'model: 1' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      'policies/b.yaml: model: expected string, got number 1',
      'policies/a.json: the policy name "a" is also used by policies/a.yaml',
    ]);
  });

  it('reports a broken file and a name claimed twice at once', () => {
    const result = loaded({ 'policies/a.yaml': 'model: m', 'policies/b.yaml': 'model: m', 'policies/c.yaml': 'model: [' });
    expect(!result.ok && result.errors).toEqual([
      expect.stringMatching(/^policies\/c\.yaml: cannot be read as YAML/),
      'policies/b.yaml: model: "m" is also claimed by policies/a.yaml',
    ]);
  });

  it('turns personas into policies that inherit and override the file', () => {
    const result = loaded({
      'policies/multi.yaml': [
        'model: ft:multi',
        'sampling: { temperature: { default: 0.5, max: 0.7 }, top_p: { max: 0.9 } }',
        'out_of_range: reject',
        'system: { text: Base., mode: if_missing }',
        'personas:',
        '  rabbit: { system: { text: Rabbit. }, sampling: { temperature: { fixed: 0 } }, out_of_range: clamp }',
        '  plain: {}',
      ].join('\n'),
    });
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const byName = new Map(result.value.policies.map((policy) => [policy.name, policy]));
    expect(byName.get('multi/rabbit')).toMatchObject({
      model: 'ft:multi', aliases: ['rabbit'], outOfRange: 'clamp',
      sampling: { temperature: { fixed: 0 }, top_p: { max: 0.9 } },
      // the persona's system mapping replaces the file's whole, with defaults for what it omits
      system: { text: 'Rabbit.', mode: 'prepend', role: 'system' },
    });
    expect(byName.get('multi/plain')).toMatchObject({
      outOfRange: 'reject', sampling: { temperature: { default: 0.5, max: 0.7 }, top_p: { max: 0.9 } },
      system: { text: 'Base.', mode: 'if_missing' },
    });
  });
});
