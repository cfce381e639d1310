/**
 * Connectivity on synthetic series, against test/fixtures/reference/connectivity-sklearn.json (written by
 * connectivity_sklearn.py: sklearn's LedoitWolf with nilearn's ConnectivityMeasure semantics) and against
 * closed forms. `pearson` is nilearn's 'correlation' (z-score, Ledoit–Wolf, cov_to_corr), which is not
 * np.corrcoef; `sampleCorrelation` is np.corrcoef and is checked separately. The real-data comparison
 * (ABIDE, HCP) is test/integration/connectivity-real.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../main/errors.js';
import {
  connectivity,
  connectivityFeatures,
  geometricMean,
  sampleCorrelation,
  type ConnectivityKind,
} from '../../main/pipelines/fmri/connectivity.js';
import { ledoitWolf, standardizeSeries } from '../../main/pipelines/fmri/covariance.js';
import { cholesky, formSymmetric, mapEigenvalues, multiply, spdInverse, symmetricEigen } from '../../main/pipelines/fmri/linalg.js';
import { setTangentThreads, tangentWorkerSubjects } from '../../main/pipelines/fmri/whitened-logs.js';
import { REPO_ROOT } from '../helpers/data.js';
import { maxRelativeError, syntheticSeries } from '../helpers/fmri-reference.js';

interface KindReference {
  shrinkage: number[];
  matrices: number[][];
  mean: number[];
  features: number[][];
  iterations?: number;
  converged?: boolean;
}
const reference = JSON.parse(readFileSync(`${REPO_ROOT}/test/fixtures/reference/connectivity-sklearn.json`, 'utf8')) as {
  synthetic: { regions: number; timepoints: number; subjects: number; kinds: Record<ConnectivityKind, KindReference>; sampleCorrelation: number[] };
};
const syn = reference.synthetic;
const synSeries = Array.from({ length: syn.subjects }, (_, s) => syntheticSeries(s, syn.regions, syn.timepoints));

function randomSymmetric(n: number, seed: number): Float64Array {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = next();
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

describe('symmetric eigen-decomposition', () => {
  for (const n of [1, 2, 7, 116, 400]) {
    it(`reconstructs a random ${n}×${n} matrix with orthonormal vectors to ~1e-13`, () => {
      const a = randomSymmetric(n, n + 1);
      const eig = symmetricEigen(a, n);
      for (let k = 1; k < n; k++) expect(eig.values[k]!).toBeGreaterThanOrEqual(eig.values[k - 1]!);
      const back = formSymmetric(eig, (v) => v);
      let err = 0;
      for (let i = 0; i < n * n; i++) err = Math.max(err, Math.abs(back[i]! - a[i]!));
      expect(err / maxAbs(a)).toBeLessThan(1e-12);
      // Residual of each pair: ‖A v − λ v‖∞.
      let residual = 0;
      for (let k = 0; k < n; k++) {
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += a[i * n + j]! * eig.vectors[k * n + j]!;
          residual = Math.max(residual, Math.abs(s - eig.values[k]! * eig.vectors[k * n + i]!));
        }
      }
      expect(residual / maxAbs(a)).toBeLessThan(1e-12);
      const gram = multiply(eig.vectors, Float64Array.from({ length: n * n }, (_, i) => eig.vectors[(i % n) * n + Math.floor(i / n)]!), n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs(gram[i * n + j]! - (i === j ? 1 : 0))).toBeLessThan(1e-13);
    });
  }

  it('gives the closed-form eigenvalues of [[2, 1], [1, 2]] and of a diagonal matrix, with repeated values', () => {
    const pair = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(pair.values[0]).toBeCloseTo(1, 15);
    expect(pair.values[1]).toBeCloseTo(3, 15);
    expect(Math.abs(pair.vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 15);
    const d = Float64Array.of(3, 0, 0, 0, 1, 0, 0, 0, 3);
    expect(Array.from(symmetricEigen(d, 3).values)).toEqual([1, 3, 3]);
  });

  it('inverts SPD matrices and takes their square roots', () => {
    const n = 30;
    const a = randomSymmetric(n, 5);
    const spd = multiply(a, a, n);
    for (let i = 0; i < n; i++) spd[i * n + i] = spd[i * n + i]! + 0.1;
    const identity = multiply(spd, spdInverse(spd, n), n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs(identity[i * n + j]! - (i === j ? 1 : 0))).toBeLessThan(1e-11);
    const root = formSymmetric(symmetricEigen(spd, n), Math.sqrt);
    const square = multiply(root, root, n);
    expect(maxRelativeError(square, spd, maxAbs(spd))).toBeLessThan(1e-13);
    expect(cholesky(Float64Array.of(1, 2, 2, 1), 2)).toBeNull();
    expect(() => spdInverse(Float64Array.of(1, 2, 2, 1), 2)).toThrow(/not symmetric positive definite/);
  });

  it('mapEigenvalues (unsorted, fused) equals formSymmetric(symmetricEigen) to rounding, and is exactly symmetric', () => {
    for (const n of [1, 2, 5, 116]) {
      const a = randomSymmetric(n, 3 * n);
      const spd = multiply(a, a, n);
      for (let i = 0; i < n; i++) spd[i * n + i] = spd[i * n + i]! + 0.5;
      const fused = mapEigenvalues(spd, n, Math.log);
      const sorted = formSymmetric(symmetricEigen(spd, n), Math.log);
      expect(maxRelativeError(fused, sorted, maxAbs(sorted))).toBeLessThan(1e-13);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(fused[i * n + j]).toBe(fused[j * n + i]);
    }
  });
});

describe('Ledoit–Wolf (sklearn LedoitWolf, assume_centered=False)', () => {
  it('matches sklearn on the synthetic series: shrinkage and covariance to 1e-12', () => {
    synSeries.forEach((s, k) => {
      const lw = ledoitWolf(s);
      expect(Math.abs(lw.shrinkage / syn.kinds.covariance.shrinkage[k]! - 1)).toBeLessThan(1e-12);
      expect(maxRelativeError(lw.covariance, syn.kinds.covariance.matrices[k]!, 1e-3)).toBeLessThan(1e-12);
      const std = ledoitWolf(standardizeSeries(s));
      expect(Math.abs(std.shrinkage / syn.kinds.pearson.shrinkage[k]! - 1)).toBeLessThan(1e-12);
    });
  });

  it('does not shrink one region, nor data whose sample covariance is already a multiple of I', () => {
    const one = ledoitWolf({ regionCount: 1, timepoints: 4, data: Float64Array.of(1, 2, 3, 6) });
    expect(one.shrinkage).toBe(0);
    expect(one.covariance[0]).toBeCloseTo(3.5, 14); // mean 3, squares 4 + 1 + 0 + 9 over 4
    // Two centred, orthogonal columns of equal norm: S = I, so δ = ‖S − μI‖² / p = 0 and s = 0.
    const iso = ledoitWolf({ regionCount: 2, timepoints: 4, data: Float64Array.of(1, -1, 1, -1, 1, 1, -1, -1) });
    expect(iso.shrinkage).toBe(0);
    expect(Array.from(iso.covariance)).toEqual([1, 0, 0, 1]);
  });

  it('rejects non-finite values naming the region and time point', () => {
    const data = Float64Array.of(1, 2, 3, 4, 5, Number.NaN);
    expect(() => ledoitWolf({ regionCount: 2, timepoints: 3, data })).toThrow(ValidationError);
    expect(() => ledoitWolf({ regionCount: 2, timepoints: 3, data })).toThrow(/region 1, time point 2 is NaN/);
    expect(() => ledoitWolf({ regionCount: 2, timepoints: 4, data })).toThrow(/need 8 values, got 6/);
  });
});

describe('connectivity (nilearn ConnectivityMeasure semantics)', () => {
  const n = syn.regions;
  for (const kind of ['covariance', 'pearson', 'partial', 'tangent'] as ConnectivityKind[]) {
    it(`${kind}: matrices, mean and features equal the reference to 1e-10`, () => {
      const result = connectivity(synSeries, kind);
      const ref = syn.kinds[kind];
      expect(result.regionCount).toBe(n);
      result.matrices.forEach((m, k) => expect(maxRelativeError(m, ref.matrices[k]!, 1e-3)).toBeLessThan(1e-10));
      expect(maxRelativeError(result.mean!, ref.mean, 1e-3)).toBeLessThan(1e-10);
      const { features, featureCount } = connectivityFeatures(result);
      expect(featureCount).toBe((n * (n - 1)) / 2);
      expect(maxRelativeError(features, ref.features.flat(), 1e-3)).toBeLessThan(1e-10);
    });
  }

  it('tangent: the geometric mean takes as many iterations as nilearn and commutes with diagonal matrices', () => {
    const covariances = synSeries.map((s) => ledoitWolf(s).covariance);
    const g = geometricMean(covariances, n);
    expect(g.iterations).toBe(syn.kinds.tangent.iterations);
    expect(g.converged).toBe(syn.kinds.tangent.converged);
    // For commuting (diagonal) matrices the Riemannian mean is the entry-wise geometric mean.
    const a = Float64Array.of(1, 0, 0, 4);
    const b = Float64Array.of(9, 0, 0, 1);
    const mean = geometricMean([a, b], 2, { maxIter: 100, tol: 1e-14 }).mean;
    expect(mean[0]).toBeCloseTo(3, 10);
    expect(mean[3]).toBeCloseTo(2, 10);
    expect(Math.abs(mean[1]!)).toBeLessThan(1e-12);
  });

  it('tangent on worker threads is bit-for-bit the single-threaded result', async () => {
    // Large enough (≥ 4 subjects, ≥ 24 regions) for the worker path. A worker still starting claims nothing,
    // so repeat (letting the workers boot in between) until they have taken part in a run.
    const group = Array.from({ length: 6 }, (_, s) => syntheticSeries(s, 30, 80));
    try {
      setTangentThreads(1);
      const single = connectivity(group, 'tangent');
      setTangentThreads(3);
      for (let attempt = 0; attempt < 40; attempt++) {
        const before = tangentWorkerSubjects();
        const parallel = connectivity(group, 'tangent');
        expect(Array.from(parallel.mean!)).toEqual(Array.from(single.mean!));
        parallel.matrices.forEach((m, k) => expect(Array.from(m)).toEqual(Array.from(single.matrices[k]!)));
        if (tangentWorkerSubjects() > before) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error('the tangent workers never took part');
    } finally {
      setTangentThreads(null);
    }
  }, 60_000);

  it('pearson is the shrunk correlation, smaller in magnitude than np.corrcoef (sampleCorrelation)', () => {
    const plain = sampleCorrelation(synSeries[0]!);
    expect(maxRelativeError(plain, syn.sampleCorrelation, 1e-3)).toBeLessThan(1e-12);
    const shrunk = connectivity([synSeries[0]!], 'pearson').matrices[0]!;
    for (let i = 0; i < n; i++) {
      expect(shrunk[i * n + i]).toBe(1);
      for (let j = 0; j < n; j++) if (i !== j) expect(Math.abs(shrunk[i * n + j]!)).toBeLessThan(Math.abs(plain[i * n + j]!));
    }
  });

  it('partial correlation has a unit diagonal and the sign of −precision off it', () => {
    const result = connectivity(synSeries, 'partial');
    const cov = ledoitWolf(synSeries[1]!).covariance;
    const precision = spdInverse(cov, n);
    const m = result.matrices[1]!;
    for (let i = 0; i < n; i++) {
      expect(m[i * n + i]).toBe(1);
      for (let j = 0; j < n; j++) if (i !== j) expect(Math.sign(m[i * n + j]!)).toBe(-Math.sign(precision[i * n + j]!));
    }
  });

  it('vectorises the strict lower triangle row by row, unscaled (sym_matrix_to_vec, discard_diagonal=True)', () => {
    const m = Float64Array.of(1, 2, 3, 2, 1, 5, 3, 5, 1);
    const { features, featureCount } = connectivityFeatures({ kind: 'pearson', regionCount: 3, matrices: [m, m], mean: null });
    expect(featureCount).toBe(3);
    expect(Array.from(features)).toEqual([2, 3, 5, 2, 3, 5]);
  });

  it('refuses bad input with one clear error', () => {
    expect(() => connectivity([], 'pearson')).toThrow(/no subjects/);
    expect(() => connectivity([synSeries[0]!], 'tangent')).toThrow(/at least two subjects/);
    expect(() => connectivity([synSeries[0]!, syntheticSeries(1, 5, 40)], 'pearson')).toThrow(/series\[1\].*5 regions/);
    expect(() => connectivity(synSeries, 'correlation' as ConnectivityKind)).toThrow(/unknown connectivity kind/);
    expect(() => connectivity([{ regionCount: 2, timepoints: 1, data: Float64Array.of(1, 2) }], 'pearson')).toThrow(/series\[0\].*needs at least 2/);
    const flat = { regionCount: 2, timepoints: 3, data: new Float64Array(6) }; // all zeros: covariance 0
    expect(() => connectivity([flat, flat], 'tangent')).toThrow(/series\[0\].*not positive definite/);
    const bad = syntheticSeries(0, 6, 40);
    bad.data[7] = Number.POSITIVE_INFINITY;
    expect(() => connectivity([synSeries[0]!, bad], 'covariance')).toThrow(/series\[1\].*region 0, time point 7 is Infinity/);
  });
});
