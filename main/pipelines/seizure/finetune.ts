/**
 * Fine-tuning the neural detector on the clinician's reviews (finetune-examples.ts says how
 * decisions become labels). Starts from a copy of the base model — its weights and its feature
 * standardisation, so the inputs mean what they meant in its training — and trains a few epochs at
 * a small learning rate through the same trainer as a full training (train.ts, class-balanced
 * batches, seeded), on the reviewed examples plus a replay of the recordings' own background so
 * that the model does not forget what ordinary EEG looks like. The base model is only read.
 *
 * Then both models detect on every reviewed recording from the same feature frames, with the
 * detection run's thresholds, and are scored against the decisions: on all of them, and on a
 * seeded held-out part the fine-tune never saw (finetune-examples.ts `holdOutDecisions`). An
 * accepted seizure the base model found and the new one misses is reported by name (`lostAccepted`):
 * the new model is still stored (the base is kept either way), but its verdict says so.
 */
import { z } from 'zod';
import { BackendName, type FinetuneTotals } from '../../../shared/api/index.js';
import type { Tfjs } from '../../compute/index.js';
import { ValidationError } from '../../errors.js';
import { CancelledError } from '../../jobs/pipeline.js';
import { detectPerChannel } from './channel/detect.js';
import { recordingWindowFeatures } from './neural/recording-window-features.js';
import { detectionFigures, finetuneVerdict, spansFound, type DetectionFigures, type FinetuneVerdict } from './finetune-evaluate.js';
import { exampleLabels, holdOutDecisions, normaliseReviewed, type ReviewedRecording, type Span } from './finetune-examples.js';
import {
  modelFromBundle,
  NeuralDetectionParams,
  predictSpan,
  recordingFeatures,
  trainOnFeatures,
  type EpochRecord,
  type NeuralSeizureModel,
  type RecordingFeatures,
  type TrainControl,
  type TrainProgress,
} from './neural/index.js';

export const FinetuneOptions = z
  .object({
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    /** Few epochs at a small rate: the reviews nudge the base model, they do not replace its training. */
    epochs: z.number().int().min(1).max(100).default(8),
    learningRate: z.number().positive().max(0.1).default(0.001),
    batchSize: z.number().int().min(2).max(1024).default(32),
    stepsPerEpoch: z.number().int().min(1).max(1000).default(25),
    /** Replayed background windows per rejected window. */
    replayRatio: z.number().min(0).max(100).default(2),
    /** At least this many replayed background windows per recording (where it has them). */
    replayMin: z.number().int().min(0).default(120),
    /** Share of each class's decisions held out for the after-check (classes with ≥ 3 decisions). */
    holdOutFraction: z.number().min(0).max(0.5).default(0.25),
    backend: BackendName.optional(),
  })
  .strict();
export type FinetuneOptions = z.infer<typeof FinetuneOptions>;

export interface FinetuneRecording {
  id: number;
  file: string;
  reviewed: ReviewedRecording;
}

export interface RecordingComparison {
  recordingId: number;
  file: string;
  durationS: number;
  /** Every decision (trained on and held out). */
  all: { before: DetectionFigures; after: DetectionFigures };
  /** Only the held-out decisions (null when none could be held out). */
  heldOut: { before: DetectionFigures; after: DetectionFigures } | null;
  /** Accepted spans the base model found and the new one does not. */
  lostAccepted: Span[];
  examples: { accepted: number; rejected: number; unreviewed: number; heldOutAccepted: number; heldOutRejected: number };
  windows: { seizure: number; rejected: number; replay: number };
}

export interface FinetuneResult {
  neural: NeuralSeizureModel;
  history: EpochRecord[];
  bestEpoch: number;
  comparisons: RecordingComparison[];
  totals: FinetuneTotals;
  verdict: FinetuneVerdict;
  backend: string;
}

export interface FinetuneHooks {
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
  onEpochEnd?: TrainControl['onEpochEnd'];
}

function sumFigures(rows: readonly DetectionFigures[], durationS: number): DetectionFigures {
  const sum = (key: keyof DetectionFigures) => rows.reduce((n, r) => n + r[key], 0);
  const falseAlarms = sum('falseAlarms');
  return {
    events: sum('events'),
    falseAlarms,
    falseAlarmsPer24h: durationS > 0 ? (falseAlarms * 86_400) / durationS : 0,
    accepted: sum('accepted'),
    acceptedFound: sum('acceptedFound'),
    rejected: sum('rejected'),
    rejectedAlarmed: sum('rejectedAlarmed'),
  };
}

/** The feature frames of a reviewed recording, as the base model's input needs them. */
function reviewedFeatures(neural: NeuralSeizureModel, recording: FinetuneRecording, detection: NeuralDetectionParams, signal: AbortSignal | undefined, onProgress: (doneS: number, totalS: number) => void): RecordingFeatures {
  // Per-channel: every channel's window features stacked as channels, so training pools over them
  // (multiple-instance, as per-channel training does on recordings): an accepted span asks that some
  // channel seizes, a rejected or replayed one that none does.
  if (neural.config.input === 'per-channel') {
    if (signal?.aborted) throw new CancelledError();
    const features = recordingWindowFeatures({ file: recording.file, seizures: [], ...(detection.channels ? { channels: detection.channels } : {}) });
    onProgress(features.totalS, features.totalS);
    return features;
  }
  return recordingFeatures({ file: recording.file, seizures: [] }, { requireAllChannels: detection.requireAllChannels, ...(signal ? { signal } : {}), onProgress });
}

/**
 * Events of a model on a reviewed recording: a standard model from the frames already in memory, a
 * per-channel one as per-channel detection scores it (each channel alone, channels combined by the
 * maximum of their smoothed traces: channel/detect.ts), reading the file again.
 */
function detectEvents(neural: NeuralSeizureModel, features: RecordingFeatures, detection: NeuralDetectionParams) {
  if (neural.config.input === 'per-channel') return detectPerChannel(features.file, { kind: 'neural', neural }, detection, detection.channels ? { channels: detection.channels } : {}).events;
  return predictSpan(neural, features.span, features.totalS, features.electrodes, detection).events;
}

/**
 * Fine-tunes a copy of the model in `baseWeights` (a stored TF.js bundle) on the reviewed
 * recordings and compares both models on them. Deterministic for a given seed and backend.
 */
export async function finetuneNeural(
  tf: Tfjs,
  baseWeights: Uint8Array,
  baseLabel: string,
  recordings: readonly FinetuneRecording[],
  detectionInput: Partial<NeuralDetectionParams>,
  optionsInput: z.input<typeof FinetuneOptions>,
  hooks: FinetuneHooks = {},
): Promise<FinetuneResult> {
  const options = FinetuneOptions.parse(optionsInput);
  const detection = NeuralDetectionParams.parse(detectionInput);
  if (!recordings.length) throw new ValidationError('recordingIds', 'fine-tuning needs at least one reviewed recording');
  const base = await modelFromBundle(tf, baseWeights, baseLabel);
  const tuned = await modelFromBundle(tf, baseWeights, baseLabel);
  try {
    const prepared = recordings.map((recording, i) => {
      const reviewed = normaliseReviewed(recording.reviewed);
      const split = holdOutDecisions(reviewed, options.holdOutFraction, options.seed + 7919 * i);
      const features = reviewedFeatures(base, recording, detection, hooks.signal, (doneS, totalS) =>
        hooks.onProgress?.({ phase: 'features', recording: i + 1, recordings: recordings.length, file: recording.file, doneS, totalS }),
      );
      const held = [...split.heldOut.accepted, ...split.heldOut.rejected];
      const { labels, counts } = exampleLabels(features.totalS, split.train, held, { replayRatio: options.replayRatio, replayMin: options.replayMin, seed: options.seed + i });
      return { recording, reviewed, split, features: { ...features, labels, seizures: split.train.accepted } as RecordingFeatures, counts };
    });
    const seizureWindows = prepared.reduce((n, p) => n + p.counts.seizure, 0);
    const rejectedWindows = prepared.reduce((n, p) => n + p.counts.rejected, 0);
    if (!seizureWindows) throw new ValidationError('examples', 'no accepted event of at least 4 s to learn from (accept at least one seizure event)');
    if (!rejectedWindows) throw new ValidationError('examples', 'no rejected event to learn from (reject at least one false alarm)');

    const { lagsS, hiddenUnits } = tuned.config;
    const trained = await trainOnFeatures(
      prepared.map((p) => p.features),
      {
        seed: options.seed,
        input: tuned.config.input,
        lagsS,
        hiddenUnits,
        maxEpochs: options.epochs,
        patience: options.epochs,
        batchSize: options.batchSize,
        stepsPerEpoch: options.stepsPerEpoch,
        learningRate: options.learningRate,
        validationFraction: 0,
      },
      hooks.onProgress,
      { tf, ...(hooks.signal ? { signal: hooks.signal } : {}), resume: { neural: tuned, history: [] }, ...(hooks.onEpochEnd ? { onEpochEnd: hooks.onEpochEnd } : {}) },
    );

    const comparisons = prepared.map(({ recording, reviewed, split, features, counts }): RecordingComparison => {
      const predict = (neural: NeuralSeizureModel) => detectEvents(neural, features, detection);
      const before = predict(base);
      const after = predict(tuned);
      const figures = (events: typeof before, accepted: readonly Span[], rejected: readonly Span[]) => detectionFigures(events, features.durationS, reviewed.accepted, accepted, rejected);
      const { heldOut } = split;
      const hasHeldOut = heldOut.accepted.length + heldOut.rejected.length > 0;
      const foundBefore = spansFound(before, reviewed.accepted);
      const foundAfter = spansFound(after, reviewed.accepted);
      return {
        recordingId: recording.id,
        file: recording.file,
        durationS: features.durationS,
        all: { before: figures(before, reviewed.accepted, reviewed.rejected), after: figures(after, reviewed.accepted, reviewed.rejected) },
        heldOut: hasHeldOut ? { before: figures(before, heldOut.accepted, heldOut.rejected), after: figures(after, heldOut.accepted, heldOut.rejected) } : null,
        lostAccepted: reviewed.accepted.filter((_, k) => foundBefore[k] && !foundAfter[k]),
        examples: {
          accepted: reviewed.accepted.length,
          rejected: reviewed.rejected.length,
          unreviewed: reviewed.unreviewed.length,
          heldOutAccepted: heldOut.accepted.length,
          heldOutRejected: heldOut.rejected.length,
        },
        windows: counts,
      };
    });
    const durationS = comparisons.reduce((n, c) => n + c.durationS, 0);
    const heldRows = comparisons.filter((c) => c.heldOut);
    const totals = {
      before: sumFigures(comparisons.map((c) => c.all.before), durationS),
      after: sumFigures(comparisons.map((c) => c.all.after), durationS),
      heldOutBefore: heldRows.length ? sumFigures(heldRows.map((c) => c.heldOut!.before), durationS) : null,
      heldOutAfter: heldRows.length ? sumFigures(heldRows.map((c) => c.heldOut!.after), durationS) : null,
    };
    const verdict = finetuneVerdict(totals.before, totals.after, comparisons.reduce((n, c) => n + c.lostAccepted.length, 0));
    return { neural: tuned, history: trained.history, bestEpoch: trained.bestEpoch, comparisons, totals, verdict, backend: trained.backend };
  } catch (error) {
    tuned.model.dispose();
    throw error;
  } finally {
    base.model.dispose();
  }
}
