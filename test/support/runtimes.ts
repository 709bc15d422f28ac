// The two runtimes the same integration cases run on: the Node server in this process, and the
// Worker on workerd under a real `wrangler dev` (its own network stack, as `npm start` runs it).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/free-port.ts';
import { startNodeServer } from '../../src/node/server.ts';

export { freePort };

/** A started gateway; `output` is everything it logged so far (Node: its log lines; workerd: wrangler's output). */
export type RunningGateway = { url: string; close: () => Promise<void>; output: () => string };
export type Runtime = { name: 'node' | 'workerd'; start: (env: Record<string, string>) => Promise<RunningGateway> };

const root = fileURLToPath(new URL('../..', import.meta.url));
export const fixturePolicies = fileURLToPath(new URL('../fixtures/policies', import.meta.url));
export const fixtureUpstreams = fileURLToPath(new URL('../fixtures/upstreams.yaml', import.meta.url));

export const nodeRuntime: Runtime = {
  name: 'node',
  async start(env) {
    const lines: string[] = [];
    const started = await startNodeServer({ POLICIES_DIR: fixturePolicies, UPSTREAMS_FILE: fixtureUpstreams, TEMPERANCE_DB: 'off', ...env, PORT: '0', HOST: '127.0.0.1' }, (line) => lines.push(line), { watch: false });
    if (!started.ok) throw new Error(started.errors.join('\n'));
    return { url: started.gateway.url, close: started.gateway.close, output: () => lines.join('\n') };
  },
};


export type WranglerDev = RunningGateway;

/** `wrangler dev` as a user runs it, with Node 22 from node_modules (wrangler needs it). */
export async function startWranglerDev(args: readonly string[], env: Record<string, string> = {}, command: readonly string[] = ['node_modules/wrangler/bin/wrangler.js', 'dev']): Promise<WranglerDev> {
  const port = await freePort();
  const child = spawn(process.execPath, [...command, '--port', String(port), '--ip', '127.0.0.1', '--inspector-port', String(await freePort()), '--show-interactive-dev-session=false', ...args], {
    cwd: root,
    env: { ...process.env, ...env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wrangler dev did not start:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wrangler dev exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export const workerdRuntime: Runtime = {
  name: 'workerd',
  start: (env) => startWranglerDev(['-c', 'test/fixtures/wrangler.toml', ...Object.entries(env).flatMap(([name, value]) => ['--var', `${name}:${value}`])]),
};
