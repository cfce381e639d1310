/**
 * The ISI histogram is asked for once, finely (0.5 ms bins up to 5 s), and shown two ways from that
 * one answer: linear bins over the first 100 ms (bursts and the refractory gap) or log-spaced bins
 * over 0.5 ms…5 s (the whole distribution, where tonic and bursting modes show as two humps).
 */
export const ISI_FINE_BIN_S = 0.0005;
export const ISI_MAX_S = 5;
/** Linear view: 1 ms bins up to 100 ms. */
export const ISI_LINEAR_BIN_S = 0.001;
export const ISI_LINEAR_MAX_S = 0.1;
export const ISI_LOG_BINS_PER_DECADE = 20;

export interface Histogram {
  /** Bin edges in seconds (bins + 1 of them). */
  edges: number[];
  counts: number[];
}

/** Fine bins summed into coarse linear bins of `binS` up to `maxS`. */
export function linearHistogram(fine: ArrayLike<number>, fineBinS: number, binS: number, maxS: number): Histogram {
  const per = Math.max(1, Math.round(binS / fineBinS));
  const bins = Math.min(Math.ceil(fine.length / per), Math.round(maxS / (per * fineBinS)));
  const counts = new Array<number>(bins).fill(0);
  for (let b = 0; b < bins; b++) for (let k = b * per; k < Math.min(fine.length, (b + 1) * per); k++) counts[b]! += fine[k]!;
  return { edges: Array.from({ length: bins + 1 }, (_, b) => b * per * fineBinS), counts };
}

/**
 * Fine bins gathered into log-spaced bins from the first fine bin's upper edge to the last's, each
 * fine bin counted in the log bin holding its centre (its first bin, [0, fineBinS), goes to the first).
 */
export function logHistogram(fine: ArrayLike<number>, fineBinS: number, perDecade: number): Histogram {
  const low = fineBinS;
  const high = fine.length * fineBinS;
  const bins = Math.max(1, Math.ceil(Math.log10(high / low) * perDecade - 1e-9));
  const edges = Array.from({ length: bins + 1 }, (_, b) => low * 10 ** (b / perDecade));
  edges[0] = 0;
  const counts = new Array<number>(bins).fill(0);
  for (let k = 0; k < fine.length; k++) {
    const centre = (k + 0.5) * fineBinS;
    const b = centre < low ? 0 : Math.min(bins - 1, Math.floor(Math.log10(centre / low) * perDecade));
    counts[b]! += fine[k]!;
  }
  return { edges, counts };
}

/** A correlogram's counts as the rate of unit B around A's spikes (Hz): counts / (A's spikes × bin). */
export function conditionalRateHz(counts: ArrayLike<number>, spikesA: number, binS: number): number[] {
  return Array.from(counts, (c) => (spikesA > 0 ? c / (spikesA * binS) : 0));
}
