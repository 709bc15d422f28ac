// Starting the processes under test and reading their CPU time and memory. Node processes
// answer over IPC (process.cpuUsage: every thread, microseconds); workerd is read from /proc
// (utime + stime in clock ticks, summed over its processes).
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../scripts/free-port.ts';
import { isReady, isStats, type ReadyMessage } from './ipc.ts';

export type Usage = { cpuMicros: number; rssBytes: number };

export type Target = {
  name: string;
  url: string;
  usage: () => Promise<Usage>;
  close: () => Promise<void>;
  /**
   * Start-up time, ms. Node: the child's own performance.now() when it listens (since its
   * process began). workerd and wrangler dev: spawn → first answer of the health route, seen
   * from outside (polled every 10 ms).
   */
  startMs: number;
};

export const root = fileURLToPath(new URL('..', import.meta.url));

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * A Node child that reports `ready` over IPC and answers `stats`. `quietStdout`: its stdout is
 * /dev/null (a gateway's request log goes there, through the writer `npm run start:node` uses
 * on descriptor 1).
 */
export async function startNodeChild(name: string, script: string, env: Record<string, string>, execArgv: string[] = [], quietStdout = false): Promise<Target> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    cwd: root, env: { ...process.env, ...env }, execArgv, stdio: ['ignore', quietStdout ? 'ignore' : 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 20 s`)), 20_000);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
    child.on('message', (message: unknown) => {
      if (!isReady(message)) return;
      clearTimeout(timer);
      resolve(message);
    });
  });
  let nextId = 0;
  const usage = () => new Promise<Usage>((resolve, reject) => {
    const id = (nextId += 1);
    const timer = setTimeout(() => reject(new Error(`${name} did not answer stats`)), 10_000);
    const onMessage = (message: unknown) => {
      if (!isStats(message) || message.id !== id) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve({ cpuMicros: message.cpuMicros, rssBytes: message.rssBytes });
    };
    child.on('message', onMessage);
    child.send({ type: 'stats', id });
  });
  return {
    name, url: ready.url, usage, startMs: ready.startMs,
    close: async () => {
      // SIGTERM lets a --cpu-prof child write its profile on the way out.
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}


const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

type ProcStat = { pid: number; ppid: number; comm: string; cpuTicks: number; rssPages: number };

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces: the fields after the last ')' are fixed.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // After comm: state(0) ppid(1) … utime(11) stime(12) … rss(21)
    return { pid, ppid: Number(fields[1]), comm, cpuTicks: Number(fields[11]) + Number(fields[12]), rssPages: Number(fields[21]) };
  } catch {
    return undefined;
  }
}

/** Every live descendant of `pid`. */
function descendants(pid: number): ProcStat[] {
  const all = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map((entry) => readStat(Number(entry))).filter((stat) => stat !== undefined);
  const found: ProcStat[] = [];
  const parents = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const stat of all) {
      if (parents.has(stat.ppid) && !parents.has(stat.pid)) {
        parents.add(stat.pid);
        found.push(stat);
        grew = true;
      }
    }
  }
  return found;
}

/** CPU time and RSS of these processes (every thread of each), from /proc. */
export function procUsage(pids: readonly number[]): Usage {
  const stats = pids.map(readStat).filter((stat) => stat !== undefined);
  if (stats.length === 0) throw new Error(`no process ${pids.join(', ')}`);
  return {
    cpuMicros: stats.reduce((sum, stat) => sum + stat.cpuTicks, 0) * (1_000_000 / TICKS_PER_SECOND),
    rssBytes: stats.reduce((sum, stat) => sum + stat.rssPages, 0) * PAGE_BYTES,
  };
}

/** `wrangler dev` as `npm start` runs it; its usage is that of the workerd processes it started. */
export async function startWranglerDev(name: string, config: string, vars: Record<string, string>): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, [
    'node_modules/wrangler/bin/wrangler.js', 'dev', '-c', config, '--port', String(port), '--ip', '127.0.0.1',
    '--inspector-port', String(await freePort()), '--show-interactive-dev-session=false', '--log-level', 'warn',
    ...Object.entries(vars).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
  ], {
    cwd: root,
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const url = `http://127.0.0.1:${port}`;
  const began = performance.now();
  // --log-level warn hides "Ready on": poll the health route instead.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`wrangler dev did not answer in 60 s:\n${output}`);
    }
    const healthy = await fetch(`${url}/_temperance/health`).then((response) => response.ok, () => false);
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const startMs = performance.now() - began;
  const pid = child.pid ?? 0;
  const usage = async (): Promise<Usage> => {
    const workerd = descendants(pid).filter((stat) => stat.comm.startsWith('workerd'));
    if (workerd.length === 0) throw new Error('no workerd process under wrangler dev');
    return procUsage(workerd.map((stat) => stat.pid));
  };
  return {
    name, url, usage, startMs,
    close: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
