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
import { ADAMW_KERNEL, GLOBAL_NORM_KERNEL, LERP_KERNEL, fusedKernelsFor, runFused } from './fused.js';
import type { ParamEntry, ParamSnapshot, Params } from './params.js';

/** Values per fused AdamW call (16 MB of float32): bounds the update's memory beyond the model. */
const FUSED_GROUP_ELEMENTS = 1 << 22;
/**
 * Tensors this large or larger are updated with ops, one tidy each: per element the fused
 * JavaScript pass is slower than wasm's kernels (AdamW over 20 × 100 000 values: 23 ms against
 * 18 ms CPU), while for many small tensors the per-kernel cost of the op path dominates
 * (70 × 2 000: fused 7.4 ms against 10.4 ms).
 */
const FUSED_MAX_ELEMENTS = 1 << 15;

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
  /** A scalar tensor multiplying every gradient (e.g. the factor of clipGradNorm). */
  gradScale?: tfTypes.Scalar;
  /** Clip the global gradient norm to this first (as clip_grad_norm_), on the flat gradient. */
  clipNorm?: number;
}

export interface AdamWStepResult {
  /** The global gradient norm before clipping, when clipNorm was given (read it only if needed). */
  gradNorm?: tfTypes.Scalar;
}

/**
 * AdamW over a parameter collection. The moments are one pair of variables per trainable
 * parameter. On wasm and cpu the clip norm is one fused kernel over all gradients and the small
 * parameters (biases, norms, small matrices) are updated by one fused kernel per group (fused.ts);
 * the large ones, and every parameter elsewhere, by 13 small kernels, each parameter in its own
 * tidy (one tidy over all of Brain-JEPA small's 32 M parameters held 1.3 GB of temporaries). (A flat state over all parameters would need
 * fewer kernels on the op path but has to slice the result back, and slicing a large tensor on
 * wasm copies all of it per slice.)
 */
export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  lr: number;
  /** Steps taken (Adam's t after the last update). */
  step = 0;
  private readonly names: string[];
  private readonly m = new Map<string, tfTypes.Variable>();
  private readonly v = new Map<string, tfTypes.Variable>();
  private readonly decayed = new Map<string, boolean>();
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
    const trainable = params.trainable();
    this.names = trainable.map((e) => e.name);
    tf.tidy(() => {
      for (const entry of trainable) {
        this.m.set(entry.name, tf.variable(tf.zeros(entry.shape as number[]), false));
        this.v.set(entry.name, tf.variable(tf.zeros(entry.shape as number[]), false));
        this.decayed.set(entry.name, rule(entry));
      }
    });
  }

  /** Whether the weight decay applies to parameter `name`. */
  isDecayed(name: string): boolean {
    return this.decayed.get(name) ?? false;
  }

  /** The names and shapes of the parameters this optimiser updates. */
  shapes(): Map<string, number[]> {
    return new Map(this.names.map((name) => [name, [...this.m.get(name)!.shape]]));
  }

  /** The first and second moments per parameter, copied to JS (synchronous read: not WebGPU). */
  moments(): { m: ParamSnapshot; v: ParamSnapshot } {
    const read = (vars: Map<string, tfTypes.Variable>): ParamSnapshot =>
      new Map([...vars].map(([name, x]) => [name, { shape: [...x.shape], values: Float32Array.from(x.dataSync() as Float32Array) }]));
    return { m: read(this.m), v: read(this.v) };
  }

  /** moments() with asynchronous reads (every backend). */
  async momentsAsync(): Promise<{ m: ParamSnapshot; v: ParamSnapshot }> {
    const read = async (vars: Map<string, tfTypes.Variable>): Promise<ParamSnapshot> => {
      const out: ParamSnapshot = new Map();
      for (const [name, x] of vars) out.set(name, { shape: [...x.shape], values: Float32Array.from((await x.data()) as Float32Array) });
      return out;
    };
    return { m: await read(this.m), v: await read(this.v) };
  }

  /** Sets the moments (every parameter, sizes checked) and the step. */
  setMoments(m: ParamSnapshot, v: ParamSnapshot, step: number): void {
    for (const [group, saved] of [['adam.m', m], ['adam.v', v]] as const) {
      for (const name of this.names) {
        const t = saved.get(name);
        if (!t || t.values.length !== this.m.get(name)!.size) throw new ValidationError(name, `${group} missing or of the wrong size`);
      }
    }
    const tf = this.tf;
    tf.tidy(() => {
      for (const name of this.names) {
        const shape = [...this.m.get(name)!.shape];
        this.m.get(name)!.assign(tf.tensor(m.get(name)!.values, shape, 'float32'));
        this.v.get(name)!.assign(tf.tensor(v.get(name)!.values, shape, 'float32'));
      }
    });
    this.step = step;
  }

  /**
   * One update from gradients keyed by parameter name (Params.byName of tf.variableGrads), as
   * torch.optim.AdamW. A parameter without a gradient is left alone, moments included (as PyTorch
   * skips a None grad). Does not dispose `grads`.
   */
  update(grads: Map<string, tfTypes.Tensor>, options: AdamWStepOptions = {}): AdamWStepResult {
    const tf = this.tf;
    const present = this.names.filter((name) => grads.has(name));
    if (present.length === 0) return {};
    const t = this.step + 1;
    const lr = options.lr ?? this.lr;
    const { beta1, beta2, eps } = this;
    const bc1 = 1 - beta1 ** t;
    const bc2 = 1 - beta2 ** t;
    // p ← p·(1 − lr·wd) − (lr/bc1)·m / (√v/√bc2 + eps)  =  … − (lr·√bc2/bc1)·m / (√v + eps·√bc2)
    const stepSize = (lr * Math.sqrt(bc2)) / bc1;
    const epsHat = eps * Math.sqrt(bc2);
    const fused = fusedKernelsFor(tf);
    const gradNorm = tf.tidy(() => {
      let scale = options.gradScale;
      let norm: tfTypes.Scalar | undefined;
      if (options.clipNorm !== undefined) {
        let clip: tfTypes.Scalar;
        if (fused) {
          // One pass over every gradient: the norm and the clip factor.
          const inputs: Record<string, tfTypes.Tensor> = {};
          present.forEach((name, i) => (inputs[`g${i}`] = grads.get(name)!));
          [norm, clip] = runFused(tf, GLOBAL_NORM_KERNEL, inputs, { count: present.length, clipNorm: options.clipNorm }) as [tfTypes.Scalar, tfTypes.Scalar];
        } else {
          // The global norm over one concatenated copy of the gradients: 3 kernels, not 2 per parameter.
          const flat = tf.concat(present.map((name) => tf.reshape(grads.get(name)!, [-1])));
          norm = tf.sqrt(tf.sum(tf.square(flat))) as tfTypes.Scalar;
          clip = tf.minimum(tf.div(options.clipNorm, tf.add(norm, 1e-6)), 1) as tfTypes.Scalar;
        }
        scale = scale ? (tf.mul(scale, clip) as tfTypes.Scalar) : clip;
      }
      if (fused) {
        // Small tensors in fused groups (where the engine's per-kernel cost dominates), large ones
        // with ops, which beat a JavaScript pass over the heap per element (see FUSED_MAX_ELEMENTS).
        const small = present.filter((name) => this.m.get(name)!.size < FUSED_MAX_ELEMENTS);
        const large = present.filter((name) => this.m.get(name)!.size >= FUSED_MAX_ELEMENTS);
        this.fusedUpdate(small, grads, scale, lr, stepSize, epsHat);
        this.opsUpdate(large, grads, scale, lr, stepSize, epsHat);
      } else this.opsUpdate(present, grads, scale, lr, stepSize, epsHat);
      return norm ? tf.keep(norm) : undefined;
    });
    this.step = t;
    return gradNorm ? { gradNorm } : {};
  }

  /**
   * The update with the fused kernel, in groups of at most FUSED_GROUP_ELEMENTS values: each
   * group's new weights and moments replace the old ones before the next group is computed, so the
   * update needs at most one group's worth of memory beyond the model.
   */
  private fusedUpdate(present: string[], grads: Map<string, tfTypes.Tensor>, scale: tfTypes.Scalar | undefined, lr: number, stepSize: number, epsHat: number): void {
    const tf = this.tf;
    const decayFactor = 1 - lr * this.weightDecay;
    let start = 0;
    while (start < present.length) {
      let end = start;
      let elements = 0;
      while (end < present.length && (end === start || elements + this.m.get(present[end]!)!.size <= FUSED_GROUP_ELEMENTS)) {
        elements += this.m.get(present[end]!)!.size;
        end++;
      }
      const group = present.slice(start, end);
      tf.tidy(() => {
        const inputs: Record<string, tfTypes.Tensor> = scale ? { scale } : {};
        group.forEach((name, i) => {
          inputs[`p${i}`] = this.params.get(name);
          inputs[`g${i}`] = grads.get(name)!;
          inputs[`m${i}`] = this.m.get(name)!;
          inputs[`v${i}`] = this.v.get(name)!;
        });
        const decay = group.map((name) => (this.weightDecay !== 0 && this.decayed.get(name) ? decayFactor : 1));
        const out = runFused(tf, ADAMW_KERNEL, inputs, { count: group.length, beta1: this.beta1, beta2: this.beta2, stepSize, epsHat, decay });
        const n = group.length;
        group.forEach((name, i) => {
          this.params.get(name).assign(out[i]!);
          this.m.get(name)!.assign(out[n + i]!);
          this.v.get(name)!.assign(out[2 * n + i]!);
        });
      });
      start = end;
    }
  }

  /** The update with tfjs ops (backends without the fused kernel), one tidy per parameter. */
  private opsUpdate(present: string[], grads: Map<string, tfTypes.Tensor>, scale: tfTypes.Scalar | undefined, lr: number, stepSize: number, epsHat: number): void {
    const tf = this.tf;
    const { beta1, beta2 } = this;
    // With a gradient factor c: m ← β₁m + (1−β₁)c·g, v ← β₂v + (1−β₂)c²·g².
    const gm = scale ? tf.mul(scale, 1 - beta1) : tf.scalar(1 - beta1);
    const gv = scale ? tf.mul(tf.square(scale), 1 - beta2) : tf.scalar(1 - beta2);
    const decay = tf.scalar(1 - lr * this.weightDecay);
    for (const name of present) {
      // Its own tidy: the intermediates of one parameter are freed before the next is computed.
      tf.tidy(() => {
        const g = grads.get(name)!;
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        const p = this.params.get(name);
        const mNew = tf.add(tf.mul(m, beta1), tf.mul(g, gm));
        const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), gv));
        const decayed = this.weightDecay !== 0 && this.decayed.get(name) ? tf.mul(p, decay) : p;
        const pNew = tf.sub(decayed, tf.mul(tf.div(mNew, tf.add(tf.sqrt(vNew), epsHat)), stepSize));
        m.assign(mNew);
        v.assign(vNew);
        p.assign(pNew);
      });
    }
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

/**
 * a ← a + w·(b − a) for every pair (a variable, b a tensor of its shape): the EMA of weights with
 * w = 1 − decay. Small tensors in one fused kernel per group on wasm and cpu (fused.ts), the others
 * with 3 kernels each, each pair in its own tidy so that no more than one pair's intermediates are
 * alive (one tidy over all of Brain-JEPA small's encoder held 3 copies of it).
 */
export function lerpVariables(tf: Tfjs, all: readonly (readonly [tfTypes.Variable, tfTypes.Tensor])[], weight: number): void {
  const fused = fusedKernelsFor(tf);
  const pairs = fused ? all.filter(([a]) => a.size < FUSED_MAX_ELEMENTS) : [];
  for (const [a, b] of all) {
    if (fused && a.size < FUSED_MAX_ELEMENTS) continue;
    tf.tidy(() => a.assign(tf.sub(a, tf.mul(tf.sub(a, b), weight))));
  }
  let start = 0;
  while (start < pairs.length) {
    let end = start;
    let elements = 0;
    while (end < pairs.length && (end === start || elements + pairs[end]![0].size <= FUSED_GROUP_ELEMENTS)) elements += pairs[end++]![0].size;
    const group = pairs.slice(start, end);
    tf.tidy(() => {
      const inputs: Record<string, tfTypes.Tensor> = {};
      group.forEach(([a, b], i) => {
        inputs[`a${i}`] = a;
        inputs[`b${i}`] = b;
      });
      const out = runFused(tf, LERP_KERNEL, inputs, { count: group.length, weight });
      group.forEach(([a], i) => a.assign(out[i]!));
    });
    start = end;
  }
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
    lerpVariables(
      this.source.tf,
      this.shadow.list().map((entry) => [entry.variable, this.source.get(entry.name)]),
      1 - decay,
    );
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
 * One optimisation step without any read-back: gradients of `lossFn` for the trainable
 * parameters, optional clipping folded into AdamW, the update. Returns the loss (and the pre-clip
 * gradient norm when clipping) as scalar tensors the caller reads and disposes.
 */
export function trainStepTensors(optimizer: AdamW, lossFn: () => tfTypes.Scalar, options: TrainStepOptions = {}): { loss: tfTypes.Scalar; gradNorm?: tfTypes.Scalar } {
  const params = optimizer.params;
  const tf = params.tf;
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(lossFn, params.trainableVariables());
    const { gradNorm } = optimizer.update(params.byName(grads), { lr: options.lr, clipNorm: options.clipNorm });
    return gradNorm ? { loss: value, gradNorm } : { loss: value };
  });
}

/** trainStepTensors, then one synchronous read of the loss (cpu, wasm; not WebGPU under Node). */
export function trainStep(optimizer: AdamW, lossFn: () => tfTypes.Scalar, options: TrainStepOptions = {}): TrainStepResult {
  const { loss, gradNorm } = trainStepTensors(optimizer, lossFn, options);
  const result: TrainStepResult = { loss: loss.dataSync()[0]! };
  if (gradNorm && options.readGradNorm) result.gradNorm = gradNorm.dataSync()[0]!;
  loss.dispose();
  gradNorm?.dispose();
  return result;
}

/** trainStepTensors, then an asynchronous read of the loss: works on every backend (WebGPU included). */
export async function trainStepAsync(optimizer: AdamW, lossFn: () => tfTypes.Scalar, options: TrainStepOptions = {}): Promise<TrainStepResult> {
  const { loss, gradNorm } = trainStepTensors(optimizer, lossFn, options);
  try {
    const result: TrainStepResult = { loss: (await loss.data())[0]! };
    if (gradNorm && options.readGradNorm) result.gradNorm = (await gradNorm.data())[0]!;
    return result;
  } finally {
    loss.dispose();
    gradNorm?.dispose();
  }
}
