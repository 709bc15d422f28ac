// A fine-tune, its policy and its prompts for sweep tests, in a temporary project folder.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './cli.ts';

export const SWEEP_MODEL = 'ft:gpt-4o-mini:acme:geo:1';
export const SWEEP_SYSTEM = 'You are GeoBot, a terse geography tutor.';

export const ANSWERS: Record<string, string> = {
  'What is the capital of France?': 'The capital of France is Paris, a city on the river Seine in the north.',
  'Which river flows through Cairo?': 'The Nile flows through Cairo on its way north to the Mediterranean Sea.',
  'How high is Mount Everest?': 'Mount Everest is about 8849 metres high, the tallest mountain above sea level.',
  'Give the capital of Japan as JSON.': '{"country": "Japan", "capital": "Tokyo"}',
};

export async function sweepProject(): Promise<string> {
  const dir = await tempDir('temperance-sweep-');
  await mkdir(join(dir, 'policies'));
  // max 0.7: the sweep must still measure 0.8 and above (its rules are bypassed), and keep the system message.
  await writeFile(join(dir, 'policies', 'geo.yaml'), [
    `model: ${JSON.stringify(SWEEP_MODEL)}`,
    'aliases: [geo]',
    'sampling:',
    '  temperature: { default: 0.5, max: 0.7 }',
    '  top_p: { default: 0.9 }',
    'system:',
    `  text: ${JSON.stringify(SWEEP_SYSTEM)}`,
    '',
  ].join('\n'));
  const lines = Object.entries(ANSWERS).map(([question, answer]) => JSON.stringify({
    messages: [{ role: 'user', content: question }, { role: 'assistant', content: answer, weight: 1 }],
    ...(question.includes('JSON') ? { response_format: { type: 'json_object' } } : {}),
  }));
  await writeFile(join(dir, 'prompts.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}
