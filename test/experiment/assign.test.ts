// Which arm a request gets: the unit from `sticky` (first non-empty wins), forcing, the random
// draw for requests without a unit, and what is kept of the unit (a digest, from a bounded prefix).
import { describe, expect, it } from 'vitest';
import { assignArm } from '../../src/experiment/assign.ts';
import { drawForUnit } from '../../src/experiment/draw.ts';
import { MAX_UNIT_CHARS, readUnit, parseUnitSource, unitDigest } from '../../src/experiment/unit.ts';
import { sha256Hex } from '../../src/experiment/sha256.ts';
import type { LoadedExperiment, Policy } from '../../src/policy/policy-set.ts';
import { policyFor } from '../policy/helpers.ts';

function experimentOf(yaml: string): LoadedExperiment {
  const policy: Policy = policyFor(yaml, 'm');
  if (policy.experiment === undefined) throw new Error('no experiment');
  return policy.experiment;
}

const SPLIT = experimentOf('model: m\nexperiment: { name: split, arms: { control: { weight: 1 }, cool: { weight: 1 }, never: { weight: 0 } } }');
const STICKY = experimentOf('model: m\nexperiment: { name: split, sticky: ["header:X-Session", metadata.account, prompt_cache_key], arms: { control: { weight: 1 }, cool: { weight: 1 } } }');
const none = () => { throw new Error('no random draw expected'); };

function armFor(experiment: LoadedExperiment, body: Record<string, unknown>, headers: Record<string, string> = {}, random: () => number = none): string {
  const result = assignArm(experiment, body, new Headers(headers), random);
  if (!result.ok) throw new Error(result.error.message);
  return result.assignment.arm.name;
}

describe('the unit', () => {
  it('defaults to safety_identifier, then user; the first non-empty string wins', () => {
    const sources = SPLIT.sticky;
    expect(readUnit(sources, { safety_identifier: 'sid', user: 'u' }, new Headers())).toBe('sid');
    expect(readUnit(sources, { safety_identifier: '', user: 'u' }, new Headers())).toBe('u');
    expect(readUnit(sources, { safety_identifier: 42, user: 'u' }, new Headers())).toBe('u');
    expect(readUnit(sources, {}, new Headers())).toBeUndefined();
  });

  it('reads header:NAME (any case), metadata.KEY and prompt_cache_key in the order given', () => {
    const sources = STICKY.sticky;
    expect(readUnit(sources, { metadata: { account: 'acct' } }, new Headers({ 'x-session': 'sess' }))).toBe('sess');
    expect(readUnit(sources, { metadata: { account: 'acct' }, prompt_cache_key: 'pck' }, new Headers())).toBe('acct');
    expect(readUnit(sources, { metadata: { account: 7 }, prompt_cache_key: 'pck' }, new Headers())).toBe('pck');
    expect(readUnit(sources, { metadata: ['account'], user: 'ignored' }, new Headers())).toBeUndefined();
    expect(parseUnitSource('header:X-Session')).toEqual({ kind: 'header', name: 'x-session' });
  });

  it('uses a bounded prefix and the length of a long unit', () => {
    const long = 'a'.repeat(100_000);
    const unit = readUnit(SPLIT.sticky, { user: long }, new Headers());
    expect(unit?.length).toBeLessThan(MAX_UNIT_CHARS + 20);
    expect(readUnit(SPLIT.sticky, { user: `${long}b` }, new Headers())).not.toBe(unit);
  });
});

describe('assignArm', () => {
  it('gives a unit its pure draw, with the unit\'s digest and never the unit', () => {
    const result = assignArm(SPLIT, { user: 'alice' }, new Headers(), none);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.assignment.arm.name).toBe(drawForUnit('split', 'alice', SPLIT.arms).name);
    expect(result.assignment.forced).toBe(false);
    expect(result.assignment.unitDigest).toBe(sha256Hex('alice').slice(0, 32));
    expect(result.assignment.unitDigest).toBe(unitDigest('alice'));
    expect(JSON.stringify(result.assignment)).not.toContain('"alice"');
  });

  it('sends the same unit to the same arm whatever else the request says', () => {
    const arms = new Set(Array.from({ length: 20 }, (_, i) => armFor(SPLIT, { user: 'bob', temperature: i / 10 })));
    expect(arms.size).toBe(1);
  });

  it('draws by the injected random source without a unit, and no digest', () => {
    expect(armFor(SPLIT, {}, {}, () => 0.1)).toBe('control');
    expect(armFor(SPLIT, {}, {}, () => 0.9)).toBe('cool');
    const result = assignArm(SPLIT, {}, new Headers(), () => 0.5);
    expect(result.ok && result.assignment.unitDigest).toBeUndefined();
  });

  it('forces an arm by x-temperance-arm, weight 0 included, marked forced', () => {
    const result = assignArm(SPLIT, { user: 'alice' }, new Headers({ 'x-temperance-arm': 'never' }), none);
    expect(result.ok && result.assignment.arm.name).toBe('never');
    expect(result.ok && result.assignment.forced).toBe(true);
  });

  it('refuses an unknown forced arm: unknown_arm, param null, naming the arms and a bounded quote', () => {
    const result = assignArm(SPLIT, {}, new Headers({ 'x-temperance-arm': `warm${'x'.repeat(500)}` }), none);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('unknown_arm');
    expect(result.error.param).toBeUndefined();
    expect(result.error.message).toContain('control, cool, never');
    expect(result.error.message.length).toBeLessThan(200);
  });
});
