/**
 * A deterministic SVD-based start for non-negative CP: NNDSVD (Boutsidis & Gallopoulos 2008) of the
 * mode-0 unfolding X₍₀₎ (I₀ × T), then each component's trailing part folded back into the other
 * modes by its best non-negative rank-one approximation.
 *
 *  1. The top singular triplets (σₖ, uₖ, vₖ) of X₍₀₎ (T = Π_{n≥1} Iₙ columns) by a randomised SVD
 *     with a fixed sketch seed (uₖ = X₍₀₎vₖ/σₖ).
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
import { seededRandom } from '../../../../shared/random.js';

/** Power iterations for each component's rank-one trailing part (converges in a few for these). */
const POWER_ITERATIONS = 20;
/** Zero loadings become this fraction of the column's mean (NNDSVDa uses the data mean). */
const FLOOR_SHARE = 0.01;

interface Unfolding {
  /** Leading singular values of X₍₀₎, descending. */
  values: Float64Array;
  /** Right singular vectors, row k = vₖ (length T), in the same order. */
  vectors: Float64Array;
  /** How many triplets are held. */
  count: number;
}

/** Extra directions and power iterations of the randomised SVD (Halko, Martinsson & Tropp 2011). */
const OVERSAMPLING = 10;
const SUBSPACE_ITERATIONS = 6;
/** Fixed, so the start is deterministic. */
const SKETCH_SEED = 0x5eed;

const SKETCH_BLOCK = 16;

const unfoldings = new WeakMap<Float64Array, Map<number, Unfolding>>();

/** Orthonormalises the k columns of the n × k row-major matrix a in place (modified Gram–Schmidt). */
function orthonormalize(a: Float64Array, n: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += a[i * k + j]! * a[i * k + p]!;
      for (let i = 0; i < n; i++) a[i * k + j]! -= dot * a[i * k + p]!;
    }
    let length = 0;
    for (let i = 0; i < n; i++) length += a[i * k + j]! ** 2;
    length = Math.sqrt(length);
    for (let i = 0; i < n; i++) a[i * k + j] = length > 1e-300 ? a[i * k + j]! / length : 0;
  }
}

/**
 * The leading `wanted` singular triplets of X₍₀₎ (I₀ × T) by a randomised range finder with
 * subspace iterations: cost O(I₀·T·k) per iteration with k = wanted + 10, so it scales to unfoldings
 * whose T × T or I₀ × I₀ Gram matrix would not fit.
 */
function rightSingular(x: DenseTensor, wanted: number): Unfolding {
  const rows = x.shape[0]!;
  const length = trailingSize(x.shape);
  // The sketch size depends only on the rank's block of 16 (one sketch serves ranks 1–16), and each
  // size is cached separately: a rank's start never depends on which ranks a thread fitted before.
  const k = Math.min(rows, length, SKETCH_BLOCK * Math.ceil(wanted / SKETCH_BLOCK) + OVERSAMPLING);
  const sketches = unfoldings.get(x.data) ?? new Map<number, Unfolding>();
  unfoldings.set(x.data, sketches);
  const cached = sketches.get(k);
  if (cached) return cached;
  const data = x.data;
  const random = seededRandom(SKETCH_SEED);
  // Y = X Ω, then alternate Z = Xᵀ Q, Y = X Z with re-orthonormalisation.
  const omega = Float64Array.from({ length: length * k }, () => random() - 0.5);
  const y = new Float64Array(rows * k);
  const z = new Float64Array(length * k);
  const timesRight = (from: Float64Array, to: Float64Array) => {
    to.fill(0);
    for (let i = 0; i < rows; i++) {
      for (let t = 0; t < length; t++) {
        const value = data[i * length + t]!;
        if (value === 0) continue;
        for (let j = 0; j < k; j++) to[i * k + j]! += value * from[t * k + j]!;
      }
    }
  };
  const timesLeft = (from: Float64Array, to: Float64Array) => {
    to.fill(0);
    for (let i = 0; i < rows; i++) {
      for (let t = 0; t < length; t++) {
        const value = data[i * length + t]!;
        if (value === 0) continue;
        for (let j = 0; j < k; j++) to[t * k + j]! += value * from[i * k + j]!;
      }
    }
  };
  timesRight(omega, y);
  orthonormalize(y, rows, k);
  for (let iteration = 0; iteration < SUBSPACE_ITERATIONS; iteration++) {
    timesLeft(y, z);
    orthonormalize(z, length, k);
    timesRight(z, y);
    orthonormalize(y, rows, k);
  }
  // B = Qᵀ X (k × T) is z transposed; its singular values and right vectors from B Bᵀ (k × k).
  timesLeft(y, z);
  const small = new Float64Array(k * k);
  for (let t = 0; t < length; t++) {
    for (let a = 0; a < k; a++) for (let b = a; b < k; b++) small[a * k + b]! += z[t * k + a]! * z[t * k + b]!;
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) small[a * k + b] = small[b * k + a]!;
  const eigen = symmetricEigen(small, k);
  const values = new Float64Array(k);
  const vectors = new Float64Array(k * length);
  for (let c = 0; c < k; c++) {
    // eigh order is ascending: take from the top. vₖ = Bᵀ wₖ / σₖ.
    const from = k - 1 - c;
    const sigma = Math.sqrt(Math.max(0, eigen.values[from]!));
    values[c] = sigma;
    const w = eigen.vectors.subarray(from * k, (from + 1) * k);
    for (let t = 0; t < length; t++) {
      let sum = 0;
      for (let a = 0; a < k; a++) sum += z[t * k + a]! * w[a]!;
      vectors[c * length + t] = sigma > 0 ? sum / sigma : 0;
    }
  }
  const unfolding = { values, vectors, count: k };
  sketches.set(k, unfolding);
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
 * Writes NNDSVD component r into column r of `factors` (one rows × rank array per mode), floored.
 * Components beyond the unfolding's rank (only when rank > Π_{n≥1} Iₙ or X₍₀₎ is rank-deficient)
 * repeat the leading one, scaled down, so HALS can split it.
 */
function writeNndsvdComponent(x: DenseTensor, unfolding: Unfolding, factors: Float64Array[], rank: number, r: number): void {
  const { shape } = x;
  const rows = shape[0]!;
  const length = trailingSize(shape);
  const { values, vectors, count } = unfolding;
  const k = r < count && values[r]! > values[0]! * 1e-12 ? r : 0;
  const sigma = values[k]!;
  const v = vectors.subarray(k * length, (k + 1) * length);
  // u = X₍₀₎ v / σ
  const u = new Float64Array(rows);
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
  const parts = rankOne(vk, shape.slice(1));
  parts.forEach((vector, n) => {
    const mode = n + 1;
    const s = n === 0 ? scale * vNorm : 1;
    for (let i = 0; i < vector.length; i++) factors[mode]![i * rank + r] = s * vector[i]!;
  });
  shape.forEach((size, n) => floorColumn(factors[n]!, size, rank, r));
}

/** The NNDSVD start of a rank-`rank` non-negative CP of x, with weights 1. */
export function nndsvdKruskal(x: DenseTensor, rank: number): KruskalTensor {
  const unfolding = rightSingular(x, rank);
  const factors = x.shape.map((size) => new Float64Array(size * rank));
  for (let r = 0; r < rank; r++) writeNndsvdComponent(x, unfolding, factors, rank, r);
  return { shape: [...x.shape], rank, factors, weights: new Float64Array(rank).fill(1) };
}

/**
 * A rank-(r+1) start grown from a rank-r fit: its r components (weights folded into mode 0) plus
 * the NNDSVD's component r+1 (only that one is computed). A fit from here keeps what the smaller
 * rank found and only has to place one new component, which reaches optima that random starts
 * find rarely (on the worms' affinity tensor, rank 12's best optimum: about 40 % of random starts
 * reach it).
 */
export function grownKruskal(x: DenseTensor, previous: KruskalTensor): KruskalTensor {
  const rank = previous.rank + 1;
  const factors = x.shape.map((size, n) => {
    const grown = new Float64Array(size * rank);
    const old = previous.factors[n]!;
    for (let i = 0; i < size; i++) {
      for (let r = 0; r < previous.rank; r++) grown[i * rank + r] = old[i * previous.rank + r]! * (n === 0 ? previous.weights[r]! : 1);
    }
    return grown;
  });
  writeNndsvdComponent(x, rightSingular(x, rank), factors, rank, previous.rank);
  return { shape: [...x.shape], rank, factors, weights: new Float64Array(rank).fill(1) };
}
