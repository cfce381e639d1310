/**
 * Sample-based scoring, like timescoring's `SampleScoring`: both annotations are laid on a common
 * grid (1 Hz by default, SzCORE's choice) and compared sample by sample.
 *
 * Matched behaviour:
 *  - each annotation is re-rasterised from its events at `fs` over `round(len/fs_in*fs)` samples
 *    (half to even), so an event [1.2, 5.4) at 1 Hz covers samples 1..4 — the rounding of the
 *    bounds, not the overlap with each second, decides;
 *  - the two resampled masks must be the same length, otherwise it is an error (ValueError there);
 *  - tp = ref∧hyp, fp = ¬ref∧hyp, refTrue = Σref samples; fpRate counts false-positive *samples*
 *    per 24 h (so it is large: 2 FP seconds in 10 s is 17280 per day).
 */
import { ValidationError } from '../../../errors.js';
import type { TimeEvent } from './annotation.js';
import { onGrid, samplesIn, type ScoringInput } from './inputs.js';
import { computeMetrics, type ScoringCounts, type ScoringMetrics } from './metrics.js';

export interface SampleScoringOptions {
  /** Grid of the comparison in Hz. Default 1 (SzCORE). */
  fs?: number;
  /** Recording length in samples at `fs` (for event-list inputs; checked against Annotations). */
  numSamples?: number;
  /** Recording length in seconds (alternative to numSamples; rounded half to even to samples). */
  durationS?: number;
}

export interface SampleScores extends ScoringCounts, ScoringMetrics {
  /** Reference samples missed: refTrue - tp. */
  readonly fn: number;
  /** Samples negative in both. */
  readonly tn: number;
  /** The events as scored (unchanged by sample scoring). */
  readonly refEvents: readonly TimeEvent[];
  readonly hypEvents: readonly TimeEvent[];
}

export function scoreSamples(ref: ScoringInput, hyp: ScoringInput, options: SampleScoringOptions = {}): SampleScores {
  const fs = options.fs ?? 1;
  if (!(fs > 0) || !Number.isFinite(fs)) throw new ValidationError('fs', `must be a positive number of Hz, not ${fs}`);
  const numSamples = options.numSamples ?? (options.durationS !== undefined ? samplesIn(options.durationS, fs) : undefined);
  if (numSamples !== undefined && (!Number.isInteger(numSamples) || numSamples <= 0)) throw new ValidationError('numSamples', `must be a positive whole number, not ${numSamples}`);
  const r = onGrid(ref, fs, numSamples, 'ref');
  const h = onGrid(hyp, fs, numSamples, 'hyp');
  if (r.mask.length !== h.mask.length) {
    throw new ValidationError('hyp', `the hypothesis covers ${h.mask.length} samples at ${fs} Hz but the reference covers ${r.mask.length}; both must describe the same recording`);
  }
  let tp = 0;
  let fp = 0;
  let refTrue = 0;
  for (let i = 0; i < r.mask.length; i++) {
    const inRef = r.mask[i] === 1;
    const inHyp = h.mask[i] === 1;
    if (inRef) refTrue++;
    if (inRef && inHyp) tp++;
    else if (!inRef && inHyp) fp++;
  }
  const counts = { fs, numSamples: r.mask.length, tp, fp, refTrue };
  return {
    ...counts,
    ...computeMetrics(counts),
    fn: refTrue - tp,
    tn: r.mask.length - refTrue - fp,
    refEvents: r.events,
    hypEvents: h.events,
  };
}
