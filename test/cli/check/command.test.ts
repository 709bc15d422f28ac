import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { policySchemaText, SCHEMA_PATH, UPSTREAMS_SCHEMA_NAME, upstreamsSchemaText } from '../../../src/cli/check/json-schema.ts';
import { runTemperance, tempDir } from '../../support/cli.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('temperance check', () => {
  it('the committed policy JSON Schema is the one the zod schema gives (run `npx temperance check` when this fails)', async () => {
    expect(await readFile(join(root, SCHEMA_PATH), 'utf8')).toBe(policySchemaText());
    expect(await readFile(join(root, 'schema', UPSTREAMS_SCHEMA_NAME), 'utf8')).toBe(upstreamsSchemaText());
  });

  it('validates a folder and writes the schema', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'policies-ok.yaml'), 'model: x\n');
    const run = await runTemperance(['check', '--policies', '.'], { cwd: dir });
    expect(run).toMatchObject({ code: 0, stdout: `1 policy in . valid; ${SCHEMA_PATH} written; schema/${UPSTREAMS_SCHEMA_NAME} written\n` });
    expect(JSON.parse(await readFile(join(dir, 'schema', UPSTREAMS_SCHEMA_NAME), 'utf8'))).toMatchObject({ title: 'temperance upstreams', type: 'object' });
    expect(JSON.parse(await readFile(join(dir, SCHEMA_PATH), 'utf8'))).toMatchObject({ title: 'temperance policy', required: ['model'] });
    const again = await runTemperance(['check', '--policies', '.'], { cwd: dir });
    expect(again.stdout).toContain('up to date');
  });

  it('fails with every error of every file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.yaml'), 'model: x\nsampling:\n  temperature: { defualt: 0.5 }\n');
    await writeFile(join(dir, 'b.yaml'), 'model: x\n');
    const run = await runTemperance(['check', '--policies', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('./a.yaml: sampling.temperature: unknown field "defualt"');
  });

  it('checks upstream names against upstreams.yaml, as the gateway does at start', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'policies'));
    await writeFile(join(dir, 'policies', 'lora.yaml'), 'model: sql-lora\nupstream: vllm\n');
    const missing = await runTemperance(['check'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('policies/lora.yaml: upstream: "vllm" is not an upstream of upstreams.yaml (defined: openai)');
    await writeFile(join(dir, 'upstreams.yaml'), 'vllm:\n  base_url: http://127.0.0.1:8000/v1\n');
    expect(await runTemperance(['check'], { cwd: dir })).toMatchObject({ code: 0 });
  });
});
