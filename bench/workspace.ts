// The files the processes under test read: a policy folder for the Node gateway, and the same
// policies compiled for a Worker with a wrangler config of its own (under .temperance/, ignored by git).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { toCompiled } from '../src/policy/compiled.ts';
import { loadPolicies, type PolicySource } from '../src/policy/load.ts';
import { policySources } from './policies.ts';
import { root } from './processes.ts';

export type Workspace = {
  /** .temperance/bench: everything the run writes. */
  dir: string;
  policiesDir: string;
  manyPoliciesDir: string;
  /** Empty at the start of a run: each gateway target's own SQLite store (storeFile). */
  storesDir: string;
  wranglerConfig: string;
  /** The Worker's runtime settings, as the wrangler config gives them (for the generated workerd config). */
  worker: { compatibilityDate: string; compatibilityFlags: string[] };
};

// As in the project's wrangler.toml.
const WORKER = { compatibilityDate: '2026-11-01', compatibilityFlags: ['enable_request_signal'] };

async function writePolicyDir(dir: string, sources: readonly PolicySource[]): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await Promise.all(sources.map((source) => writeFile(join(dir, source.path.slice(source.path.lastIndexOf('/') + 1)), source.text)));
}

/** A folder of `policyCount` files for the gateway, one of `manyCount` files, and the Worker's config. */
export async function prepareWorkspace(policyCount: number, manyCount: number): Promise<Workspace> {
  const dir = join(root, '.temperance', 'bench');
  const policiesDir = join(dir, 'policies');
  const manyPoliciesDir = join(dir, `policies-${manyCount}`);
  const sources = policySources(policyCount);
  await writePolicyDir(policiesDir, sources);
  await writePolicyDir(manyPoliciesDir, policySources(manyCount));
  const storesDir = join(dir, 'stores');
  await rm(storesDir, { recursive: true, force: true });
  await mkdir(storesDir, { recursive: true });

  const loaded = loadPolicies(sources, Math.floor(Date.now() / 1000));
  if (!loaded.ok) throw new Error(`bench policies invalid:\n${loaded.errors.join('\n')}`);
  await writeFile(join(dir, 'policies.json'), JSON.stringify(toCompiled(loaded.value)));

  const wranglerConfig = join(dir, 'wrangler.toml');
  const main = relative(dir, join(root, 'src', 'worker.ts'));
  await writeFile(wranglerConfig, [
    '# Written by the benchmark: the real Worker with the benchmark\'s policies (no [build] step).',
    'name = "temperance-bench"',
    `main = "${main}"`,
    `compatibility_date = "${WORKER.compatibilityDate}"`,
    `compatibility_flags = [${WORKER.compatibilityFlags.map((flag) => `"${flag}"`).join(', ')}]`,
    'send_metrics = false',
    '[alias]',
    '"temperance-policies" = "./policies.json"',
    '',
  ].join('\n'));
  return { dir, policiesDir, manyPoliciesDir, storesDir, wranglerConfig, worker: WORKER };
}

/**
 * A store file of its own for one gateway process, new each run. Without it every target wrote
 * into the user's default store (.temperance/temperance.db), two processes into one file, and a
 * file that grew run after run (docs/benchmarks.md, "Under an experiment").
 */
export function storeFile(workspace: Workspace, target: string): string {
  return join(workspace.storesDir, `${target.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.db`);
}
