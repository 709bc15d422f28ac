// A gateway started with policies and an upstreams.yaml of the test's own (stand-ins listen on
// ports chosen at run time, so the files are written per run): Node reads them from
// POLICIES_DIR / UPSTREAMS_FILE; the Worker gets them compiled by the build step's own script,
// under a wrangler config of its own, as `wrangler dev` would build them.
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startWranglerDev, type RunningGateway, type Runtime } from './runtimes.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

export type GatewayFiles = {
  /** File name → text. */
  policies: Record<string, string>;
  /** upstreams.yaml's text. */
  upstreams: string;
};

/** Writes the files under .temperance/ (inside the repository: wrangler's paths are relative). */
async function writeFiles(files: GatewayFiles): Promise<{ dir: string; policies: string; upstreams: string }> {
  const dir = join(root, '.temperance', `upstreams-test-${crypto.randomUUID()}`);
  const policies = join(dir, 'policies');
  await mkdir(policies, { recursive: true });
  for (const [name, text] of Object.entries(files.policies)) await writeFile(join(policies, name), text);
  const upstreams = join(dir, 'upstreams.yaml');
  await writeFile(upstreams, files.upstreams);
  return { dir, policies, upstreams };
}

export async function startConfigured(runtime: Runtime, files: GatewayFiles, env: Record<string, string>): Promise<RunningGateway> {
  const written = await writeFiles(files);
  const cleanUp = () => rm(written.dir, { recursive: true, force: true });
  try {
    let gateway: RunningGateway;
    if (runtime.name === 'node') {
      gateway = await runtime.start({ ...env, POLICIES_DIR: written.policies, UPSTREAMS_FILE: written.upstreams });
    } else {
      const compiled = join(written.dir, 'compiled.json');
      await run(process.execPath, ['scripts/compile-policies.ts', '--dir', written.policies, '--upstreams', written.upstreams, '--out', compiled], { cwd: root });
      const config = join(written.dir, 'wrangler.toml');
      await writeFile(config, [
        'name = "temperance-upstreams-test"',
        'main = "../../src/worker.ts"',
        'compatibility_date = "2026-11-01"',
        'compatibility_flags = ["enable_request_signal"]',
        'send_metrics = false',
        '[alias]',
        '"temperance-policies" = "./compiled.json"',
        '',
      ].join('\n'));
      gateway = await startWranglerDev(['-c', config, ...Object.entries(env).flatMap(([name, value]) => ['--var', `${name}:${value}`])]);
    }
    return { ...gateway, close: async () => { await gateway.close(); await cleanUp(); } };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
