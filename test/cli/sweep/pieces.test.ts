import { describe, expect, it } from 'vitest';
import { parsePrompts } from '../../../src/cli/sweep/prompts.ts';
import { renderReport } from '../../../src/cli/sweep/report.ts';
import { retryAfterMs } from '../../../src/proxy/retry-delay.ts';
import { isEmptyOrRefusal, scoreSetting } from '../../../src/cli/sweep/scores.ts';
import type { SweepResult } from '../../../src/cli/sweep/results-file.ts';
import { pairwiseAgreement, wordF1 } from '../../../src/cli/sweep/similarity.ts';
import { suggestSampling } from '../../../src/cli/sweep/suggest.ts';

function result(output: string | null, fields: Partial<SweepResult> = {}): SweepResult {
  return { key: 'k', prompt: 0, temperature: 0.5, top_p: null, sample: 0, output, refusal: null, finish_reason: 'stop', error: null, attempts: 1, ms: 1, ...fields };
}

describe('Retry-After', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  it.each([
    [{ 'retry-after': '3' }, 3000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    [{ 'retry-after': 'Tue, 01 Dec 2026 12:00:07 GMT' }, 7000],
    [{ 'retry-after': 'Tue, 01 Dec 2026 11:00:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%o → %s ms', (headers, ms) => {
    expect(retryAfterMs(new Headers(headers), now)).toBe(ms);
  });
});

describe('similarity', () => {
  it('is 1 for the same words, 0 for none in common, and in between otherwise', () => {
    expect(wordF1('Paris is the capital.', 'paris IS the capital')).toBe(1);
    expect(wordF1('Paris', 'Tokyo')).toBe(0);
    expect(wordF1('the capital is Paris', 'the capital is Lyon')).toBeCloseTo(0.75);
    expect(wordF1('', '')).toBe(1);
    expect(pairwiseAgreement(['a b', 'a b', 'a c'])).toBeCloseTo((1 + 0.5 + 0.5) / 3);
    expect(pairwiseAgreement(['only one'])).toBeUndefined();
  });
});

describe('scores', () => {
  it('counts empty answers, refusals in words and the refusal field', () => {
    expect(isEmptyOrRefusal(result('  '))).toBe(true);
    expect(isEmptyOrRefusal(result("I'm sorry, but I can't help with that."))).toBe(true);
    expect(isEmptyOrRefusal(result('', { refusal: 'No.' }))).toBe(true);
    expect(isEmptyOrRefusal(result('Sorry to hear that! Here is how to reset it.'))).toBe(false);
  });

  it('scores JSON validity only where the prompt asks for JSON, and leaves failed requests out of the other scores', () => {
    const { prompts } = parsePrompts([
      JSON.stringify({ messages: [{ role: 'user', content: 'json please' }, { role: 'assistant', content: '{"a": 1}' }], response_format: { type: 'json_object' } }),
      JSON.stringify({ messages: [{ role: 'user', content: 'free text' }] }),
    ].join('\n'));
    expect(prompts.map((prompt) => [prompt.wantsJson, prompt.expected])).toEqual([[true, '{"a": 1}'], [false, null]]);
    const scores = scoreSetting(prompts, [
      result('{"a": 1}', { prompt: 0, sample: 0 }),
      result('{"a": 1', { prompt: 0, sample: 1 }),
      result('anything', { prompt: 1, sample: 0 }),
      result(null, { prompt: 1, sample: 1, error: '500: boom' }),
    ]);
    expect(scores).toMatchObject({ jsonValid: 0.5, errors: 0.25, answers: 3, agreement: 1 });
  });
});

describe('the report', () => {
  it('escapes model output: a report is never a page the model wrote', () => {
    const { prompts } = parsePrompts(JSON.stringify({ messages: [{ role: 'user', content: '<b>hi</b>' }] }));
    const html = renderReport({
      model: 'm<x>', policy: null, system: null, baseUrl: 'http://127.0.0.1:1/v1', promptsFile: 'p.jsonl', samples: 1,
      settings: [{ temperature: 0.5, top_p: null }], prompts,
      results: [result('<script>alert(1)</script>', { prompt: 0 })],
      scores: [], suggestion: suggestSampling([], 0.05), warnings: ['"quoted" & <tagged>'], generatedAt: 'now',
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>hi');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; &lt;tagged&gt;');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });
});
