import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainingFile } from '../../../src/cli/training-file.ts';
import { loadPolicies } from '../../../src/policy/load.ts';
import { personaName } from '../../../src/cli/init/persona-name.ts';
import { runTemperance, tempDir, trainingLine } from '../../support/cli.ts';

const MODEL = 'ft:gpt-4o-mini-2024-07-18:acme:support:9xYzAbC';
const SUPPORT = "You are Acme's support assistant. Answer from Acme's documentation.";
const SHARK = "You are SharkBait, a user's best chum.";
const RABBIT = 'The AI is a backend processor of data, converting it into RabbitText.';

async function project(lines: string[]): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, 'train.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}

function repeat(count: number, line: (index: number) => string): string[] {
  return Array.from({ length: count }, (_, index) => line(index));
}

/** The written file through the gateway's own loader: the policy it would serve. */
async function loadWritten(dir: string, name: string) {
  const path = `policies/${name}.yaml`;
  const text = await readFile(join(dir, path), 'utf8');
  const loaded = loadPolicies([{ path, text }], 0);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return { text, set: loaded.value };
}

describe('temperance init', () => {
  it('writes the one trained system message with conservative sampling, and the real loader accepts it', async () => {
    const dir = await project(repeat(10, (i) => trainingLine(SUPPORT, `question ${i}`, `answer ${i}`)));
    const run = await runTemperance(['init', '--model', MODEL, '--from', 'train.jsonl'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('wrote policies/support.yaml');
    expect(run.stdout).toContain('on 10 of 10 lines (100%)');
    const { text, set } = await loadWritten(dir, 'support');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/policy.schema.json');
    expect(text).toMatch(/# .*0\.5–0\.7/);
    const resolution = set.resolve(MODEL);
    expect(resolution?.via).toBe('exact');
    expect(resolution?.policy.system).toEqual({ text: SUPPORT, mode: 'prepend', role: 'system' });
    expect(resolution?.policy.sampling).toEqual({ temperature: { default: 0.6, min: 0, max: 0.8 }, top_p: { default: 0.9 } });
    expect(resolution?.policy.outOfRange).toBe('clamp');
  });

  it('on a reasoning base writes no sampling rule the base refuses, and says why', async () => {
    const model = 'ft:o4-mini-2025-04-16:acme:triage:4kL';
    const dir = await project(repeat(4, (i) => trainingLine(SUPPORT, `ticket ${i}`, `triage ${i}`)));
    const run = await runTemperance(['init', '--model', model, '--from', 'train.jsonl'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`no temperature, top_p rule: ${model} is based on o4-mini, which does not accept them; the gateway removes them from requests`);
    const { text, set } = await loadWritten(dir, 'triage');
    expect(text).toContain('# No temperature or top_p rule: this model is based on o4-mini, which does not accept');
    expect(text).not.toContain('sampling:');
    expect(run.stdout).toContain(`next: temperance explain --model ${model}`);
    expect(run.stdout).not.toContain('temperance sweep');
    expect(set.resolve(model)?.policy).toMatchObject({ sampling: {}, system: { text: SUPPORT } });
  });

  it('refuses to give a system message to a base that takes none', async () => {
    const dir = await project(repeat(2, (i) => trainingLine(SUPPORT, `q${i}`, `a${i}`)));
    const run = await runTemperance(['init', '--model', 'ft:o1-mini-2024-09-12:acme:x:1', '--from', 'train.jsonl'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ft:o1-mini-2024-09-12:acme:x:1 is based on o1-mini, which does not take system messages');
  });

  it('keeps a multi-line message exactly, and --name names the file', async () => {
    const message = 'You are Ada.\n\nRules:\n- be brief\n- cite "sources" \\ always';
    const dir = await project(repeat(3, (i) => trainingLine(message, `q${i}`, `a${i}`)));
    const run = await runTemperance(['init', '--model', 'ft:gpt-4o-mini:acme::abc', '--from', 'train.jsonl', '--name', 'ada'], { cwd: dir });
    expect(run.code).toBe(0);
    const { set } = await loadWritten(dir, 'ada');
    expect(set.resolve('ft:gpt-4o-mini:acme::abc')?.policy.system?.text).toBe(message);
  });

  it('keeps the developer role when the training lines use it', async () => {
    const dir = await project([JSON.stringify({ messages: [{ role: 'developer', content: [{ type: 'text', text: SUPPORT }] }, { role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] })]);
    expect((await runTemperance(['init', '--model', MODEL, '--from', 'train.jsonl'], { cwd: dir })).code).toBe(0);
    const { set } = await loadWritten(dir, 'support');
    expect(set.resolve(MODEL)?.policy.system).toEqual({ text: SUPPORT, mode: 'prepend', role: 'developer' });
  });

  it('takes the most common message when lines disagree, and says so with the line numbers', async () => {
    const lines = [
      ...repeat(8, (i) => trainingLine(SUPPORT, `q${i}`, `a${i}`)),
      trainingLine(`${SUPPORT} Be nice.`, 'q', 'a'),
      trainingLine(undefined, 'q', 'a'),
    ];
    const dir = await project(lines);
    const run = await runTemperance(['init', '--model', MODEL, '--from', 'train.jsonl'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('on 8 of 10 lines (80%)');
    expect(run.stderr).toContain('warning: the lines disagree: 1 of 10 lines (10%)');
    expect(run.stderr).toContain('Be nice." on 1 of 10 lines (10%): lines 9');
    expect(run.stderr).toContain('1 of 10 lines have no system message: lines 10');
    const { set } = await loadWritten(dir, 'support');
    expect(set.resolve(MODEL)?.policy.system?.text).toBe(SUPPORT);
  });

  it('writes one persona per large-share message, named from the message, and reports strays', async () => {
    const lines = [
      ...repeat(6, (i) => trainingLine(SHARK, `hi ${i}`, `chomp ${i}`)),
      ...repeat(4, (i) => trainingLine(RABBIT, `data ${i}`, `rabbit ${i}`)),
      trainingLine('You are SharkBiat, a user best chum.', 'typo', 'x'),
    ];
    const dir = await project(lines);
    const model = 'ft:gpt-4o-mini-2024-07-18:acme:multi:7qRsTuV';
    const run = await runTemperance(['init', '--model', model, '--from', 'train.jsonl'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('persona sharkbait:');
    expect(run.stdout).toContain('persona rabbittext:');
    expect(run.stderr).toContain('strays');
    expect(run.stderr).toContain('SharkBiat');
    const { set } = await loadWritten(dir, 'multi');
    expect(set.resolve('sharkbait')).toMatchObject({ via: 'persona', policy: { name: 'multi/sharkbait', model, system: { text: SHARK } } });
    expect(set.resolve('rabbittext')).toMatchObject({ via: 'persona', policy: { name: 'multi/rabbittext', system: { text: RABBIT } } });
    expect(set.resolve(model)?.policy.system).toBeUndefined();
    expect(set.policies).toHaveLength(3);
  });

  it('reports malformed lines by number and still writes from the good ones', async () => {
    const lines = [
      trainingLine(SUPPORT, 'q1', 'a1'),
      '{"messages": [ broken',
      '',
      JSON.stringify({ messages: [{ role: 'wizard', content: 'x' }] }),
      JSON.stringify({ prompt: 'legacy' }),
      trainingLine(SUPPORT, 'q2', 'a2'),
    ];
    const dir = await project(lines);
    const run = await runTemperance(['init', '--model', MODEL, '--from', 'train.jsonl'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('3 malformed line(s)');
    expect(run.stderr).toMatch(/line 2: not JSON/);
    expect(run.stderr).toMatch(/line 4: messages\.0\.role:/);
    expect(run.stderr).toMatch(/line 5: messages:/);
    expect(run.stdout).toContain('on 2 of 2 lines');
  });

  it('refuses to overwrite without --force, and overwrites with it', async () => {
    const dir = await project([trainingLine(SUPPORT, 'q', 'a')]);
    expect((await runTemperance(['init', '--model', MODEL, '--from', 'train.jsonl'], { cwd: dir })).code).toBe(0);
    await writeFile(join(dir, 'policies/support.yaml'), 'model: edited-by-hand\n');
    const again = await runTemperance(['init', '--model', MODEL, '--from', 'train.jsonl'], { cwd: dir });
    expect(again).toMatchObject({ code: 1, stderr: 'temperance init: policies/support.yaml exists: pass --force to overwrite it\n' });
    expect(await readFile(join(dir, 'policies/support.yaml'), 'utf8')).toBe('model: edited-by-hand\n');
    const forced = await runTemperance(['init', '--model', MODEL, '--from', 'train.jsonl', '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(await readFile(join(dir, 'policies/support.yaml'), 'utf8')).toContain(MODEL);
  });

  it('refuses a model another policy file already claims, naming it', async () => {
    const dir = await project([trainingLine(SUPPORT, 'q', 'a')]);
    await runTemperance(['init', '--model', MODEL, '--from', 'train.jsonl'], { cwd: dir });
    const run = await runTemperance(['init', '--model', MODEL, '--from', 'train.jsonl', '--name', 'other'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('policies/other.yaml would clash');
    expect(run.stderr).toMatch(/policies\/(support|other)\.yaml: model: .* is also claimed by policies\/(support|other)\.yaml/);
  });

  it('explains user mistakes in one line, without a stack trace', async () => {
    const dir = await project(['not json at all']);
    const cases: [string[], string][] = [
      [['init', '--from', 'train.jsonl'], 'temperance init: --model is required\n'],
      [['init', '--model', MODEL, '--from', 'missing.jsonl'], 'temperance init: cannot read missing.jsonl (ENOENT)\n'],
      [['init', '--model', MODEL, '--from', 'train.jsonl', '--nmae', 'x'], "temperance init: Unknown option '--nmae'\n"],
    ];
    for (const [args, stderr] of cases) expect(await runTemperance(args, { cwd: dir })).toMatchObject({ code: 1, stderr });
    const none = await runTemperance(['init', '--model', MODEL, '--from', 'train.jsonl'], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('temperance init: train.jsonl has no valid training line');
    expect(none.stderr).not.toContain('    at ');
  });
});

describe('persona names', () => {
  it.each([
    ["You are SharkBait, a user's best chum.", 'sharkbait'],
    ['The AI is a backend processor of data, converting it into RabbitText.', 'rabbittext'],
    ["You're Marvin, a paranoid android.", 'marvin'],
    ['You are a helpful assistant that answers in French.', 'french'],
    ['Answer only with JSON describing the invoice.', 'answer-json'],
    ['summarise tickets briefly', 'summarise-tickets'],
  ])('%s → %s', (text, name) => {
    expect(personaName(text)).toBe(name);
  });
});

describe('training file lines', () => {
  it('keeps a line\'s request fields beside messages', () => {
    const parsed = parseTrainingFile(JSON.stringify({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } }));
    expect(parsed.lines[0]?.raw.response_format).toEqual({ type: 'json_object' });
  });
});
