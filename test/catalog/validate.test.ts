// Policies checked against their base at build/start (contract §7), through the real loader.
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadPolicies, parsePolicyFile } from '../../src/policy/load.ts';

function errors(path: string, text: string): string[] {
  const result = parsePolicyFile({ path, text });
  return result.ok ? [] : result.errors;
}

describe('policy rules against the base model', () => {
  it('refuses a rule for a parameter the base refuses, in the contract\'s words', () => {
    expect(errors('policies/triage.yaml', 'model: ft:o4-mini-2025-04-16:acme:triage:4kL\nsampling:\n  temperature: { default: 0.6 }\n')).toEqual([
      'policies/triage.yaml: sampling.temperature: ft:o4-mini-2025-04-16:acme:triage:4kL is based on o4-mini, which does not accept temperature',
    ]);
  });

  it('reports every refused rule, in personas too', () => {
    const text = [
      'model: ft:gpt-5-mini-2025-08-07:acme:multi:1',
      'sampling:',
      '  top_p: { max: 0.9 }',
      '  logit_bias: { fixed: {} }',
      'personas:',
      '  cold:',
      '    sampling: { presence_penalty: { default: 1 } }',
    ].join('\n');
    expect(errors('policies/multi.yaml', text)).toEqual([
      'policies/multi.yaml: sampling.top_p: ft:gpt-5-mini-2025-08-07:acme:multi:1 is based on gpt-5-mini, which does not accept top_p',
      'policies/multi.yaml: sampling.logit_bias: ft:gpt-5-mini-2025-08-07:acme:multi:1 is based on gpt-5-mini, which does not accept logit_bias',
      'policies/multi.yaml: personas.cold.sampling.presence_penalty: ft:gpt-5-mini-2025-08-07:acme:multi:1 is based on gpt-5-mini, which does not accept presence_penalty',
    ]);
  });

  it('refuses a system message in a role the base does not take', () => {
    expect(errors('policies/old.yaml', 'model: ft:o1-mini-2024-09-12:acme:x:1\nsystem: { text: Be brief. }\n')).toEqual([
      'policies/old.yaml: system.role: ft:o1-mini-2024-09-12:acme:x:1 is based on o1-mini, which does not take system messages',
    ]);
    expect(errors('policies/old.yaml', 'model: ft:o1-mini-2024-09-12:acme:x:1\nsystem: { text: Be brief., role: developer }\n')).toEqual([
      'policies/old.yaml: system.role: ft:o1-mini-2024-09-12:acme:x:1 is based on o1-mini, which does not take developer messages',
    ]);
    expect(errors('policies/o3.yaml', 'model: ft:o3-mini:acme:x:1\nsystem: { text: Be brief. }\n')).toEqual([]);
  });

  it('accepts drop, a rule fixing the only value the base takes, and conditional refusals', () => {
    expect(errors('policies/r.yaml', 'model: "ft:o4-mini-2025-04-16:*"\nsampling:\n  temperature: { drop: true }\n  presence_penalty: { fixed: 0 }\n  seed: { default: 1 }\n  max_tokens: { max: 1000 }\n')).toEqual([]);
    expect(errors('policies/r.yaml', 'model: "ft:o4-mini-2025-04-16:*"\nsampling:\n  presence_penalty: { fixed: 0.5 }\n')).toHaveLength(1);
    // gpt-5.1 takes temperature with reasoning effort none (its default): the rule is valid.
    expect(errors('policies/g.yaml', 'model: ft:gpt-5.1-2025-11-13:acme:x:1\nsampling:\n  temperature: { default: 0.4 }\n')).toEqual([]);
  });

  it("checks patterns by the base they reveal, and base: where the id reveals none", () => {
    expect(errors('policies/p.yaml', 'model: "ft:o4-mini-2025-04-16:*"\nsampling:\n  temperature: { max: 1 }\n')).toEqual([
      'policies/p.yaml: sampling.temperature: ft:o4-mini-2025-04-16:* is based on o4-mini, which does not accept temperature',
    ]);
    expect(errors('policies/d.yaml', 'model: triage-deployment\nbase: o4-mini\nsampling:\n  top_p: { default: 0.5 }\n')).toEqual([
      'policies/d.yaml: sampling.top_p: triage-deployment is based on o4-mini, which does not accept top_p',
    ]);
    expect(errors('policies/d.yaml', 'model: triage-deployment\nsampling:\n  top_p: { default: 0.5 }\n')).toEqual([]);
    expect(errors('policies/any.yaml', 'model: "*"\nsampling:\n  temperature: { max: 1.5 }\n')).toEqual([]);
  });

  it('a base the catalog does not know checks nothing; an empty base is an error', () => {
    expect(errors('policies/v.yaml', 'model: my-lora\nbase: llama-3.1-8b\nsampling:\n  temperature: { default: 0.5 }\n')).toEqual([]);
    expect(errors('policies/v.yaml', 'model: my-lora\nbase: ""\n')).toEqual(['policies/v.yaml: base: the base is empty']);
  });

  it('the shipped policies stay valid', async () => {
    const names = (await readdir('policies')).filter((name) => name.endsWith('.yaml'));
    const sources = await Promise.all(names.map(async (name) => ({ path: `policies/${name}`, text: await readFile(`policies/${name}`, 'utf8') })));
    const loaded = loadPolicies(sources, 0);
    expect(loaded.ok ? [] : loaded.errors).toEqual([]);
    expect(names).toContain('reasoning.yaml');
  });
});
