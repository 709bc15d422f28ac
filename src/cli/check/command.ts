// `temperance check`: validates the policy folder as the gateway would at start, and writes the
// policy JSON Schema for editors.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command, Io } from '../io.ts';
import { parseOptions } from '../options.ts';
import { loadPolicyFolder, policyDir } from '../policy-folder.ts';
import type { ExperimentSummary } from '../../policy/policy-set.ts';
import { policySchemaText, SCHEMA_PATH, UPSTREAMS_SCHEMA_NAME, upstreamsSchemaText } from './json-schema.ts';

const usage = `temperance check [--policies DIR] [--schema FILE]

Validates every policy file in DIR (--policies, else POLICIES_DIR, else policies) with the
gateway's loader (with upstreams.yaml, as the gateway), the same as \`npm run check\`, and
writes the JSON Schema of a policy file to FILE (default ${SCHEMA_PATH}) and that of
upstreams.yaml beside it (${UPSTREAMS_SCHEMA_NAME}) for editors:
  # yaml-language-server: $schema=../schema/policy.schema.json`;

async function writeSchema(path: string, text: string, io: Io): Promise<boolean> {
  const target = resolve(io.cwd, path);
  const previous = await readFile(target, 'utf8').catch(() => undefined);
  if (previous === text) return false;
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text);
  return true;
}

/** One line per experiment: its arms and their shares, so a typo'd weight shows at a glance. */
function experimentLines(experiments: readonly ExperimentSummary[]): string[] {
  return experiments.map((experiment) => {
    const total = experiment.arms.reduce((sum, arm) => sum + arm.weight, 0);
    const arms = experiment.arms.map((arm) => `${arm.name} ${Math.round((arm.weight / total) * 1000) / 10}%${arm.name === experiment.control ? ' (control)' : ''}`).join(', ');
    const metrics = Object.keys(experiment.metrics);
    return `experiment ${experiment.name} (policy ${experiment.policy}, ${experiment.path}): ${arms}${metrics.length > 0 ? `; metrics ${metrics.join(', ')}` : ''}`;
  });
}

async function run(args: string[], io: Io): Promise<number> {
  const flags = parseOptions(args, { policies: { type: 'string' }, schema: { type: 'string', default: SCHEMA_PATH } });
  const dir = policyDir(flags.policies, io);
  // The schema first: an editor needs it most while a policy file is still wrong.
  const written = await writeSchema(flags.schema, policySchemaText(), io);
  const upstreamsSchema = join(dirname(flags.schema), UPSTREAMS_SCHEMA_NAME);
  const upstreamsWritten = await writeSchema(upstreamsSchema, upstreamsSchemaText(), io);
  const set = await loadPolicyFolder(dir, io);
  const count = set.files.length;
  const personas = set.policies.length - count;
  io.out(`${count} ${count === 1 ? 'policy' : 'policies'}${personas > 0 ? ` (${personas} persona${personas === 1 ? '' : 's'})` : ''} in ${dir} valid; ${flags.schema} ${written ? 'written' : 'up to date'}; ${upstreamsSchema} ${upstreamsWritten ? 'written' : 'up to date'}\n`);
  for (const line of experimentLines(set.experiments)) io.out(`${line}\n`);
  return 0;
}

export const checkCommand: Command = { summary: 'validate the policy folder and write the policy and upstreams JSON Schemas', usage, run };
