/**
 * The four SzCORE metrics from raw counts, as timescoring's `_Scoring.computeScores` computes them
 * (shared by sample and event scoring and by the per-subject / dataset sums).
 *
 * Matched behaviour:
 *  - sensitivity = tp / refTrue, NaN when there is no reference event (refTrue = 0);
 *  - precision = tp / (tp + fp), NaN when there is no hypothesis (tp + fp = 0);
 *  - F1 = 2tp / (2tp + fp + (refTrue - tp)) — computed from counts, not from sensitivity and
 *    precision, so it is 0 (not NaN) when only one of them is NaN and both counts are known;
 *    NaN only when refTrue + fp = 0 (nothing in either annotation);
 *  - fpRate = fp / (numSamples / fs / 3600 / 24), false positives per 24 h, evaluated in this
 *    order so the floating-point result is the same; it is never NaN (0 when fp = 0).
 */
import { ValidationError } from '../../../errors.js';

/** What a scorer counted. `fs` is the grid the counting was done on (1 Hz samples, 10 Hz events). */
export interface ScoringCounts {
  readonly fs: number;
  /** Length of the scored recording(s) in samples at `fs`. */
  readonly numSamples: number;
  readonly tp: number;
  readonly fp: number;
  /** Number of reference positives: samples (sample scoring) or events after merge/split. */
  readonly refTrue: number;
}

export interface ScoringMetrics {
  readonly sensitivity: number;
  readonly precision: number;
  readonly f1: number;
  /** False positives per 24 hours. */
  readonly fpRate: number;
}

export function computeMetrics(counts: ScoringCounts): ScoringMetrics {
  const { tp, fp, refTrue, numSamples, fs } = counts;
  if (!(numSamples > 0)) throw new ValidationError('duration', 'the recording is empty; scores need a duration of at least one sample');
  const sensitivity = refTrue > 0 ? tp / refTrue : Number.NaN;
  const precision = tp + fp > 0 ? tp / (tp + fp) : Number.NaN;
  const f1 = refTrue + fp === 0 ? Number.NaN : (2 * tp) / (2 * tp + fp + (refTrue - tp));
  const fpRate = fp / (numSamples / fs / 3600 / 24);
  return { sensitivity, precision, f1, fpRate };
}
