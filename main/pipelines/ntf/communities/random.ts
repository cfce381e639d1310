/**
 * Seeded randomness for community detection and the benchmark generators. Every stochastic step
 * (node visiting order, move proposals, restarts, graph sampling) draws from one of these so that a
 * result is a pure function of its inputs and seed.
 */

/** A uniform generator on [0, 1). */
export type Rng = () => number;

/** mulberry32: 32 bits of state, passes the usual smoke tests, and is tiny and fast. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Derives an independent 32-bit seed from a base seed and stream numbers (restart index, model
 * variant), so that restarts do not share a prefix of one stream and adding a restart does not
 * change the others. splitmix32-style avalanche of each part.
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
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace(items: Int32Array | number[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}

/** A random permutation of 0…n−1. */
export function randomPermutation(n: number, rng: Rng): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(order, rng);
  return order;
}
