/**
 * The Spikes view's numbers, computed exactly from sorted spike times (binary search for every
 * window; no pre-binned approximation): the raster of a window (spikes, or counts per screen column
 * past a budget), PSTHs aligned to an event set, ISI histograms and cross-/auto-correlograms.
 * Pure functions of `SpikeTrains`; the view (view.ts) adds the recording, the cache and the checks.
 *
 * Bins are half-open, [left, left + width): a spike on a bin edge counts in the bin to its right.
 * Bin counts are computed as round((total span) / width) when that is within 1e-9 of an integer
 * (so 1.5 s / 0.01 s is 150 bins, not 151 from floating-point noise), else rounded up.
 */
import { lowerBound } from '../../pipelines/spikes/bin.js';
import type { SpikeTrains } from '../../io/spikes/types.js';

/** How many bins of `width` cover `span`. */
export function binCount(span: number, width: number): number {
  const exact = span / width;
  const near = Math.round(exact);
  return Math.max(1, Math.abs(exact - near) <= 1e-9 * Math.max(1, exact) ? near : Math.ceil(exact));
}

/** Spikes of each unit in [startS, endS): the index range per unit and the total. */
export function windowRanges(times: readonly Float64Array[], units: readonly number[], startS: number, endS: number): { first: Int32Array; last: Int32Array; total: number } {
  const first = new Int32Array(units.length);
  const last = new Int32Array(units.length);
  let total = 0;
  units.forEach((unit, row) => {
    const t = times[unit]!;
    first[row] = lowerBound(t, startS);
    last[row] = lowerBound(t, endS, first[row]);
    total += last[row]! - first[row]!;
  });
  return { first, last, total };
}

export interface RasterResult {
  mode: 'spikes' | 'counts';
  spikeRow: Int32Array;
  spikeTime: Float32Array;
  columns: number;
  counts: Float32Array;
  totalSpikes: number;
}

/** Every spike as (row, time after startS) up to `maxSpikes`, else spikes per unit per column. */
export function raster(trains: Pick<SpikeTrains, 'times'>, units: readonly number[], startS: number, endS: number, columns: number, maxSpikes: number): RasterResult {
  const { first, last, total } = windowRanges(trains.times, units, startS, endS);
  if (total <= maxSpikes) {
    const spikeRow = new Int32Array(total);
    const spikeTime = new Float32Array(total);
    let k = 0;
    units.forEach((unit, row) => {
      const t = trains.times[unit]!;
      for (let i = first[row]!; i < last[row]!; i++, k++) {
        spikeRow[k] = row;
        spikeTime[k] = t[i]! - startS;
      }
    });
    return { mode: 'spikes', spikeRow, spikeTime, columns, counts: new Float32Array(0), totalSpikes: total };
  }
  const counts = new Float32Array(units.length * columns);
  const width = (endS - startS) / columns;
  units.forEach((unit, row) => {
    const t = trains.times[unit]!;
    const base = row * columns;
    for (let i = first[row]!; i < last[row]!; i++) counts[base + Math.min(columns - 1, Math.floor((t[i]! - startS) / width))]!++;
  });
  return { mode: 'counts', spikeRow: new Int32Array(0), spikeTime: new Float32Array(0), columns, counts, totalSpikes: total };
}

export interface PsthResult {
  eventCount: number;
  bins: number;
  rateHz: Float32Array;
  rasterTrial: Int32Array;
  rasterTime: Float32Array;
}

/**
 * Mean rate per bin around the events whose window [e − preS, e + postS) lies inside
 * [recStartS, recEndS]; and the aligned raster of `rasterUnit` over at most `maxTrials` of them
 * (trial = index among the events used) and at most `maxRasterSpikes` spikes.
 */
export function psth(
  trains: Pick<SpikeTrains, 'times'>,
  events: Float64Array,
  units: readonly number[],
  preS: number,
  postS: number,
  binS: number,
  rasterUnit: number | null,
  bounds: { startS: number; endS: number },
  limits: { maxTrials: number; maxRasterSpikes: number },
): PsthResult {
  const used = Array.from(events).filter((e) => e - preS >= bounds.startS && e + postS <= bounds.endS);
  const bins = binCount(preS + postS, binS);
  const counts = new Float64Array(units.length * bins);
  units.forEach((unit, row) => {
    const t = trains.times[unit]!;
    const base = row * bins;
    for (const e of used) {
      const from = e - preS;
      for (let i = lowerBound(t, from), end = lowerBound(t, e + postS, i); i < end; i++) {
        counts[base + Math.min(bins - 1, Math.floor((t[i]! - from) / binS))]!++;
      }
    }
  });
  const scale = used.length > 0 ? 1 / (used.length * binS) : 0;
  const rateHz = Float32Array.from(counts, (c) => c * scale);
  const trial: number[] = [];
  const time: number[] = [];
  if (rasterUnit !== null) {
    const t = trains.times[rasterUnit]!;
    const trials = Math.min(used.length, limits.maxTrials);
    outer: for (let k = 0; k < trials; k++) {
      const e = used[k]!;
      for (let i = lowerBound(t, e - preS), end = lowerBound(t, e + postS, i); i < end; i++) {
        if (trial.length >= limits.maxRasterSpikes) break outer;
        trial.push(k);
        time.push(t[i]! - e);
      }
    }
  }
  return { eventCount: used.length, bins, rateHz, rasterTrial: Int32Array.from(trial), rasterTime: Float32Array.from(time) };
}

export interface IsiResult {
  counts: Float32Array;
  intervalCount: number;
  refractoryViolations: number;
}

/** Histogram of the intervals between consecutive spikes, bins [k·binS, (k+1)·binS) up to maxS. */
export function isi(times: Float64Array, binS: number, maxS: number, refractoryS: number): IsiResult {
  const bins = binCount(maxS, binS);
  const counts = new Float32Array(bins);
  let violations = 0;
  const intervalCount = Math.max(0, times.length - 1);
  for (let i = 1; i < times.length; i++) {
    const interval = times[i]! - times[i - 1]!;
    if (interval < refractoryS) violations++;
    const k = Math.floor(interval / binS);
    if (interval < maxS && k < bins) counts[k]!++;
  }
  return { counts, intervalCount, refractoryViolations: intervalCount > 0 ? violations / intervalCount : 0 };
}

/** Number of (a, b) pairs with b − a in [−windowS, windowS): what a correlogram would visit. */
export function correlogramPairs(a: Float64Array, b: Float64Array, windowS: number): number {
  let pairs = 0;
  for (let i = 0; i < a.length; i++) pairs += lowerBound(b, a[i]! + windowS) - lowerBound(b, a[i]! - windowS);
  return pairs;
}

/**
 * Counts of b's spikes at lags b − a in [−windowS, windowS), bin k covering
 * [−windowS + k·binS, −windowS + (k+1)·binS). For an auto-correlogram (`same`), each spike's pair
 * with itself is left out (other spikes at exactly the same time still count).
 */
export function correlogram(a: Float64Array, b: Float64Array, binS: number, windowS: number, same: boolean): Float32Array {
  const bins = binCount(2 * windowS, binS);
  const counts = new Float32Array(bins);
  let lo = 0;
  for (let i = 0; i < a.length; i++) {
    const t = a[i]!;
    const from = t - windowS;
    while (lo < b.length && b[lo]! < from) lo++; // a is sorted: the window's start only moves right
    for (let j = lo; j < b.length; j++) {
      const lag = b[j]! - t;
      if (lag >= windowS) break;
      if (same && j === i) continue;
      counts[Math.max(0, Math.min(bins - 1, Math.floor((lag + windowS) / binS)))]!++;
    }
  }
  return counts;
}
