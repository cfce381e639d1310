/**
 * The reference's confusion matrices (clustering/kmeans.py, analyses/confusion_matrix.py):
 *  - response confusion: the mean raw response of cluster j's neurons to MDS i, each column divided
 *    by its diagonal ('column_diag'), so 1 on the diagonal and < 1 off it when each MDS is discriminative;
 *  - known-type confusion: counts of each known type per cluster, with the ARI;
 *  - on-the-fly assignment: argmax response over the MDS per cell, against a reference cluster.
 */
import { adjustedRandIndex } from './ari.js';

/** responses [K, N] row-major (MDS × neurons); assignment per neuron in 0…K−1. Returns [K (MDS), K (clusters)]. */
export function responseConfusion(responses: Float32Array, k: number, n: number, assignment: Int32Array): Float32Array {
  const sums = new Float64Array(k * k);
  const counts = new Float64Array(k);
  for (let j = 0; j < n; j++) counts[assignment[j]!]!++;
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) sums[i * k + assignment[j]!]! += responses[i * n + j]!;
  const out = new Float32Array(k * k);
  for (let c = 0; c < k; c++) {
    const diag = counts[c]! > 0 ? sums[c * k + c]! / counts[c]! : Number.NaN;
    for (let i = 0; i < k; i++) out[i * k + c] = counts[c]! > 0 ? sums[i * k + c]! / counts[c]! / diag : Number.NaN;
  }
  return out;
}

/** Argmax over the K rows per neuron (first maximum). */
export function argmaxAssignment(responses: Float32Array, k: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    let best = 0;
    for (let i = 1; i < k; i++) if (responses[i * n + j]! > responses[best * n + j]!) best = i;
    out[j] = best;
  }
  return out;
}

export interface KnownTypeConfusion {
  types: string[];
  /** [clusters, types] counts. */
  counts: Int32Array;
  ari: number;
  /** Per cluster, the most common type (null if it has no typed member). */
  majority: (string | null)[];
}

/** Cells without a type are left out of the counts and the ARI. */
export function knownTypeConfusion(assignment: Int32Array, k: number, cellTypes: readonly (string | null)[]): KnownTypeConfusion | null {
  const typed = cellTypes.map((t, i) => [t, i] as const).filter(([t]) => t !== null && t !== '') as (readonly [string, number])[];
  if (typed.length === 0) return null;
  const types = [...new Set(typed.map(([t]) => t))].sort();
  const index = new Map(types.map((t, i) => [t, i]));
  const counts = new Int32Array(k * types.length);
  for (const [t, i] of typed) counts[assignment[i]! * types.length + index.get(t)!]!++;
  const majority = Array.from({ length: k }, (_, c) => {
    let best = -1;
    let bestCount = 0;
    for (let t = 0; t < types.length; t++) if (counts[c * types.length + t]! > bestCount) [best, bestCount] = [t, counts[c * types.length + t]!];
    return best >= 0 ? types[best]! : null;
  });
  const ari = adjustedRandIndex(typed.map(([, i]) => assignment[i]!), typed.map(([t]) => t));
  return { types, counts, ari, majority };
}

/** [reference, assigned] counts over `k` clusters; references of −1 are left out. */
export function assignmentConfusion(reference: Int32Array, assigned: Int32Array, k: number): { confusion: Int32Array; accuracy: number } {
  const confusion = new Int32Array(k * k);
  let right = 0;
  let total = 0;
  for (let i = 0; i < reference.length; i++) {
    if (reference[i]! < 0) continue;
    confusion[reference[i]! * k + assigned[i]!]!++;
    total++;
    if (reference[i] === assigned[i]) right++;
  }
  return { confusion, accuracy: total ? right / total : Number.NaN };
}
