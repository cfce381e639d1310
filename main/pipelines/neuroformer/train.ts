/**
 * Neuroformer training loop, as the reference's trainer (a-antoniades/Neuroformer neuroformer/
 * trainer.py, minGPT's): per epoch the training windows shuffled, batches tokenised (tokenizer.ts),
 * the loss 0.45·CE_id + 0.30·CE_dt with dropout, gradients clipped to global norm 1.0, AdamW
 * (betas 0.9/0.95, weight decay on Linear weights only: model.ts neuroformerDecayRule) with the
 * released LR schedule, counted in target tokens (every target position, PAD included):
 *   tokens < warmup:   lr · tokens / warmup
 *   else               lr · max(0.1, ½(1 + cos(π · (tokens − warmup) / (final − warmup))))
 * with final = all the run's target tokens (the reference's len(train)·block·epochs). The reference
 * warms up over a fixed 8e7 tokens, ≈ 10 % of its V1AL run; here the warm-up is that share of the
 * run (`warmupFraction`), so a short run on a CPU is not all warm-up.
 * Per epoch: the validation loss (eval mode) and the teacher-forced top-1 F1 of the next neuron id
 * on validation windows (compute_scores over sets of ids per window), then a checkpoint.
 * Every draw (init, shuffles, dropout) comes from the seed, so a run is a function of its seed and a
 * resumed run continues as the uninterrupted one would (same shuffles per epoch).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { deriveSeed, randomPermutation, seededRandom } from '../../../shared/random.js';
import type { Tfjs } from '../../compute/activate.js';
import { AdamW, trainStepTensors } from '../../compute/nn/index.js';
import { ValidationError } from '../../errors.js';
import { neuroformerScores, type IdWindow } from '../spikes/prediction-scores.js';
import { decodeNfBundle, encodeNfBundle, restoreNfWeights, type NeuroformerBundleConfig, type NfEpochRecord, type NfTrainingState } from './bundle.js';
import type { NeuroformerConfig } from './config.js';
import { createNeuroformer, neuroformerDecayRule, type NeuroformerModel } from './model.js';
import { tokenizeWindows, type NeuroformerBatch, type SpikeCountMatrix } from './tokenizer.js';

export interface NfOptimConfig {
  lr: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
  clipNorm: number;
  warmupFraction: number;
}

/** The released trainer's settings (neuroformer_train.py; lr 1e-4 is for the paper sizes). */
export const RELEASED_OPTIM: NfOptimConfig = { lr: 1e-4, beta1: 0.9, beta2: 0.95, weightDecay: 1.0, clipNorm: 1.0, warmupFraction: 0.1 };

export interface NfTrainData {
  counts: SpikeCountMatrix;
  dtS: number;
  trainEnds: readonly number[];
  validationEnds: readonly number[];
  /** Stimulus tokens [B, S, F] of windows ending at these (count-matrix) times, when the model has a stimulus pathway. */
  stimulus?(ends: readonly number[]): Float32Array | undefined;
}

export interface NfTrainOptions {
  model: NeuroformerConfig;
  optim: NfOptimConfig;
  batchSize: number;
  epochs: number;
  seed: number;
  /** At most this many validation windows are scored per epoch (evenly spaced). */
  maxValidationWindows: number;
  /** Everything but the training state that goes into the bundle header. */
  bundle: Omit<NeuroformerBundleConfig, 'training'>;
}

export interface NfTrainHooks {
  signal?: { readonly aborted: boolean };
  onStep?(step: number, loss: number, fraction: number): void;
  onEpochEnd?(record: NfEpochRecord, checkpoint: () => Promise<Uint8Array>): Promise<void> | void;
  resume?: { bytes: Uint8Array; source: string };
}

export interface NfTrainResult {
  model: NeuroformerModel;
  state: NfTrainingState;
  stepLoss: Float32Array;
  stepLr: Float64Array;
  bundle(): Promise<Uint8Array>;
  dispose(): void;
}

export class NfCancelled extends Error {
  constructor() {
    super('cancelled by the user');
    this.name = 'NfCancelled';
  }
}

const STREAM = { shuffle: 1, dropout: 2 } as const;

/** The released schedule's LR at a token count (minGPT's, with max(0.1, cosine) after warm-up). */
export function nfLearningRate(optim: NfOptimConfig, tokens: number, finalTokens: number): number {
  const warmup = optim.warmupFraction * finalTokens;
  if (tokens < warmup) return (optim.lr * tokens) / warmup;
  // Clamped at 1: minGPT's cosine would rise again past final_tokens (never reached in a run).
  const progress = Math.min(1, (tokens - warmup) / Math.max(1, finalTokens - warmup));
  return optim.lr * Math.max(0.1, 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** A sub-batch of tokens: rows [from, to) of a tokenised batch. */
function batchOf(data: NfTrainData, config: NeuroformerConfig, ends: readonly number[]): NeuroformerBatch {
  const tokens = tokenizeWindows(data.counts, data.dtS, ends, config);
  const stimulus = config.stimulus ? data.stimulus?.(ends) : undefined;
  return { batch: tokens.batch, idPrev: tokens.idPrev, dtPrev: tokens.dtPrev, id: tokens.id, dt: tokens.dt, targetId: tokens.targetId, targetDt: tokens.targetDt, ...(stimulus ? { stimulus } : {}) };
}

/** Evenly spaced subset of at most n items. */
export function evenSubset<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
}

interface Validation {
  loss: number;
  ceId: number;
  ceDt: number;
  f1: number;
}

async function validate(tf: Tfjs, model: NeuroformerModel, data: NfTrainData, options: NfTrainOptions): Promise<Validation | null> {
  const ends = evenSubset(data.validationEnds, options.maxValidationWindows);
  if (ends.length === 0) return null;
  const config = options.model;
  const vocab = model.vocab;
  const t = config.blockSize;
  let loss = 0;
  let ceId = 0;
  let ceDt = 0;
  const windows: IdWindow[] = [];
  for (let start = 0; start < ends.length; start += options.batchSize) {
    const chunk = ends.slice(start, start + options.batchSize);
    const batch = batchOf(data, config, chunk);
    const l = model.loss(batch);
    const [total, id, dt] = await Promise.all([l.total.data(), l.ceId.data(), l.ceDt.data()]);
    l.total.dispose();
    l.ceId.dispose();
    l.ceDt.dispose();
    loss += total[0]! * chunk.length;
    ceId += id[0]! * chunk.length;
    ceDt += dt[0]! * chunk.length;
    const out = model.forward(batch);
    const predicted = tf.tidy(() => tf.argMax(out.idLogits, 2));
    const argmax = (await predicted.data()) as Int32Array;
    predicted.dispose();
    out.idLogits.dispose();
    out.dtLogits.dispose();
    for (let b = 0; b < chunk.length; b++) {
      const trueIds: number[] = [];
      const predictedIds: number[] = [];
      for (let i = 0; i < t; i++) {
        const target = batch.targetId[b * t + i]!;
        if (target >= config.neurons) continue;
        trueIds.push(target);
        const p = argmax[b * t + i]!;
        if (p < config.neurons) predictedIds.push(p);
      }
      windows.push({ trueIds, predictedIds });
    }
  }
  void vocab;
  const n = ends.length;
  return { loss: loss / n, ceId: ceId / n, ceDt: ceDt / n, f1: neuroformerScores(windows).F1 };
}

export async function trainNeuroformer(tf: Tfjs, data: NfTrainData, options: NfTrainOptions, hooks: NfTrainHooks = {}): Promise<NfTrainResult> {
  const { model: config, batchSize, epochs, seed, optim } = options;
  const stepsPerEpoch = Math.floor(data.trainEnds.length / batchSize);
  if (stepsPerEpoch < 1) throw new ValidationError('batchSize', `${data.trainEnds.length} training windows make no batch of ${batchSize}`);
  const tokensPerStep = batchSize * config.blockSize;
  const finalTokens = stepsPerEpoch * epochs * tokensPerStep;

  const model = createNeuroformer(tf, config, seed);
  const adam = new AdamW(model.params, { lr: optim.lr, beta1: optim.beta1, beta2: optim.beta2, weightDecay: optim.weightDecay, decay: neuroformerDecayRule });
  const dispose = () => {
    adam.dispose();
    model.dispose();
  };
  let state: NfTrainingState = { seed, epoch: 0, optimizerStep: 0, tokens: 0, history: [] };
  if (hooks.resume) {
    try {
      const bundle = decodeNfBundle(hooks.resume.bytes, hooks.resume.source);
      const saved = bundle.config.training;
      if (!saved || !bundle.adam) throw new ValidationError('resumeFromModelId', `${hooks.resume.source} holds no training state to resume from`);
      if (saved.seed !== seed) throw new ValidationError('seed', `${hooks.resume.source} was trained with seed ${saved.seed}, this run asks for ${seed}`);
      restoreNfWeights(model, bundle);
      adam.setMoments(bundle.adam.m, bundle.adam.v, bundle.step);
      state = saved;
    } catch (error) {
      dispose();
      throw error;
    }
  }
  const stepLoss: number[] = [];
  const stepLr: number[] = [];
  const bundleConfig = (): NeuroformerBundleConfig => ({ ...options.bundle, training: state });
  try {
    for (let epoch = state.epoch; epoch < epochs; epoch++) {
      const order = randomPermutation(data.trainEnds.length, seededRandom(deriveSeed(seed, STREAM.shuffle, epoch)));
      let lossSum = 0;
      let ceIdSum = 0;
      let ceDtSum = 0;
      let lr = 0;
      const started = performance.now();
      for (let s = 0; s < stepsPerEpoch; s++) {
        if (hooks.signal?.aborted) throw new NfCancelled();
        const ends = Array.from(order.subarray(s * batchSize, (s + 1) * batchSize), (i) => data.trainEnds[i]!).sort((a, b) => a - b);
        const batch = batchOf(data, config, ends);
        lr = nfLearningRate(optim, state.tokens, finalTokens);
        const dropoutSeed = deriveSeed(seed, STREAM.dropout, state.optimizerStep);
        // The two heads' cross-entropies are kept out of the step's tidy so the curves can show them.
        let heads: tfTypes.Scalar[] = [];
        const { loss, gradNorm } = trainStepTensors(
          adam,
          () => {
            const l = model.loss(batch, { training: true, dropoutSeed });
            heads = [tf.keep(l.ceId), tf.keep(l.ceDt)];
            return l.total;
          },
          { lr, clipNorm: optim.clipNorm },
        );
        const [value, id, dt] = (await Promise.all([loss.data(), ...heads.map((h) => h.data())])).map((d) => d[0]!) as [number, number, number];
        loss.dispose();
        gradNorm?.dispose();
        heads.forEach((h) => h.dispose());
        ceIdSum += id;
        ceDtSum += dt;
        if (!Number.isFinite(value)) throw new Error(`the loss is ${value} at step ${state.optimizerStep} (epoch ${epoch + 1})`);
        lossSum += value;
        stepLoss.push(value);
        stepLr.push(lr);
        state = { ...state, optimizerStep: state.optimizerStep + 1, tokens: state.tokens + tokensPerStep };
        hooks.onStep?.(state.optimizerStep, value, state.optimizerStep / (stepsPerEpoch * epochs));
      }
      const msPerStep = (performance.now() - started) / stepsPerEpoch;
      if (hooks.signal?.aborted) throw new NfCancelled();
      const v = await validate(tf, model, data, options);
      const record: NfEpochRecord = {
        epoch: epoch + 1,
        trainLoss: lossSum / stepsPerEpoch,
        trainCeId: ceIdSum / stepsPerEpoch,
        trainCeDt: ceDtSum / stepsPerEpoch,
        validationLoss: v?.loss ?? null,
        validationCeId: v?.ceId ?? null,
        validationCeDt: v?.ceDt ?? null,
        validationF1: v?.f1 ?? null,
        lr,
        optimizerSteps: state.optimizerStep,
        msPerStep,
      };
      state = { ...state, epoch: epoch + 1, history: [...state.history, record] };
      await hooks.onEpochEnd?.(record, () => encodeNfBundle(model, bundleConfig(), adam));
    }
  } catch (error) {
    dispose();
    throw error;
  }
  return {
    model,
    state,
    stepLoss: Float32Array.from(stepLoss),
    stepLr: Float64Array.from(stepLr),
    bundle: () => encodeNfBundle(model, bundleConfig(), adam),
    dispose,
  };
}
