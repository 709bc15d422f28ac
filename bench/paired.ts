// Paired comparisons: two variants of one small request measured in adjacent short batches, in
// ABBA order, many times over; the result is the median of the per-pair CPU ratios.
//
// Why not the rounds' sums: a gateway's CPU per request drifts by 2x over a run on this shared
// machine (warm-up, neighbours), single batches jump by ±15%, and summed over a few rounds the
// variant that happened to catch a slow stretch looks several percent dearer. An A/A run (the same
// request in both slots) showed 1.045-1.053x from the sums; the paired median gives 0.996x
// (docs/benchmarks.md, "Under an experiment"). Adjacent batches share the machine's state, so their
// ratio cancels the drift, and the median ignores the batch a collection or a neighbour spoiled.
import type { Pool } from 'undici';
import { runBatch, type Shot } from './load.ts';
import type { Target } from './processes.ts';

/** One side of a pair: what is sent, through which client, to which process (whose CPU is read). */
export type Side = { pool: Pool; shot: Shot; target: Target };

export type PairedOptions = { pairs: number; batch: number };

/** CPU per request of one batch, microseconds (the process's every thread). */
async function cpuPerRequest(side: Side, batch: number): Promise<number> {
  const before = await side.target.usage();
  const done = await runBatch(side.pool, side.shot, batch, 1);
  const after = await side.target.usage();
  if (done.errors > 0) throw new Error(`paired batch failed: ${done.firstError ?? 'unknown error'}`);
  return (after.cpuMicros - before.cpuMicros) / batch;
}

/** `pairs` ratios b/a, each from two adjacent batches; every other pair runs b first (ABBA). */
export async function pairedRatios(a: Side, b: Side, options: PairedOptions): Promise<number[]> {
  const ratios: number[] = [];
  for (let pair = 0; pair < options.pairs; pair += 1) {
    if (pair % 2 === 0) {
      const first = await cpuPerRequest(a, options.batch);
      ratios.push((await cpuPerRequest(b, options.batch)) / first);
    } else {
      const second = await cpuPerRequest(b, options.batch);
      ratios.push(second / (await cpuPerRequest(a, options.batch)));
    }
  }
  return ratios;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
