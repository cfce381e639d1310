/**
 * The probe's ROI importance (#19: "the probe's ROI importance painted on the atlas"): which ROIs a
 * fold's probe leans on. Both probes of evaluate.ts are linear in the layer-normalised pooled
 * features p̂ = LN(mean over tokens):
 *
 *   linear probe          logit₁ − logit₀ = Σⱼ (W₁ⱼ − W₀ⱼ) / √(runningVarⱼ + ε) · p̂ⱼ + const
 *   logistic regression   decision        = Σⱼ wⱼ / scaleⱼ · p̂ⱼ + const
 *
 * so each is a direction `a` over p̂. Its score s(x) = a · LN(pooled(x)) is differentiated through
 * the frozen encoder to the input crop x [R × frames] (tf.grad; the subjects of a batch are
 * independent: the encoder has no batch statistics), and an ROI's importance for one subject is
 * |Σ_t x_rt · ∂s/∂x_rt| — gradient × input summed over the ROI's frames: to first order, how much the
 * score would change if the ROI's signal were replaced by zero (its mean, on demeaned or z-scored
 * crops), i.e. occlusion of the ROI for the price of one backward pass instead of R forward passes.
 * Per fold: averaged over the fold's held-out subjects and normalised to shares summing to 1, so
 * folds whose probes differ in scale count alike (uniform is 1/R). Over folds: the mean share, and
 * how much the folds agree (mean pairwise Pearson correlation of their maps), which says whether the
 * mean is more than noise — with the reference's LARS probe, whose weight hardly leaves its random
 * init (probe.ts), expect little agreement.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../compute/activate.js';
import { ValidationError } from '../../errors.js';
import { forEachCentreBatch, type FeatureInput } from './features.js';
import type { JepaSeries } from './data.js';
import type { JepaModel } from './model.js';
import { PROBE_BN_EPS, PROBE_LN_EPS, type LinearProbe } from './probe.js';

/** The linear probe's score direction over LN(pooled): (W₁ − W₀) through the BatchNorm's running statistics. */
export function linearProbeDirection(probe: LinearProbe): Float64Array {
  if (probe.classes !== 2) throw new ValidationError('probe', `ROI importance needs a two-class probe, this one has ${probe.classes} classes`);
  const d = probe.features;
  return Float64Array.from({ length: d }, (_, j) => (probe.weight[d + j]! - probe.weight[j]!) / Math.sqrt(probe.runningVar[j]! + PROBE_BN_EPS));
}

/** Logistic regression on standardised LN(pooled): its weights through the standardisation's scale. */
export function logisticDirection(weights: Float64Array, scale: Float64Array): Float64Array {
  if (weights.length !== scale.length) throw new ValidationError('weights', `${weights.length} weights for ${scale.length} scales`);
  return Float64Array.from(weights, (w, j) => w / scale[j]!);
}

/** Pooled features of a batch [B, R, T] → [B, D], differentiable (a model's target or context encoder, or a test's stand-in). */
export type PooledFunction = (x: tfTypes.Tensor3D) => tfTypes.Tensor2D;

/** The model's pooled features, as pooledFeatures reads them ('target': the EMA encoder; 'encoder': the context encoder). */
export function modelPooled(tf: Tfjs, model: JepaModel, which: 'target' | 'encoder'): PooledFunction {
  return (x) => (which === 'target' ? model.pooled(x) : (tf.mean(model.features(x, 'encoder'), 1) as tfTypes.Tensor2D));
}

/** Per-subject score a · LN(pooled(x)) [B] (the probe's frozen fc_norm: no affine, biased variance). */
export function probeScore(tf: Tfjs, pooled: PooledFunction, direction: Float64Array): (x: tfTypes.Tensor3D) => tfTypes.Tensor1D {
  return (x) =>
    tf.tidy(() => {
      const p = pooled(x);
      if (p.shape[1] !== direction.length) throw new ValidationError('direction', `${direction.length} weights for ${p.shape[1]} pooled features`);
      const { mean, variance } = tf.moments(p, 1, true);
      const normed = tf.mul(tf.sub(p, mean), tf.rsqrt(tf.add(variance, PROBE_LN_EPS)));
      return tf.sum(tf.mul(normed, tf.tensor1d(Float32Array.from(direction))), 1) as tfTypes.Tensor1D;
    });
}

/**
 * One fold's map: per ROI the mean over `subjects` of |Σ_t x_rt · ∂s/∂x_rt|, as shares summing to 1
 * (all zeros when the score does not depend on the input at all).
 */
export async function roiImportance(tf: Tfjs, score: (x: tfTypes.Tensor3D) => tfTypes.Tensor1D, series: readonly JepaSeries[], input: FeatureInput, shape: { rois: number; frames: number }, batchSize = 16): Promise<Float64Array> {
  if (series.length === 0) throw new ValidationError('subjects', 'ROI importance needs at least one subject');
  const { rois } = shape;
  const sums = new Float64Array(rois);
  // Σ over the batch: each subject's score depends on its own input only, so ∂(Σ s)/∂x_b = ∂s_b/∂x_b.
  const gradient = tf.grad((x: tfTypes.Tensor) => tf.sum(score(x as tfTypes.Tensor3D)));
  await forEachCentreBatch(tf, series, input, shape, batchSize, async (x) => {
    const attribution = tf.tidy(() => tf.abs(tf.sum(tf.mul(gradient(x), x), 2)));
    try {
      const values = await attribution.data();
      for (let k = 0; k < values.length; k++) sums[k % rois] = sums[k % rois]! + values[k]!;
    } finally {
      attribution.dispose();
    }
  });
  let total = 0;
  for (const v of sums) total += v;
  return total > 0 && Number.isFinite(total) ? sums.map((v) => v / total) : new Float64Array(rois);
}

/** The folds' maps of one target × features × probe, and what they say together. */
export interface ImportanceSummary {
  /** Mean share per ROI over the folds (sums to 1). */
  mean: Float64Array;
  /** Each fold's shares. */
  folds: Float64Array[];
  /** Mean pairwise Pearson correlation of the folds' maps (null with fewer than 2 folds). */
  agreement: number | null;
}

export function summariseImportance(folds: readonly Float64Array[]): ImportanceSummary {
  if (folds.length === 0) throw new ValidationError('folds', 'no fold maps to summarise');
  const rois = folds[0]!.length;
  const mean = new Float64Array(rois);
  for (const f of folds) for (let r = 0; r < rois; r++) mean[r] = mean[r]! + f[r]! / folds.length;
  let pairs = 0;
  let sum = 0;
  for (let i = 0; i < folds.length; i++) {
    for (let k = i + 1; k < folds.length; k++) {
      const r = pearson(folds[i]!, folds[k]!);
      if (r !== null) {
        sum += r;
        pairs++;
      }
    }
  }
  return { mean, folds: [...folds], agreement: pairs ? sum / pairs : null };
}

function pearson(a: Float64Array, b: Float64Array): number | null {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}
