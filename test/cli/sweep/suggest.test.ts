import { describe, expect, it } from 'vitest';
import type { Scores, SettingScores } from '../../../src/cli/sweep/scores.ts';
import { suggestSampling } from '../../../src/cli/sweep/suggest.ts';

function entry(temperature: number, scores: Partial<Scores>, top_p: number | null = null): SettingScores {
  return {
    setting: { temperature, top_p },
    scores: { agreement: null, consistency: null, length: 10, emptyOrRefusal: 0, jsonValid: null, errors: 0, answers: 10, ...scores },
  };
}

const agreement = (values: Record<number, number>) => Object.entries(values).map(([t, value]) => entry(Number(t), { agreement: value, consistency: value }));

describe('suggestSampling', () => {
  it('default: the best; max: the highest temperature above it within the tolerance, with the reason it stops', () => {
    const suggestion = suggestSampling(agreement({ 0: 0.8, 0.3: 0.9, 0.6: 0.87, 0.9: 0.8, 1.2: 0.7 }), 0.05);
    expect(suggestion).toMatchObject({ ok: true, temperature: { default: 0.3, max: 0.6 }, quality: 'agreement' });
    expect(suggestion.ok && suggestion.yaml).toBe([
      '# default 0.3: the best agreement with the expected answers (0.90)',
      '# max 0.6: the highest temperature whose agreement stays within 0.05 of the best (0.87); at 0.9 agreement falls to 0.80',
      'sampling:',
      '  temperature: { default: 0.3, max: 0.6 }',
    ].join('\n'));
  });

  it('a difference within a fifth of the tolerance is noise: the default moves up to the higher temperature', () => {
    expect(suggestSampling(agreement({ 0: 0.95, 0.5: 0.945, 1: 0.7 }), 0.05)).toMatchObject({ temperature: { default: 0.5, max: 0.5 } });
  });

  it('the max stops where refusals rise or JSON stops parsing, even when agreement holds', () => {
    const refusals = [entry(0.2, { agreement: 0.9 }), entry(0.5, { agreement: 0.9 }), entry(0.8, { agreement: 0.9, emptyOrRefusal: 0.2 })];
    const refused = suggestSampling(refusals, 0.05);
    expect(refused).toMatchObject({ temperature: { default: 0.5, max: 0.5 } });
    expect(refused.ok && refused.reasons[1]).toBe('max 0.5: at 0.8 20% of answers are empty or refuse');
    const json = [entry(0.2, { agreement: 0.9, jsonValid: 1 }), entry(0.5, { agreement: 0.9, jsonValid: 0.98 }), entry(0.8, { agreement: 0.9, jsonValid: 0.7 })];
    expect(suggestSampling(json, 0.05)).toMatchObject({ temperature: { default: 0.5, max: 0.5 }, reasons: [expect.any(String), 'max 0.5: at 0.8 only 70% of JSON answers parse'] });
  });

  it('says when the highest temperature swept still holds', () => {
    const suggestion = suggestSampling(agreement({ 0.2: 0.9, 0.4: 0.89 }), 0.05);
    expect(suggestion).toMatchObject({ temperature: { default: 0.4, max: 0.4 } });
    expect(suggestion.ok && suggestion.reasons[1]).toBe('max 0.4: no higher temperature was swept');
  });

  it('gives no suggestion when the model misses the expected answers at every setting', () => {
    const result = suggestSampling(Object.values(agreement({ 0: 0, 0.5: 0.05, 1: 0.1 })), 0.05);
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('does not answer as expected at any temperature') });
  });

  it('judges by consistency without expected answers, and gives up without either', () => {
    const consistent = [entry(0, { consistency: 1 }), entry(0.5, { consistency: 0.97 }), entry(1, { consistency: 0.6 })];
    expect(suggestSampling(consistent, 0.05)).toMatchObject({ ok: true, quality: 'consistency', temperature: { default: 0, max: 0.5 } });
    expect(suggestSampling([entry(0, {}), entry(1, {})], 0.05)).toMatchObject({ ok: false, reason: expect.stringContaining('expected answer') });
  });

  it('with top_p swept, follows the top_p of the best setting and suggests it', () => {
    const entries = [
      entry(0.2, { agreement: 0.8 }, 0.5), entry(0.6, { agreement: 0.78 }, 0.5),
      entry(0.2, { agreement: 0.9 }, 1), entry(0.6, { agreement: 0.88 }, 1), entry(1, { agreement: 0.5 }, 1),
    ];
    const suggestion = suggestSampling(entries, 0.05);
    expect(suggestion).toMatchObject({ temperature: { default: 0.2, max: 0.6 }, top_p: 1 });
    expect(suggestion.ok && suggestion.yaml).toContain('  top_p: { default: 1 }');
  });
});
