// `temperance explain`: which policy governs a model and the request as the upstream gets it.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isJsonObject, type JsonObject } from '../../policy/decision.ts';
import type { Route } from '../../policy/parameters.ts';
import { CliError } from '../cli-error.ts';
import type { Command, Io } from '../io.ts';
import { parseOptions } from '../options.ts';
import { loadPolicyFolder, policyDir } from '../policy-folder.ts';
import { explainRequest, inferRoute, ROUTES } from './explanation.ts';
import { formatExplanation } from './format.ts';

const usage = `temperance explain --model MODEL [--body request.json] [--route chat|responses|completions] [--json] [--policies DIR]

Shows which policy governs MODEL and why (exact id, alias, persona, pattern or none), each
decision of the policy engine and the body as the upstream would receive it. The gateway's
own engine, no network. Decisions include what the request's base model refuses or renames
(the catalog, src/catalog/models.ts; MODEL_CATALOG=off in the environment leaves it out).
  --body    a request body (JSON); default: a one-message chat request. --model replaces its model
  --route   default: from the body (messages → chat, input → responses, prompt → completions)
  --json    the explanation as JSON`;

function isRoute(value: string): value is Route {
  return Object.hasOwn(ROUTES, value);
}

async function readBody(path: string, io: Io): Promise<JsonObject> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, path), 'utf8');
  } catch {
    throw new CliError(`cannot read ${path}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not JSON: ${error instanceof Error ? error.message : 'unreadable'}`);
  }
  if (!isJsonObject(body)) throw new CliError(`${path} must hold a JSON object (a request body)`);
  return body;
}

async function run(args: string[], io: Io): Promise<number> {
  const flags = parseOptions(args, {
    model: { type: 'string' },
    body: { type: 'string' },
    route: { type: 'string' },
    json: { type: 'boolean', default: false },
    policies: { type: 'string' },
  });
  const given = flags.body === undefined ? undefined : await readBody(flags.body, io);
  const model = flags.model ?? (typeof given?.model === 'string' ? given.model : undefined);
  if (model === undefined) throw new CliError('--model is required (or a "model" in the --body file)');
  const body: JsonObject = given === undefined ? { model, messages: [{ role: 'user', content: 'Hello!' }] } : { ...given, model };
  if (flags.route !== undefined && !isRoute(flags.route)) throw new CliError(`--route ${JSON.stringify(flags.route)}: expected chat, responses or completions`);
  const route = flags.route ?? inferRoute(body);

  const set = await loadPolicyFolder(policyDir(flags.policies, io), io);
  // As the gateway: MODEL_CATALOG=off inherits nothing from the base.
  const catalog = !['off', 'false', '0'].includes(io.env.MODEL_CATALOG ?? '');
  const explanation = explainRequest(set, body, route, model, catalog);
  io.out(flags.json ? `${JSON.stringify(explanation, null, 2)}\n` : formatExplanation(explanation));
  return 0;
}

export const explainCommand: Command = { summary: 'show which policy governs a model and what it does to a request', usage, run };
