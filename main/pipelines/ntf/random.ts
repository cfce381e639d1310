/**
 * A small seeded PRNG (mulberry32) so that every NTF restart and community fit is reproducible from
 * the run's stored seed. Not for cryptography; 2^32 period is ample for initial factors.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed derived from a base seed and indices (rank, restart…), well mixed so neighbours differ. */
export function deriveSeed(base: number, ...indices: number[]): number {
  let h = (base ^ 0x9e3779b9) >>> 0;
  for (const index of indices) {
    h = Math.imul(h ^ (index + 0x7f4a7c15), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}
