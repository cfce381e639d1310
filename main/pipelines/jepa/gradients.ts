/**
 * Functional gradients for Brain-JEPA's "brain gradient positioning" (the ROI half of its positional
 * embedding). The reference ships one matrix for its 450-ROI atlas (`gradient_mapping_450.csv`,
 * "derived from UKB data with BrainSpace"; the script was not released, Brain-JEPA issue #11). For
 * any other atlas they are computed here from the cohort's group connectivity with BrainSpace's
 * algorithm (MICA-MNI/BrainSpace v0.2.1, python: gradient/gradient.py `GradientMaps`,
 * kernels.py `compute_affinity`, utils.py `dominant_set`, embedding.py `diffusion_mapping`):
 *
 * 1. Row-wise sparsification of the input matrix (`sparsity` 0.9): every row keeps its
 *    k = int(n · (1 − sparsity)) largest entries, the rest become 0. `1 − 0.9` is 0.09999999999999998
 *    in floating point, so 116 ROIs keep 11 per row and 450 ROIs keep 44 (not 45), as in BrainSpace.
 *    Ties (which numpy's argpartition breaks arbitrarily) go to the lower column here.
 * 2. Kernel on the sparsified rows (BrainSpace sparsifies *before* the kernel, `pre_sparsify=True`):
 *    `normalized_angle` 1 − arccos(cos θ)/π (GradientMaps' default since BrainSpace v0.1.16, Oct 2024,
 *    and what its tutorial 2 passes explicitly), `cosine` (cosine similarity, what the Brain-JEPA paper
 *    names), or `none` (the sparsified matrix itself: GradientMaps' default before v0.1.16, i.e. when
 *    Brain-JEPA was written). Negative affinities are zeroed (`non_negative`).
 * 3. Diffusion maps (Coifman & Lafon), α = 0.5: W = D^−α A D^−α, P = D_α⁻¹ W, the n_components + 1
 *    largest eigenpairs of P, eigenvectors divided row-wise by the first (constant) one, eigenvalues
 *    by the first, the first pair dropped; diffusion time 0 = multi-scale: λ ← λ / (1 − λ); each
 *    eigenvector multiplied by its λ; sign such that each column's largest-magnitude entry is positive.
 *
 * **Eigen-solver.** P is not symmetric. BrainSpace nevertheless hands it to `scipy.sparse.linalg.eigsh`
 * (ARPACK's *symmetric* Lanczos, v0 from `random_state`), which only approximates its eigenpairs: on
 * the ABIDE group connectivity the residuals ‖Pv − λv‖ are ~0.025, the top eigenvalue comes out as
 * 1.004 instead of 1, and gradients change with `random_state` (component correlations 0.977–0.99999
 * with the exact ones; cf. BrainSpace issue #38 "different results each run", and PR #142 which moved
 * the MATLAB version to the symmetric form). Here the exact eigenpairs come from the symmetric matrix
 * similar to P:  S = D_α^−½ W D_α^−½ = D_α^½ P D_α^−½, so P ψ = λ ψ with ψ = D_α^−½ φ for every
 * eigenpair S φ = λ φ (same real eigenvalues; `symmetricEigen`, Householder + QL, float64). Each ψ is
 * then scaled to unit Euclidean norm, which is what eigsh returns for the vectors of P, so the output
 * has BrainSpace's scale: the first eigenvector is ±1/√n · 1, hence gradient k = √n · λ_k · ψ_k.
 *
 * **Which kernel.** The released 450-ROI CSV looks like `normalized_angle` output rather than
 * `cosine`: with BrainSpace's scaling a column is √n·λ_k times a unit vector, so its standard deviation
 * is ≈ λ_k, and the CSV's (0.078, 0.074, 0.046, …) are the small multi-scale eigenvalues of that
 * kernel (ABIDE-116: 0.072, 0.058, 0.046), while `cosine` gives λ ≈ 3.7, 2.5, 1.6 and `none` ≈ 10,
 * 6.9, 5.0. Its columns are also centred and mutually orthogonal (|mean|/sd ≤ 6e-5, |cos| ≤ 6e-5),
 * which diffusion-map vectors are only approximately (they are orthogonal in the degree-weighted
 * inner product): ABIDE's `normalized_angle` gradients reach 4e-3 / 5e-3, `cosine` 3e-2 / 5e-2 (a
 * denser, more uniform-degree 450-ROI UKB affinity would come closer). So the default kernel is
 * `normalized_angle` (itself a cosine-similarity kernel, mapped to [0, 1]); `cosine` is what the paper
 * says in words.
 *
 * **Scale.** The reference's `GradTs_2dPE` maps the 30 gradients through a trainable Linear(30, D/2)
 * and then min-max rescales the whole result to [−1, 1] on every forward pass. A global factor s > 0
 * on the gradients therefore changes nothing at initialisation (the bias starts at 0 and the min-max
 * removes s exactly) and during training only changes how far W must move relative to the bias
 * (AdamW steps are scale-free per parameter). Scale does not matter much; these gradients are on the
 * CSV's scale anyway (column SDs ≈ λ_k ≈ 0.05–0.08 with the default kernel), so no rescaling is done.
 */
import { readFile } from 'node:fs/promises';
import { FormatError, ValidationError } from '../../errors.js';
import { sampleCorrelation } from '../fmri/connectivity.js';
import { symmetricEigen } from '../fmri/linalg.js';
import { seriesRegions, type JepaSeries } from './data.js';

export type GradientKernel = 'normalized_angle' | 'cosine' | 'none';

export interface DiffusionGradientOptions {
  /** Number of gradients (Brain-JEPA: 30; BrainSpace's default 10). */
  components?: number;
  /** Proportion of each row's smallest entries zeroed before the kernel (BrainSpace: 0.9). null/0: none. */
  sparsity?: number | null;
  /** Anisotropic diffusion parameter (BrainSpace: 0.5). */
  alpha?: number;
  kernel?: GradientKernel;
  /** 0 (BrainSpace's default): multi-scale λ/(1 − λ); t > 0: λ^t. */
  diffusionTime?: number;
}

export interface DiffusionMap {
  /** n × components, row r = ROI r (the CSV's and the model's layout). */
  gradients: Float64Array;
  /** The scaled eigenvalues (BrainSpace's `lambdas_`), descending. */
  lambdas: Float64Array;
  components: number;
  /** BrainSpace's warnings (a disconnected affinity graph, an asymmetric affinity made symmetric). */
  warnings: string[];
}

export const DEFAULT_GRADIENT_OPTIONS: Required<Omit<DiffusionGradientOptions, 'sparsity'>> & { sparsity: number } = {
  components: 30,
  sparsity: 0.9,
  alpha: 0.5,
  kernel: 'normalized_angle',
  diffusionTime: 0,
};

/** BrainSpace's `dominant_set(s, k=1 − sparsity, is_thresh=False, as_sparse=False)`. */
export function dominantSet(s: Float64Array, n: number, sparsity: number): Float64Array {
  const keep = Math.trunc(n * (1 - sparsity));
  if (!(sparsity > 0 && sparsity < 1) || keep <= 0) {
    throw new ValidationError('sparsity', `must be in (0, 1) and leave at least one entry per row (${n} columns × ${1 - sparsity} = ${keep})`);
  }
  const out = new Float64Array(n * n);
  const order = Array.from({ length: n }, (_, j) => j);
  for (let i = 0; i < n; i++) {
    const row = s.subarray(i * n, (i + 1) * n);
    order.sort((a, b) => row[b]! - row[a]! || a - b);
    for (let q = 0; q < keep; q++) out[i * n + order[q]!] = row[order[q]!]!;
  }
  return out;
}

/** BrainSpace's `compute_affinity(x, kernel, sparsity)` with `pre_sparsify=True, non_negative=True`. */
export function computeAffinity(x: Float64Array, n: number, kernel: GradientKernel, sparsity: number | null): Float64Array {
  const s = sparsity !== null && sparsity > 0 ? dominantSet(x, n, sparsity) : Float64Array.from(x);
  let a: Float64Array;
  if (kernel === 'none') {
    a = s;
  } else {
    // sklearn's cosine_similarity: rows scaled to unit L2 norm (a zero row stays zero), then X Xᵀ.
    const unit = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      let ss = 0;
      for (let j = 0; j < n; j++) ss += s[i * n + j]! ** 2;
      const norm = Math.sqrt(ss) || 1;
      for (let j = 0; j < n; j++) unit[i * n + j] = s[i * n + j]! / norm;
    }
    a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let dot = 0;
        for (let q = 0; q < n; q++) dot += unit[i * n + q]! * unit[j * n + q]!;
        // A row's similarity to itself is exactly 1 (BLAS gives 1 ± 1 ulp, which arccos, steep at 1,
        // turns into up to ~5e-9 of normalized angle: the one place where the kernel amplifies rounding).
        if (i === j && dot !== 0) dot = 1;
        if (kernel === 'normalized_angle') dot = 1 - Math.acos(Math.min(1, Math.max(-1, dot))) / Math.PI;
        a[i * n + j] = dot;
        a[j * n + i] = dot;
      }
    }
  }
  for (let i = 0; i < a.length; i++) if (a[i]! < 0) a[i] = 0;
  return a;
}

/** numpy's allclose(a, aᵀ, atol=1e-10) (rtol 1e-5), as BrainSpace's `is_symmetric`. */
function isSymmetric(a: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (!(Math.abs(a[i * n + j]! - a[j * n + i]!) <= 1e-10 + 1e-5 * Math.abs(a[j * n + i]!))) return false;
  }
  return true;
}

function connectedComponents(a: Float64Array, n: number): number {
  const seen = new Uint8Array(n);
  let count = 0;
  for (let start = 0; start < n; start++) {
    if (seen[start]) continue;
    count++;
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      for (let j = 0; j < n; j++) {
        if (!seen[j] && (a[i * n + j] !== 0 || a[j * n + i] !== 0)) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
  }
  return count;
}

/**
 * BrainSpace's `diffusion_mapping(affinity, n_components, alpha, diffusion_time)` with exact
 * eigenpairs (see the module comment). `affinity` is n × n, non-negative.
 */
export function diffusionMapping(affinity: Float64Array, n: number, components: number, alpha = 0.5, diffusionTime = 0): DiffusionMap {
  if (affinity.length !== n * n) throw new ValidationError('affinity', `an ${n} × ${n} matrix needs ${n * n} values, got ${affinity.length}`);
  if (!Number.isInteger(components) || components < 1 || components > n - 1) {
    throw new ValidationError('components', `must be an integer in [1, ${n - 1}] for ${n} regions (got ${components})`);
  }
  if (!(alpha >= 0 && alpha <= 1)) throw new ValidationError('alpha', `must be in [0, 1] (got ${alpha})`);
  for (let i = 0; i < affinity.length; i++) {
    if (!Number.isFinite(affinity[i]!)) throw new ValidationError('affinity', 'contains NaN or infinite values (NaN/Inf in the connectivity, or a row of zeros)');
  }
  const warnings: string[] = [];
  let a = Float64Array.from(affinity);
  if (!isSymmetric(a, n)) {
    warnings.push('affinity is not symmetric; made symmetric as (A + Aᵀ) / 2');
    const sym = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = 0.5 * (a[i * n + j]! + a[j * n + i]!);
    a = sym;
  }
  const parts = connectedComponents(a, n);
  if (parts !== 1) {
    // Each component is a stationary state of the walk: eigenvalue 1 is repeated, so λ/(1 − λ) is
    // infinite (BrainSpace warns and returns numbers of order 1e15 from rounding). Refuse that case.
    if (diffusionTime <= 0) {
      throw new ValidationError('affinity', `the affinity graph has ${parts} disconnected parts, so the multi-scale diffusion map (diffusion time 0) is infinite; lower the sparsity or check the connectivity for empty regions`);
    }
    warnings.push(`affinity graph has ${parts} disconnected parts; the first gradients will separate them`);
  }

  const rowSums = (m: Float64Array): Float64Array => {
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += m[i * n + j]!;
      d[i] = s;
    }
    return d;
  };
  if (alpha > 0) {
    const d = rowSums(a);
    const p = d.map((v) => v ** -alpha);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = a[i * n + j]! * p[i]! * p[j]!;
  }
  const dAlpha = rowSums(a);
  for (let i = 0; i < n; i++) {
    if (!(dAlpha[i]! > 0)) throw new ValidationError('affinity', `region ${i} has no positive affinity (an isolated row); its diffusion is undefined`);
  }
  // S = D_α^−½ W D_α^−½ (symmetric, similar to P = D_α⁻¹ W).
  const rootInv = dAlpha.map((v) => 1 / Math.sqrt(v));
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = a[i * n + j]! * rootInv[i]! * rootInv[j]!;
      s[i * n + j] = v;
      s[j * n + i] = v;
    }
  }
  const eigen = symmetricEigen(s, n); // ascending
  const k = components + 1;
  // eigsh(which='LM') takes the k eigenvalues of largest magnitude, which BrainSpace then orders by
  // value, descending (eigsh returns them ascending; `w[::-1]`). P's spectrum lies in [−1, 1] with 1
  // on top; a strongly negative eigenvalue can be among the k (sparse affinities), so pick by |λ|.
  const byMagnitude = Array.from({ length: n }, (_, q) => q).sort((x, y) => Math.abs(eigen.values[y]!) - Math.abs(eigen.values[x]!) || y - x);
  const chosen = byMagnitude.slice(0, k).sort((x, y) => eigen.values[y]! - eigen.values[x]! || y - x);
  const psi: Float64Array[] = [];
  const w = new Float64Array(k);
  for (let q = 0; q < k; q++) {
    const from = chosen[q]!;
    w[q] = eigen.values[from]!;
    const v = new Float64Array(n);
    let norm = 0;
    for (let i = 0; i < n; i++) {
      v[i] = eigen.vectors[from * n + i]! * rootInv[i]!;
      norm += v[i]! ** 2;
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) v[i] = v[i]! / norm;
    psi.push(v);
  }
  const first = psi[0]!;
  const w0 = w[0]!;
  const lambdas = new Float64Array(components);
  for (let c = 0; c < components; c++) {
    const l = w[c + 1]! / w0;
    if (diffusionTime <= 0) {
      if (!(1 - l > 0)) throw new ValidationError('affinity', `eigenvalue ${c + 2} of the diffusion operator is 1 (a disconnected affinity graph): the multi-scale map is infinite`);
      lambdas[c] = l / (1 - l);
    } else {
      lambdas[c] = l ** diffusionTime;
    }
  }
  const gradients = new Float64Array(n * components);
  for (let c = 0; c < components; c++) {
    const v = psi[c + 1]!;
    let best = 0;
    for (let i = 0; i < n; i++) {
      const g = (v[i]! / first[i]!) * lambdas[c]!;
      gradients[i * components + c] = g;
      if (Math.abs(g) > Math.abs(gradients[best * components + c]!)) best = i;
    }
    if (gradients[best * components + c]! < 0) for (let i = 0; i < n; i++) gradients[i * components + c] = -gradients[i * components + c]!;
  }
  return { gradients, lambdas, components, warnings };
}

/** GradientMaps(approach='dm').fit(conn) with BrainSpace's defaults unless overridden (kernel default: see the module comment). */
export function diffusionMap(conn: Float64Array, n: number, options: DiffusionGradientOptions = {}): DiffusionMap {
  if (conn.length !== n * n) throw new ValidationError('conn', `an ${n} × ${n} matrix needs ${n * n} values, got ${conn.length}`);
  const o = { ...DEFAULT_GRADIENT_OPTIONS, ...options };
  const affinity = computeAffinity(conn, n, o.kernel, o.sparsity ?? null);
  return diffusionMapping(affinity, n, o.components, o.alpha, o.diffusionTime);
}

/** The gradients only (n × components, ROI-major rows), for the model's positional embedding. */
export function diffusionGradients(conn: Float64Array, n: number, options: DiffusionGradientOptions = {}): Float64Array {
  return diffusionMap(conn, n, options).gradients;
}

/** A correlation of exactly ±1 has an infinite Fisher z; clipped here (r = ±(1 − 1e−7) ↔ |z| ≈ 8.4). */
export const FISHER_CLIP = 1 - 1e-7;

export type GroupAverage = 'fisher-z' | 'pearson';

/**
 * The group connectivity the gradients are computed from: each subject's Pearson correlation matrix
 * (`np.corrcoef`, `sampleCorrelation`; no shrinkage, as gradient studies use), averaged over the
 * training subjects either as r directly (`pearson`) or, by default, through Fisher's z: tanh(mean
 * artanh r). The z mean is the usual way to average correlations (artanh makes them additive and
 * stabilises their variance); back-transforming keeps a correlation matrix with a unit diagonal,
 * so BrainSpace's row-wise top-10 % always keeps each ROI's self-similarity as the input would.
 *
 * A region constant in a subject (outside that scan's field of view: 13 ABIDE subjects have 1–11)
 * has no correlation there; its pairs are averaged over the subjects where it is defined. A pair
 * defined in no subject is an error.
 */
export function groupConnectivity(series: readonly JepaSeries[], options: { average?: GroupAverage } = {}): Float64Array {
  const average = options.average ?? 'fisher-z';
  if (series.length === 0) throw new ValidationError('series', 'group connectivity needs at least one subject');
  const n = seriesRegions(series[0]!, 'series[0]');
  const sum = new Float64Array(n * n);
  const count = new Uint32Array(n * n);
  series.forEach((s, k) => {
    if (seriesRegions(s, `series[${k}]`) !== n) throw new ValidationError(`series[${k}]`, `has ${seriesRegions(s)} regions, the first subject ${n}`);
    const r = sampleCorrelation({ regionCount: n, timepoints: s.timepoints, data: s.data });
    for (let i = 0; i < n * n; i++) {
      const v = r[i]!;
      if (Number.isNaN(v)) continue;
      sum[i] = sum[i]! + (average === 'fisher-z' ? Math.atanh(Math.max(-FISHER_CLIP, Math.min(FISHER_CLIP, v))) : v);
      count[i] = count[i]! + 1;
    }
  });
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) {
        out[i * n + j] = 1;
        continue;
      }
      const c = count[i * n + j]!;
      if (c === 0) throw new ValidationError('series', `regions ${i} and ${j} are never both non-constant in the same subject: no correlation to average`);
      const m = sum[i * n + j]! / c;
      out[i * n + j] = average === 'fisher-z' ? Math.tanh(m) : m;
    }
  }
  return out;
}

export interface GradientMatrix {
  rois: number;
  components: number;
  /** rois × components, row-major (row r = ROI r). */
  values: Float64Array;
}

/**
 * Reads Brain-JEPA's `gradient_mapping_450.csv` layout: no header, one ROI per line, the same number
 * of comma-separated finite numbers on every line. Errors name the file and the 1-based line.
 */
export async function readGradientCsv(path: string): Promise<GradientMatrix> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FormatError(path, `cannot be read (${(error as Error).message})`);
  }
  return parseGradientCsv(text, path);
}

export function parseGradientCsv(text: string, file: string): GradientMatrix {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) throw new FormatError(file, 'is empty; expected one line of comma-separated gradient values per ROI');
  const values: number[] = [];
  let components = -1;
  lines.forEach((line, k) => {
    const where = `line ${k + 1}`;
    if (line.trim() === '') throw new FormatError(file, 'is an empty line inside the table', where);
    const cells = line.split(',');
    if (components < 0) components = cells.length;
    else if (cells.length !== components) throw new FormatError(file, `has ${cells.length} values where line 1 has ${components}`, where);
    cells.forEach((cell, c) => {
      const trimmed = cell.trim();
      const v = trimmed === '' ? Number.NaN : Number(trimmed);
      if (!Number.isFinite(v)) {
        throw new FormatError(file, `value ${c + 1} is "${trimmed.slice(0, 40)}", not a finite number${k === 0 ? ' (the file has no header line)' : ''}`, where);
      }
      values.push(v);
    });
  });
  return { rois: lines.length, components, values: Float64Array.from(values) };
}
