/**
 * Leave-one-recording-out evaluation: for each recording, train on all the others, detect on it,
 * and score the events against its seizures with SzCORE's event scoring (any overlap, 30 s before /
 * 60 s after tolerance, 90 s merge, 300 s split). Totals sum the counts over recordings and compute
 * the metrics from the sums, as szcore-evaluation does without per-subject averaging.
 */
import { ValidationError } from '../../../errors.js';
import type { DetectedEvent } from '../classical.js';
import { computeMetrics, scoreEvents, sumCounts, type EventScores, type ScoringCounts, type ScoringMetrics, type TimeEvent } from '../scoring/index.js';
import { NeuralDetectionParams, predictSpan } from './detect.js';
import { tfFor, trainOnFeatures, trainingFeatures, NeuralTrainOptions, type NeuralTrainOptionsInput, type TrainingRecording, type TrainControl, type TrainProgress } from './train.js';

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
