/**
 * A component's affinity payload (shared/api/ntf.ts) as typed data: the n × n matrix (a
 * Float32Array on arrival, its dtype checked by the contract) checked to be whole and square, and the display order checked to be a permutation of
 * the neurons, so a malformed payload fails with a message rather than drawing garbage.
 */
import type { NtfAffinity } from '../../../shared/api/index.js';
import { expectGrid } from '../components/decode.js';

export interface DecodedAffinity {
  component: number;
  n: number;
  /** Row-major n × n, symmetric. */
  matrix: Float32Array;
  /** Neuron indices, community by community. */
  order: readonly number[];
}

export function decodeAffinity(affinity: NtfAffinity): DecodedAffinity {
  const n = affinity.neuronCount;
  const what = `affinity of component ${affinity.component + 1}`;
  const matrix = affinity.matrix;
  expectGrid(matrix, n, n, what);
  if (affinity.order.length !== n) throw new Error(`${what}: the order lists ${affinity.order.length} neurons, expected ${n}`);
  const seen = new Uint8Array(n);
  for (const index of affinity.order) {
    if (index >= n || seen[index]) throw new Error(`${what}: the order is not a permutation of the ${n} neurons (at ${index})`);
    seen[index] = 1;
  }
  return { component: affinity.component, n, matrix, order: affinity.order };
}

/** Σ weight_c · A_c over components: the whole fitted affinity, for a layout that does not move between components. */
export function weightedSum(affinities: readonly DecodedAffinity[], weights: readonly number[]): Float32Array {
  const n = affinities[0]?.n ?? 0;
  const sum = new Float32Array(n * n);
  affinities.forEach((affinity, c) => {
    const w = weights[c] ?? 1;
    for (let i = 0; i < sum.length; i += 1) sum[i]! += w * affinity.matrix[i]!;
  });
  return sum;
}
