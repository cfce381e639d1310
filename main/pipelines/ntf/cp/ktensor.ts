/**
 * Dense tensors and Kruskal (CP) tensors as plain typed arrays. A dense tensor is C-ordered (the
 * last index varies fastest); a Kruskal tensor holds one factor matrix per mode, I_n × R row-major,
 * plus component weights λ (all ones while fitting; set by `normalizeKruskal`).
 */
export interface DenseTensor {
  shape: readonly number[];
  data: Float64Array;
}

export interface KruskalTensor {
  shape: readonly number[];
  rank: number;
  /** factors[n] is shape[n] × rank, row-major: factors[n][i * rank + r]. */
  factors: Float64Array[];
  /** λ_r, one per component. */
  weights: Float64Array;
}

export function denseTensor(shape: readonly number[], data?: Float64Array): DenseTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.length < 2 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`a tensor needs at least 2 modes of positive integer size, got [${shape.join(', ')}]`);
  }
  if (data && data.length !== size) throw new Error(`tensor data has ${data.length} values, shape [${shape.join(', ')}] needs ${size}`);
  return { shape: [...shape], data: data ?? new Float64Array(size) };
}

export function frobeniusNorm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  return Math.sqrt(sum);
}

/** Gram matrix FᵀF (R × R) of an I × R factor. */
export function gram(factor: Float64Array, rows: number, rank: number): Float64Array {
  const g = new Float64Array(rank * rank);
  for (let i = 0; i < rows; i++) {
    const row = i * rank;
    for (let p = 0; p < rank; p++) {
      const a = factor[row + p]!;
      if (a === 0) continue;
      for (let q = p; q < rank; q++) g[p * rank + q]! += a * factor[row + q]!;
    }
  }
  for (let p = 0; p < rank; p++) for (let q = 0; q < p; q++) g[p * rank + q] = g[q * rank + p]!;
  return g;
}

/** ‖X̂‖² of a Kruskal tensor: Σ_pq λ_p λ_q Π_n (FₙᵀFₙ)_pq, without forming X̂. */
export function kruskalNormSquared(k: KruskalTensor): number {
  const { rank } = k;
  const product = new Float64Array(rank * rank).fill(1);
  k.factors.forEach((factor, n) => {
    const g = gram(factor, k.shape[n]!, rank);
    for (let i = 0; i < product.length; i++) product[i]! *= g[i]!;
  });
  let sum = 0;
  for (let p = 0; p < rank; p++) for (let q = 0; q < rank; q++) sum += k.weights[p]! * k.weights[q]! * product[p * rank + q]!;
  return sum;
}

/** The dense tensor a Kruskal tensor stands for (tests and small tensors only: it allocates Π Iₙ). */
export function kruskalToDense(k: KruskalTensor): DenseTensor {
  const out = denseTensor(k.shape);
  const { rank, shape } = k;
  const modes = shape.length;
  const index = new Array<number>(modes).fill(0);
  const partial = new Float64Array(rank);
  for (let flat = 0; flat < out.data.length; flat++) {
    partial.set(k.weights);
    for (let n = 0; n < modes; n++) {
      const base = index[n]! * rank;
      const factor = k.factors[n]!;
      for (let r = 0; r < rank; r++) partial[r]! *= factor[base + r]!;
    }
    let sum = 0;
    for (let r = 0; r < rank; r++) sum += partial[r]!;
    out.data[flat] = sum;
    for (let n = modes - 1; n >= 0; n--) {
      if (++index[n]! < shape[n]!) break;
      index[n] = 0;
    }
  }
  return out;
}

/**
 * Scales every factor column to unit norm and moves the scale into λ, then orders components by
 * decreasing λ (the usual presentation; the fit itself is unchanged).
 */
export function normalizeKruskal(k: KruskalTensor): KruskalTensor {
  const { rank } = k;
  const weights = Float64Array.from(k.weights);
  const factors = k.factors.map((f) => Float64Array.from(f));
  factors.forEach((factor, n) => {
    const rows = k.shape[n]!;
    for (let r = 0; r < rank; r++) {
      let norm = 0;
      for (let i = 0; i < rows; i++) norm += factor[i * rank + r]! ** 2;
      norm = Math.sqrt(norm);
      weights[r]! *= norm;
      if (norm > 0) for (let i = 0; i < rows; i++) factor[i * rank + r]! /= norm;
    }
  });
  const order = Array.from({ length: rank }, (_, r) => r).sort((a, b) => weights[b]! - weights[a]!);
  return permuteComponents({ shape: k.shape, rank, factors, weights }, order);
}

/** A Kruskal tensor with its components in the given order. */
export function permuteComponents(k: KruskalTensor, order: readonly number[]): KruskalTensor {
  const { rank } = k;
  const factors = k.factors.map((factor, n) => {
    const rows = k.shape[n]!;
    const out = new Float64Array(rows * rank);
    for (let i = 0; i < rows; i++) for (let r = 0; r < rank; r++) out[i * rank + r] = factor[i * rank + order[r]!]!;
    return out;
  });
  return { shape: k.shape, rank, factors, weights: Float64Array.from(order, (r) => k.weights[r]!) };
}

/** Column r of mode n's factor as a new array. */
export function factorColumn(k: KruskalTensor, mode: number, r: number): Float64Array {
  const rows = k.shape[mode]!;
  const factor = k.factors[mode]!;
  return Float64Array.from({ length: rows }, (_, i) => factor[i * k.rank + r]!);
}
