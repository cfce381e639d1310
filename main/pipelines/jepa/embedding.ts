/**
 * The per-subject embedding scatter: pooled features projected on their first two principal
 * components (centred, not scaled), with the share of variance each explains. PCA rather than a
 * non-linear map (t-SNE, UMAP) because its axes mean the same thing on every run and a subject's
 * place does not depend on a random seed or a perplexity.
 */
import { ValidationError } from '../../errors.js';
import { symmetricEigen } from '../fmri/linalg.js';

export interface Projection2d {
  /** n × 2, row-major. */
  points: Float64Array;
  /** Fraction of the total variance on each axis. */
  explained: [number, number];
}

export function principalPlane(features: Float64Array, n: number, width: number): Projection2d {
  if (n < 2 || features.length !== n * width) throw new ValidationError('features', `${n} subjects × ${width} features expected (${features.length} values)`);
  const mean = new Float64Array(width);
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) mean[j] = mean[j]! + features[i * width + j]! / n;
  const centred = Float64Array.from(features, (v, k) => v - mean[k % width]!);
  const covariance = new Float64Array(width * width);
  for (let i = 0; i < n; i++) {
    const row = i * width;
    for (let a = 0; a < width; a++) {
      const x = centred[row + a]!;
      if (x === 0) continue;
      for (let b = a; b < width; b++) covariance[a * width + b] = covariance[a * width + b]! + x * centred[row + b]!;
    }
  }
  for (let a = 0; a < width; a++) for (let b = 0; b < a; b++) covariance[a * width + b] = covariance[b * width + a]!;
  const { values, vectors } = symmetricEigen(covariance, width);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  // Ascending order: the last two eigenvectors span the principal plane. Each axis's sign is fixed so
  // its largest-magnitude loading is positive, so reruns and other machines draw the same picture.
  const axes = [width - 1, width - 2].map((k) => {
    const v = vectors.subarray(k * width, k * width + width);
    let largest = 0;
    for (let j = 0; j < width; j++) if (Math.abs(v[j]!) > Math.abs(v[largest]!)) largest = j;
    return v[largest]! < 0 ? Float64Array.from(v, (x) => -x) : Float64Array.from(v);
  });
  const points = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    for (let axis = 0; axis < 2; axis++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += centred[i * width + j]! * axes[axis]![j]!;
      points[i * 2 + axis] = s;
    }
  }
  const share = (k: number) => (total > 0 ? Math.max(values[k]!, 0) / total : 0);
  return { points, explained: [share(width - 1), share(width - 2)] };
}
