/**
 * The collapse monitor: the effective rank (Roy & Vetterli 2007; RankMe, Garrido et al. 2023) of a
 * set of pooled features, exp(H(p)) with p_k = σ_k / Σσ the normalised singular values of the
 * N × D feature matrix. It is D (at most min(N, D)) for features spread evenly over every direction
 * and 1 for features on one line: a JEPA whose target encoder collapses shows it falling toward 1.
 * Like RankMe, the features are not centred (a shared offset is one direction the encoder may learn).
 *
 * The singular values come from the eigenvalues of the smaller Gram matrix (XXᵀ or XᵀX) in float64:
 * σ_k = √λ_k. Plain TypeScript (no tfjs), so it costs nothing on the training backend.
 */
import { symmetricEigen } from '../fmri/linalg.js';

export interface EffectiveRank {
  /** exp(entropy of the normalised singular values). */
  effectiveRank: number;
  /** The singular values, descending. */
  singularValues: Float64Array;
}

/** RankMe's ε: keeps log p finite for zero singular values (their contribution is ≈ 0). */
const EPS = 1e-7;

/**
 * Effective rank of `rows` × `cols` row-major features (float32 or float64). `centre` subtracts the
 * column means first: the rank of the spread *between* samples, which a shared offset (mean-pooled
 * transformer features have a large one) does not dominate; a collapsed encoder gives ≈ 0 spread.
 */
export function effectiveRank(features: Float32Array | Float64Array, rows: number, cols: number, options: { centre?: boolean } = {}): EffectiveRank {
  if (features.length !== rows * cols) throw new RangeError(`${features.length} values for ${rows} × ${cols} features`);
  if (options.centre && rows > 0) {
    const centred = Float64Array.from(features);
    for (let j = 0; j < cols; j++) {
      let mean = 0;
      for (let i = 0; i < rows; i++) mean += centred[i * cols + j]!;
      mean /= rows;
      for (let i = 0; i < rows; i++) centred[i * cols + j] = centred[i * cols + j]! - mean;
    }
    return effectiveRank(centred, rows, cols);
  }
  if (rows === 0 || cols === 0) return { effectiveRank: 0, singularValues: new Float64Array(0) };
  // Gram of the smaller side: rows ≤ cols → X Xᵀ (rows × rows), else Xᵀ X (cols × cols).
  const byRows = rows <= cols;
  const n = byRows ? rows : cols;
  const gram = new Float64Array(n * n);
  if (byRows) {
    for (let i = 0; i < rows; i++) {
      for (let j = i; j < rows; j++) {
        let s = 0;
        for (let k = 0; k < cols; k++) s += features[i * cols + k]! * features[j * cols + k]!;
        gram[i * n + j] = s;
        gram[j * n + i] = s;
      }
    }
  } else {
    for (let r = 0; r < rows; r++) {
      const at = r * cols;
      for (let i = 0; i < cols; i++) {
        const xi = features[at + i]!;
        if (xi === 0) continue;
        for (let j = i; j < cols; j++) gram[i * n + j] = gram[i * n + j]! + xi * features[at + j]!;
      }
    }
    for (let i = 0; i < cols; i++) for (let j = 0; j < i; j++) gram[i * n + j] = gram[j * n + i]!;
  }
  const { values } = symmetricEigen(gram, n);
  // Rounding can leave tiny negative eigenvalues of a PSD Gram matrix: they are zeros.
  const singularValues = Float64Array.from(values, (v) => Math.sqrt(Math.max(0, v))).reverse();
  let total = 0;
  for (const s of singularValues) total += s;
  if (total === 0) return { effectiveRank: 0, singularValues };
  let entropy = 0;
  for (const s of singularValues) {
    const p = s / total + EPS;
    entropy -= p * Math.log(p);
  }
  return { effectiveRank: Math.exp(entropy), singularValues };
}
