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
 * Fine bins gathered into log-spaced bins up to the last fine bin's edge. Each log edge is moved to
 * the nearest fine-bin edge and repeats are dropped: at the short end, where a log bin would be
 * narrower than a fine bin (and so often empty, a comb of gaps), the bins are the fine bins themselves.
 */
export function logHistogram(fine: ArrayLike<number>, fineBinS: number, perDecade: number): Histogram {
  const decades = Math.log10(fine.length);
  const steps = Math.max(1, Math.ceil(decades * perDecade - 1e-9));
  const cuts = [0];
  for (let b = 0; b <= steps; b++) {
    const k = Math.min(fine.length, Math.round(10 ** (b / perDecade)));
    if (k > cuts[cuts.length - 1]!) cuts.push(k);
  }
  if (cuts[cuts.length - 1] !== fine.length) cuts.push(fine.length);
  const counts: number[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    let sum = 0;
    for (let k = cuts[i]!; k < cuts[i + 1]!; k++) sum += fine[k]!;
    counts.push(sum);
  }
  return { edges: cuts.map((k) => k * fineBinS), counts };
}

/** A correlogram's counts as the rate of unit B around A's spikes (Hz): counts / (A's spikes × bin). */
export function conditionalRateHz(counts: ArrayLike<number>, spikesA: number, binS: number): number[] {
  return Array.from(counts, (c) => (spikesA > 0 ? c / (spikesA * binS) : 0));
}
