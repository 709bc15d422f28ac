// `temperance init`: a fine-tuning file → `policies/NAME.yaml` with the trained system
// message(s) and conservative sampling, validated by the gateway's own loader before writing.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { baseProblems } from '../../catalog/validate.ts';
import { resolveBase } from '../../catalog/base.ts';
import { readPolicyDir } from '../../node/policy-dir.ts';
import { loadPolicies, parsePolicyFile } from '../../policy/load.ts';
import { CliError } from '../cli-error.ts';
import type { Command, Io } from '../io.ts';
import { parseOptions, required } from '../options.ts';
import { policyDir } from '../policy-folder.ts';
import { parseTrainingFile } from '../training-file.ts';
import { personaNames } from './persona-name.ts';
import { isPolicyName, policyNameFor } from './policy-name.ts';
import { renderPolicy, STARTING_SAMPLING, type PolicyDraft } from './policy-text.ts';
import { describeMessage, problemLines, systemWarnings } from './report.ts';
import { findSystemMessages } from './system-messages.ts';

const usage = `temperance init --model MODEL --from training.jsonl [--name NAME] [--force] [--policies DIR]

Reads an OpenAI chat fine-tuning file and writes DIR/NAME.yaml (DIR: --policies, else
POLICIES_DIR, else policies) with the system message the model was trained with (one persona
per message when the lines show several behaviours) and conservative sampling defaults.
  --model     the fine-tuned model id (ft:…)
  --from      the training file (JSONL, one {"messages": […]} per line)
  --name      the policy's name (default: the fine-tune's suffix in the model id)
  --force     overwrite an existing policy file`;

async function readText(path: string, io: Io): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, path), 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new CliError(`cannot read ${path} (${code})`);
  }
}

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(() => true, () => false);
}

/** The new file must load, and load beside the folder's other files (no model claimed twice). */
async function validate(target: string, text: string, dir: string, io: Io): Promise<void> {
  const own = parsePolicyFile({ path: target, text });
  if (!own.ok) throw new CliError(`the policy written would be invalid (please report this):\n${own.errors.join('\n')}`);
  const read = await readPolicyDir(resolve(io.cwd, dir));
  const others = read.ok
    ? read.sources.map((source) => ({ path: join(dir, source.path.slice(source.path.lastIndexOf('/') + 1)), text: source.text })).filter((source) => source.path !== target)
    : [];
  const loaded = loadPolicies([...others, { path: target, text }], 0);
  if (loaded.ok) return;
  const mine = loaded.errors.filter((error) => error.includes(target));
  if (mine.length > 0) throw new CliError(`${target} would clash with the other policies:\n${mine.map((error) => `  ${error}`).join('\n')}`);
  io.err(`warning: ${dir} has other problems (\`temperance check\`):\n${loaded.errors.map((error) => `  ${error}`).join('\n')}\n`);
}

async function run(args: string[], io: Io): Promise<number> {
  const flags = parseOptions(args, {
    model: { type: 'string' },
    from: { type: 'string' },
    name: { type: 'string' },
    force: { type: 'boolean', default: false },
    policies: { type: 'string' },
  });
  const model = required(flags.model, 'model');
  const from = required(flags.from, 'from');
  if (model.includes('*')) throw new CliError('--model takes the exact fine-tuned model id, not a pattern: personas and the system message belong to one model');
  const name = flags.name ?? policyNameFor(model);
  if (!isPolicyName(name)) throw new CliError(`--name ${JSON.stringify(name)}: a policy name is letters, digits, ".", "_" or "-"`);
  const dir = policyDir(flags.policies, io);
  const target = join(dir, `${name}.yaml`);

  const training = parseTrainingFile(await readText(from, io));
  if (training.problems.length > 0) {
    io.err(`${from}: ${training.problems.length} malformed line(s), skipped:\n${problemLines(training.problems).join('\n')}\n`);
  }
  if (training.lines.length === 0) throw new CliError(`${from} has no valid training line`);
  if (!flags.force && (await exists(resolve(io.cwd, target)))) throw new CliError(`${target} exists: pass --force to overwrite it`);

  const found = findSystemMessages(training.lines);
  const draft: PolicyDraft = { model, source: from, totalLines: found.total, system: undefined, personas: [] };
  // Contract §7: no starting rule the base refuses; the catalog's own check says which.
  const refusedParams = baseProblems({ model, sampling: { ...STARTING_SAMPLING } }).map((problem) => String(problem.path.at(-1)));
  const family = resolveBase(model)?.family;
  if (refusedParams.length > 0 && family !== undefined) draft.refused = { params: refusedParams, family };
  const refusedRole = found.kind === 'none' ? undefined : baseProblems({ model, system: { text: 'x', mode: 'prepend', role: 'system' } })[0];
  if (refusedRole !== undefined) throw new CliError(`${refusedRole.message}: a policy cannot give it the trained system message (src/catalog/models.ts)`);
  if (found.kind === 'single') draft.system = found.main;
  if (found.kind === 'personas') {
    const names = personaNames(found.personas.map((persona) => persona.text), new Set([model]));
    draft.personas = found.personas.map((message, index) => ({ name: names[index] ?? `persona-${index + 1}`, message }));
  }
  const text = renderPolicy(draft);
  await validate(target, text, dir, io);

  const warnings = systemWarnings(found);
  if (warnings.length > 0) io.err(`${warnings.map((warning) => `warning: ${warning}`).join('\n')}\n`);
  await mkdir(resolve(io.cwd, dir), { recursive: true });
  await writeFile(resolve(io.cwd, target), text);

  const summary = [`wrote ${target} for ${model} from ${training.lines.length} training lines`];
  if (found.kind === 'single') summary.push(`  system message: ${describeMessage(found.main, found.total)}`);
  if (found.kind === 'none') summary.push('  no system message');
  if (draft.refused !== undefined) summary.push(`  no ${draft.refused.params.join(', ')} rule: ${model} is based on ${draft.refused.family}, which does not accept ${draft.refused.params.length > 1 ? 'them' : 'it'}; the gateway removes ${draft.refused.params.length > 1 ? 'them' : 'it'} from requests`);
  for (const persona of draft.personas) summary.push(`  persona ${persona.name}: ${describeMessage(persona.message, found.total)}`);
  // A base that refuses temperature leaves nothing to sweep (sweep says so too).
  if (draft.refused?.params.includes('temperature') === true) summary.push(`next: temperance explain --model ${draft.personas[0]?.name ?? model} shows what requests become`);
  else summary.push(`next: temperance sweep --model ${draft.personas[0]?.name ?? model} --prompts PROMPTS.jsonl`);
  io.out(`${summary.join('\n')}\n`);
  return 0;
}

export const initCommand: Command = { summary: 'derive a policy file from a fine-tuning file', usage, run };
