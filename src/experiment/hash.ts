// The draw's hash: where a unit falls in [0, 1) for one experiment. This is GrowthBook's
// version-2 bucketing hash (FNV-1a 32-bit applied twice, the first time to seed + value; see
// growthbook/growthbook packages/sdk-js/src/util.ts `hash()`), which feature-flag systems use
// because it is fast, spreads ids evenly and gives the same answer in every language. It reads
// UTF-16 code units (charCodeAt), which are the same on Node and workerd. Changing any of this
// moves users between arms: a golden test (test/experiment/draw.test.ts) pins its values.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** GrowthBook's resolution: 10,000 buckets, so a weight share is honoured to 0.01 %. */
export const BUCKETS = 10_000;

export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** A point in [0, 1): the same for the same seed (the experiment's name) and value (the unit), everywhere. */
export function unitPoint(seed: string, value: string): number {
  return (fnv1a32(String(fnv1a32(seed + value))) % BUCKETS) / BUCKETS;
}
