/**
 * A deterministic SVD-based start for non-negative CP: NNDSVD (Boutsidis & Gallopoulos 2008) of the
 * mode-0 unfolding X₍₀₎ (I₀ × T), then each component's trailing part folded back into the other
 * modes by its best non-negative rank-one approximation.
 *
 *  1. The top singular triplets (σₖ, uₖ, vₖ) of X₍₀₎ from the eigen-decomposition of the small
 *     T × T matrix X₍₀₎ᵀX₍₀₎ (T = Π_{n≥1} Iₙ; uₖ = X₍₀₎vₖ/σₖ).
 *  2. NNDSVD: each triplet keeps the positive or the negative part of (uₖ, vₖ), whichever carries
 *     more of it (‖u±‖·‖v±‖); the leading triplet of a non-negative matrix is one-signed already.
 *  3. vₖ reshaped to I₁ × … is reduced to a ⊗ b ⊗ … by a few higher-order power iterations (for a
 *     non-negative array they stay non-negative), giving the columns of modes 1…N−1.
 *
 * Zero entries are lifted to a small positive floor (NNDSVDa's remedy): HALS never revives a column
 * that is exactly zero in every other mode.
 */
import { symmetricEigen } from '../../fmri/linalg.js';
import type { DenseTensor, KruskalTensor } from './ktensor.js';
import { trailingSize } from './mttkrp.js';

/** Power iterations for each component's rank-one trailing part (converges in a few for these). */
const POWER_ITERATIONS = 20;
/** Zero loadings become this fraction of the column's mean (NNDSVDa uses the data mean). */
const FLOOR_SHARE = 0.01;

interface Unfolding {
  /** Eigenvalues of X₍₀₎ᵀX₍₀₎ (σ²), descending. */
  values: Float64Array;
  /** Right singular vectors, row k = vₖ (length T), in the same order. */
  vectors: Float64Array;
}

const unfoldings = new WeakMap<Float64Array, Unfolding>();

/** Eigen-decomposition of X₍₀₎ᵀX₍₀₎, cached per tensor (a sweep asks for it once per rank). */
function rightSingular(x: DenseTensor): Unfolding {
  const cached = unfoldings.get(x.data);
  if (cached) return cached;
  const rows = x.shape[0]!;
  const length = trailingSize(x.shape);
  const gram = new Float64Array(length * length);
  for (let i = 0; i < rows; i++) {
    const row = x.data.subarray(i * length, (i + 1) * length);
    for (let s = 0; s < length; s++) {
      const a = row[s]!;
      if (a === 0) continue;
      const base = s * length;
      for (let t = s; t < length; t++) gram[base + t]! += a * row[t]!;
    }
  }
  for (let s = 0; s < length; s++) for (let t = 0; t < s; t++) gram[s * length + t] = gram[t * length + s]!;
  const eigen = symmetricEigen(gram, length);
  // eigh order is ascending: reverse.
  const values = new Float64Array(length);
  const vectors = new Float64Array(length * length);
  for (let k = 0; k < length; k++) {
    const from = length - 1 - k;
    values[k] = Math.max(0, eigen.values[from]!);
    vectors.set(eigen.vectors.subarray(from * length, (from + 1) * length), k * length);
  }
  const unfolding = { values, vectors };
  unfoldings.set(x.data, unfolding);
  return unfolding;
}

function norm(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  return Math.sqrt(sum);
}

/** The positive (sign 1) or negative (sign −1) part of v, as non-negative values. */
function part(v: Float64Array, sign: 1 | -1): Float64Array {
  return v.map((value) => Math.max(0, sign * value));
}

/**
 * Best rank-one non-negative approximation of the array `v` of shape `sizes` (C order) by
 * higher-order power iteration from its marginal sums; returns one unit vector per mode.
 */
function rankOne(v: Float64Array, sizes: readonly number[]): Float64Array[] {
  const modes = sizes.length;
  const vectors = sizes.map((size) => new Float64Array(size));
  // Start from the marginals (for a non-negative array, close to the leading vectors).
  const index = new Array<number>(modes).fill(0);
  for (let t = 0; t < v.length; t++) {
    for (let n = 0; n < modes; n++) vectors[n]![index[n]!]! += v[t]!;
    for (let n = modes - 1; n >= 0; n--) {
      if (++index[n]! < sizes[n]!) break;
      index[n] = 0;
    }
  }
  for (const vector of vectors) normalize(vector);
  for (let iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
    for (let m = 0; m < modes; m++) {
      const next = new Float64Array(sizes[m]!);
      index.fill(0);
      for (let t = 0; t < v.length; t++) {
        let product = v[t]!;
        for (let n = 0; n < modes; n++) if (n !== m) product *= vectors[n]![index[n]!]!;
        next[index[m]!]! += product;
        for (let n = modes - 1; n >= 0; n--) {
          if (++index[n]! < sizes[n]!) break;
          index[n] = 0;
        }
      }
      if (normalize(next) > 0) vectors[m] = next;
    }
  }
  return vectors;
}

function normalize(v: Float64Array): number {
  const length = norm(v);
  if (length > 0) for (let i = 0; i < v.length; i++) v[i]! /= length;
  return length;
}

/** Raises zero entries of column r (rows × rank layout) to FLOOR_SHARE of the column's mean. */
function floorColumn(factor: Float64Array, rows: number, rank: number, r: number): void {
  let sum = 0;
  for (let i = 0; i < rows; i++) sum += factor[i * rank + r]!;
  const floor = sum > 0 ? (FLOOR_SHARE * sum) / rows : 1 / Math.sqrt(rows);
  for (let i = 0; i < rows; i++) if (!(factor[i * rank + r]! > 0)) factor[i * rank + r] = floor;
}

/**
 * The NNDSVD start of a rank-`rank` non-negative CP of x, with weights 1. Components beyond the
 * unfolding's rank (only when rank > Π_{n≥1} Iₙ or X₍₀₎ is rank-deficient) repeat the leading one,
 * scaled down, so HALS can split it.
 */
export function nndsvdKruskal(x: DenseTensor, rank: number): KruskalTensor {
  const { shape } = x;
  const rows = shape[0]!;
  const length = trailingSize(shape);
  const trailingShape = shape.slice(1);
  const { values, vectors } = rightSingular(x);
  const factors = shape.map((size) => new Float64Array(size * rank));
  const u = new Float64Array(rows);
  for (let r = 0; r < rank; r++) {
    const k = values[r]! > values[0]! * 1e-12 ? r : 0;
    const sigma = Math.sqrt(values[k]!);
    const v = vectors.subarray(k * length, (k + 1) * length);
    // u = X₍₀₎ v / σ
    for (let i = 0; i < rows; i++) {
      let sum = 0;
      const base = i * length;
      for (let t = 0; t < length; t++) sum += x.data[base + t]! * v[t]!;
      u[i] = sigma > 0 ? sum / sigma : 0;
    }
    const up = part(u, 1);
    const vp = part(Float64Array.from(v), 1);
    const un = part(u, -1);
    const vn = part(Float64Array.from(v), -1);
    const positive = norm(up) * norm(vp);
    const negative = norm(un) * norm(vn);
    const [uk, vk, weight] = positive >= negative ? [up, vp, positive] : [un, vn, negative];
    const scale = Math.sqrt(sigma * weight) * (k === r ? 1 : 1 / (r + 1));
    const uNorm = norm(uk) || 1;
    for (let i = 0; i < rows; i++) factors[0]![i * rank + r] = (scale * uk[i]!) / uNorm;
    const vNorm = normalize(vk) || 1;
    // v̂ ≈ a ⊗ b ⊗ …: put the trailing scale (and ‖vₖ‖'s share) into the first trailing mode.
    const parts = rankOne(vk, trailingShape);
    parts.forEach((vector, n) => {
      const mode = n + 1;
      const s = n === 0 ? scale * vNorm : 1;
      for (let i = 0; i < vector.length; i++) factors[mode]![i * rank + r] = s * vector[i]!;
    });
  }
  shape.forEach((size, n) => {
    for (let r = 0; r < rank; r++) floorColumn(factors[n]!, size, rank, r);
  });
  return { shape: [...shape], rank, factors, weights: new Float64Array(rank).fill(1) };
}
