// Samples → the table the benchmark prints: percentiles, added latency against the direct
// path, the ratio to the minimal proxy, CPU per request, RSS; and whether the targets hold.
import { median } from './paired.ts';
import type { ResolutionResult } from './resolution.ts';

export const DIRECT = 'direct';
export const FLOOR = 'minimal proxy (node:http)';
export const FLOOR_HONO = 'minimal proxy (hono)';
export const GATEWAY_NODE = 'temperance (node)';
export const GATEWAY_NODE_10K = 'temperance (node, 10,000 policies)';
export const GATEWAY_WORKERD = 'temperance (workerd)';
/** The deployable bundle served by `workerd serve` itself (bench/workerd.ts): no wrangler proxy. */
export const GATEWAY_WORKERD_DIRECT = 'temperance (workerd direct)';
/** The smallest proxy a Worker can be, served by workerd the same way (bench/targets/workerd-proxy.js). */
export const FLOOR_WORKERD = 'minimal proxy (workerd direct)';
/** The Node gateway from its TypeScript source (type stripping), with --compare-strip. */
export const GATEWAY_NODE_STRIPPED = 'temperance (node, type stripping)';
/** The Node gateway with TEMPERANCE_DB=off: only in the paired comparisons (bench/paired.ts). */
export const GATEWAY_NODE_NO_STORE = 'temperance (node, no store)';

/**
 * One paired comparison (bench/paired.ts) inside one gateway process: every pair's CPU ratio of
 * the request under an experiment to the same policy's request without one.
 */
export type Paired = { target: string; ratios: number[] };

export type Cell = {
  latencies: number[];
  firstBytes: number[];
  wallMs: number;
  requests: number;
  errors: number;
  firstError: string | undefined;
  /** Gateway process CPU over this cell's batches, microseconds (undefined: not measured). */
  cpuMicros: number | undefined;
};

/** Start-up time (see Target.startMs); RSS right after start, after the warm-up with no load, and the most seen at c=32. */
export type Memory = { startMs: number; startBytes: number; idleBytes: number; loadedBytes: number };

export type Results = {
  scenarios: { id: string; label: string; streamed: boolean; chunks?: number }[];
  targets: string[];
  cells: Map<string, Cell>;
  memory: Map<string, Memory>;
  resolution: ResolutionResult | undefined;
  machine: string;
  rounds: number;
  paired: Paired[];
};

export const cellKey = (scenario: string, target: string) => `${scenario}\u0000${target}`;

export function emptyCell(): Cell {
  return { latencies: [], firstBytes: [], wallMs: 0, requests: 0, errors: 0, firstError: undefined, cpuMicros: 0 };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

const PERCENTILES = [50, 90, 99] as const;

function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(3);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [line(header), `|${widths.map((width, i) => (i < 2 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

type Series = 'latency' | 'first';

function series(cell: Cell, which: Series): number[] {
  return which === 'latency' ? cell.latencies : cell.firstBytes;
}

/** pXX of a target minus pXX of the direct path, both over every round's samples. */
export function added(results: Results, scenario: string, target: string, p: number, which: Series = 'latency'): number {
  const cell = results.cells.get(cellKey(scenario, target));
  const direct = results.cells.get(cellKey(scenario, DIRECT));
  if (cell === undefined || direct === undefined) return Number.NaN;
  return percentile(series(cell, which), p) - percentile(series(direct, which), p);
}

/**
 * Below this a floor's added p50 is not a measurement: the last token of a long stream hides
 * the hop in the stream's own time, and the floor read -0.08 to +0.03 ms there (a ratio of
 * 781× to +0.028 ms says nothing of the path). The smallest floor of any other cell is ~0.2 ms.
 */
const MIN_FLOOR_MS = 0.05;

/** A path's added p50 over a floor's; NaN when the floor adds nothing measurable (MIN_FLOOR_MS). */
export function addedRatio(results: Results, scenario: string, target: string, floor: string, which: Series = 'latency'): number {
  const below = added(results, scenario, floor, 50, which);
  return below >= MIN_FLOOR_MS ? added(results, scenario, target, 50, which) / below : Number.NaN;
}

function latencyRows(results: Results): string[][] {
  const rows: string[][] = [];
  for (const scenario of results.scenarios) {
    const views: { label: string; which: Series }[] = scenario.streamed
      ? [{ label: `${scenario.label}: first token`, which: 'first' }, { label: `${scenario.label}: last token`, which: 'latency' }]
      : [{ label: scenario.label, which: 'latency' }];
    for (const view of views) {
      for (const target of results.targets) {
        const cell = results.cells.get(cellKey(scenario.id, target));
        if (cell === undefined) continue;
        const values = series(cell, view.which);
        const isDirect = target === DIRECT;
        const addedP = PERCENTILES.map((p) => (isDirect ? '—' : ms(added(results, scenario.id, target, p, view.which))));
        const ratioTo = (floor: string) => {
          const ratio = isDirect || target === FLOOR || target === floor ? Number.NaN : addedRatio(results, scenario.id, target, floor, view.which);
          return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '—';
        };
        const perSecond = cell.wallMs > 0 ? (cell.requests / (cell.wallMs / 1000)).toFixed(0) : '—';
        const cpu = isDirect || cell.cpuMicros === undefined || cell.requests === 0 ? '—' : (cell.cpuMicros / 1000 / cell.requests).toFixed(3);
        rows.push([view.label, target, ms(percentile(values, 50)), ...addedP, ratioTo(FLOOR), ratioTo(FLOOR_HONO), perSecond, cpu, String(cell.errors)]);
      }
    }
  }
  return rows;
}

export type Verdict = { target: string; holds: boolean; detail: string };

function cpuPerRequest(results: Results, scenario: string, target: string): number {
  const cell = results.cells.get(cellKey(scenario, target));
  return cell?.cpuMicros === undefined || cell.requests === 0 ? Number.NaN : cell.cpuMicros / 1000 / cell.requests;
}

function quartiles(values: readonly number[]): string {
  return `${percentile(values, 25).toFixed(3)}–${percentile(values, 75).toFixed(3)}`;
}

/** One line per target of issue 15 (round two) and per scenario, so a miss says exactly where. */
export function verdicts(results: Results): Verdict[] {
  const out: Verdict[] = [];
  const present = (target: string) => results.targets.includes(target);
  const ratioOfAdded = (target: string, scenario: string, view: Series = 'latency') => addedRatio(results, scenario, target, FLOOR, view);
  // Node, small request: CPU ≤ 1.3× the node:http proxy's at c=1 and c=32; added p50 ≤ 1.3× at c=1, ≤ 1.5× at c=32.
  for (const [scenario, latencyBound] of [['small-c1', 1.3], ['small-c32', 1.5]] as const) {
    const perRequest = cpuPerRequest(results, scenario, GATEWAY_NODE);
    const floor = cpuPerRequest(results, scenario, FLOOR);
    if (Number.isFinite(perRequest)) {
      out.push({ target: `${GATEWAY_NODE}: CPU per small request ≤ 1.3× the node:http proxy's (${scenario})`, holds: perRequest <= 1.3 * floor, detail: `${perRequest.toFixed(3)} ms vs ${floor.toFixed(3)} ms: ${(perRequest / floor).toFixed(2)}×` });
    }
    const ratio = ratioOfAdded(GATEWAY_NODE, scenario);
    if (Number.isFinite(ratio)) out.push({ target: `${GATEWAY_NODE}: added p50 ≤ ${latencyBound}× the node:http proxy's (${scenario})`, holds: ratio <= latencyBound, detail: `${ratio.toFixed(2)}×` });
  }
  // Issue 11: an experiment's own cost, on the gateway without a store; issue 12: what recording
  // outcomes adds to it, the same ratio with the SQLite store over the one without. Paired
  // batches (bench/paired.ts); the sums of the rounds are shown beside, for the record.
  const summed = cpuPerRequest(results, 'experiment-c1', GATEWAY_NODE) / cpuPerRequest(results, 'plain-user-c1', GATEWAY_NODE);
  const withoutStore = results.paired.find((pair) => pair.target === GATEWAY_NODE_NO_STORE);
  const withStore = results.paired.find((pair) => pair.target === GATEWAY_NODE);
  if (withoutStore !== undefined) {
    const ratio = median(withoutStore.ratios);
    const aside = Number.isFinite(summed) ? `; summed over the rounds, with the store: ${summed.toFixed(3)}×` : '';
    out.push({ target: `${GATEWAY_NODE_NO_STORE}: CPU per small request under an experiment ≤ 1.05× the same policy without one`, holds: ratio <= 1.05, detail: `${ratio.toFixed(3)}× (median of ${withoutStore.ratios.length} paired batches, middle half ${quartiles(withoutStore.ratios)})${aside}` });
  }
  if (withoutStore !== undefined && withStore !== undefined) {
    const ratio = median(withStore.ratios) / median(withoutStore.ratios);
    out.push({ target: `${GATEWAY_NODE}: recording outcomes (SQLite) adds ≤ 5% CPU per request under an experiment`, holds: ratio <= 1.05, detail: `${ratio.toFixed(3)}× (experiment ÷ no experiment: ${median(withStore.ratios).toFixed(3)}× with the store, ${median(withoutStore.ratios).toFixed(3)}× without)` });
  }
  // Every other scenario: the ratio, for the record (no bound in the issue).
  for (const scenario of results.scenarios.filter((one) => !one.id.startsWith('small-'))) {
    const ratio = ratioOfAdded(GATEWAY_NODE, scenario.id);
    if (Number.isFinite(ratio)) out.push({ target: `${GATEWAY_NODE}: added p50 ÷ the node:http proxy's, ${scenario.label} (no bound)`, holds: true, detail: `${ratio.toFixed(2)}×` });
  }
  // Streaming: added TTFT ≤ 0.5 ms p50; CPU per streamed chunk ≤ 1.5× the minimal proxy's.
  for (const gateway of [GATEWAY_NODE, GATEWAY_WORKERD_DIRECT].filter(present)) {
    const first = added(results, 'stream-c1', gateway, 50, 'first');
    if (Number.isFinite(first)) out.push({ target: `${gateway}: streamed TTFT ≤ 0.5 ms added at p50`, holds: first <= 0.5, detail: `${ms(first)} ms` });
  }
  for (const scenario of results.scenarios.filter((one) => one.chunks !== undefined)) {
    const chunks = scenario.chunks ?? 1;
    const perChunk = cpuPerRequest(results, scenario.id, GATEWAY_NODE) / chunks;
    const floor = cpuPerRequest(results, scenario.id, FLOOR) / chunks;
    if (Number.isFinite(perChunk)) out.push({ target: `${GATEWAY_NODE}: CPU per streamed chunk ≤ 1.5× the node:http proxy's (${scenario.id})`, holds: perChunk <= 1.5 * floor, detail: `${(perChunk * 1000).toFixed(1)} µs vs ${(floor * 1000).toFixed(1)} µs: ${(perChunk / floor).toFixed(2)}×` });
  }
  // Node memory and start: ≤ 80 MiB at start, ≤ 130 MiB at c=32, start ≤ 200 ms.
  const memory = results.memory.get(GATEWAY_NODE);
  if (memory !== undefined) {
    const mib = (bytes: number) => bytes / 2 ** 20;
    out.push({ target: `${GATEWAY_NODE}: RSS ≤ 80 MiB at start`, holds: mib(memory.startBytes) <= 80, detail: `${mib(memory.startBytes).toFixed(1)} MiB (${mib(memory.idleBytes).toFixed(1)} MiB idle after the warm-up)` });
    out.push({ target: `${GATEWAY_NODE}: RSS ≤ 130 MiB at c=32`, holds: mib(memory.loadedBytes) <= 130, detail: `${mib(memory.loadedBytes).toFixed(1)} MiB` });
    out.push({ target: `${GATEWAY_NODE}: in-process start ≤ 200 ms`, holds: memory.startMs <= 200, detail: `${memory.startMs.toFixed(0)} ms` });
  }
  // workerd served directly: added p50 ≤ 1.5× the node:http proxy's; CPU per request reported.
  if (present(GATEWAY_WORKERD_DIRECT)) {
    for (const scenario of results.scenarios) {
      const ratio = ratioOfAdded(GATEWAY_WORKERD_DIRECT, scenario.id);
      const cpu = cpuPerRequest(results, scenario.id, GATEWAY_WORKERD_DIRECT);
      // Beside it, what the smallest Worker on workerd adds: the part of the miss that is workerd's own.
      const floor = present(FLOOR_WORKERD) ? addedRatio(results, scenario.id, FLOOR_WORKERD, FLOOR) : Number.NaN;
      const own = present(FLOOR_WORKERD) ? addedRatio(results, scenario.id, GATEWAY_WORKERD_DIRECT, FLOOR_WORKERD) : Number.NaN;
      const beside = Number.isFinite(floor) && Number.isFinite(own) ? `; the minimal proxy on workerd: ${floor.toFixed(2)}× the node:http proxy's, temperance ${own.toFixed(2)}× it` : '';
      if (Number.isFinite(ratio)) out.push({ target: `${GATEWAY_WORKERD_DIRECT}: added p50 ≤ 1.5× the node:http proxy's, ${scenario.label}`, holds: ratio <= 1.5, detail: `${ratio.toFixed(2)}×, CPU ${cpu.toFixed(3)} ms/req${beside}` });
    }
  }
  if (results.resolution !== undefined) {
    for (const row of results.resolution.rows) {
      const ratio = row.nsPerLookup[1] / row.nsPerLookup[0];
      out.push({ target: `10,000 policies resolve as fast as 10 (≤ 1.1×), ${row.label}`, holds: ratio <= 1.1, detail: `${ratio.toFixed(2)}× (${row.nsPerLookup[0].toFixed(0)} → ${row.nsPerLookup[1].toFixed(0)} ns)` });
    }
  }
  if (present(GATEWAY_NODE_10K)) {
    for (const scenario of ['small-c1', 'small-c32']) {
      const ratio = added(results, scenario, GATEWAY_NODE_10K, 50) / added(results, scenario, GATEWAY_NODE, 50);
      const cpu = cpuPerRequest(results, scenario, GATEWAY_NODE_10K) / cpuPerRequest(results, scenario, GATEWAY_NODE);
      out.push({ target: `10,000 policies as fast as 10 end to end (≤ 1.1×), ${scenario}`, holds: ratio <= 1.1 && cpu <= 1.1, detail: `added p50 ${ratio.toFixed(2)}×, CPU ${cpu.toFixed(2)}×` });
    }
  }
  return out;
}

export function render(results: Results): string {
  const parts: string[] = [];
  parts.push(`machine: ${results.machine}; ${results.rounds} interleaved rounds; latency in ms; "added" = this path's percentile minus the direct path's`);
  parts.push('');
  parts.push(table(
    ['scenario', 'path', 'p50', '+p50', '+p90', '+p99', '+p50 ÷ node:http', '+p50 ÷ hono', 'req/s', 'CPU ms/req', 'errors'],
    latencyRows(results),
  ));
  parts.push('');
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const memoryRows = [...results.memory].map(([target, memory]) => [target, '', memory.startMs.toFixed(0), mib(memory.startBytes), mib(memory.idleBytes), mib(memory.loadedBytes)]);
  parts.push(table(['memory', '', 'ready after ms', 'RSS at start MiB', 'RSS idle after warm-up MiB', 'RSS max at c=32 MiB'], memoryRows));
  if (results.resolution !== undefined) {
    const { sizes, loadMs, rows } = results.resolution;
    parts.push('');
    parts.push(table(
      ['resolution (in process)', '', `${sizes[0]} policies ns`, `${sizes[1].toLocaleString('en')} policies ns`, 'ratio'],
      [
        ...rows.map((row) => [row.label, '', row.nsPerLookup[0].toFixed(0), row.nsPerLookup[1].toFixed(0), `${(row.nsPerLookup[1] / row.nsPerLookup[0]).toFixed(2)}×`]),
        ['load + validate (ms)', '', loadMs[0].toFixed(1), loadMs[1].toFixed(1), '—'],
      ],
    ));
  }
  parts.push('');
  parts.push('targets:');
  for (const verdict of verdicts(results)) parts.push(`  ${verdict.holds ? 'holds ' : 'MISSED'}  ${verdict.target}: ${verdict.detail}`);
  const failures = [...results.cells].filter(([, cell]) => cell.errors > 0);
  for (const [key, cell] of failures) parts.push(`errors in ${key.replace('\u0000', ' / ')}: ${cell.errors}, first: ${cell.firstError ?? ''}`);
  return parts.join('\n');
}
