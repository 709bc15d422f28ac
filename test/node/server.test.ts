// The Node entry as a user runs it: refuses to start on a bad folder or setting, reloads on change.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startNodeServer, type NodeGateway } from '../../src/node/server.ts';

const run = promisify(execFile);

async function startNode(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, ['src/node.ts'], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 });
    return { code: 0, stderr: '' };
  } catch (error) {
    if (error instanceof Error && 'code' in error && 'stderr' in error) return { code: Number(error.code), stderr: String(error.stderr) };
    throw error;
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'temperance-policies-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run start:node', () => {
  it('exits 1 naming every invalid file, field and problem', async () => {
    await writeFile(join(dir, 'support.yaml'), 'model: m\nsampling:\n  temperature: { default: 1.4, max: 0.8 }\n');
    await writeFile(join(dir, 'other.json'), '{"model": 5}');
    const { code, stderr } = await startNode({ POLICIES_DIR: dir, PORT: '0' });
    expect(code).toBe(1);
    expect(stderr).toContain(`${join(dir, 'support.yaml')}: sampling.temperature.default: 1.4 is above max 0.8`);
    expect(stderr).toContain(`${join(dir, 'other.json')}: model: expected string, got number 5`);
  });

  it('exits 1 on a configuration error, naming the setting and never its value', async () => {
    const { code, stderr } = await startNode({ POLICIES_DIR: dir, PORT: '0', OPENAI_API_KEY: 'sk-live-SECRET' });
    expect(code).toBe(1);
    expect(stderr).toContain('OPENAI_API_KEY: is set but GATEWAY_API_KEYS is not');
    expect(stderr).not.toContain('SECRET');
  });

  it('exits 1 when the policy folder does not exist', async () => {
    const { code, stderr } = await startNode({ POLICIES_DIR: join(dir, 'missing'), PORT: '0' });
    expect(code).toBe(1);
    expect(stderr).toContain('POLICIES_DIR: the policy folder');
  });
});

describe('policy reload', () => {
  let gateway: NodeGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  async function health(): Promise<unknown> {
    return (await fetch(`${gateway?.url}/_temperance/health`)).json();
  }

  it('swaps in a valid new set when a file changes, and keeps the last valid set when one breaks', async () => {
    await writeFile(join(dir, 'a.yaml'), 'model: a\n');
    const logs: Record<string, unknown>[] = [];
    const started = await startNodeServer({ POLICIES_DIR: dir, PORT: '0', TEMPERANCE_DB: 'off' }, (line) => logs.push(JSON.parse(line)));
    if (!started.ok) throw new Error(started.errors.join('\n'));
    gateway = started.gateway;
    expect(await health()).toMatchObject({ status: 'ok', policies: 1, store: null });

    await writeFile(join(dir, 'b.yaml'), 'model: b\naliases: [bee]\n');
    await expect.poll(health, { timeout: 5000 }).toMatchObject({ status: 'ok', policies: 2, store: null });
    expect(gateway.policies().resolve('bee')?.policy.name).toBe('b');

    await writeFile(join(dir, 'c.yaml'), 'model: c\nsampling: { temperature: { max: 7 } }\n');
    await expect.poll(() => logs.some((line) => line.msg === 'policies not reloaded: the previous set keeps serving'), { timeout: 5000 }).toBe(true);
    const refused = logs.find((line) => line.msg === 'policies not reloaded: the previous set keeps serving');
    expect(refused?.errors).toEqual([`${join(dir, 'c.yaml')}: sampling.temperature.max: 7 is above temperature's API maximum 2`]);
    expect(await health()).toMatchObject({ status: 'ok', policies: 2, store: null });
    expect(gateway.policies().resolve('bee')?.policy.name).toBe('b');
  });
});
