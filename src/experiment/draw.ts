// The draw: which arm serves a request. Pure — (experiment name, unit, arms' names and weights
// in file order) → an arm — so every instance of the gateway, on Node and on workerd, before
// and after a restart, gives a unit the same arm. Without a unit the point comes from the
// caller's random source (deps.random), so a request draws by weight alone.
import { unitPoint } from './hash.ts';

export type WeightedArm = { readonly name: string; readonly weight: number };

/**
 * The arm whose slice of [0, 1) holds `point`: slices are cumulative weights in file order, so
 * an arm of weight 0 has an empty slice and is never drawn.
 */
export function armAt<T extends WeightedArm>(arms: readonly T[], point: number): T {
  let total = 0;
  for (const arm of arms) total += arm.weight;
  const target = point * total;
  let reached = 0;
  let last: T | undefined;
  for (const arm of arms) {
    if (arm.weight <= 0) continue;
    reached += arm.weight;
    last = arm;
    if (target < reached) return arm;
  }
  // Rounding can leave a point of 0.9999… just past the last edge: it belongs to the last arm drawn.
  if (last === undefined) throw new Error('an experiment with no arm of weight above 0 cannot draw');
  return last;
}

/** The arm of `unit` in the experiment `name`: the same everywhere, always. */
export function drawForUnit<T extends WeightedArm>(name: string, unit: string, arms: readonly T[]): T {
  return armAt(arms, unitPoint(name, unit));
}
