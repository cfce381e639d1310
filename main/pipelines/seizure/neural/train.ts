/**
 * Training the neural detector on recordings with known seizures.
 *
 * - Labels: the window ending at second t covers [t + 1 − 4, t + 1) s; it is a seizure window when
 *   it lies wholly inside a seizure, background when it touches none, and is left out of training
 *   when it straddles an onset or offset (its label would be a guess).
 * - Held-out part: recordings are cut in 60 s blocks; a seeded, class-stratified fifth of the blocks
 *   (blocks holding seizure windows and blocks without are drawn separately) is kept for early
 *   stopping on the validation loss, with the best epoch's weights restored. (With a single seizure
 *   block in all, it stays in training and the validation loss is the background windows' alone;
 *   with nothing held out at all, the training loss stands in.)
 * - Class balancing: every batch holds as many seizure windows as background windows, drawn with a
 *   seeded generator; validation loss is the mean of the two classes' mean losses.
 * - Determinism: the same recordings, options, seed and backend give the same weights (seeded
 *   initialisers, seeded sampling, no dropout, Adam); backends differ in float rounding.
 *
 * Two inputs (options.input, stored in the model's configuration):
 * - 'standard': the SzCORE standard input's background-relative features (./features.ts), one
 *   recording = all its 19 electrodes at once.
 * - 'per-channel': window features (../channel/feature-set.ts) of every channel of any montage.
 *   A RecordingFeatures is then either a labelled segment (channels = 1, every whole window labelled
 *   by the segment's class; ./segment-features.ts) or a multi-channel recording with annotated
 *   seizures, whose windows pool over its channels exactly as the standard input does (max and mean
 *   of the channel logits): multiple-instance learning, since an annotation says that some channel
 *   seizes, not which.
 * Features may carry a `collection` (e.g. "bonn", "delhi"): the held-out blocks are then drawn per
 * collection and class, and each batch takes its seizure windows and its background windows evenly
 * from the collections that have them, so a large collection does not drown a small one. Without
 * collections (the standard recordings) sampling is exactly as before.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { z } from 'zod';
import { BackendName } from '../../../../shared/api/index.js';
import { activateBackend, selectBackend, type Tfjs } from '../../../compute/index.js';
import { ValidationError } from '../../../errors.js';
import { CancelledError } from '../../../jobs/pipeline.js';
import { seededRandom } from '../../../../shared/random.js';
import type { TimeEvent } from '../scoring/index.js';
import { WINDOW_FEATURE_NAMES, WINDOW_FEATURE_VERSION } from '../channel/feature-set.js';
import { FEATURE_NAMES, FEATURE_VERSION, FEATURE_WINDOW_S } from './features.js';
import { buildModel, inputWidth, type NeuralModelConfig, type NeuralSeizureModel } from './model.js';
import { streamFeatureFrames, type StreamInfo } from './detect.js';
import { fillWindow, FIRST_READY_SECOND, type FrameSpan } from './windows.js';
import { recordingWindowFeatures } from './recording-window-features.js';

export interface TrainingRecording {
  file: string;
  /** Seizures as [start, end) seconds from the recording start. */
  seizures: readonly TimeEvent[];
}

/** Lags by input when none are given: a segment of 5 s has no past to stack, a recording has. */
export const DEFAULT_LAGS_S = { standard: [0, 2, 4], 'per-channel': [0] } as const;

export const NeuralTrainOptions = z
  .object({
    /** Which features and input the model takes (see the module comment). */
    input: z.enum(['standard', 'per-channel']).default('standard'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    /** Seconds back stacked into a window's input; by default DEFAULT_LAGS_S of the input. */
    lagsS: z.array(z.number().int().min(0).max(60)).min(1).optional(),
    hiddenUnits: z.tuple([z.number().int().positive(), z.number().int().positive()]).default([16, 8]),
    maxEpochs: z.number().int().positive().default(40),
    /** Epochs without a better validation loss before training stops. */
    patience: z.number().int().positive().default(6),
    batchSize: z.number().int().min(2).default(64),
    /** Batches per epoch; by default enough to see every seizure window about twice, within [10, 100]. */
    stepsPerEpoch: z.number().int().positive().optional(),
    learningRate: z.number().positive().default(0.005),
    validationFraction: z.number().min(0).max(0.5).default(0.2),
    validationBlockS: z.number().int().positive().default(60),
    requireAllChannels: z.boolean().default(false),
    /** Compute backend; by default the first available of the chain. */
    backend: BackendName.optional(),
  })
  .strict();
export type NeuralTrainOptions = z.infer<typeof NeuralTrainOptions>;
export type NeuralTrainOptionsInput = z.input<typeof NeuralTrainOptions>;

export type TrainProgress =
  | { phase: 'features'; recording: number; recordings: number; file: string; doneS: number; totalS: number }
  | { phase: 'training'; epoch: number; maxEpochs: number; trainLoss: number; validationLoss: number; best: boolean };

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
}

export interface TrainResult {
  neural: NeuralSeizureModel;
  history: EpochRecord[];
  bestEpoch: number;
  windows: { train: { seizure: number; background: number }; validation: { seizure: number; background: number } };
  backend: string;
}

/**
 * A recording's (or a labelled segment's) feature frames and per-second labels (1 seizure,
 * 0 background, −1 left out); `labels[t]` is the label of the window ending at second t + 1 and
 * covers seconds 0 … totalS − 1 (frames start at span.firstS).
 */
export interface RecordingFeatures extends StreamInfo {
  file: string;
  span: FrameSpan;
  labels: Int8Array;
  seizures: readonly TimeEvent[];
  /** The collection it belongs to, for balanced sampling and stratified held-out blocks. */
  collection?: string;
  /** Its id in that collection (a segment's id), for provenance. */
  id?: string;
}

interface WindowRef {
  recording: number;
  t: number;
}

export interface TrainControl {
  signal?: AbortSignal;
  /** A tfjs instance already activated (tests and callers that manage the backend). */
  tf?: Tfjs;
  /**
   * Continue a training that stopped after `history.length` epochs with these (current, not best)
   * weights and their feature standardisation; the next epoch is history.length + 1. Adam's moments
   * are not part of a checkpoint: they start again from zero (a few steps of larger updates).
   */
  resume?: { neural: NeuralSeizureModel; history: readonly EpochRecord[] };
  /** Called after every epoch with the model's current weights (a checkpoint can be taken here). */
  onEpochEnd?: (state: { neural: NeuralSeizureModel; history: readonly EpochRecord[]; bestEpoch: number }) => Promise<void> | void;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export async function tfFor(backend: BackendName | undefined): Promise<Tfjs> {
  const name = backend ?? (await selectBackend()).selected;
  return activateBackend(name);
}

/** Label of the window ending at second t (see the module comment). */
export function windowLabel(t: number, seizures: readonly TimeEvent[]): -1 | 0 | 1 {
  const start = t + 1 - FEATURE_WINDOW_S;
  const end = t + 1;
  let overlap = 0;
  for (const [s, e] of seizures) overlap += Math.max(0, Math.min(end, e) - Math.max(start, s));
  if (overlap <= 0) return 0;
  return overlap >= FEATURE_WINDOW_S - 1e-9 ? 1 : -1;
}

/** Feature frames of a whole recording, with its labels. */
export function recordingFeatures(recording: TrainingRecording, options: { requireAllChannels?: boolean; signal?: AbortSignal; onProgress?: (doneS: number, totalS: number) => void } = {}): RecordingFeatures {
  const parts: Float32Array[] = [];
  let channels = 0;
  const info = streamFeatureFrames(recording.file, options, (span) => {
    parts.push(span.frames);
    channels = span.channels;
  });
  const frames = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    frames.set(part, offset);
    offset += part.length;
  }
  const labels = new Int8Array(info.totalS);
  for (let t = 0; t < info.totalS; t++) labels[t] = t < FIRST_READY_SECOND ? -1 : windowLabel(t, recording.seizures);
  for (const [s, e] of recording.seizures) {
    if (!(e > s) || s < 0) throw new ValidationError('seizures', `${recording.file}: seizure [${s}, ${e}) s is not a valid interval`);
  }
  return { ...info, file: recording.file, span: { firstS: 0, channels, frames }, labels, seizures: recording.seizures };
}

/**
 * Extracts the features of every recording for the input (standard by default), reporting progress
 * per chunk (standard) or per recording (per-channel).
 */
export function trainingFeatures(
  recordings: readonly TrainingRecording[],
  options: Pick<NeuralTrainOptions, 'requireAllChannels'> & { input?: NeuralTrainOptions['input'] },
  onProgress: (p: TrainProgress) => void = () => {},
  signal?: AbortSignal,
): RecordingFeatures[] {
  if (options.input === 'per-channel') {
    return recordings.map((recording, i) => {
      if (signal?.aborted) throw new CancelledError();
      const features = recordingWindowFeatures(recording);
      onProgress({ phase: 'features', recording: i + 1, recordings: recordings.length, file: recording.file, doneS: features.totalS, totalS: features.totalS });
      return features;
    });
  }
  return recordings.map((recording, i) =>
    recordingFeatures(recording, {
      requireAllChannels: options.requireAllChannels,
      ...(signal ? { signal } : {}),
      onProgress: (doneS, totalS) => onProgress({ phase: 'features', recording: i + 1, recordings: recordings.length, file: recording.file, doneS, totalS }),
    }),
  );
}

/** The collections present, in order of first appearance ('' for features without one). */
function collectionsOf(features: readonly RecordingFeatures[]): string[] {
  return [...new Set(features.map((f) => f.collection ?? ''))];
}

/** Per class, the windows of each collection (one list per collection that has any). */
interface WindowPools {
  seizure: WindowRef[][];
  background: WindowRef[][];
}

function pools(features: readonly RecordingFeatures[], windows: { seizure: WindowRef[]; background: WindowRef[] }): WindowPools {
  const collections = collectionsOf(features);
  const byCollection = (refs: WindowRef[]) =>
    collections.map((c) => refs.filter((w) => (features[w.recording]!.collection ?? '') === c)).filter((list) => list.length > 0);
  return { seizure: byCollection(windows.seizure), background: byCollection(windows.background) };
}

/**
 * Splits windows into training and validation by seeded, class-stratified blocks (a labelled
 * segment is one block of its own: never split by window), drawn per collection.
 */
function splitWindows(features: readonly RecordingFeatures[], options: NeuralTrainOptions, random: () => number) {
  const blocks: { recording: number; from: number; to: number; seizure: boolean; collection: string }[] = [];
  features.forEach((f, recording) => {
    for (let from = 0; from < f.totalS; from += options.validationBlockS) {
      const to = Math.min(f.totalS, from + options.validationBlockS);
      let seizure = false;
      for (let t = from; t < to; t++) if (f.labels[t] === 1) seizure = true;
      blocks.push({ recording, from, to, seizure, collection: f.collection ?? '' });
    }
  });
  const held = new Set<(typeof blocks)[number]>();
  for (const collection of collectionsOf(features)) {
    for (const kind of [true, false]) {
      const candidates = shuffle(blocks.filter((b) => b.seizure === kind && b.collection === collection), random);
      // Keep at least one seizure block for training.
      const count = Math.min(Math.round(candidates.length * options.validationFraction), Math.max(0, candidates.length - 1));
      candidates.slice(0, count).forEach((b) => held.add(b));
    }
  }
  const sets = { train: { seizure: [] as WindowRef[], background: [] as WindowRef[] }, validation: { seizure: [] as WindowRef[], background: [] as WindowRef[] } };
  for (const block of blocks) {
    const set = held.has(block) ? sets.validation : sets.train;
    for (let t = block.from; t < block.to; t++) {
      const label = features[block.recording]!.labels[t];
      if (label === 1) set.seizure.push({ recording: block.recording, t });
      else if (label === 0) set.background.push({ recording: block.recording, t });
    }
  }
  return sets;
}

/** Per input column, mean and standard deviation over the given windows (unstandardised). */
function standardisation(features: readonly RecordingFeatures[], windows: readonly WindowRef[], featureNames: readonly string[], lagsS: number[]) {
  const width = featureNames.length * lagsS.length;
  const identity = { lagsS, featureNames: [...featureNames], featureMean: new Array<number>(width).fill(0), featureStd: new Array<number>(width).fill(1) };
  const sum = new Float64Array(width);
  const sumSq = new Float64Array(width);
  let n = 0;
  let buffer = new Float32Array(0);
  for (const { recording, t } of windows) {
    const f = features[recording]!;
    const size = f.span.channels * width;
    if (buffer.length < size) buffer = new Float32Array(size);
    fillWindow(f.span, t, identity, buffer, 0);
    for (let c = 0; c < f.span.channels; c++) {
      for (let k = 0; k < width; k++) {
        const v = buffer[c * width + k]!;
        sum[k] = sum[k]! + v;
        sumSq[k] = sumSq[k]! + v * v;
      }
      n++;
    }
  }
  const featureMean = Array.from(sum, (s) => (n ? s / n : 0));
  const featureStd = Array.from(sumSq, (s, k) => Math.max(1e-3, Math.sqrt(Math.max(0, (n ? s / n : 0) - featureMean[k]! ** 2))));
  return { featureMean, featureStd };
}

/** Groups windows by channel count and builds one input tensor per group. */
function batchTensors(tf: Tfjs, features: readonly RecordingFeatures[], windows: readonly WindowRef[], labels: readonly number[], config: NeuralModelConfig) {
  const width = inputWidth(config);
  const groups = new Map<number, { refs: WindowRef[]; labels: number[] }>();
  windows.forEach((w, i) => {
    const channels = features[w.recording]!.span.channels;
    const group = groups.get(channels) ?? { refs: [], labels: [] };
    group.refs.push(w);
    group.labels.push(labels[i]!);
    groups.set(channels, group);
  });
  return [...groups].map(([channels, group]) => {
    const data = new Float32Array(group.refs.length * channels * width);
    group.refs.forEach(({ recording, t }, i) => fillWindow(features[recording]!.span, t, config, data, i * channels * width));
    return {
      x: tf.tensor3d(data, [group.refs.length, channels, width]),
      y: tf.tensor2d(Float32Array.from(group.labels), [group.labels.length, 1]),
    };
  });
}

/**
 * `count` windows drawn with `random`: from one pool uniformly (exactly as before collections
 * existed), from several by first drawing a collection, so each collection weighs the same.
 */
function pick(from: WindowRef[][], count: number, random: () => number): WindowRef[] {
  if (from.length === 1) {
    const only = from[0]!;
    return Array.from({ length: count }, () => only[Math.floor(random() * only.length)]!);
  }
  return Array.from({ length: count }, () => {
    const pool = from[Math.floor(random() * from.length)]!;
    return pool[Math.floor(random() * pool.length)]!;
  });
}

/** Refuses features of another width than the input takes (standard frames given to per-channel training). */
function checkFeatureWidth(features: readonly RecordingFeatures[], count: number, input: string): void {
  for (const f of features) {
    const frameSize = f.span.channels * count;
    if (f.span.channels < 1 || f.span.frames.length % frameSize !== 0 || f.span.firstS + f.span.frames.length / frameSize > f.labels.length) {
      throw new ValidationError(
        'features',
        `${f.id ?? f.file}: ${f.span.frames.length} feature values for ${f.span.channels} channel(s) and ${f.labels.length} labelled seconds do not fit ${input} input (${count} features per channel and second)`,
      );
    }
  }
}

/**
 * What the model records about its training data: each recording (file, duration, channels,
 * seizures) for those without a collection, and per collection the count of segments by class
 * (a list of hundreds of segment paths would say less and weigh more).
 */
function trainingData(features: readonly RecordingFeatures[]): Record<string, unknown> {
  const loose = features.filter((f) => f.collection === undefined);
  const data: Record<string, unknown> = {
    recordings: loose.map((f) => ({ file: f.file, durationS: f.durationS, channels: f.electrodes.length, seizures: f.seizures.map(([s, e]) => [s, e]) })),
  };
  const collections: Record<string, { recordings: number; seizure: number; background: number }> = {};
  for (const f of features) {
    if (f.collection === undefined) continue;
    const entry = (collections[f.collection] ??= { recordings: 0, seizure: 0, background: 0 });
    entry.recordings++;
    if (f.seizures.length) entry.seizure++;
    else entry.background++;
  }
  if (Object.keys(collections).length) data.collections = collections;
  return data;
}

const EPSILON = 1e-6;

function bce(tf: Tfjs, p: tfTypes.Tensor, y: tfTypes.Tensor): tfTypes.Tensor {
  const q = tf.clipByValue(p, EPSILON, 1 - EPSILON);
  return tf.neg(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q)))));
}

/** Balanced validation loss: mean of the seizure windows' and the background windows' mean BCE. */
function validationLoss(neural: NeuralSeizureModel, features: readonly RecordingFeatures[], set: { seizure: WindowRef[]; background: WindowRef[] }): number {
  const { tf, model } = neural;
  const classLoss = (windows: WindowRef[], label: number): number | null => {
    if (!windows.length) return null;
    let total = 0;
    for (let from = 0; from < windows.length; from += 2048) {
      const part = windows.slice(from, from + 2048);
      const tensors = batchTensors(tf, features, part, part.map(() => label), neural.config);
      for (const { x, y } of tensors) {
        total += tf.tidy(() => tf.sum(bce(tf, model.predict(x) as tfTypes.Tensor, y)).dataSync()[0]!);
        x.dispose();
        y.dispose();
      }
    }
    return total / windows.length;
  };
  const losses = [classLoss(set.seizure, 1), classLoss(set.background, 0)].filter((l): l is number => l !== null);
  return losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : Number.NaN;
}

/** Trains on already extracted features (leave-one-out evaluation reuses them across folds). */
export async function trainOnFeatures(features: readonly RecordingFeatures[], optionsInput: NeuralTrainOptionsInput, onProgress: (p: TrainProgress) => void = () => {}, control: TrainControl = {}): Promise<TrainResult> {
  const parsed = NeuralTrainOptions.safeParse(optionsInput);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ValidationError(issue.path.join('.') || 'options', issue.message);
  }
  const options = parsed.data;
  if (!features.length) throw new ValidationError('recordings', 'training needs at least one recording');
  const resumed = control.resume?.neural.config;
  if (resumed && resumed.input !== options.input) {
    throw new ValidationError('input', `the checkpoint to resume from takes ${resumed.input} input, not ${options.input}`);
  }
  const featureNames = options.input === 'per-channel' ? WINDOW_FEATURE_NAMES : FEATURE_NAMES;
  checkFeatureWidth(features, featureNames.length, options.input);
  const lagsS = options.lagsS ?? [...DEFAULT_LAGS_S[options.input]];
  const tf = control.tf ?? (await tfFor(options.backend));
  const random = seededRandom(options.seed);
  const sets = splitWindows(features, options, random);
  const counts = {
    train: { seizure: sets.train.seizure.length, background: sets.train.background.length },
    validation: { seizure: sets.validation.seizure.length, background: sets.validation.background.length },
  };
  if (!sets.train.seizure.length) throw new ValidationError('seizures', `no seizure window to learn from: the recordings need seizures of at least ${FEATURE_WINDOW_S} s`);
  if (!sets.train.background.length) throw new ValidationError('seizures', 'no background window to learn from: the recordings are all seizure');

  const config: NeuralModelConfig = resumed ?? {
    input: options.input,
    featureVersion: options.input === 'per-channel' ? WINDOW_FEATURE_VERSION : FEATURE_VERSION,
    featureNames: [...featureNames],
    windowS: FEATURE_WINDOW_S,
    lagsS,
    ...standardisation(features, [...sets.train.seizure, ...sets.train.background], featureNames, lagsS),
    hiddenUnits: options.hiddenUnits,
    seed: options.seed,
    training: {},
  };
  const neural = control.resume?.neural ?? buildModel(tf, config);
  const { model } = neural;
  const optimizer = tf.train.adam(options.learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as tfTypes.Variable);
  const half = Math.floor(options.batchSize / 2);
  const train = pools(features, sets.train);
  const steps = options.stepsPerEpoch ?? Math.min(100, Math.max(10, Math.ceil((2 * sets.train.seizure.length) / half)));
  const history: EpochRecord[] = [...(control.resume?.history ?? [])];
  // On resume, the checkpoint's weights stand as the best so far, at the loss of its last epoch.
  const last = history.at(-1);
  let best = { loss: last?.validationLoss ?? Number.POSITIVE_INFINITY, epoch: last?.epoch ?? 0, weights: model.getWeights().map((w) => w.clone()) };
  try {
    for (let epoch = history.length + 1; epoch <= options.maxEpochs; epoch++) {
      let trainLoss = 0;
      for (let step = 0; step < steps; step++) {
        if (control.signal?.aborted) throw new CancelledError();
        const windows = [...pick(train.seizure, half, random), ...pick(train.background, half, random)];
        const labels = windows.map((_, i) => (i < half ? 1 : 0));
        const tensors = batchTensors(tf, features, windows, labels, config);
        const cost = optimizer.minimize(
          () => {
            const parts = tensors.map(({ x, y }) => tf.sum(bce(tf, model.apply(x, { training: true }) as tfTypes.Tensor, y)));
            return tf.div(tf.addN(parts), windows.length) as tfTypes.Scalar;
          },
          true,
          variables,
        );
        trainLoss += cost!.dataSync()[0]! / steps;
        cost!.dispose();
        for (const { x, y } of tensors) {
          x.dispose();
          y.dispose();
        }
      }
      const hasValidation = sets.validation.seizure.length > 0 || sets.validation.background.length > 0;
      const validation = hasValidation ? validationLoss(neural, features, sets.validation) : trainLoss;
      history.push({ epoch, trainLoss, validationLoss: validation });
      const improved = validation < best.loss - 1e-6;
      if (improved) {
        best.weights.forEach((w) => w.dispose());
        best = { loss: validation, epoch, weights: model.getWeights().map((w) => w.clone()) };
      }
      onProgress({ phase: 'training', epoch, maxEpochs: options.maxEpochs, trainLoss, validationLoss: validation, best: improved });
      await control.onEpochEnd?.({ neural, history, bestEpoch: best.epoch });
      if (epoch - best.epoch >= options.patience) break;
    }
    model.setWeights(best.weights);
  } finally {
    best.weights.forEach((w) => w.dispose());
    optimizer.dispose();
  }
  neural.config.training = {
    ...trainingData(features),
    windows: counts,
    bestEpoch: best.epoch,
    epochs: history.length,
    validationLoss: best.loss,
    backend: tf.getBackend(),
  };
  return { neural, history, bestEpoch: best.epoch, windows: counts, backend: tf.getBackend() };
}

/**
 * Trains the neural detector on EDF recordings with known seizures. Deterministic for a given
 * seed; `onProgress` hears feature extraction per chunk and every epoch; `control.signal` cancels.
 */
export async function trainNeural(recordings: readonly TrainingRecording[], options: NeuralTrainOptionsInput = {}, onProgress: (p: TrainProgress) => void = () => {}, control: TrainControl = {}): Promise<TrainResult> {
  const requireAllChannels = NeuralTrainOptions.shape.requireAllChannels.parse(options.requireAllChannels);
  const features = trainingFeatures(recordings, { requireAllChannels }, onProgress, control.signal);
  return trainOnFeatures(features, options, onProgress, control);
}
