// The Worker as a user runs and deploys it: `wrangler dev` from the repository root compiles
// policies/ in its build step; a bad setting answers 500; a bad policy fails the build.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.ts';
import { startWranglerDev } from '../support/runtimes.ts';

const run = promisify(execFile);
const wrangler = (args: string[]) => run(process.execPath, ['node_modules/wrangler/bin/wrangler.js', ...args], {
  env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', CI: 'true' },
  timeout: 60_000,
});

/**
 * A Worker project of its own in `dir`: the real src/worker.ts, built by the real build step
 * from `dir/policies` (holding `files`). Returns the config's path.
 */
async function projectWithPolicies(dir: string, files: Record<string, string>, upstreams?: string): Promise<string> {
  const policies = join(dir, 'policies');
  await mkdir(policies, { recursive: true });
  if (upstreams !== undefined) await writeFile(join(dir, 'upstreams.yaml'), upstreams);
  for (const [name, text] of Object.entries(files)) await writeFile(join(policies, name), text);
  const root = process.cwd();
  const config = join(dir, 'wrangler.toml');
  await writeFile(config, [
    'name = "temperance-test-project"', `main = "${join(root, 'src/worker.ts')}"`, 'compatibility_date = "2026-11-01"',
    '[build]', `command = "${process.execPath} ${join(root, 'scripts/compile-policies.ts')} --dir ${policies} --upstreams ${join(dir, 'upstreams.yaml')} --out ${join(dir, 'compiled.json')}"`, 'watch_dir = "policies"',
    '[alias]', `"temperance-policies" = "${join(dir, 'compiled.json')}"`,
  ].join('\n'));
  return config;
}

describe('wrangler dev from the repository root', () => {
  const upstream = new FakeUpstream();
  beforeAll(async () => {
    await upstream.start();
  });
  afterAll(async () => {
    await upstream.stop();
  });

  it('serves the shipped policies, compiled by the build step', async () => {
    const dev = await startWranglerDev(['--var', `OPENAI_BASE_URL:${upstream.url}`]);
    try {
      expect(dev.output()).toContain('[custom build] temperance: 4 policies in policies valid');
      const openai = new OpenAI({ baseURL: `${dev.url}/v1`, apiKey: 'sk-client', maxRetries: 0 });
      const { response } = await openai.chat.completions.create({ model: 'support-bot', messages: [{ role: 'user', content: 'Where is my order?' }], temperature: 1.2 }).withResponse();
      expect(response.headers.get('x-temperance-policy')).toBe('support');
      expect(upstream.last.json()).toMatchObject({
        model: 'ft:gpt-4o-mini-2024-07-18:acme:support:9xYzAbC', temperature: 0.8, top_p: 0.9,
        messages: [{ role: 'system', content: expect.stringMatching(/^You are Acme's support assistant\./) }, { role: 'user', content: 'Where is my order?' }],
      });
    } finally {
      await dev.close();
    }
  });

  it('npm start passes the gateway settings from the environment to the Worker, through a file it removes', async () => {
    upstream.reset();
    const dev = await startWranglerDev([], { OPENAI_BASE_URL: upstream.url, OPENAI_API_KEY: 'sk-upstream-from-env-1', ALLOW_ANONYMOUS: 'true' }, ['scripts/dev.ts']);
    try {
      expect(dev.output()).toContain('passing OPENAI_BASE_URL, OPENAI_API_KEY, ALLOW_ANONYMOUS from the environment');
      expect(dev.output()).not.toContain('sk-upstream-from-env-1');
      const response = await fetch(`${dev.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"support-bot","messages":[]}' });
      expect(response.status).toBe(200);
      expect(upstream.last.headers.authorization).toBe('Bearer sk-upstream-from-env-1');
      // npm start applied the D1 migrations to the local store first: outcomes are written.
      type Results = { store: string | null; experiments: { name: string; arms: { requests: number }[] }[] };
      const requests = async () => {
        const body = (await (await fetch(`${dev.url}/_temperance/experiments.json`)).json()) as Results;
        expect(body.store).toBe('d1');
        return body.experiments.find((e) => e.name === 'support-temperature')?.arms.reduce((sum, arm) => sum + arm.requests, 0) ?? -1;
      };
      const before = await requests();
      await fetch(`${dev.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"support-bot","user":"npm-start-user","messages":[]}' });
      await expect.poll(requests, { timeout: 10_000 }).toBe(before + 1);
    } finally {
      await dev.close();
    }
    expect(existsSync('.temperance/environment.vars')).toBe(false);
  });

  it('answers every request with 500 gateway_misconfigured when a setting is wrong, forwarding nothing', async () => {
    upstream.reset();
    const dev = await startWranglerDev(['--var', `OPENAI_BASE_URL:${upstream.url}`, '--var', 'GATEWAY_API_KEYS:gw-SECRET-1']);
    try {
      const response = await fetch(`${dev.url}/v1/chat/completions`, { method: 'POST', body: '{"model":"support-bot","messages":[]}' });
      expect(response.status).toBe(500);
      const body = await response.json();
      expect(body).toMatchObject({ error: { type: 'server_error', code: 'gateway_misconfigured', message: expect.stringContaining('GATEWAY_API_KEYS') } });
      expect(JSON.stringify(body)).not.toContain('gw-SECRET-1');
      expect(upstream.requests).toHaveLength(0);
    } finally {
      await dev.close();
    }
  });
});

describe('wrangler dev watching a policy folder', () => {
  it('rebuilds the Worker when a policy changes, shows a broken policy error, and recovers when it is fixed', { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'temperance-watch-'));
    const policies = join(dir, 'policies');
    const config = await projectWithPolicies(dir, { 'a.yaml': 'model: ft:a\naliases: [first-name]\n' });
    const dev = await startWranglerDev(['-c', config]);
    // GET /v1/models/{alias} is answered by the gateway itself: no upstream needed.
    const alias = async (name: string) => (await fetch(`${dev.url}/v1/models/${name}`, { signal: AbortSignal.timeout(2000) }).catch(() => ({ status: 0 }))).status;
    try {
      expect(await alias('first-name')).toBe(200);
      await writeFile(join(policies, 'a.yaml'), 'model: ft:a\naliases: [second-name]\n');
      await expect.poll(() => alias('second-name'), { timeout: 20_000, interval: 250 }).toBe(200);
      await writeFile(join(policies, 'a.yaml'), 'model: ft:a\naliases: [third-name]\nsampling: { temperature: { max: 9 } }\n');
      await expect.poll(() => dev.output(), { timeout: 20_000, interval: 250 }).toContain("sampling.temperature.max: 9 is above temperature's API maximum 2");
      // wrangler holds requests while its build is broken; a fixed file brings the Worker back.
      await writeFile(join(policies, 'a.yaml'), 'model: ft:a\naliases: [fourth-name]\n');
      await expect.poll(() => alias('fourth-name'), { timeout: 20_000, interval: 250 }).toBe(200);
    } finally {
      await dev.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('wrangler deploy --dry-run', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'temperance-build-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('bundles a deployable Worker well under the free plan limit (3 MiB compressed)', async () => {
    const out = join(dir, 'bundle');
    await wrangler(['deploy', '--dry-run', '--outdir', out]);
    const files = await readdir(out);
    const worker = files.find((file) => file.endsWith('.js'));
    expect(worker).toBeDefined();
    const code = await readFile(join(out, worker ?? ''));
    expect(code.toString()).toContain('ft:gpt-4o-mini-2024-07-18:acme:support:9xYzAbC');
    expect(gzipSync(code).length).toBeLessThan(3 * 1024 * 1024);
  });

  it('fails the build with the file, field and problem when a policy is invalid', async () => {
    const policies = join(dir, 'policies');
    const config = await projectWithPolicies(dir, { 'support.yaml': 'model: m\nsampling:\n  temperature: { default: 1.4, max: 0.8 }\n' });
    const failure = await wrangler(['deploy', '--dry-run', '--outdir', join(dir, 'broken-out'), '-c', config]).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    const output = failure instanceof Error && 'stderr' in failure ? `${String(failure.stderr)}${'stdout' in failure ? String(failure.stdout) : ''}` : '';
    expect(output).toContain(`${join(policies, 'support.yaml')}: sampling.temperature.default: 1.4 is above max 0.8`);
  });

  it('fails the build when upstreams.yaml is invalid or a policy names an upstream it does not define', async () => {
    const buildOutput = async (name: string, upstreams: string) => {
      const project = join(dir, name);
      const config = await projectWithPolicies(project, { 'lora.yaml': 'model: sql-lora\nupstream: vllm\n' }, upstreams);
      const failure = await wrangler(['deploy', '--dry-run', '--outdir', join(project, 'out'), '-c', config]).then(() => undefined, (error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      return { project, output: failure instanceof Error && 'stderr' in failure ? `${String(failure.stderr)}${'stdout' in failure ? String(failure.stdout) : ''}` : '' };
    };
    const invalid = await buildOutput('invalid-upstreams', 'azure:\n  base_url: https://x.openai.azure.com/openai/v1\n  auth: api-key\n');
    expect(invalid.output).toContain(`${join(invalid.project, 'upstreams.yaml')}: azure.api_key_env: auth: api-key needs api_key_env (the variable holding the key)`);
    const unknown = await buildOutput('unknown-upstream', 'azure:\n  base_url: https://x.openai.azure.com/openai/v1\n  api_key_env: AZURE_KEY\n  auth: api-key\n');
    expect(unknown.output).toContain(`${join(unknown.project, 'policies', 'lora.yaml')}: upstream: "vllm" is not an upstream of upstreams.yaml (defined: openai, azure)`);
  });
});
