import { describe, expect, it } from 'vitest';
import { loadPolicies } from '../../src/policy/load.ts';
import type { PolicySet } from '../../src/policy/policy-set.ts';

function set(files: Record<string, Record<string, unknown>>): PolicySet {
  const loaded = loadPolicies(Object.entries(files).map(([name, policy]) => ({ path: `policies/${name}.json`, text: JSON.stringify(policy) })), 0);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.value;
}

const nameOf = (policies: PolicySet, model: string) => policies.resolve(model)?.policy.name ?? null;

describe('resolving a model name to its policy', () => {
  const policies = set({
    exact: { model: 'ft:gpt-4o-mini:acme:support:1', aliases: ['support-bot'] },
    family: { model: 'ft:gpt-4o-mini:acme:*' },
    narrower: { model: 'ft:gpt-4o-mini:acme:support:*' },
    'tie-a': { model: 'ft:o4-mini:*:x' },
    'tie-b': { model: 'ft:o4-mini:x:*' },
    suffix: { model: '*-preview' },
    dots: { model: 'v1.2*' },
    all: { model: '*' },
  });

  it('prefers an exact id or alias over any pattern', () => {
    expect(policies.resolve('ft:gpt-4o-mini:acme:support:1')).toMatchObject({ via: 'exact', policy: { name: 'exact' } });
    expect(policies.resolve('support-bot')).toMatchObject({ via: 'alias', policy: { name: 'exact' } });
  });

  it('takes the pattern with the most literal characters, then the first file name', () => {
    expect(nameOf(policies, 'ft:gpt-4o-mini:acme:support:2')).toBe('narrower');
    expect(nameOf(policies, 'ft:gpt-4o-mini:acme:sales:1')).toBe('family');
    // Both match with 12 literal characters: file name order decides.
    expect(nameOf(policies, 'ft:o4-mini:x:x')).toBe('tie-a');
    expect(nameOf(policies, 'ft:o4-mini:x:y')).toBe('tie-b');
  });

  it('matches patterns that start with * and treats regex characters literally', () => {
    expect(nameOf(policies, 'gpt-5-preview')).toBe('suffix');
    expect(nameOf(policies, 'v1.2.3')).toBe('dots');
    expect(nameOf(policies, 'v1x2')).toBe('all');
    expect(nameOf(policies, 'anything')).toBe('all');
  });

  it('answers the same from its cache', () => {
    expect(nameOf(policies, 'ft:gpt-4o-mini:acme:sales:9')).toBe('family');
    expect(nameOf(policies, 'ft:gpt-4o-mini:acme:sales:9')).toBe('family');
    const without = set({ family: { model: 'ft:gpt-4o-mini:acme:*' } });
    expect(without.resolve('gpt-4o')).toBeNull();
    expect(without.resolve('gpt-4o')).toBeNull();
  });

  it('agrees with trying every pattern in order, on a large set', () => {
    // Prefixes of several lengths, shared prefixes, stars anywhere: the index must not change the answer.
    const files: Record<string, Record<string, unknown>> = {};
    const models: string[] = [];
    for (let i = 0; i < 400; i += 1) {
      const org = `org${i % 37}`;
      const model = i % 5 === 0 ? `*:${org}:*` : i % 5 === 1 ? `ft:${org}:*` : i % 5 === 2 ? `ft:${org}:m${i % 7}*` : i % 5 === 3 ? `ft:${org}:*:${i % 3}` : `ft:*${i % 11}`;
      if (models.includes(model)) continue;
      models.push(model);
      files[`p${String(i).padStart(3, '0')}`] = { model };
    }
    const big = set(files);
    const reference = (name: string) => {
      const candidates = Object.entries(files)
        .map(([file, policy]) => ({ file, model: String(policy.model) }))
        .filter(({ model }) => new RegExp(`^${model.split('*').map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&')).join('[\\s\\S]*')}$`).test(name))
        .sort((a, b) => b.model.replaceAll('*', '').length - a.model.replaceAll('*', '').length || (a.file < b.file ? -1 : 1));
      return candidates[0]?.file ?? null;
    };
    let matched = 0;
    for (let i = 0; i < 2_000; i += 1) {
      const name = `ft:org${i % 41}:m${i % 9}${i % 4 === 0 ? '' : `:${i % 3}`}${i % 13 === 0 ? `:x${i % 11}` : ''}`;
      const expected = reference(name);
      if (expected !== null) matched += 1;
      expect(nameOf(big, name), name).toBe(expected);
    }
    expect(matched).toBeGreaterThan(1_000);
  });
});
