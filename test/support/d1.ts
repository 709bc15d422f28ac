// A local D1 as wrangler runs it (workerd, state in a temporary folder), with the migrations
// applied by `wrangler d1 migrations apply --local` — the same command `npm start` runs.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export function wrangler(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/wrangler/bin/wrangler.js', ...args], {
      cwd: root,
      env: { ...process.env, CI: '1', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`wrangler ${args.join(' ')} exited with ${code}:\n${output}`))));
  });
}

/** Applies the migrations to a fresh local D1 state folder for `config`; returns the folder. */
export async function localD1(config: string): Promise<{ persistTo: string; close: () => Promise<void> }> {
  const persistTo = await mkdtemp(join(tmpdir(), 'temperance-d1-'));
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '-c', config, '--persist-to', persistTo]);
  return { persistTo, close: () => rm(persistTo, { recursive: true, force: true }) };
}
