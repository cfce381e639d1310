/**
 * Linear probing of pooled encoder features, as the reference's `main_linprobe.py` does it
 * (Eric-LRL/Brain-JEPA, itself MAE's recipe):
 *
 *   features = LayerNorm(mean over tokens)      — `fc_norm`, frozen at its init (weight 1, bias 0),
 *                                                  because the pretraining checkpoint has no fc_norm
 *   logits   = Linear(BatchNorm1d(features, affine=False, eps=1e-6))
 *
 * trained with cross-entropy by LARS (momentum 0.9, trust coefficient 0.001, weight decay on the
 * weight matrix only), batch 64 without drop_last, a per-iteration half-cosine learning rate from
 * blr·batch/256 to min_lr with no warm-up, 50 epochs; the weight starts trunc-normal(0.01), the bias
 * at 0. The pooled features are fixed, so this is plain TypeScript over a D × C head: no tensors,
 * no backend, exactly reproducible.
 *
 * A note for whoever reads the results: with the reference's blr 1e-3, LARS's trust ratio scales the
 * weight's step to trust·‖W‖ ≈ 1e-3·‖W‖ per unit of lr, i.e. a relative change of ~2.5e-7 per step,
 * so in 50 epochs of a cohort this size the weight barely moves and the probe lives on its bias and
 * its random initial weight. That is the reference recipe, reported as such; the logistic-regression
 * probe on the same features (evaluate.ts) is the one that shows what the features hold.
 */
import { ValidationError } from '../../errors.js';
import { randomPermutation, seededRandom, type Random } from '../../../shared/random.js';

export const PROBE_LN_EPS = 1e-6;
export const PROBE_BN_EPS = 1e-6;
/** torch.nn.BatchNorm1d's default running-statistics momentum. */
const BN_MOMENTUM = 0.1;

export interface LinearProbeOptions {
  epochs: number;
  batchSize: number;
  /** Base learning rate; the actual one is blr · batchSize / 256 (MAE's linear scaling rule). */
  blr: number;
  minLr: number;
  weightDecay: number;
  momentum: number;
  trustCoefficient: number;
  seed: number;
}

/** `run_downstream_LP_hca_sex.sh` + `configs/downstream/fine_tune.yaml` + LARS's defaults. */
export const REFERENCE_LINEAR_PROBE: LinearProbeOptions = {
  epochs: 50,
  batchSize: 64,
  blr: 1e-3,
  minLr: 1e-6,
  weightDecay: 0.05,
  momentum: 0.9,
  trustCoefficient: 0.001,
  seed: 0,
};

export interface LinearProbe {
  features: number;
  classes: number;
  /** BatchNorm running statistics (unbiased variance, as torch keeps them). */
  runningMean: Float64Array;
  runningVar: Float64Array;
  /** [classes × features], torch's Linear layout. */
  weight: Float64Array;
  bias: Float64Array;
  /** Mean cross-entropy of each epoch's batches. */
  lossCurve: number[];
}

/** Row-wise LayerNorm without affine (biased variance, eps 1e-6), as a frozen fc_norm. */
export function layerNormRows(x: Float64Array, rows: number, width: number, eps = PROBE_LN_EPS): Float64Array {
  checkMatrix(x, rows, width, 'features');
  const out = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    let mean = 0;
    for (let j = 0; j < width; j++) mean += x[o + j]!;
    mean /= width;
    let variance = 0;
    for (let j = 0; j < width; j++) variance += (x[o + j]! - mean) ** 2;
    const inv = 1 / Math.sqrt(variance / width + eps);
    for (let j = 0; j < width; j++) out[o + j] = (x[o + j]! - mean) * inv;
  }
  return out;
}

/**
 * timm's trunc_normal_(std) cuts at the absolute bounds a = −2, b = 2, which for std 0.01 is 200σ:
 * in effect an untruncated normal, drawn here by Box–Muller (rejecting beyond the bounds all the same).
 */
function truncatedNormal(random: Random, std: number): number {
  for (;;) {
    const u = 1 - random();
    const v = random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) * std;
    if (Math.abs(z) <= 2) return z;
  }
}

/** The initial head: weight trunc-normal(0.01), bias 0, BN running stats at (0, 1). */
export function initialProbe(features: number, classes: number, seed: number): LinearProbe {
  const random = seededRandom(seed);
  return {
    features,
    classes,
    runningMean: new Float64Array(features),
    runningVar: new Float64Array(features).fill(1),
    weight: Float64Array.from({ length: classes * features }, () => truncatedNormal(random, 0.01)),
    bias: new Float64Array(classes),
    lossCurve: [],
  };
}

/** MAE's `adjust_learning_rate` with no warm-up, at a fractional epoch. */
export function probeLearningRate(options: LinearProbeOptions, epoch: number): number {
  const lr = (options.blr * options.batchSize) / 256;
  return options.minLr + (lr - options.minLr) * 0.5 * (1 + Math.cos((Math.PI * epoch) / options.epochs));
}

/**
 * Trains the head on `rows` of x (n × d, already layer-normed) with integer labels y (0 … classes−1).
 * `batchOrder(epoch)` gives each epoch's sample order (indices into `rows`); by default a seeded
 * shuffle, as the reference's shuffling loader. A batch of one sample is refused where torch's
 * BatchNorm1d would raise.
 */
export function trainLinearProbe(
  x: Float64Array,
  width: number,
  y: Int32Array,
  classes: number,
  rows: readonly number[],
  options: LinearProbeOptions = REFERENCE_LINEAR_PROBE,
  batchOrder?: (epoch: number) => Int32Array,
  initial?: LinearProbe,
): LinearProbe {
  const n = y.length;
  checkMatrix(x, n, width, 'features');
  if (rows.length < 2) throw new ValidationError('rows', `a linear probe needs at least 2 training subjects, got ${rows.length}`);
  for (const r of rows) {
    if (!(r >= 0 && r < n)) throw new ValidationError('rows', `subject index ${r} is outside 0…${n - 1}`);
    if (!(y[r]! >= 0 && y[r]! < classes)) throw new ValidationError('labels', `subject ${r} has class ${y[r]}, expected 0…${classes - 1}`);
  }
  const probe = initial ? cloneProbe(initial) : initialProbe(width, classes, options.seed);
  const shuffle = seededRandom(options.seed ^ 0x5eed);
  const order = batchOrder ?? (() => randomPermutation(rows.length, shuffle));
  const momentumW = new Float64Array(probe.weight.length);
  const momentumB = new Float64Array(classes);
  const batchesPerEpoch = Math.ceil(rows.length / options.batchSize);

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const perm = order(epoch);
    let lossSum = 0;
    for (let b = 0; b < batchesPerEpoch; b++) {
      const batch = Array.from(perm.subarray(b * options.batchSize, (b + 1) * options.batchSize), (k) => rows[k]!);
      if (batch.length < 2) throw new ValidationError('batchSize', `a final batch of one subject (${rows.length} training subjects, batch ${options.batchSize}): BatchNorm needs two`);
      const lr = probeLearningRate(options, b / batchesPerEpoch + epoch);
      lossSum += probeStep(probe, x, width, y, batch, lr, options, momentumW, momentumB);
    }
    probe.lossCurve.push(lossSum / batchesPerEpoch);
  }
  return probe;
}

/** One LARS step on one batch; returns the batch's mean cross-entropy. */
function probeStep(
  probe: LinearProbe,
  x: Float64Array,
  d: number,
  y: Int32Array,
  batch: readonly number[],
  lr: number,
  options: LinearProbeOptions,
  momentumW: Float64Array,
  momentumB: Float64Array,
): number {
  const m = batch.length;
  const c = probe.classes;
  // BatchNorm in training mode: batch mean and biased variance normalise; the running variance is unbiased.
  const mean = new Float64Array(d);
  const variance = new Float64Array(d);
  for (const r of batch) for (let j = 0; j < d; j++) mean[j] = mean[j]! + x[r * d + j]!;
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / m;
  for (const r of batch) for (let j = 0; j < d; j++) variance[j] = variance[j]! + (x[r * d + j]! - mean[j]!) ** 2;
  for (let j = 0; j < d; j++) {
    const biased = variance[j]! / m;
    probe.runningMean[j] = (1 - BN_MOMENTUM) * probe.runningMean[j]! + BN_MOMENTUM * mean[j]!;
    probe.runningVar[j] = (1 - BN_MOMENTUM) * probe.runningVar[j]! + (BN_MOMENTUM * variance[j]!) / (m - 1);
    variance[j] = biased;
  }
  const gradW = new Float64Array(c * d);
  const gradB = new Float64Array(c);
  const normed = new Float64Array(d);
  const logits = new Float64Array(c);
  let loss = 0;
  for (const r of batch) {
    for (let j = 0; j < d; j++) normed[j] = (x[r * d + j]! - mean[j]!) / Math.sqrt(variance[j]! + PROBE_BN_EPS);
    const p = softmaxInto(probe, normed, logits);
    loss -= Math.log(Math.max(p[y[r]!]!, Number.MIN_VALUE));
    for (let k = 0; k < c; k++) {
      const g = (p[k]! - (k === y[r] ? 1 : 0)) / m;
      gradB[k] = gradB[k]! + g;
      for (let j = 0; j < d; j++) gradW[k * d + j] = gradW[k * d + j]! + g * normed[j]!;
    }
  }
  // LARS (MAE's util/lars.py): weight decay and the trust ratio on matrices only; momentum on all.
  let paramNorm = 0;
  let updateNorm = 0;
  for (let i = 0; i < gradW.length; i++) {
    gradW[i] = gradW[i]! + options.weightDecay * probe.weight[i]!;
    paramNorm += probe.weight[i]! ** 2;
    updateNorm += gradW[i]! ** 2;
  }
  paramNorm = Math.sqrt(paramNorm);
  updateNorm = Math.sqrt(updateNorm);
  const q = paramNorm > 0 && updateNorm > 0 ? (options.trustCoefficient * paramNorm) / updateNorm : 1;
  for (let i = 0; i < gradW.length; i++) {
    momentumW[i] = options.momentum * momentumW[i]! + q * gradW[i]!;
    probe.weight[i] = probe.weight[i]! - lr * momentumW[i]!;
  }
  for (let k = 0; k < c; k++) {
    momentumB[k] = options.momentum * momentumB[k]! + gradB[k]!;
    probe.bias[k] = probe.bias[k]! - lr * momentumB[k]!;
  }
  return loss / m;
}

function softmaxInto(probe: LinearProbe, normed: Float64Array, logits: Float64Array): Float64Array {
  const d = probe.features;
  let max = -Infinity;
  for (let k = 0; k < probe.classes; k++) {
    let s = probe.bias[k]!;
    for (let j = 0; j < d; j++) s += probe.weight[k * d + j]! * normed[j]!;
    logits[k] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  const p = new Float64Array(probe.classes);
  for (let k = 0; k < probe.classes; k++) sum += p[k] = Math.exp(logits[k]! - max);
  for (let k = 0; k < probe.classes; k++) p[k] = p[k]! / sum;
  return p;
}

/** Evaluation-mode logits (BatchNorm on its running statistics) of `rows`: rows.length × classes. */
export function probeLogits(probe: LinearProbe, x: Float64Array, width: number, rows: readonly number[]): Float64Array {
  if (width !== probe.features) throw new ValidationError('features', `the probe takes ${probe.features} features, got ${width}`);
  const out = new Float64Array(rows.length * probe.classes);
  const normed = new Float64Array(width);
  rows.forEach((r, i) => {
    for (let j = 0; j < width; j++) normed[j] = (x[r * width + j]! - probe.runningMean[j]!) / Math.sqrt(probe.runningVar[j]! + PROBE_BN_EPS);
    for (let k = 0; k < probe.classes; k++) {
      let s = probe.bias[k]!;
      for (let j = 0; j < width; j++) s += probe.weight[k * width + j]! * normed[j]!;
      out[i * probe.classes + k] = s;
    }
  });
  return out;
}

function cloneProbe(p: LinearProbe): LinearProbe {
  return {
    ...p,
    runningMean: Float64Array.from(p.runningMean),
    runningVar: Float64Array.from(p.runningVar),
    weight: Float64Array.from(p.weight),
    bias: Float64Array.from(p.bias),
    lossCurve: [...p.lossCurve],
  };
}

function checkMatrix(x: Float64Array, rows: number, width: number, field: string): void {
  if (!(Number.isInteger(width) && width > 0)) throw new ValidationError(field, `width must be a positive integer, got ${width}`);
  if (x.length !== rows * width) throw new ValidationError(field, `${rows} rows × ${width} need ${rows * width} values, got ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new ValidationError(field, `row ${Math.floor(i / width)}, column ${i % width} is ${x[i]}`);
  }
}
