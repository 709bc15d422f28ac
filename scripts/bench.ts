// `npm run bench`: temperance against the direct path and a minimal proxy, on Node and workerd,
// before a fast stand-in upstream; prints the table (see docs/benchmarks.md). Bounded: a full
// run takes a few minutes and stops by itself.
//   node scripts/bench.ts [--rounds 5] [--scale 1] [--smoke] [--no-workerd] [--compare-fetch] [--compare-strip]
//                         [--only small-c1,pass-c1] [--before REF] [--node-flags=--max-semi-space-size=2] [--cpu-prof DIR] [--json FILE]
// --before REF runs src/ as of git revision REF as one more path: before and after in one run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { render } from '../bench/report.ts';
import { runBenchmark } from '../bench/run.ts';
import { root } from '../bench/processes.ts';

const USAGE = `usage: npm run bench -- [--rounds 5] [--scale 1] [--smoke] [--no-workerd] [--compare-fetch] [--compare-strip]
                       [--only small-c1,small-c32,large-c1,stream-c1,stream500-c1,plain-user-c1,experiment-c1,reasoning-c1,pass-c1] [--before REF]
                       [--node-flags=FLAGS] [--cpu-prof DIR] [--json FILE]   (docs/benchmarks.md)`;

function parse() {
  try {
    return parseArgs({ options: OPTIONS });
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
}

const OPTIONS = {
  rounds: { type: 'string' },
  scale: { type: 'string' },
  smoke: { type: 'boolean', default: false },
  'no-workerd': { type: 'boolean', default: false },
  'compare-fetch': { type: 'boolean', default: false },
  'compare-strip': { type: 'boolean', default: false },
  'cpu-prof': { type: 'string' },
  before: { type: 'string' },
  only: { type: 'string' },
  'node-flags': { type: 'string' },
  json: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

const { values } = parse();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`bench: --${name} must be a positive number`);
    process.exit(2);
  }
  return value;
}

function extractSrc(ref: string): { label: string; dir: string } {
  const dir = join(root, '.temperance', 'bench', 'before');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['archive', ref, 'src'], { cwd: root });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  const label = execFileSync('git', ['rev-parse', '--short', ref], { cwd: root, encoding: 'utf8' }).trim();
  return { label: `before: ${label}`, dir: join(dir, 'src') };
}

// The smoke run (npm test) checks that every path and scenario works, not how fast.
const smoke = values.smoke;
const began = performance.now();
const results = await runBenchmark({
  rounds: Math.round(positive('rounds', values.rounds, smoke ? 1 : 5)),
  scale: positive('scale', values.scale, smoke ? 0.02 : 1),
  workerd: !values['no-workerd'],
  compareFetch: values['compare-fetch'],
  compareStrip: values['compare-strip'],
  only: values.only?.split(','),
  nodeFlags: values['node-flags']?.split(' ').filter((flag) => flag !== ''),
  beforeSrc: values.before === undefined ? undefined : extractSrc(values.before),
  cpuProfDir: values['cpu-prof'],
  // 40 pairs of 100 requests: the median of the 40 ratios stayed within 1.015-1.052 over eight runs here.
  paired: { pairs: 40, batch: 100 },
  resolutionLookups: smoke ? 2_000 : 50_000,
  log: (line) => console.error(`bench: ${line} (${((performance.now() - began) / 1000).toFixed(0)} s)`),
});
console.log(render(results));
if (values.json !== undefined) {
  const cells = Object.fromEntries([...results.cells].map(([key, cell]) => [key.replace('\u0000', ' / '), cell]));
  await writeFile(values.json, JSON.stringify({ ...results, cells, memory: Object.fromEntries(results.memory) }, null, 1));
}
const errors = [...results.cells.values()].reduce((sum, cell) => sum + cell.errors, 0);
process.exit(errors > 0 ? 1 : 0);
