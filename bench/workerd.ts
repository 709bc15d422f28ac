// The Worker as it runs in production: the bundle `wrangler deploy` would upload (built with
// `wrangler deploy --dry-run --outdir`), served by the `workerd` binary itself from a generated
// Cap'n Proto config — no wrangler, no dev proxy in front. Its CPU time and RSS are read from
// /proc of that one workerd process (every thread: utime + stime are per process).
// Config format: cloudflare/workerd samples/*/config.capnp and src/workerd/server/workerd.capnp.
import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../scripts/free-port.ts';
import { exited, procUsage, root, type Target } from './processes.ts';

const run = promisify(execFile);

const WRANGLER_ENV = { CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', CI: 'true' };

/** `wrangler deploy --dry-run --outdir DIR`: the deployable bundle (DIR/worker.js), no account needed. */
export async function buildWorkerBundle(wranglerConfig: string, outdir: string): Promise<string> {
  await run(process.execPath, ['node_modules/wrangler/bin/wrangler.js', 'deploy', '--dry-run', '--outdir', outdir, '-c', wranglerConfig], {
    cwd: root, env: { ...process.env, ...WRANGLER_ENV }, maxBuffer: 4 * 1024 * 1024,
  });
  return join(outdir, 'worker.js');
}

/** A Cap'n Proto text literal: UTF-8 text with `"`, `\` and control characters escaped. */
export function capnpText(value: string): string {
  // \xNN is how Cap'n Proto's text format writes a control character.
  return `"${value.replace(/[\\"\u0000-\u001f\u007f]/g, (char) => (char === '\\' || char === '"' ? `\\${char}` : `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`))}"`;
}

export type WorkerdConfigOptions = {
  /** The bundle's main module, relative to the config file (`embed` resolves from there). */
  module: string;
  address: string;
  compatibilityDate: string;
  compatibilityFlags: readonly string[];
  /** Text bindings: what wrangler's [vars] / --var / .dev.vars give the Worker. */
  vars: Readonly<Record<string, string>>;
};

/**
 * The generated config. The `internet` service is the Worker's global outbound (fetch);
 * workerd's default allows only public addresses, and the benchmark's upstream is loopback.
 */
export function workerdConfig(options: WorkerdConfigOptions): string {
  const bindings = Object.entries(options.vars).map(([name, value]) => `    (name = ${capnpText(name)}, text = ${capnpText(value)}),`);
  return [
    '# Written by the benchmark (bench/workerd.ts): the deployable bundle served by workerd itself.',
    'using Workerd = import "/workerd/workerd.capnp";',
    '',
    'const config :Workerd.Config = (',
    '  services = [',
    '    (name = "main", worker = .gateway),',
    '    (name = "internet", network = (allow = ["public", "private", "local"])),',
    '  ],',
    `  sockets = [ (name = "http", address = ${capnpText(options.address)}, http = (), service = "main") ],`,
    ');',
    '',
    'const gateway :Workerd.Worker = (',
    `  modules = [ (name = "worker.js", esModule = embed ${capnpText(options.module)}) ],`,
    `  compatibilityDate = ${capnpText(options.compatibilityDate)},`,
    `  compatibilityFlags = [${options.compatibilityFlags.map(capnpText).join(', ')}],`,
    '  bindings = [',
    ...bindings,
    '  ],',
    ');',
    '',
  ].join('\n');
}

const WORKERD = join(root, 'node_modules', '.bin', 'workerd');

/** workerd serving the bundle in `dir` (worker.js there); the config is written beside it. */
export async function startWorkerd(name: string, dir: string, settings: Omit<WorkerdConfigOptions, 'module' | 'address'>): Promise<Target> {
  const port = await freePort();
  const configPath = join(dir, 'workerd.capnp');
  await writeFile(configPath, workerdConfig({ ...settings, module: 'worker.js', address: `127.0.0.1:${port}` }), { mode: 0o600 });
  const began = performance.now();
  // stdout carries the Worker's console.log (the request log line): written, then dropped, as
  // the Node gateway's goes to /dev/null.
  const child = spawn(WORKERD, ['serve', configPath], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-8000); });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`workerd did not answer in 30 s:\n${output}`);
    }
    const healthy = await fetch(`${url}/_temperance/health`).then((response) => response.ok, () => false);
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const startMs = performance.now() - began;
  const pid = child.pid ?? 0;
  return {
    name, url, startMs,
    usage: async () => procUsage([pid]),
    close: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
