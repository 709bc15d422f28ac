// `temperance experiments` from a running gateway (--url) and straight from its SQLite file (--db).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.ts';
import { client } from '../support/openai-client.ts';
import { fixturePolicies, nodeRuntime, type RunningGateway } from '../support/runtimes.ts';
import { runTemperance } from '../support/cli.ts';

const TRIAL = 'ft:gpt-4o-mini:acme:trial:1';

describe('temperance experiments', () => {
  const upstream = new FakeUpstream();
  let dir = '';
  let gateway: RunningGateway | undefined;
  const served: { id: string; arm: string }[] = [];

  beforeAll(async () => {
    await upstream.start();
    dir = await mkdtemp(join(tmpdir(), 'temperance-cli-exp-'));
    gateway = await nodeRuntime.start({ OPENAI_BASE_URL: upstream.url, TEMPERANCE_DB: join(dir, 'store.db'), ADMIN_API_KEY: 'admin-cli-key-1' });
    const openai = client(gateway);
    for (let i = 0; i < 30; i += 1) {
      const { response } = await openai.chat.completions.create({ model: TRIAL, messages: [{ role: 'user', content: 'hi' }], user: `cli-user-${i}` }).withResponse();
      served.push({ id: response.headers.get('x-temperance-request-id') ?? '', arm: response.headers.get('x-temperance-arm') ?? '' });
    }
    const posted = await fetch(`${gateway.url}/_temperance/feedback`, {
      method: 'POST', headers: { authorization: 'Bearer admin-cli-key-1', 'content-type': 'application/json' },
      body: JSON.stringify(served.map((s) => ({ request_id: s.id, metric: 'resolved', value: s.arm === 'cool' }))),
    });
    expect(posted.status).toBe(202);
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const count = (arm: string) => served.filter((s) => s.arm === arm).length;

  it('--url with the admin key: the table per arm; without the key a clear error', async () => {
    const url = gateway?.url ?? '';
    const text = await runTemperance(['experiments', '--url', url, '--admin-key', 'admin-cli-key-1'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('trial-temperature (policy trial, control control)');
    expect(text.stdout).toMatch(new RegExp(`\\n\\s+cool\\s+50\\s+${count('cool')}\\s+0\\s`));
    expect(text.stdout).toContain('cool vs control:');
    expect(text.stdout).toContain('resolved');
    const denied = await runTemperance(['experiments', '--url', url], { cwd: dir });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('admin key');
    const json = await runTemperance(['experiments', '--url', url, '--json'], { cwd: dir, env: { ADMIN_API_KEY: 'admin-cli-key-1' } });
    const body = JSON.parse(json.stdout) as { experiments: { name: string; arms: { name: string; requests: number }[] }[] };
    expect(body.experiments.find((e) => e.name === 'trial-temperature')?.arms.map((a) => a.requests)).toEqual([count('control'), count('cool'), 0]);
  });

  it('--db reads the SQLite file with the policy folder, after the gateway closed', async () => {
    await gateway?.close();
    gateway = undefined;
    const json = await runTemperance(['experiments', '--db', join(dir, 'store.db'), '--policies', fixturePolicies, '--json'], { cwd: dir });
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout) as { store: string; experiments: { name: string; arms: { name: string; requests: number; metrics: Record<string, { n: number }> }[] }[] };
    expect(body.store).toBe('sqlite');
    const trial = body.experiments.find((e) => e.name === 'trial-temperature');
    expect(trial?.arms.map((a) => a.requests)).toEqual([count('control'), count('cool'), 0]);
    expect(trial?.arms[1]?.metrics.resolved?.n).toBe(count('cool'));
    const missing = await runTemperance(['experiments', '--db', join(dir, 'nope.db'), '--policies', fixturePolicies], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot open the SQLite store');
  });
});
