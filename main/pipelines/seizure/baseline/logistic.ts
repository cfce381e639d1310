/**
 * Multinomial L2-penalised logistic regression on standardised features: the model of
 * scikit-learn's make_pipeline(StandardScaler(), LogisticRegression(C, penalty='l2',
 * solver='lbfgs', multi_class='multinomial')). With K classes it minimises
 *
 *     F(W, b) = Σᵢ [log Σₖ exp(zᵢₖ) − zᵢ,yᵢ] + ‖W‖²_F / (2C),   zᵢₖ = xᵢ·Wₖ + bₖ,
 *
 * the intercepts b unpenalised. The loss is unchanged when every bₖ moves by the same amount, so
 * the optimum is unique only up to that shift; sklearn's lbfgs starts at zero and its steps, being
 * combinations of gradients whose b-part sums to zero, keep Σₖ bₖ = 0. We add (Σₖ bₖ)²/2 to F,
 * which leaves the loss alone and picks the same Σ b = 0 representative, and makes F strictly
 * convex. The penalty likewise makes Σₖ Wₖ = 0 at the optimum.
 *
 * The problem is small and dense (K·(p + 1) ≈ 21 unknowns for 3 classes and 6 features), so we use
 * Newton's method with the exact Hessian, a Cholesky solve and Armijo backtracking: it converges
 * quadratically, to a gradient of ~1e-10, where lbfgs would stop on its relative-decrease test.
 *
 * Two classes: the softmax over two rows is what sklearn fits too (with W₀ = −W₁ at the optimum),
 * and it reports `coef_ = W₁`, `intercept_ = [b₁]`; `probabilities` here equal its predict_proba.
 *
 * Standardisation is StandardScaler's: mean and population standard deviation (ddof 0) of the
 * training rows, a zero deviation replaced by 1.
 */
import { cholesky, choleskySolve } from '../../fmri/linalg.js';

export interface Standardiser {
  mean: Float64Array;
  scale: Float64Array;
}

export interface LogisticOptions {
  /** Inverse penalty strength (sklearn's C); default 1. */
  C?: number;
  /** Stop when the largest gradient component is below this (default 1e-10, scaled by max(1, n)). */
  gradientTolerance?: number;
  maxIterations?: number;
}

export interface MultinomialLogistic {
  /** Class names in the order of the rows below (sorted, as sklearn's classes_). */
  classes: string[];
  scaler: Standardiser;
  /** K rows of p weights on standardised features. */
  coef: Float64Array[];
  /** K intercepts, summing to zero. */
  intercept: Float64Array;
  iterations: number;
  /** The largest gradient component at the end. */
  gradientNorm: number;
}

function checkRows(rows: readonly ArrayLike<number>[], what: string): number {
  if (rows.length === 0) throw new RangeError(`${what}: no rows`);
  const p = rows[0]!.length;
  rows.forEach((row, i) => {
    if (row.length !== p) throw new RangeError(`${what}: row ${i} has ${row.length} features, row 0 has ${p}`);
    for (let j = 0; j < p; j++) if (!Number.isFinite(row[j]!)) throw new RangeError(`${what}: row ${i}, feature ${j} is not finite (${row[j]})`);
  });
  return p;
}

export function fitStandardiser(rows: readonly ArrayLike<number>[]): Standardiser {
  const p = checkRows(rows, 'standardiser');
  const n = rows.length;
  const mean = new Float64Array(p);
  const scale = new Float64Array(p);
  for (const row of rows) for (let j = 0; j < p; j++) mean[j] = mean[j]! + row[j]! / n;
  for (const row of rows) for (let j = 0; j < p; j++) scale[j] = scale[j]! + (row[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < p; j++) {
    const sd = Math.sqrt(scale[j]!);
    scale[j] = sd > 0 ? sd : 1;
  }
  return { mean, scale };
}

export function standardise(scaler: Standardiser, row: ArrayLike<number>): Float64Array {
  if (row.length !== scaler.mean.length) throw new RangeError(`standardise: row has ${row.length} features, the scaler ${scaler.mean.length}`);
  return Float64Array.from(scaler.mean, (m, j) => (row[j]! - m) / scaler.scale[j]!);
}

/** Softmax of the scores in place; returns log Σ exp(z). */
function softmaxInPlace(z: Float64Array): number {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let k = 0; k < z.length; k++) sum += Math.exp(z[k]! - max);
  const lse = max + Math.log(sum);
  for (let k = 0; k < z.length; k++) z[k] = Math.exp(z[k]! - lse);
  return lse;
}

/**
 * Fits standardised rows `x` (n × p) with class indices `y` in [0, K). θ is laid out class by
 * class: [W₀ (p), b₀, W₁, b₁, …].
 */
export function fitMultinomialCore(x: readonly Float64Array[], y: Int32Array, K: number, options: LogisticOptions = {}): { coef: Float64Array[]; intercept: Float64Array; iterations: number; gradientNorm: number } {
  const C = options.C ?? 1;
  if (!(C > 0) || !Number.isFinite(C)) throw new RangeError(`logistic regression: C must be a positive number, got ${C}`);
  if (!(K >= 2)) throw new RangeError(`logistic regression needs at least 2 classes, got ${K}`);
  const n = x.length;
  const p = checkRows(x, 'logistic regression');
  if (y.length !== n) throw new RangeError(`logistic regression: ${n} rows but ${y.length} labels`);
  const q = p + 1;
  const D = K * q;
  const tolerance = (options.gradientTolerance ?? 1e-10) * Math.max(1, n);
  const maxIterations = options.maxIterations ?? 100;
  const theta = new Float64Array(D);
  const z = new Float64Array(K);

  const objective = (t: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      for (let k = 0; k < K; k++) {
        let s = t[k * q + p]!;
        for (let j = 0; j < p; j++) s += xi[j]! * t[k * q + j]!;
        z[k] = s;
      }
      const zy = z[y[i]!]!;
      f += softmaxInPlace(z) - zy;
    }
    let bSum = 0;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < p; j++) f += t[k * q + j]! ** 2 / (2 * C);
      bSum += t[k * q + p]!;
    }
    return f + bSum ** 2 / 2;
  };

  let f = objective(theta);
  let iterations = 0;
  let gradientNorm = Infinity;
  const xt = new Float64Array(q);
  for (;;) {
    const g = new Float64Array(D);
    const h = new Float64Array(D * D);
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      xt.set(xi);
      xt[p] = 1;
      for (let k = 0; k < K; k++) {
        let s = theta[k * q + p]!;
        for (let j = 0; j < p; j++) s += xi[j]! * theta[k * q + j]!;
        z[k] = s;
      }
      softmaxInPlace(z);
      for (let k = 0; k < K; k++) {
        const r = z[k]! - (y[i] === k ? 1 : 0);
        for (let a = 0; a < q; a++) g[k * q + a] = g[k * q + a]! + r * xt[a]!;
        for (let l = 0; l <= k; l++) {
          const w = (k === l ? z[k]! : 0) - z[k]! * z[l]!;
          if (w === 0) continue;
          for (let a = 0; a < q; a++) {
            const row = (k * q + a) * D + l * q;
            const wa = w * xt[a]!;
            for (let c = 0; c < q; c++) h[row + c] = h[row + c]! + wa * xt[c]!;
          }
        }
      }
    }
    let bSum = 0;
    for (let k = 0; k < K; k++) bSum += theta[k * q + p]!;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < p; j++) {
        g[k * q + j] = g[k * q + j]! + theta[k * q + j]! / C;
        h[(k * q + j) * D + k * q + j] = h[(k * q + j) * D + k * q + j]! + 1 / C;
      }
      g[k * q + p] = g[k * q + p]! + bSum;
      for (let l = 0; l < K; l++) h[(k * q + p) * D + l * q + p] = h[(k * q + p) * D + l * q + p]! + 1;
    }
    // Only the class blocks l ≤ k were accumulated (each block whole); mirror them above the diagonal.
    for (let r = 0; r < D; r++) for (let c = r + 1; c < D; c++) if (Math.floor(c / q) > Math.floor(r / q)) h[r * D + c] = h[c * D + r]!;
    gradientNorm = 0;
    for (const v of g) gradientNorm = Math.max(gradientNorm, Math.abs(v));
    if (gradientNorm <= tolerance || iterations >= maxIterations) break;
    iterations++;
    const factor = cholesky(h, D);
    if (!factor) throw new Error('logistic regression: the Newton system is not positive definite');
    const step = choleskySolve(factor, D, g);
    let slope = 0;
    for (let d = 0; d < D; d++) slope -= g[d]! * step[d]!;
    let t = 1;
    const next = new Float64Array(D);
    let accepted = false;
    for (let tries = 0; tries < 60; tries++) {
      for (let d = 0; d < D; d++) next[d] = theta[d]! - t * step[d]!;
      const fNext = objective(next);
      if (fNext <= f + 1e-4 * t * slope) {
        theta.set(next);
        f = fNext;
        accepted = true;
        break;
      }
      t /= 2;
    }
    // No decrease representable in float64: we are at the optimum to rounding.
    if (!accepted) break;
  }
  if (!(gradientNorm <= tolerance * 1e3)) {
    throw new Error(`logistic regression did not converge: gradient ${gradientNorm.toExponential(2)} after ${iterations} Newton steps`);
  }
  const coef = Array.from({ length: K }, (_, k) => theta.slice(k * q, k * q + p));
  const intercept = Float64Array.from({ length: K }, (_, k) => theta[k * q + p]!);
  return { coef, intercept, iterations, gradientNorm };
}

/** Standardises `rows` and fits the model to their `labels` (any strings; at least two distinct). */
export function fitLogistic(rows: readonly ArrayLike<number>[], labels: readonly string[], options: LogisticOptions = {}): MultinomialLogistic {
  if (rows.length !== labels.length) throw new RangeError(`logistic regression: ${rows.length} rows but ${labels.length} labels`);
  const classes = [...new Set(labels)].sort();
  if (classes.length < 2) throw new RangeError(`logistic regression needs at least 2 classes in training, got ${classes.join(', ') || 'none'}`);
  const scaler = fitStandardiser(rows);
  const x = rows.map((row) => standardise(scaler, row));
  const index = new Map(classes.map((c, k) => [c, k]));
  const y = Int32Array.from(labels, (l) => index.get(l)!);
  return { classes, scaler, ...fitMultinomialCore(x, y, classes.length, options) };
}

/** Class probabilities of one raw (unstandardised) row, in the order of `model.classes`. */
export function predictProba(model: MultinomialLogistic, row: ArrayLike<number>): Float64Array {
  const x = standardise(model.scaler, row);
  const z = Float64Array.from(model.coef, (w, k) => {
    let s = model.intercept[k]!;
    for (let j = 0; j < x.length; j++) s += w[j]! * x[j]!;
    return s;
  });
  softmaxInPlace(z);
  return z;
}
