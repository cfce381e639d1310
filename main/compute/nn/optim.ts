/**
 * Training-loop pieces that work on a parameter collection:
 * - AdamW (Loshchilov & Hutter 2019, as torch.optim.AdamW): decoupled weight decay with bias
 *   correction, p ← p − lr·(m̂/(√v̂ + eps) + wd·p); parameters whose role is not 'weight' (biases,
 *   norm gains, embeddings) are not decayed unless a rule says otherwise;
 * - a learning-rate schedule: linear warm-up, then cosine decay to a floor;
 * - global-norm gradient clipping, as torch.nn.utils.clip_grad_norm_;
 * - an exponential moving average of the weights (EMA targets, evaluation weights).
 * Everything stays on the device: the clip factor is a tensor folded into the Adam moments, so a
 * step reads nothing back except what the caller asks for (usually the loss).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../activate.js';
import { ValidationError } from '../../errors.js';
import type { ParamEntry, Params } from './params.js';

/** Whether AdamW decays a parameter: by default only matmul/conv kernels (role 'weight'). */
export type DecayRule = (entry: ParamEntry) => boolean;
export const decayWeightsOnly: DecayRule = (entry) => entry.role === 'weight';

export interface AdamWConfig {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Default 0.01 (PyTorch's default). */
  weightDecay?: number;
  decay?: DecayRule;
}

export interface AdamWStepOptions {
  /** Overrides the configured learning rate for this step (from a schedule). */
  lr?: number;
  /** A scalar tensor multiplying every gradient (the clip factor of clipGradNorm). */
  gradScale?: tfTypes.Scalar;
}

/** The optimiser's moments as tf.Variables, one pair per trainable parameter. */
export interface AdamWState {
  step: number;
  m: Map<string, tfTypes.Variable>;
  v: Map<string, tfTypes.Variable>;
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  lr: number;
  /** Steps taken (Adam's t after the last update). */
  step = 0;
  readonly m = new Map<string, tfTypes.Variable>();
  readonly v = new Map<string, tfTypes.Variable>();
  private readonly decays = new Map<string, boolean>();
  private readonly tf: Tfjs;

  constructor(
    readonly params: Params,
    config: AdamWConfig,
  ) {
    this.tf = params.tf;
    this.lr = config.lr;
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.eps = config.eps ?? 1e-8;
    this.weightDecay = config.weightDecay ?? 0.01;
    const rule = config.decay ?? decayWeightsOnly;
    const tf = this.tf;
    tf.tidy(() => {
      for (const entry of params.trainable()) {
        this.m.set(entry.name, tf.variable(tf.zerosLike(entry.variable), false));
        this.v.set(entry.name, tf.variable(tf.zerosLike(entry.variable), false));
        this.decays.set(entry.name, rule(entry));
      }
    });
  }

  /** Whether the weight decay applies to parameter `name`. */
  isDecayed(name: string): boolean {
    return this.decays.get(name) ?? false;
  }

  /**
   * One update from gradients keyed by parameter name (Params.byName of tf.variableGrads).
   * Parameters without a gradient are left alone (their moments too). Does not dispose `grads`.
   */
  update(grads: Map<string, tfTypes.Tensor>, options: AdamWStepOptions = {}): void {
    const tf = this.tf;
    const t = this.step + 1;
    const lr = options.lr ?? this.lr;
    const { beta1, beta2, eps } = this;
    const bc1 = 1 - beta1 ** t;
    const bc2 = 1 - beta2 ** t;
    const stepSize = lr / bc1;
    const invSqrtBc2 = 1 / Math.sqrt(bc2);
    tf.tidy(() => {
      const scale = options.gradScale;
      // With a clip factor c: m ← β₁m + (1−β₁)c·g, v ← β₂v + (1−β₂)c²·g².
      const gm = scale ? tf.mul(scale, 1 - beta1) : tf.scalar(1 - beta1);
      const gv = scale ? tf.mul(tf.square(scale), 1 - beta2) : tf.scalar(1 - beta2);
      for (const [name, grad] of grads) {
        const m = this.m.get(name);
        const v = this.v.get(name);
        if (!m || !v) continue;
        const p = this.params.get(name);
        const mNew = tf.add(tf.mul(m, beta1), tf.mul(grad, gm));
        const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), gv));
        const denom = tf.add(tf.mul(tf.sqrt(vNew), invSqrtBc2), eps);
        const decayed = this.decays.get(name) && this.weightDecay !== 0 ? tf.mul(p, 1 - lr * this.weightDecay) : p;
        const pNew = tf.sub(decayed, tf.mul(tf.div(mNew, denom), stepSize));
        m.assign(mNew);
        v.assign(vNew);
        p.assign(pNew);
      }
    });
    this.step = t;
  }

  state(): AdamWState {
    return { step: this.step, m: this.m, v: this.v };
  }

  dispose(): void {
    for (const x of this.m.values()) x.dispose();
    for (const x of this.v.values()) x.dispose();
    this.m.clear();
    this.v.clear();
  }
}

export interface CosineScheduleConfig {
  peakLr: number;
  /** Floor reached at totalSteps and kept after; default 0. */
  minLr?: number;
  warmupSteps: number;
  totalSteps: number;
}

/**
 * The learning rate of step t (1-based, Adam's t): peak·t/warmup while t ≤ warmup, then
 * minLr + ½(peak − minLr)(1 + cos(π·(t − warmup)/(total − warmup))), and minLr from total on.
 */
export function cosineSchedule(config: CosineScheduleConfig): (step: number) => number {
  const { peakLr, warmupSteps, totalSteps } = config;
  const minLr = config.minLr ?? 0;
  if (!(totalSteps > warmupSteps && warmupSteps >= 0)) {
    throw new ValidationError('totalSteps', `needs more steps (${totalSteps}) than warm-up steps (${warmupSteps})`);
  }
  return (step) => {
    if (step <= warmupSteps) return (peakLr * step) / warmupSteps;
    if (step >= totalSteps) return minLr;
    const progress = (step - warmupSteps) / (totalSteps - warmupSteps);
    return minLr + 0.5 * (peakLr - minLr) * (1 + Math.cos(Math.PI * progress));
  };
}

export interface ClipResult {
  /** The global L2 norm of the gradients before clipping (a scalar tensor; read it only if needed). */
  norm: tfTypes.Scalar;
  /** min(1, maxNorm / (norm + 1e-6)): the factor every gradient is multiplied by. */
  scale: tfTypes.Scalar;
}

/**
 * The clip factor for global-norm clipping, as torch.nn.utils.clip_grad_norm_ (norm over all
 * gradients together; factor maxNorm/(norm + 1e-6), capped at 1). Pass `scale` to
 * AdamW.update as gradScale, or multiply with scaleGrads.
 */
export function clipGradNorm(tf: Tfjs, grads: Map<string, tfTypes.Tensor>, maxNorm: number): ClipResult {
  return tf.tidy(() => {
    const squares = [...grads.values()].map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(squares.length === 1 ? squares[0]! : tf.addN(squares)) as tfTypes.Scalar;
    const scale = tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1) as tfTypes.Scalar;
    return { norm, scale };
  });
}

/** Gradients multiplied by a clip factor (new tensors; the inputs are not disposed). */
export function scaleGrads(tf: Tfjs, grads: Map<string, tfTypes.Tensor>, scale: tfTypes.Scalar): Map<string, tfTypes.Tensor> {
  const out = new Map<string, tfTypes.Tensor>();
  for (const [name, g] of grads) out.set(name, tf.mul(g, scale));
  return out;
}

export interface EmaConfig {
  /** Target decay, e.g. 0.999. */
  decay: number;
  /**
   * Warm the decay up as TF's ExponentialMovingAverage with num_updates:
   * decay_t = min(decay, (1 + t)/(10 + t)), so early averages are not dominated by the init.
   */
  warmup?: boolean;
}

/**
 * An exponential moving average of a collection: shadow ← d·shadow + (1 − d)·param. `shadow` is a
 * Params with the same names (not trainable), so any layer can run on it via `{ params: ema.shadow }`.
 */
export class Ema {
  readonly shadow: Params;
  updates = 0;

  constructor(
    readonly source: Params,
    readonly config: EmaConfig,
  ) {
    if (!(config.decay >= 0 && config.decay <= 1)) throw new ValidationError('decay', `${config.decay} is not in [0, 1]`);
    this.shadow = source.clone({ trainable: false });
  }

  /** The decay the next update will use. */
  currentDecay(): number {
    const t = this.updates + 1;
    return this.config.warmup ? Math.min(this.config.decay, (1 + t) / (10 + t)) : this.config.decay;
  }

  /** One update; `decay` overrides the configured (warmed-up) one, e.g. a momentum schedule. */
  update(decay = this.currentDecay()): void {
    const tf = this.source.tf;
    tf.tidy(() => {
      for (const entry of this.shadow.list()) {
        const p = this.source.get(entry.name);
        // shadow − (1 − d)(shadow − p): one fewer multiply than d·s + (1 − d)·p.
        entry.variable.assign(tf.sub(entry.variable, tf.mul(tf.sub(entry.variable, p), 1 - decay)));
      }
    });
    this.updates++;
  }

  dispose(): void {
    this.shadow.dispose();
  }
}

export interface TrainStepOptions {
  /** Global-norm clipping threshold; none when absent. */
  clipNorm?: number;
  /** Learning rate for this step (a schedule's value). */
  lr?: number;
  /** Read the pre-clip gradient norm back too (one more download). */
  readGradNorm?: boolean;
}

export interface TrainStepResult {
  loss: number;
  gradNorm?: number;
}

/**
 * One optimisation step: gradients of `lossFn` for the trainable parameters, optional clipping
 * folded into AdamW, the update, and one read of the loss. Everything else is freed.
 */
export function trainStep(optimizer: AdamW, lossFn: () => tfTypes.Scalar, options: TrainStepOptions = {}): TrainStepResult {
  const params = optimizer.params;
  const tf = params.tf;
  const { lossTensor, normTensor } = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(lossFn, params.trainableVariables());
    const named = params.byName(grads);
    let clip: ClipResult | undefined;
    if (options.clipNorm !== undefined) clip = clipGradNorm(tf, named, options.clipNorm);
    optimizer.update(named, { lr: options.lr, gradScale: clip?.scale });
    return { lossTensor: value, normTensor: clip?.norm };
  });
  const loss = lossTensor.dataSync()[0]!;
  lossTensor.dispose();
  let gradNorm: number | undefined;
  if (normTensor) {
    if (options.readGradNorm) gradNorm = normTensor.dataSync()[0]!;
    normTensor.dispose();
  }
  return gradNorm === undefined ? { loss } : { loss, gradNorm };
}
