/**
 * The baselines MDS clustering is compared with, on the same recorded responses (issue #21):
 *  - **k-means** on the normalised trial-averaged protocol responses (features.ts): Lloyd's
 *    algorithm from k-means++ starts, 10 seeded restarts, the lowest inertia kept (as sklearn's
 *    KMeans(n_init=10)). k is the number of known types when the recording has them (an oracle
 *    advantage MDS does not get: it finds its number of clusters), and also chosen by the mean
 *    silhouette over 2…kMax, so both are reported.
 *  - **Baden et al. (2016)**: sparse PCA features per protocol (features.ts) → a Gaussian mixture
 *    with diagonal covariances fitted by EM (sklearn's GaussianMixture algorithm: k-means
 *    initialisation, reg_covar 1e-6, tol 1e-3 on the mean log-likelihood, max 100 iterations,
 *    n_init restarts; reg_covar 1e-2 for the baseline itself, see SparsePcaGmmOptions), k chosen
 *    by the lowest BIC over 1…kMax.
 * test/fixtures/reference/mds_baselines_sklearn.py checks k-means and the GMM against sklearn.
 */
import { deriveSeed, seededRandom, type Random } from '../../../shared/random.js';
import type { MdsBaseline } from '../../../shared/api/mds.js';
import { ValidationError } from '../../errors.js';
import { adjustedRandIndex } from './ari.js';
import { baselineFeatures, columns, sparsePca, standardiseColumns, type FeatureMatrix } from './features.js';
import type { MdsDataset } from './types.js';

export type { FeatureMatrix } from './features.js';
export { baselineFeatures } from './features.js';

// ---------------------------------------------------------------------------------------------
// k-means

export interface KMeansResult {
  readonly k: number;
  /** Per row, 0…k−1. */
  readonly labels: Int32Array;
  /** [k, cols]. */
  readonly centres: Float64Array;
  /** Sum of squared distances to the assigned centre. */
  readonly inertia: number;
  readonly iterations: number;
}

function sqDist(a: Float64Array, ai: number, b: Float64Array, bi: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = a[ai + j]! - b[bi + j]!;
    s += t * t;
  }
  return s;
}

/**
 * Greedy k-means++ seeding, as sklearn's `_kmeans_plusplus`: each next centre is the best (lowest
 * resulting potential) of 2 + ⌊ln k⌋ candidates drawn ∝ squared distance to the nearest centre.
 */
function kmeansPlusPlus(X: FeatureMatrix, k: number, random: Random): Float64Array {
  const { rows: n, cols: d, data } = X;
  const trials = 2 + Math.floor(Math.log(k));
  const centres = new Float64Array(k * d);
  const first = Math.floor(random() * n);
  centres.set(data.subarray(first * d, first * d + d), 0);
  let closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = sqDist(data, i * d, centres, 0, d);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += closest[i]!;
    let bestPick = -1;
    let bestPotential = Infinity;
    let bestClosest = closest;
    for (let t = 0; t < trials; t++) {
      let pick = n - 1;
      if (total > 0) {
        let r = random() * total;
        for (let i = 0; i < n; i++) {
          r -= closest[i]!;
          if (r < 0) {
            pick = i;
            break;
          }
        }
      } else {
        pick = Math.floor(random() * n);
      }
      const next = new Float64Array(n);
      let potential = 0;
      for (let i = 0; i < n; i++) {
        next[i] = Math.min(closest[i]!, sqDist(data, i * d, data, pick * d, d));
        potential += next[i]!;
      }
      if (potential < bestPotential) {
        bestPotential = potential;
        bestPick = pick;
        bestClosest = next;
      }
    }
    centres.set(data.subarray(bestPick * d, bestPick * d + d), c * d);
    closest = bestClosest;
  }
  return centres;
}

/** One Lloyd run from given centres (an emptied cluster takes the point farthest from its centre). */
export function lloyd(X: FeatureMatrix, initial: Float64Array, k: number, maxIterations = 300): KMeansResult {
  const { rows: n, cols: d, data } = X;
  const centres = Float64Array.from(initial);
  const labels = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    let moved = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const dd = sqDist(data, i * d, centres, c * d, d);
        if (dd < bestD) {
          bestD = dd;
          best = c;
        }
      }
      dist[i] = bestD;
      if (labels[i] !== best) moved++;
      labels[i] = best;
    }
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) counts[labels[i]!]!++;
    for (let c = 0; c < k; c++) {
      if (counts[c]! > 0) continue;
      let far = 0;
      for (let i = 1; i < n; i++) if (dist[i]! > dist[far]!) far = i;
      counts[labels[far]!]!--;
      labels[far] = c;
      counts[c] = 1;
      dist[far] = 0;
      moved++;
    }
    centres.fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centres[labels[i]! * d + j]! += data[i * d + j]!;
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) centres[c * d + j]! /= counts[c]!;
    if (moved === 0) break;
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += sqDist(data, i * d, centres, labels[i]! * d, d);
  return { k, labels, centres, inertia, iterations: iterations + 1 };
}

/** k-means with `restarts` k-means++ starts (seeded); the lowest inertia wins. */
export function kmeansBaseline(features: FeatureMatrix, k: number, seed: number, restarts = 10): KMeansResult {
  if (!Number.isInteger(k) || k < 1 || k > features.rows) throw new ValidationError('k', `must be 1…${features.rows} (got ${k})`);
  let best: KMeansResult | null = null;
  for (let r = 0; r < restarts; r++) {
    const random = seededRandom(deriveSeed(seed, 100, r));
    const run = lloyd(features, kmeansPlusPlus(features, k, random), k);
    if (!best || run.inertia < best.inertia - 1e-12) best = run;
  }
  return best!;
}

/** Mean silhouette (Rousseeuw 1987) of a labelling; singletons score 0, as sklearn. */
export function silhouette(features: FeatureMatrix, labels: Int32Array): number {
  const { rows: n, cols: d, data } = features;
  const k = Math.max(...labels) + 1;
  if (k < 2 || k >= n) return 0;
  const counts = new Int32Array(k);
  for (const l of labels) counts[l]!++;
  let total = 0;
  const sums = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[labels[j]!]! += Math.sqrt(sqDist(data, i * d, data, j * d, d));
    const own = labels[i]!;
    if (counts[own]! <= 1) continue;
    const a = sums[own]! / (counts[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c]! > 0) b = Math.min(b, sums[c]! / counts[c]!);
    total += (b - a) / Math.max(a, b) || 0;
  }
  return total / n;
}

// ---------------------------------------------------------------------------------------------
// Gaussian mixture, diagonal covariances (sklearn.mixture.GaussianMixture(covariance_type='diag'))

export interface GmmParams {
  readonly k: number;
  readonly weights: Float64Array;
  /** [k, d]. */
  readonly means: Float64Array;
  /** [k, d] variances (reg_covar included). */
  readonly variances: Float64Array;
}

export interface GmmFit extends GmmParams {
  /** Mean log-likelihood per row at the final parameters (sklearn's score()). */
  readonly meanLogLikelihood: number;
  /** sklearn's bic(): −2·n·meanLogLikelihood + p·ln n, p = 2kd + k − 1. */
  readonly bic: number;
  readonly labels: Int32Array;
  readonly iterations: number;
  readonly converged: boolean;
}

export const GMM_REG_COVAR = 1e-6;
export const GMM_TOL = 1e-3;
export const GMM_MAX_ITER = 100;
/** The Baden baseline's reg_covar (SparsePcaGmmOptions.regCovar). */
export const BASELINE_REG_COVAR = 1e-2;

/** M-step from responsibilities [n, k] (sklearn's _estimate_gaussian_parameters + weights / n). */
export function gmmMStep(X: FeatureMatrix, resp: Float64Array, k: number, regCovar = GMM_REG_COVAR): GmmParams {
  const { rows: n, cols: d, data } = X;
  const eps = 10 * 2.220446049250313e-16;
  const nk = new Float64Array(k).fill(eps);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) nk[c]! += resp[i * k + c]!;
  const means = new Float64Array(k * d);
  const sq = new Float64Array(k * d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      const r = resp[i * k + c]!;
      if (r === 0) continue;
      for (let j = 0; j < d; j++) {
        const x = data[i * d + j]!;
        means[c * d + j]! += r * x;
        sq[c * d + j]! += r * x * x;
      }
    }
  }
  const variances = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      const m = means[c * d + j]! / nk[c]!;
      means[c * d + j] = m;
      // sklearn: avg_X2 − 2·avg_X_means + avg_means2 + reg_covar (avg_X_means = means·Σr x / nk = m²).
      variances[c * d + j] = sq[c * d + j]! / nk[c]! - 2 * m * m + m * m + regCovar;
    }
  }
  const weights = Float64Array.from(nk, (v) => v / n);
  return { k, weights, means, variances };
}

/** E-step: log responsibilities [n, k] and the mean log-likelihood (log-sum-exp per row). */
export function gmmEStep(X: FeatureMatrix, params: GmmParams): { logResp: Float64Array; meanLogLikelihood: number } {
  const { rows: n, cols: d, data } = X;
  const { k, weights, means, variances } = params;
  const logResp = new Float64Array(n * k);
  const constant = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let logDet = 0;
    for (let j = 0; j < d; j++) logDet += Math.log(variances[c * d + j]!);
    constant[c] = Math.log(weights[c]!) - 0.5 * (d * Math.log(2 * Math.PI) + logDet);
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let m = 0;
      for (let j = 0; j < d; j++) {
        const t = data[i * d + j]! - means[c * d + j]!;
        m += (t * t) / variances[c * d + j]!;
      }
      const v = constant[c]! - 0.5 * m;
      logResp[i * k + c] = v;
      if (v > max) max = v;
    }
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(logResp[i * k + c]! - max);
    const norm = max + Math.log(s);
    total += norm;
    for (let c = 0; c < k; c++) logResp[i * k + c]! -= norm;
  }
  return { logResp, meanLogLikelihood: total / n };
}

/** One-hot responsibilities of a labelling. */
export function oneHot(labels: Int32Array, k: number): Float64Array {
  const resp = new Float64Array(labels.length * k);
  labels.forEach((l, i) => (resp[i * k + l] = 1));
  return resp;
}

/** EM from initial parameters, exactly sklearn's fit loop (convergence on the change of the mean log-likelihood). */
export function gmmFromParams(X: FeatureMatrix, initial: GmmParams, options: { tol?: number; maxIterations?: number; regCovar?: number } = {}): GmmFit {
  const tol = options.tol ?? GMM_TOL;
  const maxIterations = options.maxIterations ?? GMM_MAX_ITER;
  let params = initial;
  let lowerBound = -Infinity;
  let converged = false;
  let iterations = 0;
  for (let it = 1; it <= maxIterations; it++) {
    iterations = it;
    const previous = lowerBound;
    const { logResp, meanLogLikelihood } = gmmEStep(X, params);
    params = gmmMStep(X, logResp.map(Math.exp), params.k, options.regCovar);
    lowerBound = meanLogLikelihood;
    if (Math.abs(lowerBound - previous) < tol) {
      converged = true;
      break;
    }
  }
  const final = gmmEStep(X, params);
  const labels = new Int32Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let best = 0;
    for (let c = 1; c < params.k; c++) if (final.logResp[i * params.k + c]! > final.logResp[i * params.k + best]!) best = c;
    labels[i] = best;
  }
  const p = 2 * params.k * X.cols + params.k - 1;
  return {
    ...params,
    meanLogLikelihood: final.meanLogLikelihood,
    bic: -2 * X.rows * final.meanLogLikelihood + p * Math.log(X.rows),
    labels,
    iterations,
    converged,
    // sklearn keeps the lower bound of the last iteration to pick among restarts.
    ...{ lowerBound },
  } as GmmFit & { lowerBound: number };
}

/** A diagonal GMM with `restarts` k-means initialisations (one k-means++ Lloyd run each, as sklearn's init); the best lower bound wins. */
export function fitGmm(X: FeatureMatrix, k: number, seed: number, restarts = 10, regCovar = GMM_REG_COVAR): GmmFit {
  let best: (GmmFit & { lowerBound: number }) | null = null;
  for (let r = 0; r < restarts; r++) {
    const init = kmeansBaseline(X, k, deriveSeed(seed, 200, r), 1);
    const fit = gmmFromParams(X, gmmMStep(X, oneHot(init.labels, k), k, regCovar), { regCovar }) as GmmFit & { lowerBound: number };
    if (!best || fit.lowerBound > best.lowerBound) best = fit;
  }
  return best!;
}

// ---------------------------------------------------------------------------------------------
// Baden et al. 2016: sparse PCA per protocol + GMM with BIC

export interface SparsePcaGmmOptions {
  seed?: number;
  /** Largest number of mixture components tried (default min(20, neurons / 2)). */
  kMax?: number;
  restarts?: number;
  /**
   * Added to every variance (sklearn's reg_covar). Default 1e-2 on the standardised features: with
   * tens of cells, sklearn's 1e-6 lets a component shrink onto one or two cells and BIC then
   * prefers ever more components (the parasol recording chose the largest k tried).
   */
  regCovar?: number;
  /** Sparse components per protocol (default: one per 50 frames, 3…20) and non-zero frames per component (default one per 30 frames, ≥ 4). */
  componentsPerProtocol?: (lengthFrames: number) => number;
  cardinality?: (lengthFrames: number) => number;
}

export interface SparsePcaGmmResult {
  readonly features: FeatureMatrix;
  /** BIC per k = 1…kMax. */
  readonly bic: number[];
  readonly fit: GmmFit;
  readonly description: string;
}

const defaultComponents = (L: number): number => Math.max(3, Math.min(20, Math.ceil(L / 50)));
const defaultCardinality = (L: number): number => Math.max(4, Math.ceil(L / 30));

/** The Baden-style features (sparse PCA scores per protocol, concatenated, each column standardised). */
export function sparsePcaFeatures(dataset: MdsDataset, options: SparsePcaGmmOptions = {}): { features: FeatureMatrix; description: string } {
  const traces = baselineFeatures(dataset);
  const parts: FeatureMatrix[] = [];
  const words: string[] = [];
  for (const block of traces.blocks) {
    const comps = Math.min(traces.rows - 1, (options.componentsPerProtocol ?? defaultComponents)(block.length));
    const card = (options.cardinality ?? defaultCardinality)(block.length);
    const spca = sparsePca(columns(traces, block.offset, block.length), Math.max(1, comps), card);
    parts.push(spca.scores);
    words.push(`${block.protocol} ${spca.components}`);
  }
  const cols = parts.reduce((s, p) => s + p.cols, 0);
  const data = new Float64Array(traces.rows * cols);
  let offset = 0;
  for (const part of parts) {
    for (let r = 0; r < traces.rows; r++) data.set(part.data.subarray(r * part.cols, (r + 1) * part.cols), r * cols + offset);
    offset += part.cols;
  }
  return { features: standardiseColumns({ rows: traces.rows, cols, data }), description: `${cols} sparse PCA features (${words.join(', ')})` };
}

export function sparsePcaGmm(dataset: MdsDataset, options: SparsePcaGmmOptions = {}): SparsePcaGmmResult {
  const seed = options.seed ?? 0;
  const { features, description } = sparsePcaFeatures(dataset, options);
  const kMax = Math.max(1, Math.min(options.kMax ?? 20, Math.floor(features.rows / 2)));
  const bic: number[] = [];
  let best: GmmFit | null = null;
  for (let k = 1; k <= kMax; k++) {
    const fit = fitGmm(features, k, deriveSeed(seed, k), options.restarts ?? 10, options.regCovar ?? BASELINE_REG_COVAR);
    bic.push(fit.bic);
    if (!best || fit.bic < best.bic) best = fit;
  }
  return { features, bic, fit: best!, description };
}

function ariOrNull(labels: Int32Array, types: readonly (string | null)[]): number | null {
  const known = types.map((t, i) => (t === null ? -1 : i)).filter((i) => i >= 0);
  if (known.length < 2 || new Set(known.map((i) => types[i])).size < 1) return null;
  return adjustedRandIndex(known.map((i) => labels[i]!), known.map((i) => types[i]!));
}

/** Baden et al. (2016)'s clustering as an MdsBaseline. */
export function sparsePcaGmmBaseline(dataset: MdsDataset, options: SparsePcaGmmOptions = {}): MdsBaseline {
  const result = sparsePcaGmm(dataset, options);
  return {
    method: 'sparse-pca + gmm (bic)',
    clusters: new Set(result.fit.labels).size,
    ari: ariOrNull(result.fit.labels, dataset.cellTypes),
    labels: result.fit.labels,
    notes: `Baden et al. 2016: ${result.description}; diagonal GMM (reg_covar ${options.regCovar ?? BASELINE_REG_COVAR}), k = ${result.fit.k} by the lowest BIC over 1…${result.bic.length}`,
  };
}

export interface BaselineOptions {
  seed?: number;
  /** k-means: the largest k the silhouette choice tries (default 12). */
  kMax?: number;
}

/**
 * Every baseline on a dataset: k-means with k = the number of known types (when there are any),
 * k-means with k by silhouette, and sparse PCA + GMM by BIC.
 */
export function runBaselines(dataset: MdsDataset, options: BaselineOptions = {}): MdsBaseline[] {
  const seed = options.seed ?? 0;
  const features = baselineFeatures(dataset);
  const out: MdsBaseline[] = [];
  const types = new Set(dataset.cellTypes.filter((t): t is string => t !== null));
  if (types.size >= 2 && types.size <= features.rows) {
    const km = kmeansBaseline(features, types.size, seed);
    out.push({
      method: 'k-means (k = known types)',
      clusters: types.size,
      ari: ariOrNull(km.labels, dataset.cellTypes),
      labels: km.labels,
      notes: `k-means++ × 10 on ${features.cols} normalised trial-averaged frames (${features.blocks.map((b) => b.protocol).join(', ')}); k given from the known types (an advantage MDS does not have)`,
    });
  }
  const kMax = Math.min(options.kMax ?? 12, features.rows - 1);
  let best: { k: number; score: number; run: KMeansResult } | null = null;
  for (let k = 2; k <= kMax; k++) {
    const run = kmeansBaseline(features, k, seed);
    const score = silhouette(features, run.labels);
    if (!best || score > best.score) best = { k, score, run };
  }
  if (best) {
    out.push({
      method: 'k-means (silhouette)',
      clusters: best.k,
      ari: ariOrNull(best.run.labels, dataset.cellTypes),
      labels: best.run.labels,
      notes: `k = ${best.k} by the highest mean silhouette (${best.score.toFixed(3)}) over 2…${kMax}`,
    });
  }
  out.push(sparsePcaGmmBaseline(dataset, { seed }));
  return out;
}
