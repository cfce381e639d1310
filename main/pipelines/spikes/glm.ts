/**
 * Baseline 2: a Poisson GLM per neuron (Pillow et al. 2008) with a stimulus filter, a spike-history
 * filter and coupling filters from every other neuron, each a weighted sum of raised-cosine bumps on a
 * log-stretched lag axis; L2-penalised, fitted by Newton's method (exact Hessian, Cholesky, backtracking).
 *
 * Objective — the same as sklearn's PoissonRegressor, so the fit can be checked against it on the
 * same design matrix: f(b, w) = (1/n) Σ_t [exp(η_t) − y_t η_t] + (α/2)‖w‖², η = b + X w (the
 * intercept b is not penalised). sklearn writes the first term as half the mean Poisson deviance,
 * which differs from ours by a constant in (b, w) only.
 *
 * Connectivity: the coupling filter of pre → post integrated over lags (Σ_l Σ_k β_k b_k(l)), a gain
 * on post's log rate; signed (inhibition < 0); diagonal 0 (that is the history filter).
 */
import { choleskySolve } from '../fmri/linalg.js';
import { ValidationError } from '../../errors.js';
import { binSpikes } from './bin.js';

/** Basis functions [count × lags] over lags firstLag … firstLag + lags − 1 (bins), row-major. */
export interface LagBasis {
  values: Float64Array;
  count: number;
  lags: number;
  firstLag: number;
}

/**
 * Raised-cosine bumps b_k(l) = ½(1 + cos(clamp((x(l) − φ_k)·π/(2Δ), −π, π))) with x(l) = log(l + c):
 * peaks φ_k evenly spaced by Δ from x(firstLag), the last bump ending exactly at x(lastLag). Each bump
 * spans ±2Δ as in Pillow's makeBasis (so interior lags are covered by several bumps whose sum is
 * constant), and early lags get narrow bumps (fine timing where synapses act).
 */
export function raisedCosineBasis(count: number, firstLag: number, lastLag: number, stretch = 1): LagBasis {
  if (!(Number.isInteger(count) && count >= 1)) throw new ValidationError('basis.count', `expected an integer ≥ 1, got ${count}`);
  if (!(Number.isInteger(firstLag) && firstLag >= 0 && lastLag > firstLag)) throw new ValidationError('basis.lags', `expected 0 ≤ firstLag < lastLag, got ${firstLag}…${lastLag}`);
  if (!(stretch > 0)) throw new ValidationError('basis.stretch', `expected > 0, got ${stretch}`);
  const x = (l: number) => Math.log(l + stretch);
  const delta = (x(lastLag) - x(firstLag)) / (count + 1);
  const lags = lastLag - firstLag + 1;
  const values = new Float64Array(count * lags);
  for (let k = 0; k < count; k++) {
    const phi = x(firstLag) + k * delta;
    for (let i = 0; i < lags; i++) {
      const u = ((x(firstLag + i) - phi) * Math.PI) / (2 * delta);
      values[k * lags + i] = 0.5 * (1 + Math.cos(Math.max(-Math.PI, Math.min(Math.PI, u))));
    }
  }
  return { values, count, lags, firstLag };
}

/**
 * Spike counts per bin as the design's float64 rows, [units][bins], for bins of `binS` from
 * `startS` (times outside dropped): binSpikes (spikes/bin.ts, the one binning of the spike
 * pipelines: half-open bins, sorted trains) reshaped.
 */
function countRows(trains: readonly Float64Array[], startS: number, binS: number, bins: number): Float64Array[] {
  const binned = binSpikes({ times: trains }, binS, startS, startS + bins * binS);
  if (binned.bins !== bins) throw new ValidationError('binS', `${bins} bins of ${binS} s from ${startS} s came out as ${binned.bins}`);
  return Array.from({ length: binned.units }, (_, u) => Float64Array.from(binned.counts.subarray(u * bins, (u + 1) * bins)));
}

export interface GlmDesign {
  /** Row-major [rows × columns], without the intercept column. */
  x: Float64Array;
  rows: number;
  columns: number;
  /** Column layout: stimulus features × stimulus basis first, then neuron j × coupling basis. */
  stimulusColumns: number;
  neurons: number;
  couplingBasis: LagBasis;
  stimulusBasis: LagBasis | null;
}

/**
 * The design shared by every neuron's fit: stimulus features filtered by `stimulusBasis` (lags from
 * 0; null = the features as they are), and every neuron's counts (its own = the history term)
 * filtered by `couplingBasis` (lags from 1: strictly causal).
 */
export function buildDesign(counts: readonly Float64Array[], stimulus: readonly Float64Array[], couplingBasis: LagBasis, stimulusBasis: LagBasis | null): GlmDesign {
  const rows = counts[0]?.length ?? stimulus[0]?.length ?? 0;
  for (const [name, list] of [['counts', counts], ['stimulus', stimulus]] as const) {
    list.forEach((c, i) => {
      if (c.length !== rows) throw new ValidationError(`${name}[${i}]`, `expected ${rows} bins, got ${c.length}`);
    });
  }
  if (couplingBasis.firstLag < 1) throw new ValidationError('couplingBasis', 'coupling and history lags must start at 1 (causal)');
  const stimulusColumns = stimulus.length * (stimulusBasis ? stimulusBasis.count : 1);
  const columns = stimulusColumns + counts.length * couplingBasis.count;
  if (rows * columns > 4e8) throw new ValidationError('design', `${rows}×${columns} is too large (at most 4e8 values)`);
  const x = new Float64Array(rows * columns);
  stimulus.forEach((s, f) => {
    if (!stimulusBasis) {
      for (let t = 0; t < rows; t++) x[t * columns + f] = s[t]!;
      return;
    }
    const { count, lags, firstLag, values } = stimulusBasis;
    for (let k = 0; k < count; k++) {
      const col = f * count + k;
      for (let t = 0; t < rows; t++) {
        let v = 0;
        for (let i = 0; i < lags; i++) {
          const src = t - firstLag - i;
          if (src >= 0) v += values[k * lags + i]! * s[src]!;
        }
        x[t * columns + col] = v;
      }
    }
  });
  const { count, lags, firstLag, values } = couplingBasis;
  counts.forEach((c, j) => {
    // Spikes are sparse: scatter each bin's count forward along the kernel.
    for (let s = 0; s < rows; s++) {
      const n = c[s]!;
      if (n === 0) continue;
      for (let i = 0; i < lags; i++) {
        const t = s + firstLag + i;
        if (t >= rows) break;
        for (let k = 0; k < count; k++) x[t * columns + stimulusColumns + j * count + k]! += n * values[k * lags + i]!;
      }
    }
  });
  return { x, rows, columns, stimulusColumns, neurons: counts.length, couplingBasis, stimulusBasis };
}

/** The design's non-zero entries row by row (CSR), column indices ascending. */
interface SparseRows {
  rowStart: Int32Array;
  colIndex: Int32Array;
  values: Float64Array;
}

/** One CSR copy per design matrix, shared by the fits of every neuron on it. */
const sparseCache = new WeakMap<Float64Array, SparseRows>();

function sparseRows(design: Pick<GlmDesign, 'x' | 'rows' | 'columns'>): SparseRows {
  const cached = sparseCache.get(design.x);
  if (cached) return cached;
  const { x, rows, columns } = design;
  let nnz = 0;
  for (let k = 0; k < x.length; k++) if (x[k] !== 0) nnz++;
  const rowStart = new Int32Array(rows + 1);
  const colIndex = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let e = 0;
  for (let t = 0; t < rows; t++) {
    rowStart[t] = e;
    for (let j = 0; j < columns; j++) {
      const v = x[t * columns + j]!;
      if (v !== 0) {
        colIndex[e] = j;
        values[e++] = v;
      }
    }
  }
  rowStart[rows] = e;
  const sparse = { rowStart, colIndex, values };
  sparseCache.set(x, sparse);
  return sparse;
}

export interface PoissonFit {
  intercept: number;
  coef: Float64Array;
  objective: number;
  iterations: number;
  /** Max |gradient| at the solution. */
  gradientNorm: number;
}

/** In-place Cholesky (lower triangle) of a symmetric positive-definite m×m matrix; its failure names the column (fmri/linalg.ts's `cholesky` only says that it failed). */
function choleskyFactor(h: Float64Array, m: number): void {
  for (let j = 0; j < m; j++) {
    let d = h[j * m + j]!;
    for (let k = 0; k < j; k++) d -= h[j * m + k]! * h[j * m + k]!;
    if (!(d > 0)) throw new Error(`Hessian not positive definite at column ${j} (α = 0 with a constant or duplicated column?)`);
    d = Math.sqrt(d);
    h[j * m + j] = d;
    for (let i = j + 1; i < m; i++) {
      let s = h[i * m + j]!;
      for (let k = 0; k < j; k++) s -= h[i * m + k]! * h[j * m + k]!;
      h[i * m + j] = s / d;
    }
  }
}

/**
 * Minimises (1/n) Σ [exp(η) − yη] + (α/2)‖w‖² by Newton's method. Stops when the largest gradient
 * entry is ≤ `tolerance` (the objective is strictly convex for α > 0, so the minimiser is unique and
 * any solver that reaches a small gradient agrees with this one to about tolerance / α).
 */
export function fitPoissonGlm(design: Pick<GlmDesign, 'x' | 'rows' | 'columns'>, y: ArrayLike<number>, alpha: number, options: { tolerance?: number; maxIterations?: number } = {}): PoissonFit {
  const { rows: n, columns: p } = design;
  if (y.length !== n) throw new ValidationError('y', `expected ${n} values, got ${y.length}`);
  if (!(alpha >= 0)) throw new ValidationError('alpha', `expected ≥ 0, got ${alpha}`);
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 100;
  const m = p + 1; // index 0: intercept
  let meanY = 0;
  for (let t = 0; t < n; t++) meanY += y[t]!;
  meanY /= n;
  let beta = new Float64Array(m);
  beta[0] = Math.log(Math.max(meanY, 1e-10));
  // Rows as sparse lists (coupling columns are zero wherever the neuron was silent over the
  // filter's span): the Hessian costs Σ_rows nnz²/2 instead of rows·p²/2 — ~10× less at 10 Hz.
  const { rowStart, colIndex, values } = sparseRows(design);
  const eta = new Float64Array(n);
  const etaOf = (b: Float64Array, out: Float64Array) => {
    for (let t = 0; t < n; t++) {
      let v = b[0]!;
      for (let e = rowStart[t]!; e < rowStart[t + 1]!; e++) v += values[e]! * b[colIndex[e]! + 1]!;
      out[t] = v;
    }
  };
  const objectiveOf = (b: Float64Array, e: Float64Array) => {
    let f = 0;
    for (let t = 0; t < n; t++) f += Math.exp(e[t]!) - y[t]! * e[t]!;
    let w2 = 0;
    for (let j = 1; j < m; j++) w2 += b[j]! * b[j]!;
    return f / n + 0.5 * alpha * w2;
  };
  etaOf(beta, eta);
  let f = objectiveOf(beta, eta);
  const g = new Float64Array(m);
  const h = new Float64Array(m * m);
  const trialEta = new Float64Array(n);
  let iterations = 0;
  let gradientNorm = Infinity;
  let previousNorm = Infinity;
  let factored = false;
  for (; iterations < maxIterations; iterations++) {
    // Chord Newton: the Hessian (the costly part, Σ nnz²/2 per row) is rebuilt only while it
    // matters — the first two steps, or when the last step cut the gradient by less than 5×. The
    // gradient is always exact, so the minimiser is the same; only the path to it changes.
    const fresh = iterations < 2 || !factored;
    g.fill(0);
    if (fresh) h.fill(0);
    for (let t = 0; t < n; t++) {
      const mu = Math.exp(eta[t]!);
      const r = (mu - y[t]!) / n;
      g[0]! += r;
      const end = rowStart[t + 1]!;
      if (!fresh) {
        for (let e = rowStart[t]!; e < end; e++) g[colIndex[e]! + 1]! += r * values[e]!;
        continue;
      }
      const w = mu / n;
      h[0]! += w;
      for (let ea = rowStart[t]!; ea < end; ea++) {
        const a = colIndex[ea]! + 1;
        const xa = values[ea]!;
        g[a]! += r * xa;
        const wa = w * xa;
        h[a]! += wa; // row 0 (intercept) × column a
        const hRow = a * m + 1;
        // Column indices ascend within a row, so this fills the upper triangle only.
        for (let eb = ea; eb < end; eb++) h[hRow + colIndex[eb]!]! += wa * values[eb]!;
      }
    }
    for (let j = 1; j < m; j++) {
      g[j]! += alpha * beta[j]!;
      if (fresh) h[j * m + j]! += alpha;
    }
    gradientNorm = 0;
    for (let j = 0; j < m; j++) gradientNorm = Math.max(gradientNorm, Math.abs(g[j]!));
    if (gradientNorm <= tolerance) break;
    if (!fresh && gradientNorm > 0.2 * previousNorm) {
      // The stale Hessian converges too slowly here: rebuild it on the next pass (same point).
      factored = false;
      previousNorm = Infinity;
      continue;
    }
    previousNorm = gradientNorm;
    if (fresh) {
      // Mirror the upper triangle (accumulated above) into the lower one that Cholesky reads.
      for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) h[b * m + a] = h[a * m + b]!;
      choleskyFactor(h, m);
      factored = true;
    }
    const step = choleskySolve(h, m, g);
    let decrease = 0;
    for (let j = 0; j < m; j++) decrease += g[j]! * step[j]!;
    let s = 1;
    let accepted = false;
    if (decrease <= 1e-12 * Math.max(1, Math.abs(f))) {
      // Within rounding of the optimum: f cannot resolve the decrease any more, but the Newton step
      // (a tiny one) still shrinks the gradient; take it whole.
      for (let j = 0; j < m; j++) beta[j]! -= step[j]!;
      etaOf(beta, eta);
      f = objectiveOf(beta, eta);
      continue;
    }
    for (let halving = 0; halving < 40; halving++) {
      const trial = beta.map((v, j) => v - s * step[j]!);
      etaOf(trial, trialEta);
      const ft = objectiveOf(trial, trialEta);
      if (Number.isFinite(ft) && ft <= f - 1e-4 * s * decrease) {
        beta = trial;
        eta.set(trialEta);
        f = ft;
        accepted = true;
        break;
      }
      s /= 2;
    }
    if (!accepted && !fresh) factored = false; // retry from here with a fresh Hessian
    else if (!accepted) break; // at machine precision: no step decreases f any more
  }
  return { intercept: beta[0]!, coef: beta.slice(1), objective: f, iterations, gradientNorm };
}

export interface GlmConnectivityParams {
  binS?: number;
  /** Coupling/history filters: raised-cosine bumps over lags 1 … maxLagS/binS bins. */
  couplingBases?: number;
  couplingMaxLagS?: number;
  alpha?: number;
  tolerance?: number;
}

export const GLM_DEFAULTS = { binS: 0.005, couplingBases: 2, couplingMaxLagS: 0.05, alpha: 1e-4, tolerance: 1e-8 } as const;

export interface GlmConnectivity {
  /** Integrated coupling filter, C[post·N + pre] (log-rate gain), diagonal 0. */
  coupling: Float64Array;
  /** Integrated history filter per neuron. */
  history: Float64Array;
  fits: PoissonFit[];
  params: Required<GlmConnectivityParams>;
}

/**
 * Fits one GLM per neuron on [startS, endS) and returns the coupling matrix. `stimulus` gives the
 * stimulus features at a time (e.g. the simulator's cos and sin of the stimulus phase); they enter
 * instantaneously (their own filter is not needed for a known feature set).
 */
/**
 * Counts and design on [startS, endS) at p.binS. `warmupBins` extra bins before startS feed the
 * history/coupling filters of the first rows and are then dropped (so held-out spans see their true
 * past instead of silence).
 */
function designFor(trains: readonly Float64Array[], startS: number, endS: number, stimulus: ((tS: number) => readonly number[]) | null, p: Required<GlmConnectivityParams>, warmupBins: number) {
  const bins = Math.floor((endS - startS) / p.binS);
  if (!(bins > 10)) throw new ValidationError('endS', `expected more than 10 bins of ${p.binS} s in [${startS}, ${endS})`);
  const from = startS - warmupBins * p.binS;
  const total = bins + warmupBins;
  const counts = countRows(trains, from, p.binS, total);
  const features: Float64Array[] = [];
  if (stimulus) {
    const k = stimulus(startS).length;
    for (let f = 0; f < k; f++) features.push(new Float64Array(total));
    for (let t = 0; t < total; t++) {
      const v = stimulus(from + (t + 0.5) * p.binS);
      for (let f = 0; f < k; f++) features[f]![t] = v[f]!;
    }
  }
  const lastLag = Math.max(2, Math.round(p.couplingMaxLagS / p.binS));
  const basis = raisedCosineBasis(p.couplingBases, 1, lastLag);
  const full = buildDesign(counts, features, basis, null);
  if (warmupBins === 0) return { design: full, counts, basis };
  const design: GlmDesign = { ...full, x: full.x.slice(warmupBins * full.columns), rows: bins };
  return { design, counts: counts.map((c) => c.slice(warmupBins)), basis };
}

/**
 * One-step-ahead firing probabilities of fitted GLMs on a (held-out) span, given the recorded past:
 * for each window of `windowS` from startS, P(neuron fires at least once) = 1 − exp(−Σ_bins μ),
 * μ = exp(b + x·w) per bin. [windows × neurons], row-major. The prediction side of the GLM row of
 * the spike-prediction table (sample or threshold it with idsFromProbabilities).
 */
export function glmFiringProbability(
  glm: Pick<GlmConnectivity, 'fits' | 'params'>,
  trains: readonly Float64Array[],
  startS: number,
  endS: number,
  stimulus: ((tS: number) => readonly number[]) | null,
  windowS: number,
): { probability: Float64Array; windows: number; windowStartsS: Float64Array } {
  const p = glm.params;
  const perWindow = Math.round(windowS / p.binS);
  if (!(perWindow >= 1) || Math.abs(perWindow * p.binS - windowS) > 1e-9) throw new ValidationError('windowS', `expected a whole number of ${p.binS}-s bins, got ${windowS}`);
  if (glm.fits.length !== trains.length) throw new ValidationError('trains', `expected the ${glm.fits.length} neurons the GLM was fitted on, got ${trains.length}`);
  const lastLag = Math.max(2, Math.round(p.couplingMaxLagS / p.binS));
  const { design } = designFor(trains, startS, endS, stimulus, p, lastLag);
  const windows = Math.floor(design.rows / perWindow);
  const n = trains.length;
  const probability = new Float64Array(windows * n);
  for (let i = 0; i < n; i++) {
    const fit = glm.fits[i]!;
    if (fit.coef.length !== design.columns) throw new ValidationError('glm', `expected ${design.columns} coefficients (same stimulus and bases), got ${fit.coef.length}`);
    for (let w = 0; w < windows; w++) {
      let expected = 0;
      for (let t = w * perWindow; t < (w + 1) * perWindow; t++) {
        let eta = fit.intercept;
        const row = t * design.columns;
        for (let j = 0; j < design.columns; j++) eta += design.x[row + j]! * fit.coef[j]!;
        expected += Math.exp(eta);
      }
      probability[w * n + i] = 1 - Math.exp(-expected);
    }
  }
  const windowStartsS = Float64Array.from({ length: windows }, (_, w) => startS + w * windowS);
  return { probability, windows, windowStartsS };
}

export function glmConnectivity(
  trains: readonly Float64Array[],
  startS: number,
  endS: number,
  stimulus: ((tS: number) => readonly number[]) | null,
  params: GlmConnectivityParams = {},
  onProgress?: (done: number, total: number) => void,
): GlmConnectivity {
  const p = { ...GLM_DEFAULTS, ...params };
  const { design, counts, basis } = designFor(trains, startS, endS, stimulus, p, 0);
  const n = trains.length;
  // Integral of each bump over its lags: the integrated filter is Σ_k β_k · area_k.
  const area = new Float64Array(basis.count);
  for (let k = 0; k < basis.count; k++) for (let i = 0; i < basis.lags; i++) area[k]! += basis.values[k * basis.lags + i]!;
  const coupling = new Float64Array(n * n);
  const history = new Float64Array(n);
  const fits: PoissonFit[] = [];
  for (let post = 0; post < n; post++) {
    const fit = fitPoissonGlm(design, counts[post]!, p.alpha, { tolerance: p.tolerance });
    fits.push(fit);
    for (let pre = 0; pre < n; pre++) {
      let s = 0;
      for (let k = 0; k < basis.count; k++) s += fit.coef[design.stimulusColumns + pre * basis.count + k]! * area[k]!;
      if (pre === post) history[post] = s;
      else coupling[post * n + pre] = s;
    }
    onProgress?.(post + 1, n);
  }
  return { coupling, history, fits, params: p };
}
