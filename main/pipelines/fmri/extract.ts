/**
 * ROI time series from a 4D BOLD image and a 3D label atlas, with the semantics of nilearn's
 * `NiftiLabelsMasker(labels_img, detrend, standardize, low_pass, high_pass, t_r)` with its default
 * `resampling_target="data"` (studied in nilearn/maskers/nifti_labels_masker.py,
 * regions/signal_extraction.py `img_to_signals_labels` and signal.py `clean`):
 *
 * 1. The atlas is resampled to the BOLD grid by nearest neighbour (resample.ts). Non-finite atlas
 *    values count as 0 (nilearn's ensure_finite).
 * 2. Regions are the distinct non-zero values of the resampled atlas, ascending; label 0 is the
 *    background. Labels of the original atlas that no BOLD voxel falls on are reported in
 *    `emptyLabels` and have no series (nilearn drops them too).
 * 3. Each region's signal is the mean over its voxels, per volume; non-finite BOLD values count as
 *    0 (ensure_finite again).
 * 4. `signal.clean`, in nilearn's order: linear detrend (mean removed, then the projection on the
 *    centred, unit-norm ramp), Butterworth filter (order 5, SciPy sosfiltfilt with its default odd
 *    padding; high- and low-pass together are one band-pass; cut-offs at or above Nyquist are moved
 *    just below it, as nilearn's _check_wn does), then z-scoring ("zscore_sample": mean removed,
 *    divided by the standard deviation with ddof = 1, a deviation below float64 eps left as 1).
 *    TR comes from the BOLD header (nilearn takes `t_r` as an argument; the header is what it holds).
 *
 * Output: region-major Float64Array (`data[r * timepoints + t]`), the plan's convention.
 */
import { FormatError, ValidationError } from '../../errors.js';
import type { NiftiImage } from '../../io/nifti/index.js';
import { butter, sosfiltfilt, sosfiltfiltPadLength } from '../../signal/index.js';
import { resampleNearest } from './resample.js';

export interface ExtractOptions {
  detrend: boolean;
  standardize: boolean;
  highPassHz: number | null;
  lowPassHz: number | null;
}

export interface ExtractedSeries {
  /** The atlas value of each region, ascending (region r has label labels[r]). */
  labels: number[];
  regionCount: number;
  timepoints: number;
  /** Region-major: data[r * timepoints + t]. */
  data: Float64Array;
  trS: number | null;
  /** Labels of the atlas with no voxel on the BOLD grid (no series). */
  emptyLabels: number[];
}

/**
 * A BOLD image up to this size (as float32) is read in one pass rather than volume by volume: a
 * read per volume costs a few hundred microseconds of I/O bookkeeping, which dominates for the
 * many small volumes of a single-slice or low-resolution series. Larger images stream per volume,
 * so memory stays at one volume.
 */
const WHOLE_READ_BYTES = 256 * 1024 * 1024;

/** nilearn's filter order (signal.butterworth's default). */
const BUTTERWORTH_ORDER = 5;
const FLOAT32_EPS = 2 ** -23;

/** Region of every BOLD voxel (−1 for background) and the regions' labels, from the resampled atlas. */
interface RegionMap {
  labels: number[];
  emptyLabels: number[];
  /** Voxel indices grouped by region: voxels[offsets[r] … offsets[r + 1]). */
  offsets: Int32Array;
  voxels: Int32Array;
}

function distinctLabels(values: Float32Array): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== 0 && Number.isFinite(v)) seen.add(v);
  }
  return [...seen].sort((a, b) => a - b);
}

function regionMap(atlasValues: Float32Array, resampled: Float32Array): RegionMap {
  const labels = distinctLabels(resampled);
  const present = new Set(labels);
  const emptyLabels = distinctLabels(atlasValues).filter((l) => !present.has(l));
  const regionOf = new Map(labels.map((l, r) => [l, r]));
  const counts = new Int32Array(labels.length + 1);
  for (let i = 0; i < resampled.length; i++) {
    const r = regionOf.get(resampled[i]!);
    if (r !== undefined) counts[r + 1]!++;
  }
  const offsets = new Int32Array(labels.length + 1);
  for (let r = 0; r < labels.length; r++) offsets[r + 1] = offsets[r]! + counts[r + 1]!;
  const voxels = new Int32Array(offsets[labels.length]!);
  const next = offsets.slice(0, labels.length);
  for (let i = 0; i < resampled.length; i++) {
    const r = regionOf.get(resampled[i]!);
    if (r !== undefined) voxels[next[r]!++] = i;
  }
  return { labels, emptyLabels, offsets, voxels };
}

/** nilearn's _detrend(type="linear") on one series, in place. */
export function detrendLinear(x: Float64Array): void {
  const n = x.length;
  if (n < 2) return;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += x[t]!;
  mean /= n;
  for (let t = 0; t < n; t++) x[t]! -= mean;
  const centre = (n - 1) / 2;
  let norm = 0;
  for (let t = 0; t < n; t++) norm += (t - centre) ** 2;
  norm = Math.sqrt(norm);
  const scale = norm < Number.EPSILON ? 1 : norm;
  let dot = 0;
  for (let t = 0; t < n; t++) dot += ((t - centre) / scale) * x[t]!;
  for (let t = 0; t < n; t++) x[t]! -= dot * ((t - centre) / scale);
}

/** nilearn's standardize_signal(standardize="zscore_sample", detrend=False) on one series, in place. */
export function zscoreSample(x: Float64Array): void {
  const n = x.length;
  if (n < 2) return; // nilearn skips standardizing a single timepoint (it would be all zeros)
  let mean = 0;
  for (let t = 0; t < n; t++) mean += x[t]!;
  mean /= n;
  let ss = 0;
  for (let t = 0; t < n; t++) {
    x[t]! -= mean;
    ss += x[t]! ** 2;
  }
  let sd = Math.sqrt(ss / (n - 1));
  if (sd < Number.EPSILON) sd = 1;
  for (let t = 0; t < n; t++) x[t]! /= sd;
}

/** nilearn's _check_wn: a cut-off at or above Nyquist moves just below it. */
const belowNyquist = (hz: number, nyquist: number): number => (hz >= nyquist ? nyquist - nyquist * 10 * FLOAT32_EPS : hz);

/** The Butterworth sections nilearn's clean would apply, or null when it would not filter. */
export function cleanFilter(options: Pick<ExtractOptions, 'highPassHz' | 'lowPassHz'>, trS: number | null, file: string): number[][] | null {
  const { highPassHz: high, lowPassHz: low } = options;
  if (high === null && low === null) return null;
  for (const [field, value] of [['highPassHz', high], ['lowPassHz', low]] as const) {
    if (value !== null && !(value > 0 && Number.isFinite(value))) throw new ValidationError(field, `must be a positive frequency in Hz, got ${value}`);
  }
  if (high !== null && low !== null && high >= low) throw new ValidationError('highPassHz', `the high-pass cut-off (${high} Hz) must be below the low-pass cut-off (${low} Hz)`);
  if (trS === null) throw new FormatError(file, 'filtering needs the repetition time, but the header has none (pixdim[4] with time units in xyzt_units)', 'pixdim');
  const fs = 1 / trS;
  const nyquist = fs / 2;
  const h = high === null ? null : belowNyquist(high, nyquist);
  const l = low === null ? null : belowNyquist(low, nyquist);
  if (h !== null && l !== null) {
    if (h === l) return null; // nilearn returns the signals unfiltered (with a warning)
    return butter(BUTTERWORTH_ORDER, [h, l], 'bandpass', fs);
  }
  return h !== null ? butter(BUTTERWORTH_ORDER, h, 'highpass', fs) : butter(BUTTERWORTH_ORDER, l!, 'lowpass', fs);
}

/** nilearn's signal.clean on one series (no confounds), in place or replaced; returns the result. */
function cleanSeries(x: Float64Array, options: ExtractOptions, sos: number[][] | null): Float64Array {
  let y = x;
  if (options.detrend) detrendLinear(y);
  if (sos) y = sosfiltfilt(sos, y);
  if (options.standardize) zscoreSample(y);
  return y;
}

const abortReason = (signal: AbortSignal): unknown => signal.reason ?? new DOMException('extraction cancelled', 'AbortError');

/**
 * Mean signal per atlas region of every BOLD volume, cleaned as `options` ask (see the file
 * comment). `progress` gets the fraction of volumes averaged; `signal` cancels between volumes
 * (and before the single read of a small image).
 */
export async function extractRoiSeries(
  bold: NiftiImage,
  atlas: NiftiImage,
  options: ExtractOptions,
  progress?: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<ExtractedSeries> {
  if (atlas.volumeCount !== 1) {
    throw new FormatError(atlas.header.file, `a label atlas is one 3D volume, but this image has ${atlas.volumeCount} volumes (dim ${atlas.header.dims.join('×')})`, 'dim');
  }
  const timepoints = bold.volumeCount;
  const sos = cleanFilter(options, bold.header.trS, bold.header.file);
  if (sos && timepoints <= sosfiltfiltPadLength(sos)) {
    throw new FormatError(bold.header.file, `band-pass filtering needs more than ${sosfiltfiltPadLength(sos)} volumes (SciPy's padding for an order-${BUTTERWORTH_ORDER} filter), but the image has ${timepoints}`, 'dim');
  }
  if (signal?.aborted) throw abortReason(signal);

  const atlasValues = await atlas.readVolume(0);
  const resampled = resampleNearest(atlasValues, { dims: atlas.spatialDims, affine: atlas.header.affine }, { dims: bold.spatialDims, affine: bold.header.affine });
  if (!resampled) throw new FormatError(atlas.header.file, 'the affine is singular (a voxel axis of zero length), so the atlas cannot be placed in space', 'affine');
  const regions = regionMap(atlasValues, resampled);
  const regionCount = regions.labels.length;
  if (regionCount === 0) {
    throw new FormatError(
      atlas.header.file,
      `no atlas region falls inside the BOLD image ${bold.header.file} once the atlas is resampled to its grid (the two images do not overlap in space: check both affines)`,
      'affine',
    );
  }

  const data = new Float64Array(regionCount * timepoints);
  const { offsets, voxels } = regions;
  const voxelsPerVolume = bold.spatialDims[0] * bold.spatialDims[1] * bold.spatialDims[2];
  const whole = voxelsPerVolume * timepoints * 4 <= WHOLE_READ_BYTES ? await bold.readAll() : null;
  for (let t = 0; t < timepoints; t++) {
    if (signal?.aborted) throw abortReason(signal);
    const volume = whole ? whole.subarray(t * voxelsPerVolume, (t + 1) * voxelsPerVolume) : await bold.readVolume(t);
    for (let r = 0; r < regionCount; r++) {
      let sum = 0;
      const end = offsets[r + 1]!;
      for (let i = offsets[r]!; i < end; i++) {
        const v = volume[voxels[i]!]!;
        if (Number.isFinite(v)) sum += v;
      }
      data[r * timepoints + t] = sum / (end - offsets[r]!);
    }
    progress?.((t + 1) / timepoints);
  }

  if (options.detrend || options.standardize || sos) {
    for (let r = 0; r < regionCount; r++) {
      const series = data.subarray(r * timepoints, (r + 1) * timepoints);
      const cleaned = cleanSeries(Float64Array.from(series), options, sos);
      series.set(cleaned);
    }
  }
  return { labels: regions.labels, regionCount, timepoints, data, trS: bold.header.trS, emptyLabels: regions.emptyLabels };
}
