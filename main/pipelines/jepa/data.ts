/**
 * Brain-JEPA's input pipeline for ROI time series (Eric-LRL/Brain-JEPA at b1dfa93,
 * `src/datasets/ukbiobank_scale.py` for pretraining and `src/datasets/hca_sex_datasets.py` for the
 * downstream tasks), on Cajal's cohorts (`main/io/roi-series`: region-major series, R × T).
 *
 * What the reference does, and what is reproduced here:
 * - **Robust scaling** (ukbiobank_scale.py, `_compute_normalization_params` and `__getitem__`): for
 *   every training subject the temporal mean of each ROI; per ROI the median and IQR (numpy's
 *   default linear-interpolation percentiles 75 − 25) of those means across subjects; each value
 *   becomes (x − median_r) / IQR_r. Fitted on training subjects only (the reference caches it as
 *   `normalization_params_train.npz`); here it is two plain number arrays kept with the model.
 * - **Temporal crop with optional downsampling** (`_get_start_end_idx`, `_temporal_sampling`, from
 *   mae_st): a clip of `samplingRate · frames` raw frames starting at a uniformly random *float*
 *   offset in [0, max(T − clip, 0)], then `frames` indices `torch.linspace(start, start + clip − 1,
 *   frames)` (float32), clamped to [0, T − 1] and truncated to integers. A scan shorter than the
 *   clip therefore repeats its last frame (the clamp); the crop length is chosen so that does not
 *   happen on the cohort (`defaultCrop`).
 * - The reference crops at random **even at evaluation** (hca_sex_datasets.py uses the same random
 *   crop for its valid/test splits, so its test metrics are stochastic). Both are offered: `random`
 *   (the reference) and `centre` (deterministic: the start offset in the middle of its range), which
 *   Cajal's probes should use.
 *
 * Output batches are Float32Array [B, R, T], region-major per sample (the model's input layout;
 * tokens are then ROI-major, k = roi · nPatches + t).
 */
import { ValidationError } from '../../errors.js';
import type { Random } from '../../../shared/random.js';

/** Brain-JEPA's patch size (frames per token); crop lengths are multiples of it. */
export const JEPA_PATCH_FRAMES = 16;
/** The reference's crop: 160 frames (10 patches) of UKB data downsampled by 3. */
export const REFERENCE_FRAMES = 160;
export const REFERENCE_SAMPLING_RATE = 3;
/** UK Biobank rfMRI TR (s); 3 × 0.735 s ≈ 2.2 s is the effective frame interval the model was designed for. */
export const REFERENCE_TR_S = 0.735;
export const REFERENCE_EFFECTIVE_TR_S = REFERENCE_TR_S * REFERENCE_SAMPLING_RATE;

/**
 * One subject's series as the pipeline takes it: region-major `data[r * timepoints + t]`. Accepts
 * both the team contract's `regions` and the readers' `regionCount` (RoiSeries, SeriesMatrix), so
 * `loadCohortSeries` output can be passed directly.
 */
export interface JepaSeries {
  data: Float64Array;
  timepoints: number;
  regions?: number;
  regionCount?: number;
}

/** Per-ROI robust-scaling statistics (ukbiobank_scale.py): plain numbers, stored with a model. */
export interface RobustScaler {
  median: Float64Array;
  iqr: Float64Array;
}

export function seriesRegions(series: JepaSeries, what = 'series'): number {
  const regions = series.regions ?? series.regionCount;
  if (regions === undefined || !Number.isInteger(regions) || regions < 1) {
    throw new ValidationError(what, `needs a positive integer region count (got ${String(regions)})`);
  }
  if (!Number.isInteger(series.timepoints) || series.timepoints < 1) {
    throw new ValidationError(what, `needs a positive integer number of time points (got ${series.timepoints})`);
  }
  if (series.data.length !== regions * series.timepoints) {
    throw new ValidationError(what, `${regions} regions × ${series.timepoints} time points need ${regions * series.timepoints} values, got ${series.data.length}`);
  }
  return regions;
}

/** numpy's default percentile ('linear': index q/100 · (n − 1), interpolated) of sorted values. */
export function percentileLinear(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = (q / 100) * (n - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, n - 1);
  const fraction = position - lo;
  // numpy's _lerp: a + (b − a)·t, switched to b − (b − a)(1 − t) for t ≥ 0.5 (exact at the ends).
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const diff = b - a;
  return fraction >= 0.5 ? b - diff * (1 - fraction) : a + diff * fraction;
}

/**
 * Fits the reference's robust scaling on training subjects: per ROI, median and IQR across subjects
 * of each subject's temporal mean of that ROI (ukbiobank_scale.py `_compute_normalization_params`).
 * Subjects may have different lengths (only their means are used).
 */
export function fitRobustScaler(series: readonly JepaSeries[]): RobustScaler {
  if (series.length === 0) throw new ValidationError('series', 'robust scaling needs at least one training subject');
  const regions = seriesRegions(series[0]!, 'series[0]');
  const means = new Float64Array(regions * series.length); // [region][subject]
  series.forEach((s, k) => {
    if (seriesRegions(s, `series[${k}]`) !== regions) {
      throw new ValidationError(`series[${k}]`, `has ${seriesRegions(s)} regions, the first subject ${regions}: one atlas per cohort`);
    }
    for (let r = 0; r < regions; r++) {
      let sum = 0;
      for (let t = 0; t < s.timepoints; t++) sum += s.data[r * s.timepoints + t]!;
      means[r * series.length + k] = sum / s.timepoints;
    }
  });
  const median = new Float64Array(regions);
  const iqr = new Float64Array(regions);
  for (let r = 0; r < regions; r++) {
    const column = means.subarray(r * series.length, (r + 1) * series.length).slice().sort();
    // np.median averages the two middle values; percentile(50) with linear interpolation is the same number.
    const n = column.length;
    median[r] = n % 2 ? column[(n - 1) / 2]! : (column[n / 2 - 1]! + column[n / 2]!) / 2;
    iqr[r] = percentileLinear(column, 75) - percentileLinear(column, 25);
  }
  return { median, iqr };
}

/**
 * The divisor actually used for ROI r. The reference divides by the IQR as is, so an ROI whose mean
 * is the same in every training subject (e.g. a region outside every scan's field of view, all
 * zeros) turns into NaN/∞; here such an ROI is only centred (divisor 1), which keeps it at zero.
 */
export function scalerDivisor(scaler: RobustScaler, r: number): number {
  const v = scaler.iqr[r]!;
  return v > 0 && Number.isFinite(v) ? v : 1;
}

/**
 * What robust scaling does to a cohort's amplitudes: per ROI, the median over subjects of the
 * temporal SD divided by the divisor; returns the median and range over ROIs. The reference's UKB
 * series keep their mean (the IQR of subject means is then comparable to the signal's spread). Series
 * that were demeaned by their preprocessing, as ABIDE's DPARSF output is, have ROI means near 0 with a
 * tiny IQR: on abide_aal116_100subj the IQR is 0.0044–0.048 (ROIs with larger signals have larger
 * IQRs), so the reference's scaling turns the signals into values with per-ROI SDs of 42–88 (median
 * 55) instead of ~1. The model's LayerNorms absorb much of that, but its patch embedding and
 * initialisation were tuned for unit-scale inputs; a pipeline can show this number and offer
 * `sample-zscore` (the reference's downstream normalisation).
 */
export function robustScaledSpread(series: readonly JepaSeries[], scaler: RobustScaler): { median: number; min: number; max: number } {
  const regions = scaler.median.length;
  const perRoi = new Float64Array(regions);
  const sds = new Float64Array(series.length);
  for (let r = 0; r < regions; r++) {
    series.forEach((s, k) => {
      if (seriesRegions(s, `series[${k}]`) !== regions) throw new ValidationError(`series[${k}]`, `has ${seriesRegions(s)} regions, the scaler ${regions}`);
      const row = s.data.subarray(r * s.timepoints, (r + 1) * s.timepoints);
      let sum = 0;
      for (const v of row) sum += v;
      const mean = sum / row.length;
      let ss = 0;
      for (const v of row) ss += (v - mean) ** 2;
      sds[k] = Math.sqrt(ss / row.length);
    });
    perRoi[r] = percentileLinear(sds.slice().sort(), 50) / scalerDivisor(scaler, r);
  }
  const sorted = perRoi.slice().sort();
  return { median: percentileLinear(sorted, 50), min: sorted[0]!, max: sorted[regions - 1]! };
}

/** Plain-number form for storing with a model (JSON). */
export function robustScalerToJson(scaler: RobustScaler): { median: number[]; iqr: number[] } {
  return { median: Array.from(scaler.median), iqr: Array.from(scaler.iqr) };
}

/** Reads the stored form back; `source` names where it came from in errors. */
export function robustScalerFromJson(value: unknown, source: string): RobustScaler {
  const v = value as { median?: unknown; iqr?: unknown } | null;
  const arr = (name: 'median' | 'iqr'): Float64Array => {
    const a = v?.[name];
    if (!Array.isArray(a) || a.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      throw new ValidationError(`${source}.${name}`, 'must be an array of finite numbers');
    }
    return Float64Array.from(a as number[]);
  };
  const median = arr('median');
  const iqr = arr('iqr');
  if (median.length !== iqr.length || median.length === 0) {
    throw new ValidationError(source, `median (${median.length}) and iqr (${iqr.length}) need the same, non-zero length`);
  }
  return { median, iqr };
}

/** How a crop is taken: `frames` output frames, every `samplingRate`-th raw frame. */
export interface CropSpec {
  frames: number;
  samplingRate: number;
}

function checkSpec(spec: CropSpec): void {
  if (!Number.isInteger(spec.frames) || spec.frames < 1) throw new ValidationError('frames', `must be a positive integer (got ${spec.frames})`);
  if (!Number.isInteger(spec.samplingRate) || spec.samplingRate < 1) {
    throw new ValidationError('samplingRate', `must be a positive integer (got ${spec.samplingRate})`);
  }
}

/** The range [0, delta] of the clip's float start offset: delta = max(T − samplingRate·frames, 0). */
export function clipStartRange(timepoints: number, spec: CropSpec): number {
  checkSpec(spec);
  return Math.max(timepoints - spec.samplingRate * spec.frames, 0);
}

/**
 * The frame indices the reference takes for a clip starting at the float offset `start`:
 * `torch.linspace(start, start + clip − 1, frames)` clamped to [0, T − 1] then `.long()`.
 * torch's linspace is float32 and computes the first half forwards from start and the second half
 * backwards from end (`start + step·i` / `end − step·(n − 1 − i)`); that is reproduced with
 * Math.fround, because a float64 linspace truncates to a different integer now and then (1 crop in
 * ~3000 random UKB-sized crops, checked against torch 1.13 while writing this).
 */
export function clipIndices(timepoints: number, spec: CropSpec, start: number): Int32Array {
  checkSpec(spec);
  const n = spec.frames;
  const f = Math.fround;
  const s = f(start);
  const e = f(start + spec.samplingRate * n - 1);
  const out = new Int32Array(n);
  if (n === 1) {
    out[0] = Math.min(Math.max(Math.trunc(s), 0), timepoints - 1);
    return out;
  }
  const step = f(f(e - s) / (n - 1));
  const halfway = Math.floor(n / 2);
  for (let i = 0; i < n; i++) {
    const v = i < halfway ? f(s + f(step * i)) : f(e - f(step * (n - 1 - i)));
    // clamp then truncate toward zero (.long()); the clamp bounds are exact in float32.
    out[i] = Math.trunc(Math.min(Math.max(v, 0), timepoints - 1));
  }
  return out;
}

/** The reference's random crop: start ~ U(0, delta) as python's `random.uniform(0, delta)`. */
export function randomClipIndices(timepoints: number, spec: CropSpec, random: Random): Int32Array {
  return clipIndices(timepoints, spec, random() * clipStartRange(timepoints, spec));
}

/**
 * Deterministic evaluation crop: the start offset in the middle of its range (delta / 2), so the
 * clip is centred in the scan. Not in the reference (it crops at random at test time too).
 */
export function centreClipIndices(timepoints: number, spec: CropSpec): Int32Array {
  return clipIndices(timepoints, spec, clipStartRange(timepoints, spec) / 2);
}

/**
 * - `robust`: the pretraining scaling (ukbiobank_scale.py), needs a fitted scaler.
 * - `sample-zscore`: one mean and (unbiased) standard deviation over the whole cropped R × T matrix
 *   of each sample (ukbiobank_scale.py's `use_standatdization`, applied after the crop; the
 *   downstream hca_sex_datasets.py `use_normalization` does the same before cropping).
 * - `none`: the values as read.
 */
export type JepaNormalisation = 'robust' | 'sample-zscore' | 'none';

export interface CropBatchOptions {
  spec: CropSpec;
  /** 'random' (reference; needs `random`) or 'centre' (deterministic evaluation). */
  mode: 'random' | 'centre';
  random?: Random;
  normalisation?: JepaNormalisation;
  scaler?: RobustScaler | null;
}

/**
 * A batch [B, R, frames] (Float32, region-major per sample) from `series[subjects[b]]`, cropped and
 * scaled as the reference. Value order as the reference: float32 input (`astype(np.float32)`),
 * (x − median) / IQR in float64, then float32.
 */
export function cropBatch(series: readonly JepaSeries[], subjects: readonly number[], options: CropBatchOptions): Float32Array {
  const { spec, mode } = options;
  checkSpec(spec);
  const normalisation = options.normalisation ?? (options.scaler ? 'robust' : 'none');
  if (normalisation === 'robust' && !options.scaler) throw new ValidationError('scaler', "robust normalisation needs a fitted scaler (fitRobustScaler on the training subjects)");
  if (mode === 'random' && !options.random) throw new ValidationError('random', 'a random crop needs a seeded generator (shared/random.ts)');
  if (subjects.length === 0) throw new ValidationError('subjects', 'a batch needs at least one subject');
  const first = series[subjects[0]!];
  if (!first) throw new ValidationError('subjects', `subject index ${subjects[0]} is out of range (${series.length} series)`);
  const regions = seriesRegions(first, `series[${subjects[0]}]`);
  if (normalisation === 'robust' && options.scaler!.median.length !== regions) {
    throw new ValidationError('scaler', `was fitted on ${options.scaler!.median.length} regions, the series have ${regions}`);
  }
  const frames = spec.frames;
  const out = new Float32Array(subjects.length * regions * frames);
  subjects.forEach((index, b) => {
    const s = series[index];
    if (!s) throw new ValidationError('subjects', `subject index ${index} is out of range (${series.length} series)`);
    if (seriesRegions(s, `series[${index}]`) !== regions) throw new ValidationError(`series[${index}]`, `has ${seriesRegions(s)} regions, the batch ${regions}`);
    const idx = mode === 'random' ? randomClipIndices(s.timepoints, spec, options.random!) : centreClipIndices(s.timepoints, spec);
    const base = b * regions * frames;
    for (let r = 0; r < regions; r++) {
      const row = r * s.timepoints;
      const m = normalisation === 'robust' ? options.scaler!.median[r]! : 0;
      const d = normalisation === 'robust' ? scalerDivisor(options.scaler!, r) : 1;
      for (let t = 0; t < frames; t++) out[base + r * frames + t] = (Math.fround(s.data[row + idx[t]!]!) - m) / d;
    }
    if (normalisation === 'sample-zscore') zscoreInPlace(out.subarray(base, base + regions * frames));
  });
  return out;
}

/** (x − mean) / std over the whole sample, std unbiased (torch's `Tensor.std` default). */
function zscoreInPlace(x: Float32Array): void {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]!;
  const mean = sum / x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i]! - mean) ** 2;
  const std = x.length > 1 ? Math.sqrt(ss / (x.length - 1)) : 0;
  // A constant sample would be NaN in the reference; keep it at zero.
  const div = std > 0 ? std : 1;
  for (let i = 0; i < x.length; i++) x[i] = (x[i]! - mean) / div;
}

/**
 * Each scan cut into its first and second half (region-major copies) for the subject-
 * identification check: features of one half should find the same subject's other half. Both halves
 * get ⌊T/2⌋ frames (an odd scan drops its middle frame) so neither half sees more data.
 */
export function splitHalves(series: JepaSeries): [JepaSeries & { regions: number }, JepaSeries & { regions: number }] {
  const regions = seriesRegions(series);
  const half = Math.floor(series.timepoints / 2);
  if (half < 1) throw new ValidationError('series', `has ${series.timepoints} time point(s); halves need at least 2`);
  const secondStart = series.timepoints - half;
  const a = new Float64Array(regions * half);
  const b = new Float64Array(regions * half);
  for (let r = 0; r < regions; r++) {
    a.set(series.data.subarray(r * series.timepoints, r * series.timepoints + half), r * half);
    b.set(series.data.subarray(r * series.timepoints + secondStart, (r + 1) * series.timepoints), r * half);
  }
  return [
    { data: a, regions, timepoints: half },
    { data: b, regions, timepoints: half },
  ];
}

/** Whether a half of a scan of `timepoints` frames holds a whole crop (otherwise the clamp repeats its last frame). */
export function halvesCoverCrop(timepoints: number, spec: CropSpec): boolean {
  checkSpec(spec);
  return Math.floor(timepoints / 2) >= spec.frames * spec.samplingRate;
}

export interface CropDecision extends CropSpec {
  /** frames / JEPA_PATCH_FRAMES. */
  patches: number;
  /** samplingRate × the median TR (s); null when no TR is known. */
  effectiveTrS: number | null;
  /** Seconds a crop spans on the shortest-TR and longest-TR scans (null without TRs). */
  spanS: [number, number] | null;
  shortestScan: number;
  /** Scans whose crop needs the clamp (shorter than samplingRate · frames); 0 by construction unless `maxFrames` forces more. */
  shortScans: number;
  reasoning: string;
}

/**
 * The crop length and downsampling for a cohort, from its scans' lengths and TRs.
 *
 * Why this rule:
 * - Sampling rate: the reference model was built for frames ≈ 2.2 s apart (UKB TR 0.735 s × 3). The
 *   rate is the integer nearest to 2.205 s / (median TR), at least 1: UKB 0.735 s → 3 (the
 *   reference), HCP 0.72 s → 3, a 1 s TR → 2, and ABIDE's 1.5–2.5 s → 1 (no downsampling: halving a
 *   1.5 s scan to 3 s frames would discard half the data for frames coarser than the model's).
 *   One rate for the whole cohort (the model has one T); TRs that differ between sites are not
 *   harmonised by this (resample the series first if that matters).
 * - Frames: the largest multiple of the patch size (16) whose clip (rate · frames raw frames) fits
 *   the *shortest* scan, so every subject gets a real crop and none is padded by the reference's
 *   clamp (a padded crop repeats the last frame, which no scanner produced); capped at the
 *   reference's 160 frames (10 patches). Scans longer than the clip give random crops (augmentation).
 *
 * ABIDE (abide_aal116_100subj), measured: PITT 56 scans × 195 frames, OLIN 34 × 205, OHSU 10 × 77;
 * TRs (ABIDE I scan parameters; the cohort files do not state them) 1.5, 1.5 and 2.5 s → rate 1,
 * frames 64 (4 patches; 96 s at 1.5 s, 160 s at 2.5 s), limited by OHSU. Without OHSU the shortest
 * scan is 195 → 160 frames (the reference's 10 patches) would fit.
 *
 * `trSeconds` entries may be NaN for unknown TRs (all unknown: rate 1).
 */
export function defaultCrop(timepoints: readonly number[], trSeconds: readonly number[], options: { maxFrames?: number } = {}): CropDecision {
  if (timepoints.length === 0) throw new ValidationError('timepoints', 'needs at least one scan');
  if (trSeconds.length !== 0 && trSeconds.length !== timepoints.length) {
    throw new ValidationError('trSeconds', `has ${trSeconds.length} entries for ${timepoints.length} scans (one per scan, or none)`);
  }
  const known = trSeconds.filter((tr) => Number.isFinite(tr) && tr > 0).slice().sort((x, y) => x - y);
  const medianTr = known.length ? percentileLinear(known, 50) : null;
  const samplingRate = medianTr === null ? 1 : Math.max(1, Math.round(REFERENCE_EFFECTIVE_TR_S / medianTr));
  const shortestScan = Math.min(...timepoints);
  const maxFrames = options.maxFrames ?? REFERENCE_FRAMES;
  const frames = Math.min(
    Math.floor(maxFrames / JEPA_PATCH_FRAMES) * JEPA_PATCH_FRAMES,
    Math.floor(shortestScan / samplingRate / JEPA_PATCH_FRAMES) * JEPA_PATCH_FRAMES,
  );
  if (frames < JEPA_PATCH_FRAMES) {
    throw new ValidationError('timepoints', `the shortest scan has ${shortestScan} frames; at sampling rate ${samplingRate} a crop needs at least ${JEPA_PATCH_FRAMES * samplingRate} (one ${JEPA_PATCH_FRAMES}-frame patch)`);
  }
  const clip = frames * samplingRate;
  const shortScans = timepoints.filter((t) => t < clip).length;
  const effectiveTrS = medianTr === null ? null : samplingRate * medianTr;
  const spanS: [number, number] | null = known.length ? [clip * known[0]!, clip * known[known.length - 1]!] : null;
  const reasoning =
    `sampling rate ${samplingRate} (${medianTr === null ? 'TR unknown' : `median TR ${medianTr} s → ${effectiveTrS!.toFixed(3)} s per frame, nearest to the reference's ${REFERENCE_EFFECTIVE_TR_S.toFixed(3)} s`}); ` +
    `${frames} frames = ${frames / JEPA_PATCH_FRAMES} patches, the longest multiple of ${JEPA_PATCH_FRAMES} whose ${clip}-frame clip fits the shortest scan (${shortestScan} frames)` +
    (frames === Math.floor(maxFrames / JEPA_PATCH_FRAMES) * JEPA_PATCH_FRAMES ? `, capped at ${maxFrames}` : '');
  return { frames, samplingRate, patches: frames / JEPA_PATCH_FRAMES, effectiveTrS, spanS, shortestScan, shortScans, reasoning };
}
