/**
 * Covariance estimation for ROI time series held region-major (`data[r * timepoints + t]`), with the
 * definitions of scikit-learn 1.2 (`sklearn/covariance/_shrunk_covariance.py`, `_empirical_covariance.py`):
 *
 * - `empiricalCovariance`: the maximum-likelihood covariance XᵀX / n of the centred data (`np.cov(bias=1)`).
 * - `ledoitWolf`: `LedoitWolf(assume_centered=False).fit(X)`: centre by the column means, then
 *   Σ = (1 − s) S + s μ I with μ = tr(S) / p and the Ledoit–Wolf shrinkage s = min(β, δ) / δ, where
 *   δ = ‖S − μ I‖²_F / p and β = (Σₜ ‖xₜ‖⁴ / n − ‖S‖²_F) / (p n) (xₜ the centred sample at time t).
 *   sklearn accumulates the two sums ⟨X²ᵀ, X²⟩ and ‖XᵀX‖²_F over blocks of `block_size` = 1000 features
 *   only to bound memory; the blocks partition the same sums, so computing them whole (Σₜ (Σᵢ xₜᵢ²)² for the
 *   first, which is the sum of all entries of X²ᵀX² without forming it) gives the same value up to
 *   rounding (~1e-15 relative here).
 * - `standardizeSeries`: nilearn's `signal.standardize_signal(detrend=False, standardize='zscore_sample')`,
 *   which `ConnectivityMeasure(kind='correlation')` applies before the estimator.
 */

import { ValidationError } from '../../errors.js';
import { gramRows } from './linalg.js';

/** Region × time series, region-major, as the rest of the fMRI pipeline holds them. */
export interface SeriesMatrix {
  regionCount: number;
  timepoints: number;
  /** `data[r * timepoints + t]` */
  data: Float64Array;
}

export interface LedoitWolfResult {
  /** p × p row-major shrunk covariance (`covariance_`). */
  covariance: Float64Array;
  /** `shrinkage_`, in [0, 1]. */
  shrinkage: number;
  /** Column means removed before estimation (`location_`). */
  location: Float64Array;
}

/** Checks the shape and that every value is finite (sklearn's `check_array` rejects NaN and ±inf). */
export function checkSeries(series: SeriesMatrix, what = 'series'): void {
  // ValidationError: the caller's input is wrong (a user error), not a bug here.
  const { regionCount: p, timepoints: n, data } = series;
  if (!Number.isInteger(p) || p < 1 || !Number.isInteger(n) || n < 1) {
    throw new ValidationError(what, `needs at least one region and one time point (got ${p} regions × ${n} time points)`);
  }
  if (data.length !== p * n) {
    throw new ValidationError(what, `${p} regions × ${n} time points need ${p * n} values, got ${data.length}`);
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      const r = Math.floor(i / n);
      throw new ValidationError(what, `region ${r}, time point ${i - r * n} is ${data[i]} (time series must be finite)`);
    }
  }
}

/** Per-region means and the centred copy of the data. */
function centre(series: SeriesMatrix): { location: Float64Array; centred: Float64Array } {
  const { regionCount: p, timepoints: n, data } = series;
  const location = new Float64Array(p);
  const centred = new Float64Array(p * n);
  for (let r = 0; r < p; r++) {
    const o = r * n;
    let s = 0;
    for (let t = 0; t < n; t++) s += data[o + t]!;
    const m = s / n;
    location[r] = m;
    for (let t = 0; t < n; t++) centred[o + t] = data[o + t]! - m;
  }
  return { location, centred };
}

/** XᵀX / n of region-major centred data: dot products of contiguous region rows. */
function gram(centred: Float64Array, p: number, n: number): Float64Array {
  const s = gramRows(centred, p, n);
  for (let i = 0; i < s.length; i++) s[i] = s[i]! / n;
  return s;
}

/** Maximum-likelihood covariance (divides by n), as `sklearn.covariance.empirical_covariance`. */
export function empiricalCovariance(series: SeriesMatrix): Float64Array {
  checkSeries(series);
  const { centred } = centre(series);
  return gram(centred, series.regionCount, series.timepoints);
}

/** The Ledoit–Wolf shrinkage of centred region-major data with empirical covariance `s` (see the module comment). */
function shrinkageOf(centred: Float64Array, s: Float64Array, p: number, n: number): number {
  if (p === 1) return 0; // sklearn: one feature, any shrinkage gives the same estimate
  let trace = 0;
  for (let i = 0; i < p; i++) trace += s[i * p + i]!;
  const mu = trace / p;
  // beta_ = Σᵢⱼ (X²ᵀX²)ᵢⱼ = Σₜ (Σᵢ xₜᵢ²)²
  const rowSq = new Float64Array(n);
  for (let i = 0; i < p; i++) {
    const o = i * n;
    for (let t = 0; t < n; t++) rowSq[t] = rowSq[t]! + centred[o + t]! * centred[o + t]!;
  }
  let betaSum = 0;
  for (let t = 0; t < n; t++) betaSum += rowSq[t]! * rowSq[t]!;
  // delta_ = ‖XᵀX‖²_F / n² = ‖S‖²_F
  let deltaSum = 0;
  for (let i = 0; i < s.length; i++) deltaSum += s[i]! * s[i]!;
  const beta0 = (betaSum / n - deltaSum) / (p * n);
  const delta = (deltaSum - 2 * mu * trace + p * mu * mu) / p;
  const beta = Math.min(beta0, delta);
  return beta === 0 ? 0 : beta / delta;
}

/** sklearn's `LedoitWolf(assume_centered=False).fit(X)` for region-major X (regions are sklearn's features). */
export function ledoitWolf(series: SeriesMatrix): LedoitWolfResult {
  checkSeries(series);
  const { regionCount: p, timepoints: n } = series;
  const { location, centred } = centre(series);
  const covariance = gram(centred, p, n);
  const shrinkage = shrinkageOf(centred, covariance, p, n);
  let trace = 0;
  for (let i = 0; i < p; i++) trace += covariance[i * p + i]!;
  const mu = trace / p;
  for (let i = 0; i < covariance.length; i++) covariance[i] = covariance[i]! * (1 - shrinkage);
  for (let i = 0; i < p; i++) covariance[i * p + i] = covariance[i * p + i]! + shrinkage * mu;
  return { covariance, shrinkage, location };
}

/**
 * nilearn's `standardize_signal(detrend=False, standardize='zscore_sample')`: each region centred and
 * divided by its sample standard deviation (ddof = 1); a region whose deviation is below float64's
 * epsilon (a constant region) is only centred, as nilearn does, so it stays all zeros.
 */
export function standardizeSeries(series: SeriesMatrix): SeriesMatrix {
  checkSeries(series);
  const { regionCount: p, timepoints: n } = series;
  if (n === 1) return { regionCount: p, timepoints: n, data: Float64Array.from(series.data) }; // nilearn skips (warns)
  const { centred } = centre(series);
  for (let r = 0; r < p; r++) {
    const o = r * n;
    let ss = 0;
    for (let t = 0; t < n; t++) ss += centred[o + t]! * centred[o + t]!;
    let sd = Math.sqrt(ss / (n - 1));
    if (sd < Number.EPSILON) sd = 1;
    for (let t = 0; t < n; t++) centred[o + t] = centred[o + t]! / sd;
  }
  return { regionCount: p, timepoints: n, data: centred };
}
