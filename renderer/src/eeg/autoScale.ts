/**
 * Automatic initial scales: each channel type gets the smallest step at which its channels' robust
 * amplitude (2nd to 98th percentile of the page, in display units) fills most of a lane. The upper
 * quartile over a type's channels sets the type's scale: the larger channels (frontal EEG with eye
 * movements) stay mostly inside their lanes, while one artefact-laden channel among many does not
 * flatten the others. EEG channels keep one shared scale, as clinical review needs.
 */
import type { ChannelType, PageChannel } from '../../../shared/api/index.js';
import { displayFactor, scaleSteps } from './channelTypes.js';

/** Share of the lane height the robust amplitude is scaled to (the rest is room for peaks). */
export const LANE_FILL = 0.8;

/** The q-quantile (0–1) of sorted values, by linear interpolation. */
function quantile(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** Finite values of a channel in display units, sorted. */
function sortedValues(channel: Pick<PageChannel, 'data' | 'unit'>): Float64Array {
  const factor = displayFactor(channel.unit);
  const values: number[] = [];
  for (const v of channel.data) if (Number.isFinite(v)) values.push(v * factor);
  return Float64Array.from(values).sort();
}

/** Robust amplitude of a channel in display units: 2nd–98th percentile, or the full range when that is flat (a step marker). */
export function robustAmplitude(channel: Pick<PageChannel, 'data' | 'unit'>): number {
  const sorted = sortedValues(channel);
  if (sorted.length === 0) return 0;
  const robust = quantile(sorted, 0.98) - quantile(sorted, 0.02);
  return robust > 0 ? robust : sorted[sorted.length - 1]! - sorted[0]!;
}

/** Robust centre of a channel in its EDF unit (the median), drawn on the lane's baseline. */
export function robustCentre(channel: Pick<PageChannel, 'data'>): number {
  const values: number[] = [];
  for (const v of channel.data) if (Number.isFinite(v)) values.push(v);
  if (!values.length) return 0;
  return quantile(Float64Array.from(values).sort(), 0.5);
}

/** The smallest step of `steps` at or above `value` (the largest when none is). */
export function stepAtLeast(steps: readonly number[], value: number): number {
  return steps.find((step) => step >= value * (1 - 1e-9)) ?? steps[steps.length - 1]!;
}

/**
 * A scale (display units per mm) for each type among `channels`, for lanes `laneMm` tall. A type
 * whose channels are all flat (or empty) gets its smallest step at or above 1.
 */
export function autoScales(channels: readonly Pick<PageChannel, 'type' | 'data' | 'unit'>[], laneMm: number): Partial<Record<ChannelType, number>> {
  const amplitudes = new Map<ChannelType, number[]>();
  for (const channel of channels) {
    const list = amplitudes.get(channel.type) ?? [];
    list.push(robustAmplitude(channel));
    amplitudes.set(channel.type, list);
  }
  const scales: Partial<Record<ChannelType, number>> = {};
  for (const [type, list] of amplitudes) {
    const upperQuartile = quantile(Float64Array.from(list).sort(), 0.75);
    const wanted = upperQuartile > 0 && laneMm > 0 ? upperQuartile / (laneMm * LANE_FILL) : 1;
    scales[type] = stepAtLeast(scaleSteps(type), wanted);
  }
  return scales;
}
