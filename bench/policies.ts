// Policy folders for the benchmark: the policy the scenarios hit, plus others so the set is
// realistic; the same generator makes the 10 and the 10,000 files of the resolution test.
import type { PolicySource } from '../src/policy/load.ts';
import { BENCH_EXPERIMENT_MODEL, BENCH_MODEL } from './scenarios.ts';

/** One in fifty files is a pattern (a model family), the rest exact fine-tune ids with an alias. */
export const PATTERN_EVERY = 50;

export const exactModel = (i: number) => `ft:gpt-4o-mini-2024-07-18:acme:team${i}:${(i * 7919).toString(36)}`;
export const aliasName = (i: number) => `team${i}-bot`;
export const patternPrefix = (i: number) => `ft:o4-mini-2025-04-16:org${i}:`;

const BENCH_POLICY = {
  model: BENCH_MODEL,
  aliases: ['bench-bot'],
  sampling: { temperature: { default: 0.6, min: 0, max: 0.8 }, top_p: { default: 0.9, max: 0.95 } },
  out_of_range: 'clamp',
  system: { text: "You are Acme's support assistant. Answer from Acme's documentation, say when you do not know, and keep answers under 120 words.", mode: 'prepend' },
};

// The benchmark policy again, for its own model, with an experiment: both arms change the
// temperature rule, so whichever arm the bench user draws goes through a merged arm policy.
const BENCH_EXPERIMENT_POLICY = {
  ...BENCH_POLICY,
  model: BENCH_EXPERIMENT_MODEL,
  aliases: ['bench-trial'],
  experiment: {
    name: 'bench-temperature',
    arms: {
      control: { weight: 50, sampling: { temperature: { default: 0.6, min: 0, max: 0.8 } } },
      cool: { weight: 50, sampling: { temperature: { default: 0.3, min: 0, max: 0.8 } } },
    },
  },
};

function generated(i: number): unknown {
  if (i % PATTERN_EVERY === 1) return { model: `${patternPrefix(i)}*`, sampling: { temperature: { drop: true }, top_p: { drop: true } } };
  return {
    model: exactModel(i),
    aliases: [aliasName(i)],
    sampling: { temperature: { default: 0.5, max: 1 }, presence_penalty: { fixed: 0 } },
    system: { text: `You are team ${i}'s assistant.`, mode: 'if_missing' },
  };
}

/** `count` policy files: the benchmark's own first, then generated ones (JSON: loads fast). */
export function policySources(count: number): PolicySource[] {
  const sources: PolicySource[] = [
    { path: 'bench/a-bench.json', text: JSON.stringify(BENCH_POLICY) },
    { path: 'bench/a-bench-experiment.json', text: JSON.stringify(BENCH_EXPERIMENT_POLICY) },
  ];
  for (let i = 1; i < count; i += 1) sources.push({ path: `bench/p${String(i).padStart(5, '0')}.json`, text: JSON.stringify(generated(i)) });
  return sources;
}
