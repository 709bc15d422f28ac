// Which policy governs a model: exact, alias, persona, then the most specific pattern.
import { describe, expect, it } from 'vitest';
import { policySet } from './helpers.ts';

const set = policySet({
  'catch-all.yaml': 'model: "*"',
  'family.yaml': 'model: "ft:gpt-4o-mini:*"',
  'acme.yaml': 'model: "ft:gpt-4o-mini:acme:*"',
  'acme-tie-b.yaml': 'model: "ft:gpt-4o-mini:*:support:*"',
  'acme-tie-a.yaml': 'model: "ft:gpt-4o-mini:*:support*"',
  'support.yaml': 'model: ft:gpt-4o-mini:acme:support:1\naliases: [support-bot]',
  'multi.yaml': 'model: ft:multi\npersonas: { sharkbait: {}, rabbittext: {} }',
  'dots.yaml': 'model: "a.b(c)+*"',
});

function resolved(model: string) {
  const resolution = set.resolve(model);
  return resolution === null ? null : { name: resolution.policy.name, via: resolution.via };
}

describe('resolution', () => {
  it.each([
    ['ft:gpt-4o-mini:acme:support:1', 'support', 'exact'],
    ['support-bot', 'support', 'alias'],
    ['sharkbait', 'multi/sharkbait', 'persona'],
    ['ft:multi', 'multi', 'exact'],
    ['ft:gpt-4o-mini:acme:sales:2', 'acme', 'pattern'],
    ['ft:gpt-4o-mini:other:x', 'family', 'pattern'],
    ['gpt-4o', 'catch-all', 'pattern'],
    ['a.b(c)+anything', 'dots', 'pattern'],
    ['aXb(c)+', 'catch-all', 'pattern'],
  ])('%s → %s (%s)', (model, name, via) => {
    expect(resolved(model)).toEqual({ name, via });
  });

  it('prefers the pattern with most non-* characters; equal ones go by file name order', () => {
    // ft:gpt-4o-mini:*:support:* and ft:gpt-4o-mini:*:support* have 23 and 22 literal characters
    expect(resolved('ft:gpt-4o-mini:beta:support:9')).toEqual({ name: 'acme-tie-b', via: 'pattern' });
    const tie = policySet({ 'b.yaml': 'model: "x*"', 'a.yaml': 'model: "*x"' });
    expect(tie.resolve('xx')?.policy.name).toBe('a');
  });

  it('answers null for an unmatched model, also when asked again (cached)', () => {
    const exactOnly = policySet({ 'a.yaml': 'model: m', 'p.yaml': 'model: "ft:*"' });
    expect(exactOnly.resolve('gpt-4o')).toBeNull();
    expect(exactOnly.resolve('gpt-4o')).toBeNull();
    expect(exactOnly.resolve('ft:x')?.policy.name).toBe('p');
  });

  it('a pattern * matches any text, including the empty rest', () => {
    expect(set.resolve('ft:gpt-4o-mini:')?.policy.name).toBe('family');
  });

  it('stays correct beyond the cache size (model names come from clients)', () => {
    for (let i = 0; i < 3000; i += 1) expect(set.resolve(`ft:gpt-4o-mini:acme:m${i}`)?.policy.name).toBe('acme');
    expect(set.resolve('ft:gpt-4o-mini:acme:m0')?.policy.name).toBe('acme');
  });
});
