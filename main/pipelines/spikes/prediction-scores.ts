/**
 * Spike-prediction scores as Neuroformer reports them (analysis.compute_scores) and the PSTH
 * correlation with the trial-to-trial reliability ceiling (analysis.calc_corr_psth and the paper's
 * "Real" row: the correlation between two different sets of real trials).
 */
import { ValidationError } from '../../errors.js';
import { seededRandom } from '../../../shared/random.js';
import { pearson } from './connectivity-metrics.js';

/** One scoring window (an (Interval, Trial) pair in the reference): neuron ids that fired. */
export interface IdWindow {
  trueIds: ArrayLike<number>;
  predictedIds: ArrayLike<number>;
}

export interface PredictionScores {
  precision: number;
  recall: number;
  F1: number;
  /** Windows scored: those with at least one true spike. */
  windows: number;
}

/**
 * Neuroformer's `compute_scores`, reproduced on purpose including its quirks:
 * - only windows with at least one TRUE spike count (the reference enumerates the windows of the
 *   true table, so windows where only the prediction fired are ignored);
 * - ids are sets per window (repeats collapse);
 * - when TP, FP and FN are all non-zero, precision and recall are the usual ratios; otherwise, in
 *   this order: TP = 0 → (0, 0); FP = 0 → (1, 1) even when FN > 0; FN = 0 → (1, 1) even when
 *   FP > 0. So a window with some hits and no false alarms scores recall 1 however many spikes
 *   were missed (and symmetrically for precision). Consequence: predicting EVERY neuron in every
 *   window scores F1 = 1 (FN = 0), so the reference F1 rewards over-prediction; report the
 *   `corrected` F1 beside it.
 * - per-window F1 = 2PR/(P+R) (0 when P + R = 0); the three scores are plain means over windows.
 * `corrected: true` scores every window with the textbook ratios instead (for comparison only).
 */
export function neuroformerScores(windows: readonly IdWindow[], options: { corrected?: boolean } = {}): PredictionScores {
  let sp = 0;
  let sr = 0;
  let sf = 0;
  let count = 0;
  for (const w of windows) {
    const truth = new Set(Array.from(w.trueIds));
    if (truth.size === 0) continue;
    const predicted = new Set(Array.from(w.predictedIds));
    let tp = 0;
    for (const id of predicted) if (truth.has(id)) tp++;
    const fp = predicted.size - tp;
    const fn = truth.size - tp;
    let precision: number;
    let recall: number;
    if (options.corrected || (tp !== 0 && fp !== 0 && fn !== 0)) {
      precision = tp + fp > 0 ? tp / (tp + fp) : 0;
      recall = tp / (tp + fn);
    } else if (tp === 0) {
      precision = 0;
      recall = 0;
    } else {
      // fp === 0 or fn === 0: the reference scores both as 1.
      precision = 1;
      recall = 1;
    }
    sp += precision;
    sr += recall;
    sf += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    count++;
  }
  if (count === 0) throw new ValidationError('windows', 'no window has a true spike: the scores are undefined (the reference divides by zero)');
  return { precision: sp / count, recall: sr / count, F1: sf / count, windows: count };
}

/** First index with sorted[i] >= value. */
function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The ids (indices into `trains`) that fired in each window [start, start + windowS): builds the
 * true or predicted side of `neuroformerScores` from spike trains (recorded or generated).
 */
export function idsPerWindow(trains: readonly Float64Array[], windowStartsS: ArrayLike<number>, windowS: number): Int32Array[] {
  if (!(windowS > 0)) throw new ValidationError('windowS', `expected > 0, got ${windowS}`);
  const out: Int32Array[] = [];
  for (let w = 0; w < windowStartsS.length; w++) {
    const start = windowStartsS[w]!;
    const ids: number[] = [];
    trains.forEach((t, id) => {
      const i = lowerBound(t, start);
      if (i < t.length && t[i]! < start + windowS) ids.push(id);
    });
    out.push(Int32Array.from(ids));
  }
  return out;
}

/** Spike counts of one neuron as [trials × bins], row-major. */
export interface TrialCounts {
  counts: Float64Array;
  trials: number;
  bins: number;
}

function trialMean(t: TrialCounts, pick: (trial: number) => boolean): Float64Array {
  const mean = new Float64Array(t.bins);
  let used = 0;
  for (let trial = 0; trial < t.trials; trial++) {
    if (!pick(trial)) continue;
    used++;
    for (let b = 0; b < t.bins; b++) mean[b]! += t.counts[trial * t.bins + b]!;
  }
  for (let b = 0; b < t.bins; b++) mean[b]! /= Math.max(used, 1);
  return mean;
}

export interface PsthCorrelation {
  /** Pearson r of the trial-averaged PSTHs, generated vs recorded. */
  r: number;
  /** Split-half reliability: r between the mean of the even and of the odd recorded trials. */
  splitHalf: number;
  /**
   * Spearman–Brown prediction of the full-data reliability, 2ρ/(1+ρ): the split-half r uses half
   * the trials on each side, so it understates how well the full average can be predicted; this is
   * the ceiling `r` should be read against. NaN when splitHalf ≤ −1 or is NaN.
   */
  ceiling: number;
}

/**
 * PSTH correlation of one neuron: generated vs recorded trial averages, beside the recorded data's
 * own reliability. Needs ≥ 2 recorded trials for the ceiling; NaN where a PSTH is flat.
 */
export function psthCorrelation(recorded: TrialCounts, generated: TrialCounts): PsthCorrelation {
  for (const [name, t] of [['recorded', recorded], ['generated', generated]] as const) {
    if (t.counts.length !== t.trials * t.bins || t.trials < 1) throw new ValidationError(name, `expected ${t.trials}×${t.bins} counts, got ${t.counts.length}`);
  }
  if (recorded.bins !== generated.bins) throw new ValidationError('generated', `expected ${recorded.bins} bins like the recording, got ${generated.bins}`);
  const r = pearson(trialMean(generated, () => true), trialMean(recorded, () => true));
  const splitHalf = recorded.trials >= 2 ? pearson(trialMean(recorded, (t) => t % 2 === 0), trialMean(recorded, (t) => t % 2 === 1)) : NaN;
  const ceiling = splitHalf > -1 ? (2 * splitHalf) / (1 + splitHalf) : NaN;
  return { r, splitHalf, ceiling };
}

/** Spike counts of each train in bins of `binS` after each event (trials × bins), for a PSTH. */
export function trialCounts(train: Float64Array, eventTimesS: ArrayLike<number>, binS: number, bins: number, offsetS = 0): TrialCounts {
  if (!(binS > 0) || !(bins >= 1)) throw new ValidationError('binS', `expected binS > 0 and bins ≥ 1, got ${binS}, ${bins}`);
  const trials = eventTimesS.length;
  const counts = new Float64Array(trials * bins);
  for (let trial = 0; trial < trials; trial++) {
    const start = eventTimesS[trial]! + offsetS;
    for (let i = lowerBound(train, start); i < train.length; i++) {
      const b = Math.floor((train[i]! - start) / binS);
      if (b >= bins) break;
      counts[trial * bins + b]!++;
    }
  }
  return { counts, trials, bins };
}

/**
 * Predicted id sets from firing probabilities [windows × neurons]: sampled (Bernoulli, seeded — as
 * a generative model's prediction is a sample) or, with `threshold`, every neuron whose probability
 * reaches it.
 */
export function idsFromProbabilities(probability: Float64Array, neurons: number, options: { seed?: number; threshold?: number } = {}): Int32Array[] {
  if (probability.length % neurons !== 0) throw new ValidationError('probability', `expected windows × ${neurons} values, got ${probability.length}`);
  const random = seededRandom(options.seed ?? 0);
  const out: Int32Array[] = [];
  for (let w = 0; w < probability.length / neurons; w++) {
    const ids: number[] = [];
    for (let i = 0; i < neurons; i++) {
      const p = probability[w * neurons + i]!;
      if (options.threshold !== undefined ? p >= options.threshold : random() < p) ids.push(i);
    }
    out.push(Int32Array.from(ids));
  }
  return out;
}
