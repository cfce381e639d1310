/**
 * Spike trains → counts per unit per time bin, the input of the Neuroformer tokeniser and the GLM.
 * Bin b covers [startS + b·dtS, startS + (b+1)·dtS); a spike exactly at endS is left out (half-open,
 * as numpy.histogram is not: its last bin is closed, which would count a spike twice when windows
 * are stitched). Counts are exact per unit (binary search for the window, then one pass).
 */
import type { SpikeTrains } from '../../io/spikes/types.js';

export interface BinnedSpikes {
  /** units × bins, row-major: Uint16Array while every count fits (≤ 65535), else Float32Array. */
  counts: Uint16Array | Float32Array;
  units: number;
  bins: number;
  dtS: number;
  startS: number;
}

/** First index i with times[i] >= t (times ascending). */
export function lowerBound(times: ArrayLike<number>, t: number, from = 0, to = times.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** At most this many count cells (units × bins), so one call cannot take the machine's memory. */
export const MAX_BINNED_VALUES = 512 * 1024 * 1024;

export function binSpikes(trains: Pick<SpikeTrains, 'times'>, dtS: number, startS: number, endS: number): BinnedSpikes {
  if (!(Number.isFinite(dtS) && dtS > 0)) throw new RangeError(`binSpikes: bin width ${dtS} s is not a positive number`);
  if (!(Number.isFinite(startS) && Number.isFinite(endS) && endS > startS)) throw new RangeError(`binSpikes: window ${startS}…${endS} s is empty or not finite`);
  // A bin count within rounding of an integer is that integer (600 s / 0.01 s is 60000, not 60001).
  const exact = (endS - startS) / dtS;
  const bins = Math.max(1, Math.abs(exact - Math.round(exact)) < 1e-9 * Math.max(1, exact) ? Math.round(exact) : Math.ceil(exact));
  const units = trains.times.length;
  if (units * bins > MAX_BINNED_VALUES) throw new RangeError(`binSpikes: ${units} units × ${bins} bins is more than ${MAX_BINNED_VALUES} counts`);
  const wide = new Float32Array(units * bins);
  let max = 0;
  trains.times.forEach((times, u) => {
    const first = lowerBound(times, startS);
    const last = lowerBound(times, endS, first);
    const row = u * bins;
    for (let i = first; i < last; i++) {
      const b = Math.min(bins - 1, Math.floor((times[i]! - startS) / dtS));
      const v = ++wide[row + b]!;
      if (v > max) max = v;
    }
  });
  const counts = max <= 0xffff ? Uint16Array.from(wide) : wide;
  return { counts, units, bins, dtS, startS };
}
