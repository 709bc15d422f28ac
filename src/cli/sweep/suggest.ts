// The `sampling:` block a sweep suggests, and why. Quality is agreement with the expected
// answers (consistency between samples when there are none). The default is the highest
// temperature whose quality is within a fifth of `tolerance` of the best (smaller differences
// are sampling noise, and more variety costs nothing measurable); the max is the highest
// temperature above it, without a gap, whose quality stays within `tolerance` of the best and
// whose empty/refusal and JSON validity rates stay within `tolerance` of the best seen.
import type { SettingScores } from './scores.ts';

export type Suggestion =
  | { ok: true; temperature: { default: number; max: number }; top_p: number | null; quality: 'agreement' | 'consistency'; reasons: string[]; yaml: string }
  | { ok: false; reason: string };

/** Below this best agreement the sweep measured a model that is not working, not a temperature. */
const MIN_AGREEMENT = 0.2;

function fixed(value: number): string {
  return value.toFixed(2);
}

function pct(value: number): string {
  return `${Math.round(value * 100)}%`;
}

function qualityOf(entry: SettingScores, quality: 'agreement' | 'consistency'): number {
  return entry.scores[quality] ?? 0;
}

export function suggestSampling(entries: readonly SettingScores[], tolerance: number): Suggestion {
  const hasAgreement = entries.some((entry) => entry.scores.agreement !== null);
  const hasConsistency = entries.some((entry) => entry.scores.consistency !== null);
  if (!hasAgreement && !hasConsistency) {
    return { ok: false, reason: 'nothing to judge quality by: give prompts an expected answer (a last assistant message) or take --samples 2 or more' };
  }
  const quality = hasAgreement ? 'agreement' : 'consistency';
  const answered = entries.filter((entry) => entry.scores.answers > 0);
  if (answered.length === 0) return { ok: false, reason: 'no request was answered' };

  // With top_p swept too: the top_p of the best setting, then temperature along it.
  const top = answered.reduce((a, b) => (qualityOf(b, quality) > qualityOf(a, quality) ? b : a));
  const bestQuality = qualityOf(top, quality);
  // A model that misses the expected answers at every setting has a problem sampling cannot
  // fix (no trained system message, wrong expected answers): the "best" would be noise, and
  // with everything tied the highest temperature would win.
  if (quality === 'agreement' && bestQuality < MIN_AGREEMENT) {
    return {
      ok: false,
      reason: `agreement with the expected answers is at most ${fixed(bestQuality)} at every setting: the model does not answer as expected at any temperature. Check that a policy with the trained system message governs the model, and the expected answers, before tuning sampling`,
    };
  }
  const line = answered
    .filter((entry) => entry.setting.top_p === top.setting.top_p)
    .sort((a, b) => a.setting.temperature - b.setting.temperature);
  const above = (entry: SettingScores) => line.filter((candidate) => candidate.setting.temperature > entry.setting.temperature);
  const leastEmpty = Math.min(...line.map((entry) => entry.scores.emptyOrRefusal));
  const jsonScores = line.map((entry) => entry.scores.jsonValid).filter((value) => value !== null);
  const bestJson = jsonScores.length === 0 ? null : Math.max(...jsonScores);

  const failure = (entry: SettingScores): string | undefined => {
    const q = qualityOf(entry, quality);
    const { emptyOrRefusal, jsonValid } = entry.scores;
    const at = `at ${entry.setting.temperature}`;
    if (q < bestQuality - tolerance) return `${at} ${quality} falls to ${fixed(q)}`;
    if (emptyOrRefusal > leastEmpty + tolerance) return `${at} ${pct(emptyOrRefusal)} of answers are empty or refuse`;
    if (bestJson !== null && jsonValid !== null && jsonValid < bestJson - tolerance) return `${at} only ${pct(jsonValid)} of JSON answers parse`;
    return undefined;
  };

  let best = top;
  for (const entry of above(top)) {
    if (qualityOf(entry, quality) < bestQuality - tolerance / 5 || failure(entry) !== undefined) break;
    best = entry;
  }
  let max = best;
  let stop: string | undefined;
  for (const entry of above(best)) {
    stop = failure(entry);
    if (stop !== undefined) break;
    max = entry;
  }
  const reasons = [
    best === top
      ? `default ${best.setting.temperature}: the best ${quality}${quality === 'agreement' ? ' with the expected answers' : ' between samples'} (${fixed(bestQuality)})`
      : `default ${best.setting.temperature}: the highest temperature whose ${quality} (${fixed(qualityOf(best, quality))}) is within ${tolerance / 5} of the best (${fixed(bestQuality)} at ${top.setting.temperature})`,
    max === best
      ? `max ${max.setting.temperature}: ${stop ?? 'no higher temperature was swept'}`
      : `max ${max.setting.temperature}: the highest temperature whose ${quality} stays within ${tolerance} of the best (${fixed(qualityOf(max, quality))})${stop === undefined ? ', and the highest swept: sweep higher to find where it breaks' : `; ${stop}`}`,
  ];
  if (best.setting.top_p !== null) reasons.push(`top_p ${best.setting.top_p}: the top_p of the best setting`);
  const yaml = [
    ...reasons.map((reason) => `# ${reason}`),
    'sampling:',
    `  temperature: { default: ${best.setting.temperature}, max: ${max.setting.temperature} }`,
    ...(best.setting.top_p === null ? [] : [`  top_p: { default: ${best.setting.top_p} }`]),
  ].join('\n');
  return { ok: true, temperature: { default: best.setting.temperature, max: max.setting.temperature }, top_p: best.setting.top_p, quality, reasons, yaml };
}

