/**
 * Evaluation of the neural detector.
 *
 * Leave-one-recording-out evaluation: for each recording, train on all the others, detect on it,
 * and score the events against its seizures with SzCORE's event scoring (any overlap, 30 s before /
 * 60 s after tolerance, 90 s merge, 300 s split). Totals sum the counts over recordings and compute
 * the metrics from the sums, as szcore-evaluation does without per-subject averaging.
 *
 * Labelled windows and segments (scoreWindows, labelledScores): the probability of every labelled
 * window, and accuracy / sensitivity / specificity per window and per segment (its mean window
 * probability against the threshold) — the default model's card and segment benchmarks.
 */
import { ValidationError } from '../../../errors.js';
import type { DetectedEvent } from '../classical.js';
import { computeMetrics, scoreEvents, sumCounts, type EventScores, type ScoringCounts, type ScoringMetrics, type TimeEvent } from '../scoring/index.js';
import { NeuralDetectionParams, predictSpan } from './detect.js';
import { tfFor, trainOnFeatures, trainingFeatures, NeuralTrainOptions, type NeuralTrainOptionsInput, type RecordingFeatures, type TrainingRecording, type TrainControl, type TrainProgress } from './train.js';
import { inputWidth, type NeuralSeizureModel } from './model.js';
import { fillWindow, WindowPredictor } from './windows.js';

export interface LoroRecordingResult {
  file: string;
  durationS: number;
  seizures: readonly TimeEvent[];
  events: DetectedEvent[];
  /** SzCORE event scores of `events` against `seizures`. */
  score: EventScores;
  bestEpoch: number;
}

export interface LoroResult {
  recordings: LoroRecordingResult[];
  total: ScoringCounts & ScoringMetrics & { fn: number };
}

export type LoroProgress = TrainProgress & { fold: number; folds: number };

export async function evaluateNeuralLoro(
  recordings: readonly TrainingRecording[],
  options: NeuralTrainOptionsInput & { detection?: Partial<NeuralDetectionParams> } = {},
  onProgress: (p: LoroProgress | (TrainProgress & { fold: 0; folds: number })) => void = () => {},
  control: TrainControl = {},
): Promise<LoroResult> {
  if (recordings.length < 2) throw new ValidationError('recordings', 'leave-one-recording-out evaluation needs at least two recordings');
  const { detection = {}, ...trainOptions } = options;
  const detectionParams = NeuralDetectionParams.parse(detection);
  const requireAllChannels = NeuralTrainOptions.shape.requireAllChannels.parse(trainOptions.requireAllChannels);
  const tf = control.tf ?? (await tfFor(NeuralTrainOptions.shape.backend.parse(trainOptions.backend)));
  const folds = recordings.length;
  const features = trainingFeatures(recordings, { requireAllChannels }, (p) => onProgress({ ...p, fold: 0, folds }), control.signal);
  const results: LoroRecordingResult[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const held = features[fold]!;
    const trained = await trainOnFeatures(
      features.filter((_, i) => i !== fold),
      trainOptions,
      (p) => onProgress({ ...p, fold: fold + 1, folds }),
      { ...control, tf },
    );
    const { events } = predictSpan(trained.neural, held.span, held.totalS, held.electrodes, detectionParams);
    trained.neural.model.dispose();
    const hypothesis = events.map((e): TimeEvent => [e.onsetS, e.onsetS + e.durationS]);
    const score = scoreEvents(held.seizures, hypothesis, held.durationS);
    results.push({ file: held.file, durationS: held.durationS, seizures: held.seizures, events, score, bestEpoch: trained.bestEpoch });
  }
  const counts = sumCounts(results.map((r) => r.score));
  return { recordings: results, total: { ...counts, ...computeMetrics(counts), fn: counts.refTrue - counts.tp } };
}

// ---------------------------------------------------------------------------------------------
// Classification of labelled windows and segments (the default model's card, segment benchmarks)

/** Counts and rates of a two-class decision (seizure positive); NaN where a denominator is 0. */
export interface ClassificationScore {
  n: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  accuracy: number;
  sensitivity: number;
  specificity: number;
}

export function classificationScore(pairs: Iterable<{ truth: boolean; predicted: boolean }>): ClassificationScore {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const { truth, predicted } of pairs) {
    if (truth && predicted) tp++;
    else if (truth) fn++;
    else if (predicted) fp++;
    else tn++;
  }
  const n = tp + fp + tn + fn;
  return { n, tp, fp, tn, fn, accuracy: (tp + tn) / n, sensitivity: tp / (tp + fn), specificity: tn / (tn + fp) };
}

/** One recording's (segment's) labelled windows with the model's probability for each. */
export interface ScoredRecording {
  file: string;
  id?: string;
  collection?: string;
  /** The seconds t of its windows labelled 0 or 1, their labels and probabilities. */
  seconds: Int32Array;
  labels: Int8Array;
  probabilities: Float32Array;
  /** Mean probability over its labelled windows: the segment's score. */
  meanProbability: number;
}

/**
 * The model's probability for every labelled window (label 0 or 1) of each recording: the window's
 * input as training builds it (all the recording's channels, pooled by the model). Deterministic
 * for a given backend.
 */
export function scoreWindows(neural: NeuralSeizureModel, features: readonly RecordingFeatures[]): ScoredRecording[] {
  const predictor = new WindowPredictor(neural);
  const width = inputWidth(neural.config);
  return features.map((f) => {
    const seconds: number[] = [];
    for (let t = 0; t < f.labels.length; t++) if (f.labels[t] === 0 || f.labels[t] === 1) seconds.push(t);
    const channels = f.span.channels;
    const inputs = new Float32Array(seconds.length * channels * width);
    seconds.forEach((t, i) => fillWindow(f.span, t, neural.config, inputs, i * channels * width));
    const { probabilities } = predictor.predict(inputs, seconds.length, channels);
    const mean = probabilities.reduce((a, b) => a + b, 0) / Math.max(1, probabilities.length);
    return {
      file: f.file,
      ...(f.id !== undefined ? { id: f.id } : {}),
      ...(f.collection !== undefined ? { collection: f.collection } : {}),
      seconds: Int32Array.from(seconds),
      labels: Int8Array.from(seconds, (t) => f.labels[t]!),
      probabilities,
      meanProbability: mean,
    };
  });
}

/**
 * Window and segment scores at `threshold`: a window is a seizure when its probability reaches it;
 * a segment (a scored recording wholly of one class) when its mean window probability does. A
 * recording holding both classes counts in the window score only.
 */
export function labelledScores(scored: readonly ScoredRecording[], threshold = 0.5): { windows: ClassificationScore; segments: ClassificationScore } {
  const windows = classificationScore(
    scored.flatMap((r) => Array.from(r.labels, (label, i) => ({ truth: label === 1, predicted: r.probabilities[i]! >= threshold }))),
  );
  const segments = classificationScore(
    scored
      .filter((r) => r.labels.length > 0 && (r.labels.every((l) => l === 1) || r.labels.every((l) => l === 0)))
      .map((r) => ({ truth: r.labels[0] === 1, predicted: r.meanProbability >= threshold })),
  );
  return { windows, segments };
}
