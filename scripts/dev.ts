// `npm start`: the gateway on workerd under `wrangler dev`, port 8787. wrangler gives a Worker
// only the vars of wrangler.toml, .dev.vars/.env and --var; this makes the gateway's own
// settings from the environment count too (`OPENAI_BASE_URL=… npm start`), as on Node.
// They go through an env file (mode 0600, removed on exit), never the command line, where
// `ps` would show a key. Arguments after `npm start --` go to wrangler.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import process from 'node:process';
import { ConfigSchema } from '../src/config.ts';
import { readUpstreamsFile } from '../src/node/upstreams-file.ts';

// Node-only settings (contract section 3): the Worker's port is wrangler's.
const NODE_ONLY = new Set(['PORT', 'HOST', 'POLICIES_DIR', 'UPSTREAMS_FILE', 'TEMPERANCE_DB']);
// The key variables upstreams.yaml names are the Worker's settings too (an invalid file fails the build, which says why).
const upstreams = await readUpstreamsFile('upstreams.yaml');
const keyVariables = upstreams.ok ? Object.values(upstreams.value).flatMap((upstream) => (upstream.api_key_env === undefined ? [] : [upstream.api_key_env])) : [];
const names = [...new Set([...Object.keys(ConfigSchema.shape).filter((name) => !NODE_ONLY.has(name)), ...keyVariables])];
const fromEnvironment = names.filter((name) => (process.env[name] ?? '') !== '');

const args = ['node_modules/wrangler/bin/wrangler.js', 'dev', ...process.argv.slice(2)];
const envFile = '.temperance/environment.vars';
if (fromEnvironment.length > 0) {
  // Single quotes: dotenv takes the value literally. A value with a quote gets double quotes.
  const line = (name: string) => {
    const value = process.env[name] ?? '';
    return value.includes("'") ? `${name}=${JSON.stringify(value)}` : `${name}='${value}'`;
  };
  await mkdir('.temperance', { recursive: true });
  await writeFile(envFile, `${fromEnvironment.map(line).join('\n')}\n`, { mode: 0o600 });
  // Given env files, wrangler reads only those: keep the user's own files first (ours win).
  for (const own of ['.dev.vars', '.env']) if (existsSync(own)) args.push('--env-file', own);
  args.push('--env-file', envFile);
  console.log(`temperance: passing ${fromEnvironment.join(', ')} from the environment to the Worker`);
}

// wrangler dev does not apply D1 migrations by itself: the local store gets them first (a
// fresh clone has no local D1 yet). A wrangler.toml without the DB binding skips this.
const migrate = spawnSync(process.execPath, ['node_modules/wrangler/bin/wrangler.js', 'd1', 'migrations', 'apply', 'DB', '--local'], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, CI: '1', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' },
});
if (migrate.status !== 0) console.log('temperance: the local D1 store was not migrated (no DB binding?); the gateway runs without a store');

const child = spawn(process.execPath, args, {
  stdio: 'inherit',
  env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' },
});
const cleanUp = () => rm(envFile, { force: true });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  void cleanUp().then(() => process.exit(code ?? (signal === null ? 0 : 1)));
});
