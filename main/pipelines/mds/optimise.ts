/**
 * Stimulus optimisation for the MDS objective (the reference's ActMaxTorchTransfBaseUni.maximize):
 * plain SGD on the stimulus (lr 100 in the reference example), the projection after every step,
 * and a stopper per stimulus. All the stimuli of one M-step go through the model as one batch
 * (row k = cluster k's stimulus; rows never mix, so each stimulus gets exactly its own gradient);
 * a stimulus whose stopper fires is frozen while the others go on.
 *
 * Step bookkeeping, equivalent to the reference: the reference takes a step, then feeds the loss at
 * the new stimulus to the stopper (one extra forward pass). Here each iteration's forward pass
 * gives the loss at the current stimulus, which feeds the stopper first; a stimulus is frozen before
 * its step when its stopper fires. After `maxSteps` steps one more forward pass gives the loss at the
 * final stimuli, which is what is returned (the reference returns the loss one step earlier and
 * recomputes it in evaluate_training_loss).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Random } from '../../../shared/random.js';
import type { Tfjs } from '../../compute/activate.js';
import { contrastiveLoss, laplaceLoss, lossConstants, type ClusterLayout, type ResponseNormalisation } from './objective.js';
import { project, projectArray, type Projection } from './project.js';
import { EmaLossStopper, PixelChangeStopper } from './stoppers.js';
import type { ResponseModel } from './types.js';

export type StopperKind = 'ema' | 'pixel' | 'none';

export interface OptimiseOptions {
  lr: number;
  maxSteps: number;
  temperature: number;
  /** Laplace smoothness weight (0 = off). */
  smoothness: number;
  projection: Projection;
  stopper: StopperKind;
  emaPatience: number;
  pixelPatience: number;
  normalisation?: ResponseNormalisation;
  /** Seeded noise for fresh stimuli (the reference's torch.randn, then projected). */
  random: Random;
  /** Called between steps; throws to cancel. */
  checkCancelled?: () => void;
}

export interface OptimiseResult {
  stimuli: Float32Array[];
  /** −J of each stimulus at its final value (smoothness term included when on). */
  losses: number[];
  /** Steps taken (one step = every active stimulus updated once). */
  steps: number;
}

/** Standard normal noise (Box–Muller over the seeded generator). */
export function gaussianNoise(random: Random, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < length) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export function stimulusSize(model: ResponseModel): number {
  const s = model.stimulus;
  return s.frames * s.height * s.width * s.channels;
}

/** A fresh stimulus: noise, projected. */
export function freshStimulus(model: ResponseModel, options: Pick<OptimiseOptions, 'random' | 'projection'>): Float32Array {
  return projectArray(gaussianNoise(options.random, stimulusSize(model)), model.stimulus.channels, options.projection);
}

/**
 * Optimises one stimulus per target slot of `layout` (targets[k] = the cluster slot stimulus k
 * drives), starting from `initial[k]` (warm start) or fresh noise (null).
 */
export function optimiseStimuli(tf: Tfjs, model: ResponseModel, layout: ClusterLayout, targets: readonly number[], initial: readonly (Float32Array | null)[], options: OptimiseOptions): OptimiseResult {
  const k = targets.length;
  const s = model.stimulus;
  const shape: [number, number, number, number, number] = [k, s.frames, s.height, s.width, s.channels];
  const size = stimulusSize(model);
  const start = new Float32Array(k * size);
  initial.forEach((x, i) => start.set(x ?? freshStimulus(model, options), i * size));
  const constants = lossConstants(tf, layout, options.normalisation);
  const onHot = new Float32Array(k * layout.clusters);
  targets.forEach((slot, i) => (onHot[i * layout.clusters + slot] = 1));
  const onSlots = tf.tensor2d(onHot, [k, layout.clusters]);
  const ema = targets.map(() => new EmaLossStopper(options.emaPatience));
  const range = options.projection.channelRanges;
  const pixel = options.stopper === 'pixel' && range ? targets.map(() => new PixelChangeStopper(Math.min(...range.map((r) => r[0])), Math.max(...range.map((r) => r[1])), options.pixelPatience)) : null;
  const active = new Array<boolean>(k).fill(true);
  const losses = new Array<number>(k).fill(Number.NaN);
  let x = tf.tensor5d(start, shape);
  let steps = 0;
  const lossOf = (input: tfTypes.Tensor5D): { pred: tfTypes.Tensor1D; total: tfTypes.Tensor1D } => {
    const pred = contrastiveLoss(tf, model.predict(input), onSlots, constants, options.temperature);
    const total = options.smoothness > 0 ? tf.add(pred, tf.mul(laplaceLoss(tf, input), options.smoothness)) as tfTypes.Tensor1D : pred;
    return { pred, total };
  };
  try {
    for (let step = 0; ; step++) {
      options.checkCancelled?.();
      const mask = tf.tensor1d(active.map((a) => (a ? 1 : 0)));
      let predValues: Float32Array | null = null;
      let totalValues: Float32Array | null = null;
      const grad: tfTypes.Tensor5D | null =
        step < options.maxSteps
          ? tf.tidy(() =>
              tf.grad((input: tfTypes.Tensor) => {
                const { pred, total } = lossOf(input as tfTypes.Tensor5D);
                predValues = pred.dataSync() as Float32Array;
                totalValues = total.dataSync() as Float32Array;
                return tf.sum(tf.mul(total, mask));
              })(x) as tfTypes.Tensor5D,
            )
          : null;
      if (step >= options.maxSteps) {
        // The last pass: losses at the final stimuli, no gradient.
        const { pred, total } = tf.tidy(() => {
          const l = lossOf(x);
          return { pred: tf.keep(l.pred), total: tf.keep(l.total) };
        });
        predValues = pred.dataSync() as Float32Array;
        totalValues = total.dataSync() as Float32Array;
        pred.dispose();
        if (total !== pred) total.dispose();
      }
      mask.dispose();
      const current = pixel ? (x.dataSync() as Float32Array) : null;
      for (let i = 0; i < k; i++) {
        if (!active[i]) continue;
        losses[i] = (totalValues as unknown as Float32Array)[i]!;
        if (step === 0) continue;
        if (options.stopper === 'ema') ema[i]!.update((predValues as unknown as Float32Array)[i]!);
        if (pixel && current) pixel[i]!.update(current.subarray(i * size, (i + 1) * size));
        if (ema[i]!.hit && options.stopper === 'ema') active[i] = false;
        if (pixel?.[i]!.hit) active[i] = false;
      }
      if (!grad || !active.some(Boolean)) {
        grad?.dispose();
        break;
      }
      const keep = tf.tensor5d(Float32Array.from({ length: k }, (_, i) => (active[i] ? 1 : 0)), [k, 1, 1, 1, 1]).cast('bool');
      const next = tf.tidy(() => {
        const stepped = tf.sub(x, tf.mul(grad, options.lr)) as tfTypes.Tensor5D;
        return tf.where(keep, project(tf, stepped, options.projection), x) as tfTypes.Tensor5D;
      });
      keep.dispose();
      grad.dispose();
      x.dispose();
      x = next;
      steps++;
    }
    const data = x.dataSync() as Float32Array;
    return { stimuli: targets.map((_, i) => data.slice(i * size, (i + 1) * size)), losses, steps };
  } finally {
    x.dispose();
    onSlots.dispose();
    constants.dispose();
  }
}

/** −J of each stimulus as it is (no step): the reference's evaluate_training_loss per cluster. */
export function evaluateLosses(tf: Tfjs, model: ResponseModel, layout: ClusterLayout, targets: readonly number[], stimuli: readonly Float32Array[], options: OptimiseOptions): number[] {
  return optimiseStimuli(tf, model, layout, targets, stimuli, { ...options, maxSteps: 0 }).losses;
}

/** Raw model responses of every neuron to each stimulus: [stimuli, neurons] row-major. */
export function responsesTo(tf: Tfjs, model: ResponseModel, stimuli: readonly Float32Array[]): Float32Array {
  if (stimuli.length === 0) return new Float32Array(0);
  const s = model.stimulus;
  const size = stimulusSize(model);
  const all = new Float32Array(stimuli.length * size);
  stimuli.forEach((x, i) => all.set(x, i * size));
  return tf.tidy(() => model.predict(tf.tensor5d(all, [stimuli.length, s.frames, s.height, s.width, s.channels])).dataSync() as Float32Array);
}
