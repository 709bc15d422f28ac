// Summarises a V8 CPU profile (node --cpu-prof; `npm run bench -- --cpu-prof DIR` writes one
// of the Node gateway): self time by function and by where the code lives.
//   node bench/profile-summary.ts FILE.cpuprofile [--top 25]
import { readFile } from 'node:fs/promises';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { isRecord } from './ipc.ts';

type Frame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: Frame; children: number[] };

function asNodes(value: unknown): ProfileNode[] {
  if (!Array.isArray(value)) throw new Error('not a CPU profile: no nodes');
  return value.flatMap((node: unknown) => {
    if (!isRecord(node) || typeof node.id !== 'number' || !isRecord(node.callFrame)) return [];
    const { functionName, url, lineNumber } = node.callFrame;
    const children = Array.isArray(node.children) ? node.children.filter((child): child is number => typeof child === 'number') : [];
    return [{ id: node.id, callFrame: { functionName: String(functionName), url: String(url), lineNumber: Number(lineNumber) }, children }];
  });
}

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number') : [];
}

/**
 * A bundle (esbuild, what the benchmark runs) is one file: esbuild starts each module's code with
 * a `// path/of/module.ts` comment, so a line number maps back to the module it came from.
 */
const bundleModules = new Map<string, { line: number; module: string }[]>();

async function loadBundleModules(url: string): Promise<void> {
  if (!url.endsWith('.js') || bundleModules.has(url)) return;
  const text = await readFile(url.startsWith('file://') ? new URL(url) : url, 'utf8').catch(() => '');
  const starts: { line: number; module: string }[] = [];
  text.split('\n').forEach((line, index) => {
    const comment = /^\/\/ ((?:src|bench|node_modules)\/\S+)$/.exec(line);
    if (comment?.[1] !== undefined) starts.push({ line: index, module: comment[1] });
  });
  bundleModules.set(url, starts);
}

function moduleAt(url: string, line: number): string | undefined {
  const starts = bundleModules.get(url);
  if (starts === undefined || starts.length === 0) return undefined;
  let found: string | undefined;
  for (const start of starts) {
    if (start.line > line) break;
    found = start.module;
  }
  return found;
}

/** Where a frame's code lives: our source, a package, Node itself, or V8/the runtime. */
function place(frame: Frame): string {
  const { functionName } = frame;
  const url = moduleAt(frame.url, frame.lineNumber) ?? frame.url;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  if (url.startsWith('node:')) return url.startsWith('node:internal/deps/undici') ? 'node:undici (fetch)' : 'node:' + (url.split('/')[1] ?? url);
  const src = /(?:^|\/)(src|bench)\/(.*)$/.exec(url);
  return src === null ? url : `${src[1]}/${src[2]}`;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const file = positionals[0];
if (file === undefined) {
  console.error('usage: node bench/profile-summary.ts FILE.cpuprofile [--top N]');
  process.exit(2);
}
const profile: unknown = JSON.parse(await readFile(file, 'utf8'));
if (!isRecord(profile)) throw new Error('not a CPU profile');
const nodes = asNodes(profile.nodes);
const samples = numbers(profile.samples);
const deltas = numbers(profile.timeDeltas);
const byId = new Map(nodes.map((node) => [node.id, node]));
for (const url of new Set(nodes.map((node) => node.callFrame.url))) await loadBundleModules(url);
const self = new Map<number, number>();
samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((sum, [, us]) => sum + us, 0);
const busy = total - idle;

const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
for (const [id, us] of self) {
  const node = byId.get(id);
  if (node === undefined || node.callFrame.functionName === '(idle)') continue;
  const { callFrame } = node;
  const name = `${callFrame.functionName || '(anonymous)'} ${place(callFrame)}:${callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  byPlace.set(place(callFrame), (byPlace.get(place(callFrame)) ?? 0) + us);
}
const top = Number(values.top);
const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
console.log(`busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled`);
console.log('\nself time by place:');
for (const [name, us] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${name}`);
console.log('\nself time by function:');
for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${name}`);
