// `temperance experiments`: the results (contract 6.3) in the terminal, from a running gateway
// (--url) or straight from a Node store (--db: a SQLite file or postgres://…, with the policy
// folder for the experiments' declarations).
import { resolve } from 'node:path';
import { experimentResults, type ExperimentResult } from '../../stats/results.ts';
import type { StorePort } from '../../store/port.ts';
import { errorKind } from '../../store/write-behind.ts';
import { CliError } from '../cli-error.ts';
import type { Command, Io } from '../io.ts';
import { parseOptions } from '../options.ts';
import { loadPolicyFolder, policyDir } from '../policy-folder.ts';
import { formatResults } from './format.ts';

const usage = `temperance experiments [--url URL] [--admin-key KEY] [--db PATH] [--all] [--json] [--policies DIR]

Which arm of each experiment is doing better, and how sure that is: per arm the requests,
error rate, p50 latency and time to first token, mean output tokens, length and refusal
rates, the declared metrics; per arm against the control the difference with its
anytime-valid 95% interval and a verdict.
  --url        a running gateway (default http://127.0.0.1:8787); reads /_temperance/experiments.json
  --admin-key  its ADMIN_API_KEY (default: the ADMIN_API_KEY environment variable)
  --db         read a Node store directly instead: a SQLite file or postgres://… (with --policies)
  --all        include outcomes of earlier policy versions
  --json       the results as JSON`;

type ResultsBody = { store: string | null; message?: string; experiments: ExperimentResult[] };

function isResultsBody(value: unknown): value is ResultsBody {
  return typeof value === 'object' && value !== null && 'experiments' in value && Array.isArray(value.experiments) && 'store' in value;
}

async function fromGateway(url: string, key: string | undefined, all: boolean, io: Io): Promise<ResultsBody> {
  const target = `${url.replace(/\/+$/, '')}/_temperance/experiments.json${all ? '?all=true' : ''}`;
  let response: Response;
  try {
    response = await io.fetch(target, { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
  } catch {
    throw new CliError(`cannot reach the gateway at ${url} (is it running? --url sets where)`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status === 401) throw new CliError('the gateway needs its admin key: --admin-key KEY or ADMIN_API_KEY');
  if (!response.ok || !isResultsBody(body)) throw new CliError(`the gateway answered ${response.status} for ${target}`);
  return body;
}

async function openStore(db: string, io: Io): Promise<StorePort> {
  if (/^postgres(ql)?:\/\//i.test(db)) return (await import('../../store/postgres.ts')).openPostgresStore(db);
  const { openSqliteStore } = await import('../../store/sqlite.ts');
  try {
    return openSqliteStore(resolve(io.cwd, db), { readOnly: true });
  } catch (error) {
    throw new CliError(`cannot open the SQLite store ${db} (${errorKind(error)})`);
  }
}

async function fromStore(db: string, policies: string, all: boolean, io: Io): Promise<ResultsBody> {
  const set = await loadPolicyFolder(policies, io);
  const store = await openStore(db, io);
  try {
    const unmatched = await store.unmatchedFeedback();
    const experiments = await Promise.all(set.experiments.map(async (e) => experimentResults(e, await store.readExperiment(e.name), unmatched, all)));
    return { store: store.kind, experiments };
  } catch (error) {
    throw new CliError(`cannot read the store ${db} (${errorKind(error)})`);
  } finally {
    await store.close();
  }
}

async function run(args: string[], io: Io): Promise<number> {
  const flags = parseOptions(args, {
    url: { type: 'string' },
    'admin-key': { type: 'string' },
    db: { type: 'string' },
    policies: { type: 'string' },
    all: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help === true) {
    io.out(`${usage}\n`);
    return 0;
  }
  if (flags.db !== undefined && flags.url !== undefined) throw new CliError('give --url or --db, not both');
  const all = flags.all === true;
  const body = flags.db !== undefined
    ? await fromStore(flags.db, policyDir(flags.policies, io), all, io)
    : await fromGateway(flags.url ?? 'http://127.0.0.1:8787', flags['admin-key'] ?? (io.env.ADMIN_API_KEY || undefined), all, io);
  if (flags.json === true) {
    io.out(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  if (body.store === null) {
    io.out(`${body.message ?? 'The gateway runs without a store.'}\n`);
    return 0;
  }
  io.out(formatResults(body.experiments));
  return 0;
}

export const experimentsCommand: Command = { summary: 'which arm of each experiment is better, and how sure (results from a gateway or a store)', usage, run };
