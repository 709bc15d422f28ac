// One benchmark run: start every path, warm them up, then rounds of every scenario on every
// path, the order of paths rotating each round so none always runs first on a noisy machine.
import { cpus } from 'node:os';
import type { Pool } from 'undici';
import { createClient, runBatch, type Shot } from './load.ts';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleNode } from '../scripts/bundle-node.ts';
import { root, startNodeChild, startWranglerDev, type Target } from './processes.ts';
import { DIRECT, FLOOR, FLOOR_HONO, FLOOR_WORKERD, GATEWAY_NODE, GATEWAY_NODE_10K, GATEWAY_NODE_NO_STORE, GATEWAY_NODE_STRIPPED, GATEWAY_WORKERD, GATEWAY_WORKERD_DIRECT, cellKey, emptyCell, type Memory, type Paired, type Results } from './report.ts';
import { pairedRatios, type Side } from './paired.ts';
import { measureResolution } from './resolution.ts';
import { REQUEST_HEADERS, scenarios, type Scenario } from './scenarios.ts';
import { buildWorkerBundle, startWorkerd } from './workerd.ts';
import { prepareWorkspace, storeFile, type Workspace } from './workspace.ts';

export type RunOptions = {
  rounds: number;
  /** Multiplies every scenario's request count (0.02 for a smoke run). */
  scale: number;
  workerd: boolean;
  /** Also run temperance on Node with Node's built-in fetch for the upstream. */
  compareFetch: boolean;
  /** Also run the Node gateway from its TypeScript source (type stripping at start), beside the bundle. */
  compareStrip: boolean;
  /** Scenario ids to run (default: all). */
  only: string[] | undefined;
  /** Node flags for one more temperance path (e.g. --max-semi-space-size=2), to weigh a runtime setting. */
  nodeFlags: string[] | undefined;
  /** src/ of an earlier revision (see scripts/bench.ts --before), run as one more path. */
  beforeSrc: { label: string; dir: string } | undefined;
  /** Folder for a V8 CPU profile of the Node gateway (node --cpu-prof). */
  cpuProfDir: string | undefined;
  /** Pairs of batches per paired comparison (bench/paired.ts), and requests per batch. */
  paired: { pairs: number; batch: number };
  resolutionLookups: number;
  log: (line: string) => void;
};

function shotOf(scenario: Scenario): Shot {
  return { path: scenario.path, body: scenario.body, headers: { ...REQUEST_HEADERS, 'content-length': String(scenario.body.byteLength) } };
}

// The Node paths run bundled (esbuild, as `npm run start:node` runs dist/node.js): plain
// JavaScript, no type stripping at start. The same for the floors, so start-up and memory compare.
const NODE_TARGETS = ['bench/targets/minimal-proxy.ts', 'bench/targets/hono-proxy.ts', 'bench/targets/node-gateway.ts'];

/**
 * A bundled Node path as `npm run start:node` starts it: with Node's compile cache on
 * (dist/start.js calls module.enableCompileCache; NODE_COMPILE_CACHE does the same for a fork),
 * and measured on its second start, when the cache holds its code — a restart on the same
 * machine. The first start only fills the cache.
 */
async function cachedStart(dir: string, start: (cacheEnv: Record<string, string>, priming: boolean) => Promise<Target>): Promise<Target> {
  const cacheEnv = { NODE_COMPILE_CACHE: join(dir, 'compile-cache') };
  await (await start(cacheEnv, true)).close();
  return start(cacheEnv, false);
}

async function bundleTargets(dir: string): Promise<(name: string) => string> {
  await bundleNode(NODE_TARGETS, { outdir: dir });
  return (name) => join(dir, `${name}.js`);
}

/**
 * src/ of another revision (--before), bundled like the current one so the two compare: an entry
 * beside it starts its startNodeServer with the stats hook and this revision's log writer on
 * descriptor 1 (/dev/null), as node-gateway.ts does.
 */
async function bundleBefore(srcDir: string, outdir: string): Promise<string> {
  const entry = join(srcDir, '..', 'bench-entry.ts');
  const ipc = join(root, 'bench', 'ipc.ts');
  // This revision's log writer, so both paths log the same way whatever the other revision had.
  const log = join(root, 'src', 'node', 'log.ts');
  await writeFile(entry, [
    "import process from 'node:process';",
    "import { startNodeServer } from './src/node/server.ts';",
    `import { serveStats } from ${JSON.stringify(ipc)};`,
    `import { fdLineWriter } from ${JSON.stringify(log)};`,
    'const started = await startNodeServer(process.env, fdLineWriter(1).log, { watch: false });',
    'if (!started.ok) { console.error(started.errors.join("\\n")); process.exit(1); }',
    'serveStats(started.gateway.url);',
    '',
  ].join('\n'));
  await bundleNode([entry], { outdir });
  return join(outdir, 'bench-entry.js');
}

const PAIR = ['plain-user-c1', 'experiment-c1'] as const;

function pairSelected(options: RunOptions): boolean {
  return PAIR.every((id) => options.only === undefined || options.only.includes(id));
}

/**
 * Issue 11's and 12's ratios from paired batches, each inside one process: the same policy
 * without and with an experiment, on the gateway without a store and on the one with its SQLite
 * store. The store's own cost is the second ratio over the first. Pairing the two processes'
 * experiment batches directly was tried and is not used: it gave 1.31-1.37x where the store's
 * writes measured 7.7 µs of CPU per row inside the process, and the same pairing for a request
 * neither process stores gave 1.04x (docs/benchmarks.md).
 */
async function pairedPhase(options: RunOptions, all: readonly Scenario[], side: (target: string, scenario: Scenario) => Side): Promise<Paired[]> {
  const [plain, experiment] = PAIR.map((id) => all.find((scenario) => scenario.id === id));
  if (plain === undefined || experiment === undefined) return [];
  const sizes = { pairs: Math.max(2, Math.round(options.paired.pairs * Math.min(1, options.scale * 10))), batch: Math.max(2, Math.round(options.paired.batch * options.scale)) };
  options.log(`paired batches: ${sizes.pairs} pairs of ${sizes.batch} requests, twice`);
  const within = async (target: string) => pairedRatios(side(target, plain), side(target, experiment), sizes);
  return [
    { target: GATEWAY_NODE_NO_STORE, ratios: await within(GATEWAY_NODE_NO_STORE) },
    { target: GATEWAY_NODE, ratios: await within(GATEWAY_NODE) },
  ];
}

async function startTargets(options: RunOptions, upstreamUrl: string, workspace: Workspace): Promise<Target[]> {
  const built = await bundleTargets(join(workspace.dir, 'dist'));
  // Every setting both runtimes get from their environment: the Node children as env vars, the
  // Worker as text bindings (wrangler's --var, the generated workerd config).
  const vars = { OPENAI_BASE_URL: `${upstreamUrl}/v1` };
  const baseEnv = { ...vars, POLICIES_DIR: workspace.policiesDir, PORT: '0', HOST: '127.0.0.1' };
  // Each gateway process with its own new SQLite store (the default kind, as a user runs it).
  const envOf = (name: string) => ({ ...baseEnv, TEMPERANCE_DB: storeFile(workspace, name) });
  const profile = options.cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir];
  // Started one after another, so each start-up time is its own, not a share of two busy cores.
  const starting: (() => Promise<Target>)[] = [
    () => cachedStart(workspace.dir, (cache) => startNodeChild(FLOOR, built('minimal-proxy'), { ...cache, UPSTREAM_URL: upstreamUrl })),
    () => cachedStart(workspace.dir, (cache) => startNodeChild(FLOOR_HONO, built('hono-proxy'), { ...cache, UPSTREAM_URL: upstreamUrl })),
    // The priming start is not profiled: one profile, of the measured process.
    () => cachedStart(workspace.dir, (cache, priming) => startNodeChild(GATEWAY_NODE, built('node-gateway'), { ...cache, ...envOf(GATEWAY_NODE) }, priming ? [] : profile, true)),
    () => cachedStart(workspace.dir, (cache) => startNodeChild(GATEWAY_NODE_10K, built('node-gateway'), { ...cache, ...envOf(GATEWAY_NODE_10K), POLICIES_DIR: workspace.manyPoliciesDir }, [], true)),
  ];
  if (pairSelected(options)) {
    // Only the paired comparisons use it: an experiment without a store, against which both the
    // experiment's own cost and the store's are read.
    starting.push(() => cachedStart(workspace.dir, (cache) => startNodeChild(GATEWAY_NODE_NO_STORE, built('node-gateway'), { ...cache, ...baseEnv, TEMPERANCE_DB: 'off' }, [], true)));
  }
  if (options.compareStrip) starting.push(() => startNodeChild(GATEWAY_NODE_STRIPPED, './targets/node-gateway.ts', envOf(GATEWAY_NODE_STRIPPED), [], true));
  if (options.compareFetch) starting.push(() => cachedStart(workspace.dir, (cache) => startNodeChild('temperance (node, global fetch)', built('node-gateway'), { ...cache, ...envOf('temperance (node, global fetch)'), BENCH_FETCH: 'global' }, [], true)));
  if (options.nodeFlags !== undefined) {
    const flags = options.nodeFlags;
    const name = `temperance (node, ${flags.join(' ')})`;
    starting.push(() => cachedStart(workspace.dir, (cache) => startNodeChild(name, built('node-gateway'), { ...cache, ...envOf(name) }, flags, true)));
  }
  const before = options.beforeSrc;
  if (before !== undefined) {
    const entry = await bundleBefore(before.dir, join(workspace.dir, 'dist-before'));
    const name = `temperance (node, ${before.label})`;
    starting.push(() => cachedStart(workspace.dir, (cache) => startNodeChild(name, entry, { ...cache, ...envOf(name) }, [], true)));
  }
  if (options.workerd) {
    starting.push(() => startWranglerDev(GATEWAY_WORKERD, workspace.wranglerConfig, vars));
    const bundleDir = join(workspace.dir, 'worker');
    starting.push(() => buildWorkerBundle(workspace.wranglerConfig, bundleDir).then(() => startWorkerd(GATEWAY_WORKERD_DIRECT, bundleDir, { ...workspace.worker, vars })));
    // workerd's own floor: what any Worker pays there, for the gateway's ratio to be read against.
    const floorDir = join(workspace.dir, 'workerd-proxy');
    starting.push(async () => {
      await mkdir(floorDir, { recursive: true });
      await copyFile(join(root, 'bench', 'targets', 'workerd-proxy.js'), join(floorDir, 'worker.js'));
      return startWorkerd(FLOOR_WORKERD, floorDir, { ...workspace.worker, vars: { UPSTREAM_URL: upstreamUrl } });
    });
  }
  const started: Target[] = [];
  try {
    for (const start of starting) started.push(await start());
  } catch (error) {
    await Promise.all(started.map((target) => target.close()));
    throw error;
  }
  return started;
}

export async function runBenchmark(options: RunOptions): Promise<Results> {
  const all = scenarios().filter((scenario) => options.only === undefined || options.only.includes(scenario.id));
  if (all.length === 0) throw new Error(`--only matches no scenario (${scenarios().map((scenario) => scenario.id).join(', ')})`);
  const workspace = await prepareWorkspace(10, 10_000);
  const upstream = await startNodeChild('upstream', './targets/upstream.ts', {});
  const targets: Target[] = [];
  const pools = new Map<string, Pool>();
  try {
    targets.push(...await startTargets(options, upstream.url, workspace));
    const startRss = new Map<string, number>();
    for (const target of targets) startRss.set(target.name, (await target.usage()).rssBytes);
    const paths: { name: string; url: string; target: Target | undefined }[] = [
      { name: DIRECT, url: upstream.url, target: undefined },
      // The no-store gateway serves only the paired comparisons, after the rounds.
      ...targets.filter((target) => target.name !== GATEWAY_NODE_NO_STORE).map((target) => ({ name: target.name, url: target.url, target })),
    ];
    const maxConcurrency = Math.max(...all.map((scenario) => scenario.concurrency));
    for (const path of paths) pools.set(path.name, createClient(path.url, maxConcurrency));
    const noStore = targets.find((target) => target.name === GATEWAY_NODE_NO_STORE);
    if (noStore !== undefined) pools.set(noStore.name, createClient(noStore.url, 1));
    const pool = (name: string): Pool => {
      const found = pools.get(name);
      if (found === undefined) throw new Error(`no client for ${name}`);
      return found;
    };

    // Warm-up: JIT, connection pools, workerd's isolate. Not measured.
    options.log('warming up');
    for (const path of paths) {
      for (const scenario of all) await runBatch(pool(path.name), shotOf(scenario), Math.max(4, Math.ceil(scenario.count * options.scale * 0.3)), Math.min(8, scenario.concurrency));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const memory = new Map<string, Memory>();
    // The no-store gateway only serves the paired batches: its idle and loaded RSS would read as a
    // path's that saw the whole run.
    for (const target of targets.filter((one) => one.name !== GATEWAY_NODE_NO_STORE)) memory.set(target.name, { startMs: target.startMs, startBytes: startRss.get(target.name) ?? 0, idleBytes: (await target.usage()).rssBytes, loadedBytes: 0 });

    const results: Results = {
      scenarios: all.map(({ id, label, streamed, chunks }) => ({ id, label, streamed, ...(chunks === undefined ? {} : { chunks }) })),
      targets: paths.map((path) => path.name),
      cells: new Map(),
      memory,
      resolution: undefined,
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
      rounds: options.rounds,
      paired: [],
    };
    for (let round = 0; round < options.rounds; round += 1) {
      options.log(`round ${round + 1} of ${options.rounds}`);
      // Every other round runs the scenarios backwards, so no scenario always follows the same
      // one. (It did not make the rounds' sums fair for a ratio of a few percent: an A/A pair
      // still read 1.05x. Those ratios come from paired batches, bench/paired.ts.)
      for (const scenario of round % 2 === 0 ? all : [...all].reverse()) {
        const rotated = paths.map((_, i) => paths[(i + round) % paths.length]).filter((path) => path !== undefined);
        for (const path of rotated) {
          const key = cellKey(scenario.id, path.name);
          const cell = results.cells.get(key) ?? emptyCell();
          results.cells.set(key, cell);
          const before = await path.target?.usage();
          // RSS under load: sampled while the c=32 batch runs.
          let sampling: ReturnType<typeof setInterval> | undefined;
          const observed = path.target === undefined ? undefined : memory.get(path.target.name);
          if (scenario.concurrency > 1 && path.target !== undefined && observed !== undefined) {
            const sampled = path.target;
            sampling = setInterval(() => {
              void sampled.usage().then((usage) => { observed.loadedBytes = Math.max(observed.loadedBytes, usage.rssBytes); }, () => {});
            }, 100);
          }
          const batch = await runBatch(pool(path.name), shotOf(scenario), Math.max(2, Math.round(scenario.count * options.scale)), scenario.concurrency);
          clearInterval(sampling);
          const after = await path.target?.usage();
          if (observed !== undefined && after !== undefined && scenario.concurrency > 1) observed.loadedBytes = Math.max(observed.loadedBytes, after.rssBytes);
          cell.latencies.push(...batch.latencies);
          cell.firstBytes.push(...batch.firstBytes);
          cell.wallMs += batch.wallMs;
          cell.requests += batch.latencies.length + batch.errors;
          cell.errors += batch.errors;
          cell.firstError ??= batch.firstError;
          cell.cpuMicros = before === undefined || after === undefined || cell.cpuMicros === undefined ? undefined : cell.cpuMicros + (after.cpuMicros - before.cpuMicros);
        }
      }
    }
    if (noStore !== undefined) {
      const gateway = targets.find((target) => target.name === GATEWAY_NODE);
      if (gateway === undefined) throw new Error('the paired comparisons need the Node gateway');
      const byName = new Map([[GATEWAY_NODE, gateway], [GATEWAY_NODE_NO_STORE, noStore]]);
      const side = (name: string, scenario: Scenario): Side => {
        const target = byName.get(name);
        if (target === undefined) throw new Error(`no target ${name}`);
        return { pool: pool(name), shot: shotOf(scenario), target };
      };
      // The no-store gateway has had no traffic yet: it warms up as the other did.
      for (const scenario of all.filter((one) => PAIR.some((id) => id === one.id))) await runBatch(pool(GATEWAY_NODE_NO_STORE), shotOf(scenario), Math.max(4, Math.round(scenario.count * options.scale * 3)), 1);
      results.paired = await pairedPhase(options, all, side);
    }
    await Promise.all([...pools.values()].map((client) => client.close()));
    pools.clear();
    await Promise.all(targets.map((target) => target.close()));
    targets.length = 0;
    await upstream.close();

    options.log('resolution');
    // With the servers gone, the machine is quieter for the in-process measurement.
    results.resolution = measureResolution({ lookups: options.resolutionLookups, rounds: Math.max(3, options.rounds * 2 + 1) });
    return results;
  } finally {
    await Promise.all([...pools.values()].map((client) => client.close().catch(() => {})));
    await Promise.all(targets.map((target) => target.close()));
    await upstream.close();
  }
}
