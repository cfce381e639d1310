/**
 * Fitting the response model to an `MdsDataset`: input standardisation from the training frames,
 * an ensemble of members trained with different seeds (train.ts), then the quality numbers the
 * contract reports (MdsModelFit): per-neuron held-out correlation of the ensemble's prediction
 * with the trial-averaged test response, beside the split-half reliability ceiling; plus two
 * controls on the same test trials — the same ensemble at its random initialisation, and a
 * per-neuron linear–nonlinear baseline (lnBaseline.ts).
 *
 * Held-out predictions read each test trial with its own preceding frames as context (frames
 * before the recording's start are the stimulus mean) and use the readouts as trained (not
 * centred: the recorded cells sit where they sit). MDS uses the centred ensemble (load.ts).
 */
import { deriveSeed } from '../../../../shared/random.js';
import type { Tfjs } from '../../../compute/activate.js';
import type { ParamSnapshot } from '../../../compute/nn/params.js';
import { ValidationError } from '../../../errors.js';
import type { MdsDataset, MdsStimulusShape } from '../types.js';
import type { MdsModelBundleConfig, StimulusStats } from './bundle.js';
import { defaultModelConfig, temporalSpan, type MdsModelConfig } from './config.js';
import { createEnsemble, initialWeights, type EnsembleModel } from './ensemble.js';
import { linearBaseline, type LinearBaselineResult } from './linear-baseline.js';
import { finiteMean, heldOutCorrelation, reliabilityCeiling, trialAverage } from './quality.js';
import { DEFAULT_TRAIN, TrainingCancelled, meanRates, trainMember, type EpochRecord, type MemberResult, type TrainHooks, type TrainOptions, type TrainingData } from './train.js';

export interface FitOptions extends Partial<Omit<TrainOptions, 'config' | 'seed'>> {
  seed: number;
  /** Ensemble members (reference: an ensemble of seeds; default 3). */
  members: number;
  /** Overrides of defaultModelConfig(dataset.shape). */
  model?: Partial<MdsModelConfig>;
  recordingId?: number | null;
  /** Fit the per-neuron linear-filter baseline too (linear-baseline.ts; default true). */
  linearBaseline?: boolean;
}

export interface FitHooks extends TrainHooks {
  /** After each member: its result, the ensemble's config, and every member's weights so far (`partial`). */
  onMember?: (index: number, result: MemberResult & { partial: ParamSnapshot }, config: MdsModelBundleConfig) => void;
}

export interface FitResult {
  bundle: MdsModelBundleConfig;
  weights: ParamSnapshot;
  members: MemberResult[];
  /** Per epoch, mean over the members still training. */
  curves: { epochs: number[]; trainLoss: number[]; validationLoss: (number | null)[]; validationCorr: (number | null)[] };
  heldOutCorr: Float64Array;
  ceiling: Float64Array;
  /** The same ensemble before training (random init): held-out r per neuron. */
  randomInitCorr: Float64Array;
  /** The per-neuron linear-filter baseline on the same test trials (null when not fitted). */
  linear: (LinearBaselineResult & { lags: number; seconds: number }) | null;
  testTrials: number;
  seconds: number;
}

/**
 * Lags of the linear baseline: the model's temporal span + 1, fewer when that would exceed ~512
 * features (pooled pixels × channels × lags), which keeps its normal equations to seconds.
 */
export function linearLags(dataset: MdsDataset, span: number): number {
  const pooled = Math.min(4, dataset.shape.height) * Math.min(4, dataset.shape.width) * dataset.shape.channels;
  return Math.max(2, Math.min(span + 1, Math.floor(512 / pooled)));
}

/** Per-channel statistics of the training frames, and the mean L2 norm of a model clip. */
export function stimulusStats(dataset: MdsDataset, clipFrames: number): StimulusStats {
  const { height, width, channels } = dataset.shape;
  const frame = height * width * channels;
  const sum = new Float64Array(channels);
  const sq = new Float64Array(channels);
  const min = new Array<number>(channels).fill(Infinity);
  const max = new Array<number>(channels).fill(-Infinity);
  let count = 0;
  for (const [a, b] of dataset.trainRanges) {
    for (let i = a * frame; i < b * frame; i++) {
      const c = i % channels;
      const v = dataset.stimulus[i]!;
      sum[c]! += v;
      sq[c]! += v * v;
      if (v < min[c]!) min[c] = v;
      if (v > max[c]!) max[c] = v;
    }
    count += (b - a) * height * width;
  }
  if (!count) throw new ValidationError('trainRanges', 'the dataset has no training frames');
  const mean = Array.from(sum, (s) => s / count);
  const std = Array.from(sq, (s, c) => Math.sqrt(Math.max(0, s / count - mean[c]! ** 2)));
  // A clip's expected squared norm is frames·H·W·Σ_c var_c (mean-subtracted).
  const clipNorm = Math.sqrt(clipFrames * height * width * std.reduce((s, v) => s + v * v, 0));
  return { mean, std, min, max, clipNorm };
}

/** The stimulus standardised with `stats` (a copy). */
export function standardiseFrames(stimulus: Float32Array, stats: StimulusStats): Float32Array {
  const c = stats.mean.length;
  const out = new Float32Array(stimulus.length);
  for (let i = 0; i < stimulus.length; i++) {
    const k = i % c;
    out[i] = (stimulus[i]! - stats.mean[k]!) / (stats.std[k]! > 0 ? stats.std[k]! : 1);
  }
  return out;
}

/**
 * The ensemble's mean rate [length, neurons] over `starts` (each `length` frames, context before
 * it from the stimulus; frames before 0 are the mean, i.e. 0 after standardisation).
 */
export function predictTrials(tf: Tfjs, model: EnsembleModel, dataset: MdsDataset, starts: readonly number[], length: number): Float64Array {
  const span = temporalSpan(model.config.model);
  const { height, width, channels } = dataset.shape;
  const frame = height * width * channels;
  const n = model.nNeurons;
  const out = new Float64Array(length * n);
  for (const start of starts) {
    const clip = new Float32Array((span + length) * frame);
    // Fill frames before the recording with the channel means (0 after standardisation).
    for (let i = 0; i < clip.length; i++) clip[i] = model.config.stimulusStats.mean[i % channels]!;
    const from = start - span;
    const a = Math.max(0, from);
    const b = Math.min(dataset.nFrames, start + length);
    clip.set(dataset.stimulus.subarray(a * frame, b * frame), (a - from) * frame);
    const rates = tf.tidy(() => model.rates(tf.tensor5d(clip, [1, span + length, height, width, channels])));
    const values = rates.dataSync();
    rates.dispose();
    for (let i = 0; i < out.length; i++) out[i]! += values[i]! / starts.length;
  }
  return out;
}

function mergeCurves(members: MemberResult[]): FitResult['curves'] {
  const epochs = Math.max(...members.map((m) => m.history.length));
  const mean = (pick: (r: EpochRecord) => number | null, e: number): number | null => {
    const values = members.map((m) => m.history[e]).filter((r): r is EpochRecord => !!r).map(pick).filter((v): v is number => v !== null && Number.isFinite(v));
    return values.length ? values.reduce((s, v) => s + v, 0) / values.length : null;
  };
  const ep = Array.from({ length: epochs }, (_, e) => e + 1);
  return {
    epochs: ep,
    trainLoss: ep.map((_, e) => mean((r) => r.trainLoss, e) ?? Number.NaN),
    validationLoss: ep.map((_, e) => mean((r) => r.validationLoss, e)),
    validationCorr: ep.map((_, e) => mean((r) => r.validationCorr, e)),
  };
}

/** Trains the ensemble on `dataset` and measures it on the test protocol. */
export function fitResponseModel(tf: Tfjs, dataset: MdsDataset, options: FitOptions, hooks: FitHooks = {}): FitResult {
  const t0 = performance.now();
  const config = defaultModelConfig(dataset.shape, options.model);
  const span = temporalSpan(config);
  const stats = stimulusStats(dataset, span + config.responseWindow);
  const data: TrainingData = {
    input: { height: dataset.shape.height, width: dataset.shape.width, channels: dataset.shape.channels },
    nFrames: dataset.nFrames,
    stimulus: standardiseFrames(dataset.stimulus, stats),
    nNeurons: dataset.nNeurons,
    responses: dataset.responses,
    trainRanges: dataset.trainRanges,
    validationRanges: dataset.validationRanges,
  };
  const seeds = Array.from({ length: options.members }, (_, i) => deriveSeed(options.seed, i) % 0x7fffffff);
  const stimulus: MdsStimulusShape = { ...dataset.shape, frames: span + config.responseWindow };
  const bundle: MdsModelBundleConfig = {
    kind: 'mds-response-model',
    version: 1,
    model: config,
    stimulus,
    stimulusStats: stats,
    neurons: dataset.nNeurons,
    unitIds: [...dataset.unitIds],
    cellTypes: [...dataset.cellTypes],
    seeds,
    recordingId: options.recordingId ?? null,
  };
  const train: Omit<TrainOptions, 'seed'> = {
    config,
    lr: options.lr ?? DEFAULT_TRAIN.lr,
    weightDecay: options.weightDecay ?? DEFAULT_TRAIN.weightDecay,
    clipNorm: options.clipNorm ?? DEFAULT_TRAIN.clipNorm,
    batchSize: options.batchSize ?? DEFAULT_TRAIN.batchSize,
    clipFrames: options.clipFrames ?? DEFAULT_TRAIN.clipFrames,
    maxEpochs: options.maxEpochs ?? DEFAULT_TRAIN.maxEpochs,
    patience: options.patience ?? DEFAULT_TRAIN.patience,
    ...(options.maxStepsPerEpoch ? { maxStepsPerEpoch: options.maxStepsPerEpoch } : {}),
  };
  const members: MemberResult[] = [];
  for (let i = 0; i < seeds.length; i++) {
    const result = trainMember(tf, data, i, { ...train, seed: seeds[i]! }, hooks);
    members.push(result);
    if (hooks.onMember) {
      const partial: ParamSnapshot = new Map();
      for (const m of members) for (const [k, v] of m.weights) partial.set(k, v);
      hooks.onMember(i, { ...result, partial }, bundle);
    }
  }
  const weights: ParamSnapshot = new Map();
  for (const m of members) for (const [k, v] of m.weights) weights.set(k, v);

  const test = dataset.test;
  const recorded = trialAverage(dataset.responses, dataset.nNeurons, test.trialStarts, test.lengthFrames);
  const ceiling = reliabilityCeiling(dataset.responses, dataset.nNeurons, test.trialStarts, test.lengthFrames);
  const measure = (w: ParamSnapshot): Float64Array => {
    const model = createEnsemble(tf, bundle, w, { centre: false });
    try {
      return heldOutCorrelation(predictTrials(tf, model, dataset, test.trialStarts, test.lengthFrames), recorded, dataset.nNeurons);
    } finally {
      model.dispose();
    }
  };
  const heldOutCorr = measure(weights);
  const randomInitCorr = measure(initialWeights(tf, bundle, { meanRate: meanRates(data) }));
  let linear: FitResult['linear'] = null;
  if (options.linearBaseline ?? true) {
    const t1 = performance.now();
    const lags = linearLags(dataset, span);
    linear = { ...linearBaseline(dataset, { lags }), lags, seconds: (performance.now() - t1) / 1000 };
  }
  return { bundle, weights, members, curves: mergeCurves(members), heldOutCorr, ceiling, randomInitCorr, linear, testTrials: test.trialStarts.length, seconds: (performance.now() - t0) / 1000 };
}

export { TrainingCancelled, finiteMean };
