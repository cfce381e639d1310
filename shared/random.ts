/**
 * Seeded randomness shared by every side (the engine's pipelines, the renderer's layouts): results
 * must be a pure function of their inputs and the stored seed, on every machine, so Math.random is
 * never used where a number is kept or compared.
 */

/** A uniform generator on [0, 1). */
export type Random = () => number;

/** mulberry32: 32 bits of state, tiny and fast; ample for initial factors, shuffles and layouts. */
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

/**
 * An independent 32-bit seed from a base seed and stream numbers (rank, restart, component…), so
 * streams share no prefix and adding one does not change the others (splitmix32-style avalanche).
 */
export function deriveSeed(seed: number, ...streams: number[]): number {
  let h = (seed >>> 0) ^ 0x9e3779b9;
  for (const s of streams) {
    h = Math.imul(h ^ (s >>> 0), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Uniform integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T>(items: Int32Array | T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}

/** A random permutation of 0…n−1. */
export function randomPermutation(n: number, random: Random): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(order, random);
  return order;
}
