/**
 * Input checks shared by the community detectors. A bad affinity matrix (NaN from a degenerate
 * NTF factor, a sign error, a transposed half) would otherwise give a silently wrong partition, so
 * each problem is reported with the first offending entry.
 */
import { ValidationError } from '../../../errors.js';
import type { WeightedGraph } from './types.js';

/**
 * Relative tolerance on |w_ij − w_ji|. Affinities computed in floating point as f(i, j) and
 * f(j, i) may differ in the last bits; anything larger is a real asymmetry.
 */
const SYMMETRY_TOLERANCE = 1e-9;

/**
 * Checks the WeightedGraph contract (square, finite, non-negative, symmetric, zero diagonal) and
 * throws a ValidationError naming the first entry that breaks it.
 */
export function validateWeightedGraph(graph: WeightedGraph, field = 'graph'): void {
  if (graph === null || typeof graph !== 'object') {
    throw new ValidationError(field, 'expected an object { nodeCount, weights }');
  }
  const n = graph.nodeCount;
  if (!Number.isInteger(n) || n < 0) {
    throw new ValidationError(`${field}.nodeCount`, `must be a non-negative integer, got ${String(n)}`);
  }
  const w = graph.weights;
  if (!(w instanceof Float64Array)) {
    throw new ValidationError(`${field}.weights`, 'must be a Float64Array');
  }
  if (w.length !== n * n) {
    throw new ValidationError(
      `${field}.weights`,
      `length ${w.length} does not match nodeCount² = ${n * n} (nodeCount ${n})`,
    );
  }
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const v = w[row + j]!;
      if (Number.isNaN(v)) throw new ValidationError(`${field}.weights`, `entry [${i}, ${j}] is NaN`);
      if (!Number.isFinite(v)) throw new ValidationError(`${field}.weights`, `entry [${i}, ${j}] is infinite`);
      if (v < 0) throw new ValidationError(`${field}.weights`, `entry [${i}, ${j}] is negative (${v}); weights must be ≥ 0`);
      if (i === j) {
        if (v !== 0) throw new ValidationError(`${field}.weights`, `diagonal entry [${i}, ${i}] is ${v}; self-loops must be 0`);
      } else if (j > i) {
        const u = w[j * n + i]!;
        if (Math.abs(v - u) > SYMMETRY_TOLERANCE * Math.max(Math.abs(v), Math.abs(u))) {
          throw new ValidationError(
            `${field}.weights`,
            `not symmetric: [${i}, ${j}] = ${v} but [${j}, ${i}] = ${u}`,
          );
        }
      }
    }
  }
}
