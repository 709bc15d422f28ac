// The scores of each setting, from its results: agreement with the expected answers,
// consistency between samples, length, empty/refusal rate, JSON validity, errors.
import type { Prompt } from './prompts.ts';
import type { SweepResult } from './results-file.ts';
import type { Setting } from './settings.ts';
import { pairwiseAgreement, wordF1, words } from './similarity.ts';

export type Scores = {
  /** Mean word F1 with the expected answer, over prompts that have one; null when none has. */
  agreement: number | null;
  /** Mean pairwise word F1 between the samples of one prompt; null below two samples. */
  consistency: number | null;
  /** Mean answer length in words. */
  length: number;
  /** Share of answers that are empty or refuse. */
  emptyOrRefusal: number;
  /** Share of answers that parse as JSON, over prompts whose response_format asks for JSON; null when none does. */
  jsonValid: number | null;
  /** Share of requests that failed after retries (their answers are missing from the other scores). */
  errors: number;
  answers: number;
};

export type SettingScores = { setting: Setting; scores: Scores };

export type ScoreName = 'agreement' | 'consistency' | 'length' | 'emptyOrRefusal' | 'jsonValid' | 'errors';

export const SCORE_LABELS = {
  agreement: 'agreement with the expected answer',
  consistency: 'consistency between samples',
  length: 'answer length (words)',
  emptyOrRefusal: 'empty or refusal rate',
  jsonValid: 'JSON validity',
  errors: 'request error rate',
} as const satisfies Record<ScoreName, string>;

// Openings of a refusal in the models' usual wording; `message.refusal` catches the rest.
const REFUSAL = /^(i'm sorry|i am sorry|sorry, (but )?i|i can(no|')t (help|assist|do|comply)|i cannot|i won't|as an ai\b|i'm not able to|i am unable to|i'm unable to)/i;

export function isEmptyOrRefusal(result: SweepResult): boolean {
  const output = (result.output ?? '').trim();
  return output === '' || result.refusal !== null || REFUSAL.test(output);
}

export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function scoreSetting(prompts: readonly Prompt[], results: readonly SweepResult[]): Scores {
  const answered = results.filter((result) => result.error === null);
  const byPrompt = new Map<number, SweepResult[]>();
  for (const result of answered) byPrompt.set(result.prompt, [...(byPrompt.get(result.prompt) ?? []), result]);

  const agreement: number[] = [];
  const consistency: number[] = [];
  const json: number[] = [];
  for (const prompt of prompts) {
    const own = byPrompt.get(prompt.index) ?? [];
    const outputs = own.map((result) => result.output ?? '');
    const { expected } = prompt;
    if (expected !== null) agreement.push(...outputs.map((output) => wordF1(expected, output)));
    const pairwise = pairwiseAgreement(outputs);
    if (pairwise !== undefined) consistency.push(pairwise);
    if (prompt.wantsJson) json.push(...outputs.map((output) => (isJson(output) ? 1 : 0)));
  }
  return {
    agreement: mean(agreement),
    consistency: mean(consistency),
    length: mean(answered.map((result) => words(result.output ?? '').length)) ?? 0,
    emptyOrRefusal: mean(answered.map((result) => (isEmptyOrRefusal(result) ? 1 : 0))) ?? 0,
    jsonValid: mean(json),
    errors: results.length === 0 ? 0 : (results.length - answered.length) / results.length,
    answers: answered.length,
  };
}
