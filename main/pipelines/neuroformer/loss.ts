/**
 * The Neuroformer pretraining loss (model_neuroformer.py Neuroformer.forward, `ignore_index_pad`):
 *   ceId = F.cross_entropy(id logits, next ids, ignore_index = ID PAD)   mean over non-PAD targets
 *   ceDt = F.cross_entropy(dt logits, next dts, ignore_index = dt PAD)
 *   total = w_id·ceId + w_dt·ceDt   (released weights 0.45 / 0.30: config.ts RELEASED_LOSS_WEIGHTS)
 * EOS is a target (the model learns where a window ends). The reference's separate_eos_tokens is
 * computed but does not change these two losses. A batch with no non-PAD target would be NaN in
 * torch; here that cross-entropy is 0 (nothing to learn from), so a degenerate batch cannot poison
 * a run.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../compute/index.js';
import type { NeuroformerVocab } from './config.js';

export interface NeuroformerLoss {
  total: tfTypes.Scalar;
  ceId: tfTypes.Scalar;
  ceDt: tfTypes.Scalar;
}

/** Mean cross-entropy of logits [N, C] against int32 targets [N], rows whose target is `ignore` left out. */
export function maskedCrossEntropy(tf: Tfjs, logits: tfTypes.Tensor2D, targets: tfTypes.Tensor1D, ignore: number): tfTypes.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[1];
    const logProbs = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logProbs, tf.oneHot(targets, classes)), 1);
    const keep = tf.cast(tf.notEqual(targets, ignore), 'float32');
    const count = tf.maximum(tf.sum(keep), 1);
    return tf.neg(tf.div(tf.sum(tf.mul(picked, keep)), count)) as tfTypes.Scalar;
  });
}

export function neuroformerLoss(
  tf: Tfjs,
  out: { idLogits: tfTypes.Tensor3D; dtLogits: tfTypes.Tensor3D },
  targetId: tfTypes.Tensor2D,
  targetDt: tfTypes.Tensor2D,
  vocab: NeuroformerVocab,
  weights: { id: number; dt: number },
): NeuroformerLoss {
  const rows = (x: tfTypes.Tensor3D) => tf.reshape(x, [-1, x.shape[2]]) as tfTypes.Tensor2D;
  const ceId = maskedCrossEntropy(tf, rows(out.idLogits), tf.reshape(targetId, [-1]) as tfTypes.Tensor1D, vocab.idPAD);
  const ceDt = maskedCrossEntropy(tf, rows(out.dtLogits), tf.reshape(targetDt, [-1]) as tfTypes.Tensor1D, vocab.dtPAD);
  const total = tf.add(tf.mul(ceId, weights.id), tf.mul(ceDt, weights.dt)) as tfTypes.Scalar;
  return { total, ceId, ceDt };
}
