// The Node server and upstreams.yaml at start: every problem stops it with a message naming the
// file, the field or the variable, never a key.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeServer } from '../../src/node/server.ts';
import { fixturePolicies } from '../support/runtimes.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'temperance-upstreams-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function startErrors(env: Record<string, string>): Promise<string[]> {
  const started = await startNodeServer({ POLICIES_DIR: fixturePolicies, PORT: '0', ...env }, () => {}, { watch: false });
  if (started.ok) {
    await started.gateway.close();
    return [];
  }
  return started.errors;
}

describe('the Node server with upstreams.yaml', () => {
  it('refuses an UPSTREAMS_FILE that does not exist (a default one may be absent)', async () => {
    expect(await startErrors({ UPSTREAMS_FILE: join(dir, 'nowhere.yaml') })).toEqual([`UPSTREAMS_FILE: ${join(dir, 'nowhere.yaml')} cannot be read (ENOENT)`]);
  });

  it('reports an invalid file with every setting error at once, and never a key', async () => {
    const file = join(dir, 'upstreams.yaml');
    await writeFile(file, 'azure:\n  base_url: https://x.openai.azure.com/openai/v1\n  auth: api-key\n');
    const errors = await startErrors({ UPSTREAMS_FILE: file, PORT: 'eighty', OPENAI_API_KEY: 'sk-proj-NEVERSHOWN-1' });
    expect(errors).toEqual([
      `${file}: azure.api_key_env: auth: api-key needs api_key_env (the variable holding the key)`,
      'PORT: must be a whole number',
      'OPENAI_API_KEY: is set but GATEWAY_API_KEYS is not: anyone could spend your key through the gateway. Set GATEWAY_API_KEYS, or ALLOW_ANONYMOUS=true to allow it',
    ]);
    expect(errors.join('\n')).not.toContain('NEVERSHOWN');
  });

  it('refuses a policy naming an upstream the file does not define, and starts once it does', async () => {
    const policies = join(dir, 'policies');
    const upstreams = join(dir, 'two.yaml');
    await mkdir(policies);
    await writeFile(join(policies, 'lora.yaml'), 'model: sql-lora\nupstream: vllm\n');
    await writeFile(upstreams, '');
    expect(await startErrors({ POLICIES_DIR: policies, UPSTREAMS_FILE: upstreams })).toEqual([
      `${join(policies, 'lora.yaml')}: upstream: "vllm" is not an upstream of upstreams.yaml (defined: openai)`,
    ]);
    await writeFile(upstreams, 'vllm:\n  base_url: http://127.0.0.1:8000/v1\n');
    expect(await startErrors({ POLICIES_DIR: policies, UPSTREAMS_FILE: upstreams })).toEqual([]);
  });
});
