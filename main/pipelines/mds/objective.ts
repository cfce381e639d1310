/**
 * The MDS objective (Burg, Zenkel et al. 2024; the reference's `contrastive_neuron_objective` and
 * `ContrastiveNeuronUnif`). For a stimulus x aimed at cluster k:
 *   r̃ₙ(x) = (fₙ(x) − sₙ) / (dₙ + 1e-6), dₙ clipped below at CLIP_DIV_PRED_MIN = 0.1 (defaults s 0, d 1);
 *   r̄ⱼ(x) = mean of r̃ over cluster j's neurons;
 *   Jₖ(x) = r̄ₖ/τ − log Σ_{j∈S} exp(r̄ⱼ/τ) + log |S|, S = {k} ∪ off-clusters (all other non-empty clusters),
 * i.e. the log of cluster k's softmax share relative to uniform (0 when all clusters respond alike,
 * below log |S| always). The loss minimised is −Jₖ, plus an optional Laplace smoothness penalty
 * (the reference's LaplaceLoss: 3×3 kernel, reflect padding of 2, mean of the squared response).
 *
 * `objectiveValue` is the plain-number form (the conformance vectors); `contrastiveLoss` is the tfjs
 * form for K stimuli at once: row k of the batch is cluster k's stimulus, so the sum of the K losses
 * has, for each stimulus, exactly the gradient of its own loss (rows never mix in the model).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../compute/activate.js';

export const CLIP_DIV_PRED_MIN = 0.1;
export const NORM_EPSILON = 1e-6;
/** The reference example's and open-retina's temperature (the class default is 1). */
export const DEFAULT_TEMPERATURE = 1.6;

/** Per-neuron normalisation of predictions before the objective (the reference's subt_pred / div_pred). */
export interface ResponseNormalisation {
  subtract?: ArrayLike<number>;
  divide?: ArrayLike<number>;
}

/** The normalised response of neuron n as the objective sees it. */
export function normaliseResponse(value: number, n: number, norm: ResponseNormalisation | undefined): number {
  const s = norm?.subtract ? norm.subtract[n]! : 0;
  const d = norm?.divide ? Math.max(norm.divide[n]!, CLIP_DIV_PRED_MIN) : 1;
  return (value - s) / (d + NORM_EPSILON);
}

/**
 * Jₖ for one response vector (one entry per neuron, cluster labels per neuron), as the reference
 * computes it: clusters without members are not in S; `offClusters` defaults to every other cluster.
 */
export function objectiveValue(
  responses: ArrayLike<number>,
  assignments: ArrayLike<number>,
  onCluster: number,
  options: { offClusters?: readonly number[]; temperature?: number; normalisation?: ResponseNormalisation } = {},
): number {
  const t = options.temperature ?? DEFAULT_TEMPERATURE;
  const sums = new Map<number, { sum: number; count: number }>();
  for (let n = 0; n < responses.length; n++) {
    const c = assignments[n]!;
    const entry = sums.get(c) ?? { sum: 0, count: 0 };
    entry.sum += normaliseResponse(responses[n]!, n, options.normalisation);
    entry.count++;
    sums.set(c, entry);
  }
  const on = sums.get(onCluster);
  if (!on) throw new RangeError(`objectiveValue: cluster ${onCluster} has no members`);
  const off = options.offClusters ?? [...sums.keys()].filter((c) => c !== onCluster);
  const inSet = [onCluster, ...off.filter((c) => c !== onCluster && sums.has(c))];
  const means = inSet.map((c) => sums.get(c)!.sum / sums.get(c)!.count / t);
  const max = Math.max(...means);
  const lse = max + Math.log(means.reduce((s, m) => s + Math.exp(m - max), 0));
  return means[0]! - lse + Math.log(inSet.length);
}

/**
 * Which neurons the objective reads and how they are grouped: `units` index the model's outputs
 * (a split's local clustering sees only the split cluster's neurons), `clusterOf[u]` is unit u's
 * cluster slot in 0…clusters−1, every slot non-empty.
 */
export interface ClusterLayout {
  readonly units: Int32Array;
  readonly clusterOf: Int32Array;
  readonly clusters: number;
}

/** Builds the layout from labels per unit (any non-negative ids); slots follow the sorted ids. */
export function layoutOf(units: Int32Array, labels: ArrayLike<number>): { layout: ClusterLayout; ids: number[] } {
  const ids = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  const slot = new Map(ids.map((id, i) => [id, i]));
  const clusterOf = Int32Array.from(Array.from(labels), (l) => slot.get(l)!);
  return { layout: { units, clusterOf, clusters: ids.length }, ids };
}

export interface LossOptions {
  temperature: number;
  normalisation?: ResponseNormalisation;
  /** Laplace smoothness weight (0: off, the reference's default). */
  smoothness?: number;
}

/** Constant tensors of a layout, built once per optimisation and disposed by the caller. */
export interface LossConstants {
  readonly units: tfTypes.Tensor1D;
  /** [units, clusters], column c = 1/|C_c| on c's members. */
  readonly meanWeights: tfTypes.Tensor2D;
  readonly subtract: tfTypes.Tensor1D | null;
  readonly scale: tfTypes.Tensor1D | null;
  readonly logSetSize: number;
  dispose(): void;
}

export function lossConstants(tf: Tfjs, layout: ClusterLayout, norm?: ResponseNormalisation): LossConstants {
  const u = layout.units.length;
  const k = layout.clusters;
  const counts = new Float64Array(k);
  for (const c of layout.clusterOf) counts[c]!++;
  const w = new Float32Array(u * k);
  for (let i = 0; i < u; i++) w[i * k + layout.clusterOf[i]!] = 1 / counts[layout.clusterOf[i]!]!;
  const units = tf.tensor1d(layout.units, 'int32');
  const meanWeights = tf.tensor2d(w, [u, k]);
  const subtract = norm?.subtract ? tf.tensor1d(Float32Array.from(layout.units, (n) => norm.subtract![n]!)) : null;
  const scale = norm?.divide ? tf.tensor1d(Float32Array.from(layout.units, (n) => 1 / (Math.max(norm.divide![n]!, CLIP_DIV_PRED_MIN) + NORM_EPSILON))) : null;
  return {
    units,
    meanWeights,
    subtract,
    scale,
    logSetSize: Math.log(k),
    dispose() {
      for (const t of [units, meanWeights, subtract, scale]) t?.dispose();
    },
  };
}

/**
 * −J for each row of `responses` [K, neurons] (raw model outputs), row k aimed at cluster slot
 * `onSlot[k]` (a one-hot [K, clusters] tensor), S = all clusters of the layout. Returns [K].
 */
export function contrastiveLoss(tf: Tfjs, responses: tfTypes.Tensor2D, onSlots: tfTypes.Tensor2D, constants: LossConstants, temperature: number): tfTypes.Tensor1D {
  return tf.tidy(() => {
    let r = tf.gather(responses, constants.units, 1) as tfTypes.Tensor2D;
    if (constants.subtract) r = tf.sub(r, constants.subtract);
    r = constants.scale ? tf.mul(r, constants.scale) : tf.div(r, 1 + NORM_EPSILON);
    const means = tf.div(tf.matMul(r, constants.meanWeights), temperature) as tfTypes.Tensor2D;
    const on = tf.sum(tf.mul(means, onSlots), 1);
    const j = tf.add(tf.sub(on, tf.logSumExp(means, 1)), constants.logSetSize);
    return tf.neg(j) as tfTypes.Tensor1D;
  });
}

/**
 * The reference's LaplaceLoss per stimulus: x [K, frames, H, W, C]; each frame and channel is a 2-D
 * image, reflect-padded by 2, filtered by [[.25,.5,.25],[.5,−3,.5],[.25,.5,.25]] (valid), and the mean
 * of the squared response is taken over everything of stimulus k. Returns [K].
 */
export function laplaceLoss(tf: Tfjs, x: tfTypes.Tensor5D): tfTypes.Tensor1D {
  return tf.tidy(() => {
    const [k, f, h, w, c] = x.shape;
    const images = tf.reshape(tf.transpose(x, [0, 1, 4, 2, 3]), [k * f * c, h, w, 1]) as tfTypes.Tensor4D;
    const padded = tf.mirrorPad(images, [[0, 0], [2, 2], [2, 2], [0, 0]], 'reflect');
    const kernel = tf.tensor4d([0.25, 0.5, 0.25, 0.5, -3, 0.5, 0.25, 0.5, 0.25], [3, 3, 1, 1]);
    const filtered = tf.conv2d(padded, kernel, 1, 'valid');
    return tf.mean(tf.reshape(tf.square(filtered), [k, -1]), 1) as tfTypes.Tensor1D;
  });
}
