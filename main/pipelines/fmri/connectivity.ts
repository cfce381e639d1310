/**
 * Functional connectivity with the semantics of nilearn's `ConnectivityMeasure` (nilearn
 * `connectome/connectivity_matrices.py`, main at 59fffa2) and its default estimator
 * `LedoitWolf(store_precision=False)`; `fit_transform` on a group of subjects:
 *
 * - `covariance`: the Ledoit–Wolf covariance of each subject's series.
 * - `pearson`: nilearn's kind 'correlation': each region z-scored (`standardize_signal`,
 *   'zscore_sample'), then the Ledoit–Wolf covariance of that, turned into a correlation
 *   (`cov_to_corr`, unit diagonal). Because of the shrinkage these are slightly smaller in magnitude
 *   than the sample correlation `np.corrcoef`; that one is `sampleCorrelation` below.
 * - `partial`: nilearn's 'partial correlation': −cov_to_corr(Σ⁻¹) with a unit diagonal (`prec_to_partial`).
 * - `tangent`: the group's geometric mean G of the covariances (`_geometric_mean` with the arguments
 *   ConnectivityMeasure passes: max_iter = 30, tol = 1e-7), then logm(G^{-1/2} Σ G^{-1/2}) per subject;
 *   `mean` is G.
 *
 * For the other kinds `mean` is nilearn's `mean_`: the arithmetic mean of the matrices, symmetrised.
 *
 * Cost: `tangent` dominates. Every iteration of the geometric mean whitens and eigen-decomposes every
 * subject's covariance (nilearn's algorithm, reproduced step for step so the mean matches to ~1e-10;
 * the ABIDE 100-subject cohort needs 22 iterations), i.e. ~2300 eigen-decompositions of 116 × 116.
 * Those per-subject logarithms run on worker threads (whitened-logs.ts, bit-identical to one thread),
 * and inside the iteration the whitening uses Cholesky factors (see iterateGeometricMean), which
 * leaves the eigen-decompositions as nearly all of the work.
 */
import { ValidationError } from '../../errors.js';
import { checkSeries, ledoitWolf, standardizeSeries, type SeriesMatrix } from './covariance.js';
import { cholesky, frobeniusNorm, lowerInverse, mapEigenvalues, multiply, multiplyTransposed, spdInverse } from './linalg.js';
import { whitenedLogs, type WhitenedLogs } from './whitened-logs.js';

export type ConnectivityKind = 'pearson' | 'partial' | 'tangent' | 'covariance';
export const CONNECTIVITY_KINDS: readonly ConnectivityKind[] = ['pearson', 'partial', 'tangent', 'covariance'];

export interface ConnectivityResult {
  kind: ConnectivityKind;
  regionCount: number;
  /** R × R row-major, one per subject, in input order. */
  matrices: Float64Array[];
  /** tangent: the group geometric mean of the covariances; other kinds: the arithmetic mean of `matrices`. */
  mean: Float64Array | null;
}

/** Options of nilearn's `_geometric_mean`; the defaults are those `ConnectivityMeasure` passes. */
/** nilearn's `_geometric_mean` default. */
export const GEOMETRIC_MEAN_MAX_ITER = 30;

export interface GeometricMeanOptions {
  maxIter?: number;
  tol?: number;
}

export interface GeometricMean {
  mean: Float64Array;
  iterations: number;
  /** false when `maxIter` was reached before the gradient norm fell below `tol` (nilearn warns then). */
  converged: boolean;
}

/** nilearn's `cov_to_corr`: C / √(diag C diag Cᵀ), with the diagonal set to exactly 1. */
export function covToCorr(covariance: Float64Array, n: number): Float64Array {
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) scale[i] = 1 / Math.sqrt(covariance[i * n + i]!);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = covariance[i * n + j]! * scale[i]! * scale[j]!;
    out[i * n + i] = 1;
  }
  return out;
}

/** nilearn's `prec_to_partial`: −cov_to_corr(precision) with a unit diagonal. */
export function precToPartial(precision: Float64Array, n: number): Float64Array {
  const out = covToCorr(precision, n);
  for (let i = 0; i < out.length; i++) out[i] = -out[i]!;
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/**
 * The plain sample correlation of one subject (`np.corrcoef` of its regions): no shrinkage. Not a
 * nilearn kind; kept for comparison with the shrunk `pearson` kind. A constant region gives NaN
 * (as numpy) in its row and column.
 */
export function sampleCorrelation(series: SeriesMatrix): Float64Array {
  checkSeries(series);
  const { regionCount: p, timepoints: n, data } = series;
  const centred = new Float64Array(p * n);
  const norms = new Float64Array(p);
  for (let r = 0; r < p; r++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += data[r * n + t]!;
    const m = s / n;
    let ss = 0;
    for (let t = 0; t < n; t++) {
      const v = data[r * n + t]! - m;
      centred[r * n + t] = v;
      ss += v * v;
    }
    norms[r] = Math.sqrt(ss);
  }
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      let dot = 0;
      for (let t = 0; t < n; t++) dot += centred[i * n + t]! * centred[j * n + t]!;
      // numpy clips to [-1, 1] after dividing by the outer product of the standard deviations.
      const v = Math.max(-1, Math.min(1, dot / (norms[i]! * norms[j]!)));
      out[i * p + j] = v;
      out[j * p + i] = v;
    }
  }
  return out;
}

/** The lower Cholesky factor, which the tangent kind's whitening reuses. */
function checkSpd(matrix: Float64Array, n: number, what: string): Float64Array {
  // nilearn's _check_spd (symmetric, all eigenvalues > 0); a Cholesky factorisation decides the
  // same question for the symmetric matrices built here, at a third of an eigen-decomposition's cost.
  const factor = cholesky(matrix, n);
  if (!factor) {
    throw new ValidationError(what, 'the covariance is not positive definite (a constant or all-zero series?), so it has no tangent-space embedding');
  }
  return factor;
}

/**
 * nilearn's `_geometric_mean` (Fletcher & Joshi's algorithm 3): gradient descent on the manifold of
 * SPD matrices from the arithmetic mean, the step halved whenever the gradient norm grows, stopped
 * when ‖mean of logs‖_F / n² < tol. The iteration is reproduced step by step (including that the
 * returned matrix is the one after the last update) so the result equals nilearn's, not only the
 * same minimiser within tol.
 */
export function geometricMean(matrices: readonly Float64Array[], n: number, options: GeometricMeanOptions = {}, progress?: ConnectivityProgress): GeometricMean {
  const logs = whitenedLogs(matrices, validateGroup(matrices, n), n);
  try {
    return iterateGeometricMean(matrices, n, options, logs, progress);
  } finally {
    logs.close();
  }
}

/** The matrices' Cholesky factors, after checking they are n × n and SPD. */
function validateGroup(matrices: readonly Float64Array[], n: number): Float64Array[] {
  if (matrices.length === 0) throw new ValidationError('matrices', 'the geometric mean needs at least one matrix');
  return matrices.map((m, k) => {
    if (m.length !== n * n) throw new ValidationError(`matrices[${k}]`, `expected ${n}×${n} values, got ${m.length}`);
    return checkSpd(m, n, `matrices[${k}]`);
  });
}

/** The iteration of `geometricMean`; `logs` takes every subject's whitened logarithm (on worker threads when worth it). */
function iterateGeometricMean(matrices: readonly Float64Array[], n: number, options: GeometricMeanOptions, logs: WhitenedLogs, progress?: ConnectivityProgress): GeometricMean {
  const maxIter = options.maxIter ?? GEOMETRIC_MEAN_MAX_ITER;
  const tol = options.tol ?? 1e-7;
  let gmean: Float64Array = new Float64Array(n * n);
  for (const m of matrices) for (let i = 0; i < gmean.length; i++) gmean[i] = gmean[i]! + m[i]!;
  for (let i = 0; i < gmean.length; i++) gmean[i] = gmean[i]! / matrices.length;

  let normOld = Infinity;
  let step = 1;
  let norm = Infinity;
  let iterations = 0;
  for (let iter = 0; iter < maxIter; iter++) {
    iterations++;
    // nilearn whitens with G^{-1/2}; with G = L Lᵀ, G^{-1/2} = Q L⁻¹ for the orthogonal Q = G^{-1/2} L,
    // so logm(G^{-1/2} Σ G^{-1/2}) = Q logm(L⁻¹ Σ L⁻ᵀ) Qᵀ. The mean of the logs is therefore the same
    // up to that rotation, its norm is the same, and the geodesic step G^{1/2} expm(t·mean) G^{1/2}
    // equals L expm(t·mean_L) Lᵀ: the same iterates in exact arithmetic, with two triangular products
    // per subject instead of the congruence's three times as many multiply-adds.
    const l = cholesky(gmean, n);
    if (!l) throw new Error('geometric mean: the current estimate is no longer positive definite');
    const logsMean = new Float64Array(n * n);
    // Summed in subject order whichever thread computed each log, so the sum does not depend on threads.
    for (const log of logs.cholesky(lowerInverse(l, n))) {
      for (let i = 0; i < log.length; i++) logsMean[i] = logsMean[i]! + log[i]!;
    }
    progress?.(iter, `tangent space: geometric mean of ${matrices.length} covariances, iteration ${iter + 1}`);
    for (let i = 0; i < logsMean.length; i++) logsMean[i] = logsMean[i]! / matrices.length;
    if (logsMean.some(Number.isNaN)) throw new Error('geometric mean: NaN after the matrix logarithm');
    norm = frobeniusNorm(logsMean);
    // Move along the geodesic: G ← L expm(step · mean log) Lᵀ.
    const exp = mapEigenvalues(logsMean, n, (v) => Math.exp(v * step));
    gmean = multiplyTransposed(multiply(l, exp, n), l, n, true);
    if (norm < normOld) {
      normOld = norm;
    } else if (norm > normOld) {
      step /= 2;
      norm = normOld;
    }
    if (norm / (n * n) < tol) break;
  }
  return { mean: gmean, iterations, converged: norm / (n * n) < tol };
}

function arithmeticMean(matrices: readonly Float64Array[], n: number): Float64Array {
  const mean = new Float64Array(n * n);
  for (const m of matrices) for (let i = 0; i < mean.length; i++) mean[i] = mean[i]! + m[i]!;
  for (let i = 0; i < mean.length; i++) mean[i] = mean[i]! / matrices.length;
  // nilearn: "fight numerical instabilities: make symmetric" ((M + Mᵀ) / 2).
  const sym = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = (mean[i * n + j]! + mean[j * n + i]!) * 0.5;
  return sym;
}

/**
 * Called after each iteration of the tangent kind's geometric mean (the slow part: seconds to
 * minutes for a cohort), with the iteration index; it may throw to stop the computation (a run's
 * `throwIfCancelled`).
 */
export type ConnectivityProgress = (iteration: number, message: string) => void;

/**
 * A run's progress over the geometric mean's iterations (up to nilearn's 30; ABIDE takes 22),
 * mapped into `range`; a cancelled run stops at the next iteration.
 */
export function tangentProgress(
  context: { progress(fraction: number, message?: string): void; throwIfCancelled(): void },
  range: readonly [number, number],
): ConnectivityProgress {
  return (iteration, message) => {
    context.throwIfCancelled();
    context.progress(range[0] + ((range[1] - range[0]) * Math.min(iteration + 1, GEOMETRIC_MEAN_MAX_ITER)) / GEOMETRIC_MEAN_MAX_ITER, message);
  };
}

/** Connectivity matrices of a group of subjects (nilearn `ConnectivityMeasure(kind).fit_transform`). */
export function connectivity(series: readonly SeriesMatrix[], kind: ConnectivityKind, progress?: ConnectivityProgress): ConnectivityResult {
  if (!CONNECTIVITY_KINDS.includes(kind)) throw new ValidationError('kind', `unknown connectivity kind "${String(kind)}" (expected ${CONNECTIVITY_KINDS.join(', ')})`);
  if (series.length === 0) throw new ValidationError('series', 'no subjects');
  const n = series[0]!.regionCount;
  series.forEach((s, k) => {
    checkSeries(s, `series[${k}]`);
    if (s.regionCount !== n) throw new ValidationError(`series[${k}]`, `has ${s.regionCount} regions, the first subject ${n}; all subjects need the same regions`);
    // One time point has no variance at all: every kind would be 0/0 (nilearn returns NaNs with warnings).
    if (s.timepoints < 2) throw new ValidationError(`series[${k}]`, `has ${s.timepoints} time point; connectivity needs at least 2`);
  });
  if (kind === 'tangent' && series.length < 2) {
    throw new ValidationError('series', 'the tangent embedding needs a group of at least two subjects (it is the deviation from their mean)');
  }

  if (kind === 'pearson') {
    const matrices = series.map((s) => covToCorr(ledoitWolf(standardizeSeries(s)).covariance, n));
    return { kind, regionCount: n, matrices, mean: arithmeticMean(matrices, n) };
  }
  const covariances = series.map((s) => ledoitWolf(s).covariance);
  if (kind === 'covariance') return { kind, regionCount: n, matrices: covariances, mean: arithmeticMean(covariances, n) };
  if (kind === 'partial') {
    const matrices = covariances.map((c, k) => {
      let precision: Float64Array;
      try {
        precision = spdInverse(c, n);
      } catch {
        throw new ValidationError(`series[${k}]`, 'the covariance is not positive definite (a constant or all-zero series?), so it has no inverse');
      }
      return precToPartial(precision, n);
    });
    return { kind, regionCount: n, matrices, mean: arithmeticMean(matrices, n) };
  }
  const factors = covariances.map((c, k) => checkSpd(c, n, `series[${k}]`));
  const logs = whitenedLogs(covariances, factors, n);
  try {
    const { mean } = iterateGeometricMean(covariances, n, {}, logs, progress);
    // The embedding itself is nilearn's, whitened by G^{-1/2}.
    const whitening = mapEigenvalues(mean, n, (v) => 1 / Math.sqrt(v));
    return { kind, regionCount: n, matrices: logs.congruence(whitening), mean };
  } finally {
    logs.close();
  }
}

/**
 * nilearn's `sym_matrix_to_vec(discard_diagonal=True)` per subject: the strict lower triangle, row by
 * row (M[1][0], M[2][0], M[2][1], M[3][0], …), unscaled (the √2 scaling only applies to the diagonal
 * when it is kept). `features` is subjects × featureCount row-major, featureCount = R (R − 1) / 2.
 */
export function connectivityFeatures(result: ConnectivityResult): { features: Float64Array; featureCount: number } {
  const n = result.regionCount;
  const featureCount = (n * (n - 1)) / 2;
  const features = new Float64Array(featureCount * result.matrices.length);
  result.matrices.forEach((m, s) => {
    let o = s * featureCount;
    for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) features[o++] = m[i * n + j]!;
  });
  return { features, featureCount };
}
