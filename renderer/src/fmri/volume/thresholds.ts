/**
 * Display defaults for a statistical map that read on real maps: a threshold that keeps the strong
 * effects and hides the speckle, and a top of the colour scale that is not set by one outlier voxel.
 */

export interface MapRange {
  /** Largest positive value (0 when none). */
  positiveMax: number;
  /** Largest magnitude among negative values (0 when none). */
  negativeMax: number;
  /** 99.9th percentile of the non-zero magnitudes: the top of the colour scale. */
  robustPeak: number;
  /** The 95th percentile of non-zero magnitudes. */
  p95: number;
}

export interface Thresholds {
  /** Positive values at or above this are shown. */
  positive: number;
  /** Negative values at or below −this are shown. */
  negative: number;
  /** Colour scale top (magnitude), both signs. */
  max: number;
}

/** Sorted magnitudes of the finite non-zero values (NaN-filled and empty voxels left out). */
function magnitudes(data: ArrayLike<number>): Float32Array {
  let count = 0;
  for (let i = 0; i < data.length; i += 1) {
    const v = data[i]!;
    if (v !== 0 && Number.isFinite(v)) count += 1;
  }
  const out = new Float32Array(count);
  let n = 0;
  for (let i = 0; i < data.length; i += 1) {
    const v = data[i]!;
    if (v !== 0 && Number.isFinite(v)) out[n++] = Math.abs(v);
  }
  return out.sort();
}

function percentileOfSorted(sorted: Float32Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

export function mapRange(data: ArrayLike<number>): MapRange {
  let positiveMax = 0;
  let negativeMax = 0;
  for (let i = 0; i < data.length; i += 1) {
    const v = data[i]!;
    if (!Number.isFinite(v)) continue;
    if (v > positiveMax) positiveMax = v;
    if (-v > negativeMax) negativeMax = -v;
  }
  const sorted = magnitudes(data);
  return { positiveMax, negativeMax, robustPeak: percentileOfSorted(sorted, 0.999), p95: percentileOfSorted(sorted, 0.95) };
}

/** Rounds to two significant digits (thresholds a user reads and types). */
export function roundForDisplay(value: number): number {
  if (!Number.isFinite(value) || value === 0) return 0;
  // toPrecision, not a multiply back: 2.8 must read "2.8", not "2.8000000000000003".
  return Number(value.toPrecision(2));
}

/**
 * The default thresholds: the 95th percentile of the non-zero magnitudes (a t-map's ±2.6 or so on
 * a whole-brain SPM map), but never under a fifth of the peak (a map whose mass sits near zero
 * would otherwise light up everywhere) nor over half of it (the peaks must stay visible).
 * The top of the scale is the 99.9th percentile, so one hot voxel does not wash out the rest.
 */
export function defaultThresholds(range: MapRange): Thresholds {
  const peak = Math.max(range.positiveMax, range.negativeMax);
  if (peak === 0) return { positive: 0, negative: 0, max: 1 };
  const threshold = roundForDisplay(Math.min(peak / 2, Math.max(peak / 5, range.p95)));
  const max = roundForDisplay(Math.max(threshold * 1.5, Math.min(peak, range.robustPeak || peak)));
  return { positive: threshold, negative: threshold, max };
}

/** Whether a value survives the thresholds (what the overlay shows and the clusters count). */
export function survives(value: number, t: Thresholds): boolean {
  return (value > 0 && value >= t.positive && t.positive > 0) || (value < 0 && -value >= t.negative && t.negative > 0);
}
