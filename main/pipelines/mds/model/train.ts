/**
 * Training the response model as open-retina's BaseCoreReadout does (models/core_readout.py):
 * per batch of clips, the Poisson loss summed over clips, output frames and neurons
 * (PoissonLoss3d: Σ rate − y·log(rate + 1e-16)) plus the core and readout regularisers; AdamW
 * (lr 0.01, weight decay 0.01 on every parameter: torch.optim.AdamW over model.parameters());
 * gradient-norm clipping at 1 (the Lightning trainer's gradient_clip_val); ReduceLROnPlateau on the
 * validation correlation (factor 0.3, patience 5, floor lr·0.3³); early stopping on it, keeping the
 * best epoch's weights. Members of the ensemble differ only by seed (the reference's ensemble of seeds).
 *
 * Clips: `clipFrames` output frames with the core's span of context before them (context may reach
 * before a training block — only its stimulus is read — but never before frame 0); the training
 * blocks are cut into non-overlapping clips, shuffled per epoch with the member's seed.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { deriveSeed, seededRandom, shuffleInPlace } from '../../../../shared/random.js';
import type { Tfjs } from '../../../compute/activate.js';
import { AdamW, trainStepTensors } from '../../../compute/nn/optim.js';
import { Params, type ParamSnapshot } from '../../../compute/nn/params.js';
import { ValidationError } from '../../../errors.js';
import type { FrameRange } from '../types.js';
import { memberPrefix } from './bundle.js';
import { temporalSpan, type MdsModelConfig, type ModelInputShape } from './config.js';
import type { CoreForwardOptions } from './core.js';
import { createNetwork, type Network } from './network.js';
import { finiteMean, pearson, column } from './quality.js';

export const POISSON_EPS = 1e-16;

/** What training reads: standardised stimulus frames and spike counts per frame. */
export interface TrainingData {
  input: ModelInputShape;
  nFrames: number;
  /** [nFrames, H, W, C] row-major, already standardised (the model's input). */
  stimulus: Float32Array;
  nNeurons: number;
  /** [nFrames, nNeurons] spike counts per frame. */
  responses: Float32Array;
  trainRanges: readonly FrameRange[];
  validationRanges: readonly FrameRange[];
}

export interface TrainOptions {
  config: MdsModelConfig;
  seed: number;
  lr: number;
  weightDecay: number;
  clipNorm: number;
  batchSize: number;
  /** Output frames per training clip. */
  clipFrames: number;
  maxEpochs: number;
  /** Epochs without a better validation correlation before stopping. */
  patience: number;
  /** Optimiser steps per epoch at most (a seeded subset of the clips): bounds an epoch on a CPU. */
  maxStepsPerEpoch?: number;
}

export const DEFAULT_TRAIN = { lr: 0.01, weightDecay: 0.01, clipNorm: 1, batchSize: 16, clipFrames: 50, maxEpochs: 30, patience: 5 } as const;

export interface EpochRecord {
  epoch: number;
  /** Mean Poisson NLL per frame per neuron over the epoch's batches (without regularisers). */
  trainLoss: number;
  validationLoss: number | null;
  validationCorr: number | null;
  lr: number;
  seconds: number;
}

export interface MemberResult {
  seed: number;
  /** The best epoch's weights, names under `members.<index>`. */
  weights: ParamSnapshot;
  history: EpochRecord[];
  bestEpoch: number;
  steps: number;
}

export interface TrainHooks {
  /** Checked between steps; return true to stop (cancel). */
  cancelled?: () => boolean;
  onStep?: (step: number, loss: number) => void;
  onEpoch?: (record: EpochRecord) => void;
}

export class TrainingCancelled extends Error {
  constructor() {
    super('training cancelled');
  }
}

/** Starts of clips of `clipFrames` outputs tiling each range (outputs from frame `span` on). */
export function clipStarts(ranges: readonly FrameRange[], span: number, clipFrames: number): number[] {
  const starts: number[] = [];
  for (const [a, b] of ranges) {
    for (let t = Math.max(a, span); t + clipFrames <= b; t += clipFrames) starts.push(t);
  }
  return starts;
}

/** Input [B, span + L, H, W, C] and target [B, L, N] of the clips whose outputs start at `starts`. */
export function gatherClips(data: TrainingData, starts: readonly number[], span: number, clipFrames: number): { x: Float32Array; y: Float32Array } {
  const frame = data.input.height * data.input.width * data.input.channels;
  const inFrames = span + clipFrames;
  const x = new Float32Array(starts.length * inFrames * frame);
  const y = new Float32Array(starts.length * clipFrames * data.nNeurons);
  starts.forEach((t, b) => {
    const from = t - span;
    if (from < 0 || t + clipFrames > data.nFrames) throw new ValidationError('clip', `frames ${from}–${t + clipFrames} outside the recording's ${data.nFrames}`);
    x.set(data.stimulus.subarray(from * frame, (t + clipFrames) * frame), b * inFrames * frame);
    y.set(data.responses.subarray(t * data.nNeurons, (t + clipFrames) * data.nNeurons), b * clipFrames * data.nNeurons);
  });
  return { x, y };
}

/** Σ rate − y·log(rate + 1e-16) (PoissonLoss3d, sum). */
export function poissonLoss(tf: Tfjs, rate: tfTypes.Tensor, target: tfTypes.Tensor): tfTypes.Scalar {
  return tf.sum(tf.sub(rate, tf.mul(target, tf.log(tf.add(rate, POISSON_EPS)))));
}

/** The member's training objective on one batch: Poisson sum + regularisers. */
export function batchLoss(tf: Tfjs, net: Network, x: tfTypes.Tensor5D, y: tfTypes.Tensor3D, forward: CoreForwardOptions): { total: tfTypes.Scalar; poisson: tfTypes.Scalar } {
  const rate = net.apply(x, forward);
  const poisson = poissonLoss(tf, rate, y);
  return { total: tf.add(poisson, net.regularizer()), poisson };
}

/** Model rates for every clip of `ranges`, concatenated, beside the recorded counts (both [frames, N]). */
export function predictRanges(tf: Tfjs, net: Network, data: TrainingData, ranges: readonly FrameRange[], clipFrames: number, batchSize: number): { predicted: Float32Array; recorded: Float32Array } {
  const starts = clipStarts(ranges, net.span, clipFrames);
  const n = data.nNeurons;
  const predicted = new Float32Array(starts.length * clipFrames * n);
  const recorded = new Float32Array(starts.length * clipFrames * n);
  const frame = data.input.height * data.input.width * data.input.channels;
  for (let i = 0; i < starts.length; i += batchSize) {
    const chunk = starts.slice(i, i + batchSize);
    const { x, y } = gatherClips(data, chunk, net.span, clipFrames);
    const rates = tf.tidy(() => net.apply(tf.tensor5d(x, [chunk.length, net.span + clipFrames, data.input.height, data.input.width, data.input.channels]), { training: false }));
    predicted.set(rates.dataSync() as Float32Array, i * clipFrames * n);
    rates.dispose();
    recorded.set(y, i * clipFrames * n);
    void frame;
  }
  return { predicted, recorded };
}

/** Mean Poisson NLL per element and mean per-neuron correlation of a prediction. */
export function scorePrediction(predicted: Float32Array, recorded: Float32Array, neurons: number): { loss: number; corr: number } {
  let loss = 0;
  for (let i = 0; i < predicted.length; i++) loss += predicted[i]! - recorded[i]! * Math.log(predicted[i]! + POISSON_EPS);
  const r = new Float64Array(neurons);
  for (let k = 0; k < neurons; k++) r[k] = pearson(column(predicted, neurons, k), column(recorded, neurons, k));
  return { loss: predicted.length ? loss / predicted.length : Number.NaN, corr: finiteMean(r) };
}

/** Mean spikes per frame per neuron over the training ranges (the readout bias starts there). */
export function meanRates(data: TrainingData): Float32Array {
  const out = new Float32Array(data.nNeurons);
  let frames = 0;
  for (const [a, b] of data.trainRanges) {
    for (let t = a; t < b; t++) for (let k = 0; k < data.nNeurons; k++) out[k]! += data.responses[t * data.nNeurons + k]!;
    frames += b - a;
  }
  if (frames) for (let k = 0; k < out.length; k++) out[k]! /= frames;
  return out;
}

/** Trains ensemble member `index` (seed `options.seed`). */
export function trainMember(tf: Tfjs, data: TrainingData, index: number, options: TrainOptions, hooks: TrainHooks = {}): MemberResult {
  const span = temporalSpan(options.config);
  const trainStarts = clipStarts(data.trainRanges, span, options.clipFrames);
  if (trainStarts.length === 0) throw new ValidationError('clipFrames', `no training clip of ${options.clipFrames} + ${span} frames fits the training blocks`);
  const params = new Params(tf);
  const net = createNetwork(params, memberPrefix(index), { config: options.config, input: data.input, neurons: data.nNeurons, seed: options.seed, readoutInit: { meanRate: meanRates(data) } });
  // torch.optim.AdamW(model.parameters()) decays every parameter.
  const optimizer = new AdamW(params, { lr: options.lr, weightDecay: options.weightDecay, decay: () => true });
  const random = seededRandom(deriveSeed(options.seed, 0x5eed));
  const history: EpochRecord[] = [];
  let best = { corr: -Infinity, epoch: 0, weights: params.snapshot() };
  let lr = options.lr;
  const minLr = options.lr * 0.3 ** 3;
  let plateau = 0;
  let bestForLr = -Infinity;
  let steps = 0;
  const shape = (b: number): [number, number, number, number, number] => [b, span + options.clipFrames, data.input.height, data.input.width, data.input.channels];
  try {
    for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
      const t0 = performance.now();
      const order = trainStarts.slice();
      shuffleInPlace(order, random);
      const limit = options.maxStepsPerEpoch ? Math.min(order.length, options.maxStepsPerEpoch * options.batchSize) : order.length;
      let lossSum = 0;
      let lossCount = 0;
      for (let i = 0; i + options.batchSize <= limit || (i === 0 && limit > 0); i += options.batchSize) {
        if (hooks.cancelled?.()) throw new TrainingCancelled();
        const chunk = order.slice(i, Math.min(limit, i + options.batchSize));
        const { x, y } = gatherClips(data, chunk, span, options.clipFrames);
        const stats: NonNullable<CoreForwardOptions['batchStats']> = [];
        let poissonOut: tfTypes.Scalar | null = null;
        optimizer.lr = lr;
        const { loss } = trainStepTensors(
          optimizer,
          () => {
            const xt = tf.tensor5d(x, shape(chunk.length));
            const yt = tf.tensor3d(y, [chunk.length, options.clipFrames, data.nNeurons]);
            const { total, poisson } = batchLoss(tf, net, xt, yt, { training: true, batchStats: stats });
            poissonOut = tf.keep(poisson);
            return total;
          },
          { clipNorm: options.clipNorm },
        );
        loss.dispose();
        net.core.updateRunningStats(stats);
        net.readout.projectPositive();
        const poisson = (poissonOut as tfTypes.Scalar | null)?.dataSync()[0] ?? Number.NaN;
        (poissonOut as tfTypes.Scalar | null)?.dispose();
        const perElement = poisson / y.length;
        lossSum += perElement;
        lossCount++;
        steps++;
        hooks.onStep?.(steps, perElement);
      }
      let validationLoss: number | null = null;
      let validationCorr: number | null = null;
      if (data.validationRanges.length) {
        const { predicted, recorded } = predictRanges(tf, net, data, data.validationRanges, options.clipFrames, options.batchSize);
        if (predicted.length) {
          const score = scorePrediction(predicted, recorded, data.nNeurons);
          validationLoss = score.loss;
          validationCorr = Number.isFinite(score.corr) ? score.corr : null;
        }
      }
      const record: EpochRecord = { epoch, trainLoss: lossSum / Math.max(1, lossCount), validationLoss, validationCorr, lr, seconds: (performance.now() - t0) / 1000 };
      history.push(record);
      hooks.onEpoch?.(record);
      // Without validation frames, the last epoch is the best one.
      const score = validationCorr ?? (data.validationRanges.length ? -Infinity : epoch);
      if (score > best.corr) best = { corr: score, epoch, weights: params.snapshot() };
      if (epoch - best.epoch >= options.patience) break;
      // ReduceLROnPlateau(mode max, factor 0.3, patience 5, threshold 5e-4 abs).
      if (score > bestForLr + 5e-4) {
        bestForLr = score;
        plateau = 0;
      } else if (++plateau > 5) {
        lr = Math.max(minLr, lr * 0.3);
        plateau = 0;
      }
    }
    return { seed: options.seed, weights: best.weights, history, bestEpoch: best.epoch, steps };
  } finally {
    net.dispose();
    optimizer.dispose();
    params.dispose();
  }
}
