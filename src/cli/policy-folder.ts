// The policy folder as the CLI sees it: the same reader and loader the Node gateway uses.
import { resolve } from 'node:path';
import { readPolicyDir } from '../node/policy-dir.ts';
import { readUpstreamsFile } from '../node/upstreams-file.ts';
import { loadPolicies } from '../policy/load.ts';
import type { PolicySet } from '../policy/policy-set.ts';
import { CliError } from './cli-error.ts';
import type { Io } from './io.ts';

/** `--policies`, else POLICIES_DIR (as the Node gateway), else `policies`. */
export function policyDir(flag: string | undefined, io: Io): string {
  const dir = flag ?? io.env.POLICIES_DIR;
  return dir === undefined || dir === '' ? 'policies' : dir;
}

export async function loadPolicyFolder(dir: string, io: Io): Promise<PolicySet> {
  const read = await readPolicyDir(resolve(io.cwd, dir));
  if (!read.ok) throw new CliError(`the policy folder ${dir} cannot be read`);
  // Paths as the user wrote them, so errors read `policies/support.yaml: …`.
  const sources = read.sources.map((source) => ({ ...source, path: `${dir.replace(/\/+$/, '')}/${source.path.slice(source.path.lastIndexOf('/') + 1)}` }));
  // upstreams.yaml as the Node gateway finds it (UPSTREAMS_FILE, else the file here): a policy
  // naming an upstream it does not define fails here as it would at start.
  const named = io.env.UPSTREAMS_FILE !== undefined && io.env.UPSTREAMS_FILE !== '';
  const upstreams = await readUpstreamsFile(resolve(io.cwd, named ? (io.env.UPSTREAMS_FILE ?? '') : 'upstreams.yaml'), named);
  if (!upstreams.ok) throw new CliError(`invalid upstreams:\n${upstreams.errors.map((error) => `  ${error}`).join('\n')}`);
  const loaded = loadPolicies(sources, Math.floor(Date.now() / 1000), upstreams.value);
  if (!loaded.ok) throw new CliError(`invalid policies:\n${loaded.errors.map((error) => `  ${error}`).join('\n')}`);
  return loaded.value;
}
