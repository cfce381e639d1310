/**
 * Binary L2-penalised logistic regression with an unpenalised intercept, the model of scikit-learn's
 * `LogisticRegression(penalty='l2', C, fit_intercept=True)`: it minimises
 *
 *     F(w, b) = Σᵢ log(1 + exp(−yᵢ (xᵢ·w + b))) + ‖w‖² / (2C),   yᵢ ∈ {−1, +1}.
 *
 * F is strictly convex in w, so the optimum is unique and any solver that reaches it agrees with
 * sklearn's lbfgs run to a tight tolerance. Connectivity features have far more dimensions than
 * subjects (6670 vs ~80), so we solve in the span of the training samples: at the optimum
 * w = Xᵀα (the gradient condition w = −C Σ ∂ℓᵢ xᵢ), and with the Gram matrix K = X Xᵀ the problem
 * is (m + 1)-dimensional. Newton's method there, with a backtracking line search, converges
 * quadratically to machine precision in ~10 iterations of an (m + 1)² solve.
 */
import { gramRows } from './linalg.js';

export interface LogisticModel {
  /** p weights (`coef_[0]`). */
  weights: Float64Array;
  /** `intercept_[0]`. */
  intercept: number;
  iterations: number;
}

/** log(1 + eˣ) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Solves A x = b in place (A: n × n row-major, destroyed) by Gaussian elimination with partial pivoting. */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = r;
    if (a[pivot * n + col] === 0) throw new Error('logistic regression: singular Newton system');
    if (pivot !== col) {
      for (let j = 0; j < n; j++) {
        const t = a[col * n + j]!;
        a[col * n + j] = a[pivot * n + j]!;
        a[pivot * n + j] = t;
      }
      const t = b[col]!;
      b[col] = b[pivot]!;
      b[pivot] = t;
    }
    const inv = 1 / a[col * n + col]!;
    for (let r = col + 1; r < n; r++) {
      const factor = a[r * n + col]! * inv;
      if (factor === 0) continue;
      for (let j = col; j < n; j++) a[r * n + j] = a[r * n + j]! - factor * a[col * n + j]!;
      b[r] = b[r]! - factor * b[col]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let j = r + 1; j < n; j++) s -= a[r * n + j]! * x[j]!;
    x[r] = s / a[r * n + r]!;
  }
  return x;
}

/**
 * Fits the model to m samples (row-major m × p in `x`) with labels `y` (+1 for the positive class,
 * i.e. sklearn's `classes_[1]`, −1 otherwise).
 */
export function fitLogistic(x: Float64Array, m: number, p: number, y: Int8Array, C: number): LogisticModel {
  if (!(C > 0) || !Number.isFinite(C)) throw new Error(`logistic regression: C must be a positive number, got ${C}`);
  const K = gramRows(x, m, p);
  const alpha = new Float64Array(m);
  let b = 0;
  const z = new Float64Array(m);
  const size = m + 1;

  const objective = (al: Float64Array, zz: Float64Array): number => {
    let loss = 0;
    let quad = 0;
    for (let i = 0; i < m; i++) {
      loss += softplus(-y[i]! * zz[i]!);
      let ka = 0;
      for (let j = 0; j < m; j++) ka += K[i * m + j]! * al[j]!;
      quad += al[i]! * ka;
    }
    return loss + quad / (2 * C);
  };
  const scores = (al: Float64Array, bb: number, out: Float64Array): void => {
    for (let i = 0; i < m; i++) {
      let s = bb;
      for (let j = 0; j < m; j++) s += K[i * m + j]! * al[j]!;
      out[i] = s;
    }
  };

  scores(alpha, b, z);
  let f = objective(alpha, z);
  let iterations = 0;
  for (; iterations < 200; iterations++) {
    // g = ∂loss/∂z, d = ∂²loss/∂z²
    const g = new Float64Array(m);
    const d = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const s = sigmoid(-y[i]! * z[i]!);
      g[i] = -y[i]! * s;
      d[i] = s * (1 - s);
    }
    // Newton system with K factored out of the α rows and those rows scaled by C:
    //   (C D K + I) Δα + C D 1 Δb = −(C g + α),   (D K 1)ᵀ Δα + 1ᵀ D 1 Δb = −1ᵀ g.
    const a = new Float64Array(size * size);
    const rhs = new Float64Array(size);
    let residual = 0;
    let gSum = 0;
    let dSum = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) a[i * size + j] = C * d[i]! * K[i * m + j]!;
      a[i * size + i] = a[i * size + i]! + 1;
      a[i * size + m] = C * d[i]!;
      rhs[i] = -(C * g[i]! + alpha[i]!);
      residual = Math.max(residual, Math.abs(rhs[i]!));
      gSum += g[i]!;
      dSum += d[i]!;
    }
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += d[i]! * K[i * m + j]!;
      a[m * size + j] = s;
    }
    a[m * size + m] = dSum;
    rhs[m] = -gSum;
    // Optimality: α = −C g (stationarity in w) and Σ g = 0 (in b), to rounding.
    if (residual <= 1e-12 * Math.max(1, C) && Math.abs(gSum) <= 1e-12 * m) break;
    const step = solve(a, rhs, size);
    // Backtracking (Armijo) line search; Newton steps are accepted whole near the optimum.
    let t = 1;
    const nextAlpha = new Float64Array(m);
    const nextZ = new Float64Array(m);
    let nextB = b;
    let nextF = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < m; i++) nextAlpha[i] = alpha[i]! + t * step[i]!;
      nextB = b + t * step[m]!;
      scores(nextAlpha, nextB, nextZ);
      nextF = objective(nextAlpha, nextZ);
      if (nextF <= f) break;
      t /= 2;
    }
    if (!(nextF <= f)) break; // no decrease representable: at the optimum to rounding
    const improvement = f - nextF;
    alpha.set(nextAlpha);
    b = nextB;
    z.set(nextZ);
    f = nextF;
    if (improvement <= 1e-16 * Math.abs(f) && t === 1 && residual <= 1e-10) break;
  }
  const weights = new Float64Array(p);
  for (let i = 0; i < m; i++) {
    const a = alpha[i]!;
    const row = i * p;
    for (let t = 0; t < p; t++) weights[t] = weights[t]! + a * x[row + t]!;
  }
  return { weights, intercept: b, iterations };
}

/** Decision scores x·w + b of row-major samples (sklearn's `decision_function`). */
export function decisionFunction(model: LogisticModel, x: Float64Array, m: number, p: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = model.intercept;
    for (let t = 0; t < p; t++) s += x[i * p + t]! * model.weights[t]!;
    out[i] = s;
  }
  return out;
}
