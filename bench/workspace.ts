// The files the processes under test read: a policy folder for the Node gateway, and the same
// policies compiled for a Worker with a wrangler config of its own (under .temperance/, ignored by git).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { toCompiled } from '../src/policy/compiled.ts';
import { loadPolicies } from '../src/policy/load.ts';
import { policySources } from './policies.ts';
import { root } from './processes.ts';

export type Workspace = { policiesDir: string; wranglerConfig: string };

export async function prepareWorkspace(policyCount: number): Promise<Workspace> {
  const dir = join(root, '.temperance', 'bench');
  const policiesDir = join(dir, 'policies');
  await rm(policiesDir, { recursive: true, force: true });
  await mkdir(policiesDir, { recursive: true });
  const sources = policySources(policyCount);
  await Promise.all(sources.map((source) => writeFile(join(policiesDir, source.path.slice(source.path.lastIndexOf('/') + 1)), source.text)));

  const loaded = loadPolicies(sources, Math.floor(Date.now() / 1000));
  if (!loaded.ok) throw new Error(`bench policies invalid:\n${loaded.errors.join('\n')}`);
  await writeFile(join(dir, 'policies.json'), JSON.stringify(toCompiled(loaded.value)));

  const wranglerConfig = join(dir, 'wrangler.toml');
  const main = relative(dir, join(root, 'src', 'worker.ts'));
  await writeFile(wranglerConfig, [
    '# Written by the benchmark: the real Worker with the benchmark\'s policies (no [build] step).',
    'name = "temperance-bench"',
    `main = "${main}"`,
    'compatibility_date = "2026-11-01"',
    'compatibility_flags = ["enable_request_signal"]',
    'send_metrics = false',
    '[alias]',
    '"temperance-policies" = "./policies.json"',
    '',
  ].join('\n'));
  return { policiesDir, wranglerConfig };
}
