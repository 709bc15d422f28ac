// `npm run start:node` as users run it: npm's prestart:node bundles the entry (esbuild, see
// scripts/build-node.ts), then Node runs the bundle — one JavaScript file, no TypeScript.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.ts';
import { freePort } from '../support/runtimes.ts';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir: string;
const upstream = new FakeUpstream();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'temperance-bundle-'));
  await writeFile(join(dir, 'clamp.yaml'), 'model: ft:gpt-4o-mini:acme:clamp:1\nsampling:\n  temperature: { max: 0.5 }\n');
  await upstream.start();
});
afterAll(async () => {
  await upstream.stop();
  await rm(dir, { recursive: true, force: true });
});

it('npm run start:node builds dist/node.js (and dist/start.js, which turns the compile cache on) and serves from it, the policy applied', { timeout: 60_000 }, async () => {
  const port = await freePort();
  // Its own process group: npm does not pass a signal on to the script it runs, so the test ends
  // the whole group (npm, the shell, the gateway), or the gateway would outlive it.
  const child = spawn(npm, ['run', '--silent', 'start:node'], {
    env: { ...process.env, POLICIES_DIR: dir, PORT: String(port), OPENAI_BASE_URL: upstream.url },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not listening after 45 s:\n${output}`)), 45_000);
      const seen = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    // The process runs the bundle: the built file is plain JavaScript with the gateway in it.
    expect(output).toMatch(/bundled src\/node\.ts → dist\/node\.js/);
    expect(await readFile('dist/start.js', 'utf8')).toContain('enableCompileCache()');
    const bundle = await readFile('dist/node.js', 'utf8');
    expect(bundle).toContain('// src/node/server.ts');
    // ASCII only: one character above U+00FF makes V8 hold the whole source as UTF-16 (twice the RSS).
    expect(bundle).not.toMatch(/[^\x00-\x7f]/);
    // What only import() reaches is in chunks of its own, not in the source every start reads.
    expect(bundle).not.toContain('// node_modules/@opentelemetry/sdk-trace');
    expect(bundle).not.toContain('// node_modules/postgres/');
    const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-key-bundle' },
      body: JSON.stringify({ model: 'ft:gpt-4o-mini:acme:clamp:1', messages: [{ role: 'user', content: 'hi' }], temperature: 1.5 }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-temperance-policy')).toBe('clamp');
    expect(upstream.last.json().temperature).toBe(0.5);
  } finally {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
});
