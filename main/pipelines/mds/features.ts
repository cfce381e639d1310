/**
 * The baselines' input: each neuron's trial-averaged response to each repeated protocol (chirp,
 * colour steps, moving bars; 'reversal' on the real retina), normalised per protocol as Baden et
 * al. (2016) did before feature extraction — the trace minus its mean, divided by its largest
 * absolute value — so a cell's features describe the shape of its responses, not its firing rate.
 * Plus the sparse PCA (Baden et al. used sparse PCA per stimulus for their mixture-model features).
 */
import type { MdsDataset } from './types.js';
import { trialAverages, wholeTrials } from './dataset.js';

/** A row-major matrix of float64 (rows = neurons). */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export interface ProtocolBlock {
  readonly protocol: string;
  /** First column and width of the protocol's part of the matrix. */
  readonly offset: number;
  readonly length: number;
}

export interface BaselineFeatures extends FeatureMatrix {
  readonly blocks: readonly ProtocolBlock[];
}

/**
 * Concatenated normalised trial averages, [neurons, Σ protocol lengths]. Protocols with no whole
 * trial are left out.
 */
export function baselineFeatures(dataset: MdsDataset): BaselineFeatures {
  const protocols = dataset.protocols.filter((p) => wholeTrials(dataset, p).length > 0);
  const cols = protocols.reduce((s, p) => s + p.lengthFrames, 0);
  const n = dataset.nNeurons;
  const data = new Float64Array(n * cols);
  const blocks: ProtocolBlock[] = [];
  let offset = 0;
  for (const protocol of protocols) {
    const L = protocol.lengthFrames;
    const traces = trialAverages(dataset, protocol);
    for (let u = 0; u < n; u++) {
      let mean = 0;
      for (let f = 0; f < L; f++) mean += traces[u * L + f]!;
      mean /= L;
      let peak = 0;
      for (let f = 0; f < L; f++) peak = Math.max(peak, Math.abs(traces[u * L + f]! - mean));
      const scale = peak > 0 ? 1 / peak : 0;
      for (let f = 0; f < L; f++) data[u * cols + offset + f] = (traces[u * L + f]! - mean) * scale;
    }
    blocks.push({ protocol: protocol.name, offset, length: L });
    offset += L;
  }
  return { rows: n, cols, data, blocks };
}

/** The columns [offset, offset + length) of a matrix. */
export function columns(matrix: FeatureMatrix, offset: number, length: number): FeatureMatrix {
  const data = new Float64Array(matrix.rows * length);
  for (let r = 0; r < matrix.rows; r++) data.set(matrix.data.subarray(r * matrix.cols + offset, r * matrix.cols + offset + length), r * length);
  return { rows: matrix.rows, cols: length, data };
}

/** Each column minus its mean and divided by its SD (columns with no variance become 0). */
export function standardiseColumns(matrix: FeatureMatrix): FeatureMatrix {
  const { rows, cols } = matrix;
  const data = Float64Array.from(matrix.data);
  for (let c = 0; c < cols; c++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += data[r * cols + c]!;
    mean /= rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (data[r * cols + c]! - mean) ** 2;
    const sd = Math.sqrt(v / rows);
    for (let r = 0; r < rows; r++) data[r * cols + c] = sd > 1e-12 ? (data[r * cols + c]! - mean) / sd : 0;
  }
  return { rows, cols, data };
}

export interface SparsePca {
  /** [components, cols]: unit-norm loadings with at most `cardinality` non-zeros each. */
  readonly loadings: Float64Array;
  readonly components: number;
  /** [rows, components]: the centred data projected on the loadings. */
  readonly scores: FeatureMatrix;
  /** Variance of each component's scores. */
  readonly variance: Float64Array;
}

/**
 * Sparse PCA by the truncated power method (Yuan & Zhang 2013) with projection deflation: each
 * component maximises vᵀCv over unit vectors with at most `cardinality` non-zero loadings, C the
 * covariance of the centred rows. Baden et al. (2016) used sparse PCA with a fixed number of
 * non-zero time bins per component (SpaSM); this is the same constraint by another solver, and
 * deterministic (started from the column of largest variance).
 */
export function sparsePca(matrix: FeatureMatrix, components: number, cardinality: number, maxIterations = 200): SparsePca {
  const { rows, cols } = matrix;
  const k = Math.max(1, Math.min(components, cols));
  const card = Math.max(1, Math.min(cardinality, cols));
  const centred = Float64Array.from(matrix.data);
  for (let c = 0; c < cols; c++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += centred[r * cols + c]!;
    mean /= rows;
    for (let r = 0; r < rows; r++) centred[r * cols + c]! -= mean;
  }
  // Covariance, cols × cols (protocol traces are ≤ ~1000 frames: ≤ 8 MB).
  const C = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++) {
    const row = centred.subarray(r * cols, (r + 1) * cols);
    for (let i = 0; i < cols; i++) {
      const a = row[i]!;
      if (a === 0) continue;
      const at = i * cols;
      for (let j = 0; j < cols; j++) C[at + j]! += a * row[j]!;
    }
  }
  for (let i = 0; i < C.length; i++) C[i]! /= Math.max(1, rows - 1);
  const loadings = new Float64Array(k * cols);
  const Cv = new Float64Array(cols);
  const multiply = (v: Float64Array): void => {
    for (let i = 0; i < cols; i++) {
      let s = 0;
      const at = i * cols;
      for (let j = 0; j < cols; j++) s += C[at + j]! * v[j]!;
      Cv[i] = s;
    }
  };
  const truncate = (v: Float64Array): void => {
    const order = Array.from(v.keys()).sort((a, b) => Math.abs(v[b]!) - Math.abs(v[a]!) || a - b);
    for (let i = card; i < cols; i++) v[order[i]!] = 0;
    let norm = 0;
    for (let i = 0; i < cols; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < cols; i++) v[i]! /= norm;
  };
  for (let comp = 0; comp < k; comp++) {
    let best = 0;
    for (let i = 1; i < cols; i++) if (C[i * cols + i]! > C[best * cols + best]!) best = i;
    if (!(C[best * cols + best]! > 1e-14)) break;
    let v = new Float64Array(cols);
    // Start from the dense leading direction (a few power steps from the largest-variance column).
    v[best] = 1;
    for (let it = 0; it < 10; it++) {
      multiply(v);
      let norm = 0;
      for (let i = 0; i < cols; i++) norm += Cv[i]! ** 2;
      norm = Math.sqrt(norm);
      if (!(norm > 0)) break;
      v = Float64Array.from(Cv, (x) => x / norm);
    }
    truncate(v);
    for (let it = 0; it < maxIterations; it++) {
      multiply(v);
      const next = Float64Array.from(Cv);
      truncate(next);
      let change = 0;
      for (let i = 0; i < cols; i++) change = Math.max(change, Math.abs(next[i]! - v[i]!));
      v = next;
      if (change < 1e-10) break;
    }
    // Sign: the largest loading positive (components are defined up to sign).
    let big = 0;
    for (let i = 1; i < cols; i++) if (Math.abs(v[i]!) > Math.abs(v[big]!)) big = i;
    if (v[big]! < 0) for (let i = 0; i < cols; i++) v[i] = -v[i]!;
    loadings.set(v, comp * cols);
    // Projection deflation: C ← (I − vvᵀ) C (I − vvᵀ).
    multiply(v);
    let vCv = 0;
    for (let i = 0; i < cols; i++) vCv += v[i]! * Cv[i]!;
    for (let i = 0; i < cols; i++) {
      for (let j = 0; j < cols; j++) C[i * cols + j]! += -v[i]! * Cv[j]! - Cv[i]! * v[j]! + vCv * v[i]! * v[j]!;
    }
  }
  const scores = new Float64Array(rows * k);
  const variance = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    for (let comp = 0; comp < k; comp++) {
      let s = 0;
      for (let i = 0; i < cols; i++) s += centred[r * cols + i]! * loadings[comp * cols + i]!;
      scores[r * k + comp] = s;
      variance[comp]! += (s * s) / Math.max(1, rows - 1);
    }
  }
  return { loadings, components: k, scores: { rows, cols: k, data: scores }, variance };
}
