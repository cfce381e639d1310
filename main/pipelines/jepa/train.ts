/**
 * Brain-JEPA pretraining loop, as the reference's src/train.py (Eric-LRL/Brain-JEPA b1dfa93):
 *
 *   per iteration   a batch of training subjects (shuffled per epoch, last partial batch dropped as
 *                   the reference's drop_last), a random temporal crop of each, robust-scaled
 *                   (data.ts), the spatiotemporal masks (masks.ts), the smooth-L1 loss (model.ts)
 *                   divided by the accumulation steps and its gradients summed;
 *   every `accumulationSteps` iterations   one AdamW step of encoder + predictor with the LR and
 *                   weight decay of the schedules (schedules.ts), no decay on biases and 1-D
 *                   parameters (init_opt's param groups), then the EMA update of the target encoder
 *                   with the momentum schedule's next value;
 *   per epoch       the validation loss on held-out subjects (fixed crops and masks, so epochs
 *                   compare), the effective rank of the target's pooled features of a fixed subject
 *                   set (rank.ts), and a checkpoint (the caller stores it).
 *
 * Deviations, all for small cohorts or exact resumption:
 * - gradient accumulation is counted over the whole run and the iterations per epoch are rounded
 *   down to a multiple of it (the reference counts per epoch and carries an epoch's leftover
 *   gradients into the next epoch's first step; with fewer iterations per epoch than accumulation
 *   steps it would never step). So every epoch ends on an optimizer step and a checkpoint taken
 *   there resumes exactly;
 * - the reference's resume advances its schedules once per *iteration* of the finished epochs;
 *   here every schedule is a function of the stored optimizer step (schedules.ts);
 * - every random draw (model init, epoch shuffles, crops, masks) comes from a seed derived from
 *   (seed, stream, epoch or iteration), so a run is a function of its seed and a resumed run
 *   draws what the uninterrupted one would have.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { deriveSeed, randomPermutation, seededRandom } from '../../../shared/random.js';
import type { Tfjs } from '../../compute/activate.js';
import { AdamW } from '../../compute/nn/index.js';
import { ValidationError } from '../../errors.js';
import { decodeJepaBundle, encodeJepaBundle, restoreJepaWeights, type JepaBundleConfig, type JepaEpochRecord, type JepaGradientsInfo, type JepaTrainingState } from './bundle.js';
import { timePatches, type JepaModelConfig } from './config.js';
import { cropBatch, type JepaNormalisation, type RobustScaler } from './data.js';
import { maskRandom, sampleMasks, type MaskConfig } from './masks.js';
import { createJepaModel, jepaDecayRule, type JepaModel } from './model.js';
import { pooledFeatures } from './features.js';
import { effectiveRank } from './rank.js';
import { JepaSchedules, type JepaOptimConfig, type StepSchedule } from './schedules.js';

/** One subject's ROI × time series (region-major, as RoiSeries). */
export interface JepaSubject {
  id: string;
  data: Float64Array;
  regions: number;
  timepoints: number;
}

export interface JepaTrainOptions {
  model: JepaModelConfig;
  masks: MaskConfig;
  optim: JepaOptimConfig;
  batchSize: number;
  seed: number;
  /** Temporal sampling of the crop (the reference's downsample: 3 on UKB; 1 keeps every frame). */
  samplingRate: number;
  /** 'robust' (the reference's pretraining scaling, with data.scaler) or 'sample-zscore' / 'none' (data.ts). */
  normalisation: JepaNormalisation;
}

export interface JepaTrainData {
  train: readonly JepaSubject[];
  validation: readonly JepaSubject[];
  /** The fixed subjects whose pooled target features the rank monitor reads each epoch. */
  rank: readonly JepaSubject[];
  scaler: RobustScaler;
  /** R × gradientDims, row-major. */
  gradients: Float64Array;
  gradientsInfo: JepaGradientsInfo;
}

/** One iteration's record (the fine loss curve). */
export interface JepaIterationRecord {
  iteration: number;
  epoch: number;
  loss: number;
  /** Set on iterations that ended with an optimizer step. */
  step: (StepSchedule & { optimizerStep: number }) | null;
}

export interface JepaCheckpoint {
  state: JepaTrainingState;
  /** The bundle bytes (weights, moments, target, config with the state). */
  bytes: Uint8Array;
}

export interface JepaTrainHooks {
  /** Checked between iterations; a set flag stops training with a JepaCancelled error. */
  signal?: { readonly aborted: boolean };
  onIteration?(record: JepaIterationRecord, progress: { fraction: number; epochs: number; iterationsPerEpoch: number }): void;
  /** After each epoch, with a checkpoint to store (awaited before training goes on). */
  onEpochEnd?(record: JepaEpochRecord, checkpoint: () => Promise<JepaCheckpoint>): Promise<void> | void;
  /** A bundle to continue from (its training state says where it stopped). */
  resume?: { bytes: Uint8Array; source: string };
  /**
   * A bundle whose weights (encoder, predictor, target) start a fresh run: step 0, fresh AdamW
   * moments, this run's schedules (an imported checkpoint; see pretrain-pipeline.ts).
   */
  initialWeights?: { bytes: Uint8Array; source: string };
}

export interface JepaTrainResult {
  model: JepaModel;
  state: JepaTrainingState;
  iterations: JepaIterationRecord[];
  schedules: JepaSchedules;
  /** The final bundle: weights, config and the optimiser moments (so a finished run can be continued). */
  bundle(): Promise<Uint8Array>;
  dispose(): void;
}

export class JepaCancelled extends Error {
  constructor() {
    super('cancelled by the user');
    this.name = 'JepaCancelled';
  }
}

/** Seed streams: one per kind of draw, so adding one does not shift the others. */
const STREAM = { init: 0, shuffle: 1, crop: 2, mask: 3, validationCrop: 4, validationMask: 5 } as const;

/**
 * init_opt's param groups: decay everything except parameters whose name holds "bias" and 1-D
 * parameters (LayerNorm gains); the mask token [1, 1, D] and the gradient projection are decayed, as
 * in the reference. (model.ts's jepaDecayRule.)
 */
export const referenceDecays = jepaDecayRule;

/**
 * torch AdamW's decoupled decay, p ← p·(1 − lr·wd), done before an update by an AdamW built with
 * weightDecay 0: the same arithmetic as main/compute/nn's AdamW with that decay (it multiplies p by
 * the same float32 factor before subtracting the Adam step), but with a decay that can change every
 * step (the cosine WD schedule); nn's AdamW fixes its decay at construction.
 */
export function applyDecoupledDecay(tf: Tfjs, entries: readonly { variable: tfTypes.Variable }[], lr: number, weightDecay: number): void {
  if (weightDecay === 0) return;
  tf.tidy(() => {
    const factor = tf.scalar(1 - lr * weightDecay);
    for (const e of entries) e.variable.assign(tf.mul(e.variable, factor));
  });
}

/** Iterations per epoch: whole batches (drop_last), rounded down to whole accumulation groups. */
export function iterationsPerEpoch(trainSubjects: number, batchSize: number, accumulationSteps: number): number {
  const batches = Math.floor(trainSubjects / batchSize);
  return batches - (batches % accumulationSteps);
}

function bundleConfig(options: JepaTrainOptions, data: JepaTrainData, state: JepaTrainingState): JepaBundleConfig {
  return {
    kind: 'brain-jepa',
    version: 1,
    model: options.model,
    masks: options.masks,
    scaler: { median: Array.from(data.scaler.median), iqr: Array.from(data.scaler.iqr) },
    gradients: data.gradientsInfo,
    input: { frames: options.model.frames, samplingRate: options.samplingRate, normalisation: options.normalisation },
    training: state,
  };
}

/**
 * A batch [B, R, T] of `subjects`, scaled as the model trains: random crops from `seed` (the
 * reference's, also for its evaluation; a fixed seed makes the validation batches the same every
 * epoch). The rank monitor's centred crops are features.ts's, as the probes'.
 */
function batchOf(subjects: readonly JepaSubject[], options: JepaTrainOptions, scaler: RobustScaler, seed: number): Float32Array {
  const spec = { frames: options.model.frames, samplingRate: options.samplingRate };
  const indices = subjects.map((_, i) => i);
  const scaling = { normalisation: options.normalisation, scaler: options.normalisation === 'robust' ? scaler : null };
  return cropBatch(subjects, indices, { spec, mode: 'random', random: seededRandom(seed), ...scaling });
}

export async function trainJepa(tf: Tfjs, data: JepaTrainData, options: JepaTrainOptions, epochs: number, hooks: JepaTrainHooks = {}): Promise<JepaTrainResult> {
  const { model: config, batchSize, seed } = options;
  const accumulation = options.optim.accumulationSteps;
  const rois = config.rois;
  const frames = config.frames;
  const nPatches = timePatches(config);
  for (const s of [...data.train, ...data.validation, ...data.rank]) {
    if (s.regions !== rois) throw new ValidationError('subjects', `${s.id} has ${s.regions} ROIs, the model ${rois}`);
  }
  const ipe = iterationsPerEpoch(data.train.length, batchSize, accumulation);
  if (ipe < 1) {
    throw new ValidationError('batchSize', `${data.train.length} training subjects make ${Math.floor(data.train.length / batchSize)} batch(es) of ${batchSize} per epoch; at least ${accumulation} are needed (one optimizer step of ${accumulation} accumulated batches)`);
  }
  const schedules = new JepaSchedules({ ...options.optim, epochs }, ipe);

  const model = createJepaModel(tf, config, data.gradients, deriveSeed(seed, STREAM.init));
  const adam = (params: JepaModel['encoder']) => new AdamW(params, { lr: schedules.at(0).lr, weightDecay: 0, decay: referenceDecays });
  const optimizers = { encoder: adam(model.encoder), predictor: adam(model.predictor) };
  const dispose = () => {
    optimizers.encoder.dispose();
    optimizers.predictor.dispose();
    model.dispose();
  };

  let state: JepaTrainingState = {
    seed,
    epoch: 0,
    iteration: 0,
    optimizerStep: 0,
    trainSubjects: data.train.map((s) => s.id),
    validationSubjects: data.validation.map((s) => s.id),
    rankSubjects: data.rank.map((s) => s.id),
    history: [],
  };
  try {
    if (hooks.resume) state = resumeInto(model, optimizers, hooks.resume, state, ipe);
    else if (hooks.initialWeights) startFrom(model, hooks.initialWeights);
  } catch (error) {
    dispose();
    throw error;
  }

  const decayed = {
    encoder: model.encoder.trainable().filter(referenceDecays),
    predictor: model.predictor.trainable().filter(referenceDecays),
  };
  const variables = [...model.encoder.trainableVariables(), ...model.predictor.trainableVariables()];
  const iterations: JepaIterationRecord[] = [];
  let pending: Map<string, tfTypes.Tensor> | null = null;

  /** One AdamW step of both collections with step k's schedule, then the EMA update. */
  const optimizerStep = (k: number, grads: Map<string, tfTypes.Tensor>): StepSchedule => {
    const s = schedules.at(k);
    applyDecoupledDecay(tf, [...decayed.encoder, ...decayed.predictor], s.lr, s.weightDecay);
    optimizers.encoder.update(model.encoder.byName(Object.fromEntries(grads)), { lr: s.lr });
    optimizers.predictor.update(model.predictor.byName(Object.fromEntries(grads)), { lr: s.lr });
    model.updateTarget(s.momentum);
    return s;
  };

  const validationLoss = async (): Promise<number | null> => {
    if (data.validation.length === 0) return null;
    let total = 0;
    let count = 0;
    for (let start = 0, chunk = 0; start < data.validation.length; start += batchSize, chunk++) {
      const subjects = data.validation.slice(start, start + batchSize);
      const x = batchOf(subjects, options, data.scaler, deriveSeed(seed, STREAM.validationCrop, chunk));
      const masks = sampleMasks(rois, nPatches, subjects.length, options.masks, maskRandom(deriveSeed(seed, STREAM.validationMask), chunk), chunk);
      const loss = tf.tidy(() => model.loss(tf.tensor3d(x, [subjects.length, rois, frames]), masks));
      // Asynchronous reads: WebGPU under Node has no synchronous download.
      total += (await loss.data())[0]! * subjects.length;
      count += subjects.length;
      loss.dispose();
    }
    return total / count;
  };

  const rankNow = async (): Promise<{ plain: number; centred: number } | null> => {
    if (data.rank.length < 2) return null;
    const width = config.embedDim;
    const input = { spec: { frames, samplingRate: options.samplingRate }, normalisation: options.normalisation, scaler: options.normalisation === 'robust' ? data.scaler : null };
    const features = await pooledFeatures(tf, model, data.rank, input, batchSize);
    return { plain: effectiveRank(features, data.rank.length, width).effectiveRank, centred: effectiveRank(features, data.rank.length, width, { centre: true }).effectiveRank };
  };

  const checkpoint = async (): Promise<JepaCheckpoint> => ({ state, bytes: await encodeJepaBundle(model, data.gradients, bundleConfig(options, data, state), optimizers) });

  try {
    for (let epoch = state.epoch; epoch < epochs; epoch++) {
      const order = randomPermutation(data.train.length, seededRandom(deriveSeed(seed, STREAM.shuffle, epoch)));
      let lossSum = 0;
      let last: StepSchedule = schedules.at(Math.max(0, state.optimizerStep - 1));
      const started = performance.now();
      for (let it = 0; it < ipe; it++) {
        if (hooks.signal?.aborted) throw new JepaCancelled();
        const iteration = epoch * ipe + it;
        const subjects = Array.from(order.subarray(it * batchSize, (it + 1) * batchSize), (i) => data.train[i]!);
        const x = batchOf(subjects, options, data.scaler, deriveSeed(seed, STREAM.crop, iteration));
        // Block sizes from the iteration counter (the reference's generator), positions from the seed.
        const masks = sampleMasks(rois, nPatches, batchSize, options.masks, maskRandom(deriveSeed(seed, STREAM.mask), iteration), iteration);
        const { value, grads } = tf.tidy(() => {
          const input = tf.tensor3d(x, [batchSize, rois, frames]);
          // loss / accumulation_steps as the reference, so the summed gradients are the mean's.
          return tf.variableGrads(() => tf.div(model.loss(input, masks), accumulation) as tfTypes.Scalar, variables);
        });
        if (pending) {
          const sum: Map<string, tfTypes.Tensor> = new Map();
          for (const [name, g] of Object.entries(grads)) {
            const before = pending.get(name)!;
            sum.set(name, tf.add(before, g));
            before.dispose();
            g.dispose();
          }
          pending = sum;
        } else {
          pending = new Map(Object.entries(grads));
        }
        const loss = (await value.data())[0]! * accumulation;
        value.dispose();
        if (!Number.isFinite(loss)) throw new Error(`the loss is ${loss} at iteration ${iteration} (epoch ${epoch + 1})`);
        lossSum += loss;
        let step: JepaIterationRecord['step'] = null;
        if ((iteration + 1) % accumulation === 0) {
          const k = state.optimizerStep;
          last = optimizerStep(k, pending);
          for (const g of pending.values()) g.dispose();
          pending = null;
          state = { ...state, optimizerStep: k + 1 };
          step = { ...last, optimizerStep: k };
        }
        state = { ...state, iteration: iteration + 1 };
        const record: JepaIterationRecord = { iteration, epoch: epoch + 1, loss, step };
        iterations.push(record);
        hooks.onIteration?.(record, { fraction: (iteration + 1) / (epochs * ipe), epochs, iterationsPerEpoch: ipe });
      }
      const msPerIteration = (performance.now() - started) / ipe;
      if (hooks.signal?.aborted) throw new JepaCancelled();
      const rank = await rankNow();
      const epochRecord: JepaEpochRecord = {
        epoch: epoch + 1,
        trainLoss: lossSum / ipe,
        validationLoss: await validationLoss(),
        effectiveRank: rank?.plain ?? null,
        effectiveRankCentred: rank?.centred ?? null,
        lr: last.lr,
        weightDecay: last.weightDecay,
        momentum: last.momentum,
        optimizerSteps: state.optimizerStep,
        iterations: state.iteration,
        msPerIteration,
      };
      state = { ...state, epoch: epoch + 1, history: [...state.history, epochRecord] };
      await hooks.onEpochEnd?.(epochRecord, checkpoint);
    }
  } catch (error) {
    if (pending) for (const g of pending.values()) g.dispose();
    dispose();
    throw error;
  }

  const finalState = state;
  return {
    model,
    state: finalState,
    iterations,
    schedules,
    bundle: () => encodeJepaBundle(model, data.gradients, bundleConfig(options, data, finalState), optimizers),
    dispose,
  };
}

/** Same architecture and input (weights are only meaningful for the model they were trained as). */
function checkSameModel(source: string, a: JepaModelConfig, b: JepaModelConfig): void {
  for (const key of ['rois', 'frames', 'embedDim', 'depth', 'heads', 'predictorDim', 'predictorDepth', 'patchSize', 'gradientDims', 'mlpRatio'] as const) {
    if (a[key] !== b[key]) throw new ValidationError('resumeFromModelId', `${source} has ${key} ${a[key]}, this run ${b[key]}`);
  }
}

/** Writes a bundle's weights into a fresh model; the optimisers and state stay at step 0. */
function startFrom(model: JepaModel, from: { bytes: Uint8Array; source: string }): void {
  const bundle = decodeJepaBundle(from.bytes, from.source);
  checkSameModel(from.source, bundle.config.model, model.config);
  restoreJepaWeights(model, bundle);
}

/** Restores weights, moments and the training state of a checkpoint; the model must match it. */
function resumeInto(model: JepaModel, optimizers: { encoder: AdamW; predictor: AdamW }, resume: { bytes: Uint8Array; source: string }, fresh: JepaTrainingState, ipe: number): JepaTrainingState {
  const bundle = decodeJepaBundle(resume.bytes, resume.source);
  const saved = bundle.config.training;
  if (!saved) throw new ValidationError('resumeFromModelId', `${resume.source} holds no training state to resume from`);
  if (!bundle.adam) throw new ValidationError('resumeFromModelId', `${resume.source} holds no optimiser state (an exported model, not a training checkpoint)`);
  const a = bundle.config.model;
  const b = model.config;
  for (const key of ['rois', 'frames', 'embedDim', 'depth', 'heads', 'predictorDim', 'predictorDepth', 'patchSize', 'gradientDims', 'mlpRatio'] as const) {
    if (a[key] !== b[key]) throw new ValidationError('resumeFromModelId', `${resume.source} has ${key} ${a[key]}, this run ${b[key]}`);
  }
  if (saved.seed !== fresh.seed) throw new ValidationError('seed', `${resume.source} was trained with seed ${saved.seed}, this run asks for ${fresh.seed}`);
  const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  if (!same(saved.trainSubjects, fresh.trainSubjects) || !same(saved.validationSubjects, fresh.validationSubjects)) {
    throw new ValidationError('trainingSubjects', `${resume.source} was trained on other subjects (${saved.trainSubjects.length} training, ${saved.validationSubjects.length} held out)`);
  }
  if (saved.iteration !== saved.epoch * ipe) {
    throw new ValidationError('batchSize', `${resume.source} stopped after ${saved.iteration} iterations in ${saved.epoch} epochs; this run has ${ipe} iterations per epoch (same batch size and accumulation needed)`);
  }
  restoreJepaWeights(model, bundle);
  optimizers.encoder.setMoments(bundle.adam.encoder.m, bundle.adam.encoder.v, bundle.step);
  optimizers.predictor.setMoments(bundle.adam.predictor.m, bundle.adam.predictor.v, bundle.step);
  return { ...saved, rankSubjects: fresh.rankSubjects };
}
