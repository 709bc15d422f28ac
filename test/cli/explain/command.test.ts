// explain and the gateway are one engine: for the same request, the body explain prints is the
// body the real Node gateway forwards to the upstream (and a refusal is the same refusal).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useGateway } from '../../support/gateway-fixture.ts';
import { fixturePolicies, nodeRuntime } from '../../support/runtimes.ts';
import { runTemperance, tempDir } from '../../support/cli.ts';

type Case = { name: string; path: string; body: Record<string, unknown>; via: string | null };

const user = { role: 'user', content: 'Hi!' };
const CASES: Case[] = [
  { name: 'exact id, defaults and system message', path: '/v1/chat/completions', via: 'exact', body: { model: 'ft:gpt-4o-mini:acme:clamp:1', messages: [user] } },
  { name: 'alias, clamped', path: '/v1/chat/completions', via: 'alias', body: { model: 'clampy', messages: [{ role: 'system', content: 'Mine.' }, user], temperature: 1.7, top_p: 0.2, max_tokens: 900, stop: ['\n'] } },
  { name: 'persona, replace mode', path: '/v1/chat/completions', via: 'persona', body: { model: 'rabbittext', messages: [{ role: 'developer', content: 'x' }, user], temperature: 0.9 } },
  { name: 'persona, prepend', path: '/v1/chat/completions', via: 'persona', body: { model: 'sharkbait', messages: [user], temperature: 0.65 } },
  { name: 'pattern, dropped and fixed', path: '/v1/chat/completions', via: 'pattern', body: { model: 'ft:o4-mini:acme:x:1', messages: [user], temperature: 1, top_p: 0.5, presence_penalty: 1 } },
  { name: 'responses route, instructions moved', path: '/v1/responses', via: 'exact', body: { model: 'ft:gpt-4o-mini:acme:clamp:1', instructions: 'Be terse.', input: 'Hi', max_output_tokens: 500 } },
  { name: 'completions route', path: '/v1/completions', via: 'alias', body: { model: 'clampy', prompt: 'Once', temperature: 0 } },
  { name: 'if_missing with a client system message', path: '/v1/chat/completions', via: 'exact', body: { model: 'ft:gpt-4o-mini:acme:quiet:1', messages: [{ role: 'system', content: 'Own.' }, user] } },
  { name: 'no policy', path: '/v1/chat/completions', via: null, body: { model: 'gpt-4o-mini', messages: [user], temperature: 1.9 } },
  { name: 'no policy, a reasoning base removes and renames', path: '/v1/chat/completions', via: null, body: { model: 'ft:o4-mini-2025-04-16:acme:triage:4kL', messages: [user], temperature: 0.7, max_tokens: 500 } },
  { name: 'pattern, then its base', path: '/v1/chat/completions', via: 'pattern', body: { model: 'ft:o4-mini:acme:x:1', messages: [user], frequency_penalty: 1, max_tokens: 100, max_completion_tokens: 200 } },
  { name: 'no policy, responses on a reasoning base', path: '/v1/responses', via: null, body: { model: 'o3-mini', input: 'Hi', temperature: 0.2, top_p: 1 } },
];

describe('temperance explain', () => {
  // The real Node gateway before a stand-in upstream (cleared before each test): what explain
  // prints is compared with what it forwards.
  const fixture = useGateway(nodeRuntime);
  const { upstream } = fixture;
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });

  async function explain(body: Record<string, unknown>, name: string) {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.json`);
    await writeFile(file, JSON.stringify(body));
    const run = await runTemperance(['explain', '--body', file, '--json', '--policies', fixturePolicies], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const parsed: unknown = JSON.parse(run.stdout);
    return parsed;
  }

  it.each(CASES)('gives the body the gateway forwards: $name', async ({ name, path, body, via }) => {
    const explained = await explain(body, name);
    const response = await fetch(`${fixture.gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.last.url).toBe(path);
    expect(explained).toMatchObject({ outcome: { forwarded: true }, path });
    expect(explained).toHaveProperty('outcome.body', upstream.last.json());
    expect(explained).toMatchObject(via === null ? { policy: null } : { policy: { via, name: response.headers.get('x-temperance-policy') } });
  });

  it('gives the refusal the gateway answers, and nothing goes upstream', async () => {
    const body = { model: 'ft:gpt-4o-mini:acme:reject:1', messages: [user], temperature: 1.5 };
    const explained = await explain(body, 'reject');
    const response = await fetch(`${fixture.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' }, body: JSON.stringify(body) });
    expect(upstream.requests).toHaveLength(0);
    expect(explained).toMatchObject({ outcome: { forwarded: false, status: response.status, error: await response.json() } });
  });

  it('prints a readable explanation naming the policy, the reason and each decision', async () => {
    const run = await runTemperance(['explain', '--model', 'clampy', '--policies', fixturePolicies], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('policy clamp: "clampy" is an alias in');
    expect(run.stdout).toContain('temperature: (absent) → 0.6   (default)');
    expect(run.stdout).toContain('system   inserted the canonical system message');
    expect(run.stdout).toContain('"content": "You are Clamp."');
    const pattern = await runTemperance(['explain', '--model', 'ft:o4-mini:acme:x:1', '--policies', fixturePolicies], { cwd: dir });
    expect(pattern.stdout).toContain('matches the pattern "ft:o4-mini:*"');
    const none = await runTemperance(['explain', '--model', 'gpt-4o', '--policies', fixturePolicies], { cwd: dir });
    expect(none.stdout).toContain('no policy governs "gpt-4o"');
    expect(none.stdout).toContain('base: gpt-4o: catalog family gpt-4o');
  });

  it('shows what the base model refuses and renames, and MODEL_CATALOG=off leaves it out', async () => {
    const file = join(dir, 'triage.json');
    await writeFile(file, JSON.stringify({ model: 'ft:o4-mini-2025-04-16:acme:triage:4kL', messages: [user], temperature: 0.7, max_tokens: 500 }));
    const run = await runTemperance(['explain', '--body', file, '--policies', fixturePolicies], { cwd: dir });
    expect(run.stdout).toContain('base: o4-mini-2025-04-16: catalog family o4-mini');
    expect(run.stdout).toContain('temperature: 0.7 → removed   (unsupported: the base model o4-mini does not accept temperature (only its default 1))');
    expect(run.stdout).toContain('max_tokens: 500 → renamed   (renamed: the base model o4-mini takes max_completion_tokens instead of max_tokens: sent as max_completion_tokens)');
    expect(run.stdout).toContain('"max_completion_tokens": 500');
    const off = await runTemperance(['explain', '--body', file, '--json', '--policies', fixturePolicies], { cwd: dir, env: { MODEL_CATALOG: 'off' } });
    expect(JSON.parse(off.stdout)).toMatchObject({ decisions: [], outcome: { changed: false, body: { temperature: 0.7, max_tokens: 500 } } });
  });

  it('refuses an invalid policy folder with the loader\'s own messages', async () => {
    const broken = await tempDir();
    await writeFile(join(broken, 'bad.yaml'), 'model: x\nsampling:\n  temperature: { default: 1.4, max: 0.8 }\n');
    const run = await runTemperance(['explain', '--model', 'x', '--policies', broken], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('bad.yaml: sampling.temperature.default: 1.4 is above max 0.8');
  });
});
