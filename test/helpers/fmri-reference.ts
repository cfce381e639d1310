/**
 * Shared by the connectivity tests and test/fixtures/reference/connectivity_sklearn.py: the synthetic
 * series formula and the matrix sketch (fixed samples, product with a fixed vector, Frobenius norm)
 * that the reference JSON stores instead of whole 116 × 116 matrices.
 */
import type { SeriesMatrix } from '../../main/pipelines/fmri/covariance.js';

/** The python script's `synthetic(subject, regions, timepoints)`, region-major. */
export function syntheticSeries(subject: number, regions: number, timepoints: number): SeriesMatrix {
  const data = new Float64Array(regions * timepoints);
  for (let ri = 0; ri < regions; ri++) {
    const r = ri + 1;
    for (let ti = 0; ti < timepoints; ti++) {
      const t = ti + 1;
      data[ri * timepoints + ti] =
        Math.sin(0.37 * t * r + subject) + 0.5 * Math.cos(0.11 * t * (r + 1) + 0.3 * subject * r) + 0.2 * Math.sin(0.05 * t * (subject + 1)) + 0.1 * r;
    }
  }
  return { regionCount: regions, timepoints, data };
}

export interface Sketch {
  samples: number[];
  product: number[];
  frobenius: number;
}

/** The python script's `sketch(m)`. */
export function sketch(m: Float64Array, n: number): Sketch {
  const samples = Array.from({ length: 200 }, (_, k) => m[(k * 7919 + 13) % (n * n)]!);
  const product = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += m[i * n + j]! * Math.sin(j + 1);
    return s;
  });
  let f = 0;
  for (const v of m) f += v * v;
  return { samples, product, frobenius: Math.sqrt(f) };
}

/** Feature indices of the reference's `featureSamples`. */
export function featureSampleIndex(k: number, featureCount: number): number {
  return (k * 104729 + 7) % featureCount;
}

/**
 * Largest difference between two number lists relative to the larger of `scale` and each value's
 * magnitude (a relative tolerance that does not blow up on entries that are ~0 by cancellation).
 */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: number): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = Math.abs(actual[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), scale);
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}
