/**
 * Smooth-L1 (Huber) loss, mean over every element, as torch.nn.functional.smooth_l1_loss:
 *   ℓ(d) = ½d²/β for |d| < β, |d| − ½β otherwise, d = prediction − target.
 * The gradient is written out (one tape entry; dℓ/dd = clamp(d/β, −1, 1), which equals torch's
 * d/β inside and sign(d) outside, also at |d| = β) and flows to the prediction only: the target is
 * a constant (JEPA's EMA features), so no gradient is built for it.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../activate.js';
import { ValidationError } from '../../errors.js';
import { withCustomGrad } from './grad.js';

export function smoothL1Loss(tf: Tfjs, prediction: tfTypes.Tensor, target: tfTypes.Tensor, beta = 1): tfTypes.Scalar {
  if (prediction.shape.length !== target.shape.length || prediction.shape.some((d, i) => d !== target.shape[i])) {
    throw new ValidationError('target', `shape [${target.shape.join(', ')}] does not match the prediction's [${prediction.shape.join(', ')}]`);
  }
  if (!(beta > 0)) throw new ValidationError('beta', `${beta} is not positive (β = 0 is plain L1: use tf.losses.absoluteDifference)`);
  const count = prediction.size;
  return withCustomGrad(tf, [prediction], ([z], save) => {
    const { value, diff } = tf.tidy(() => {
      const d = tf.sub(z!, target);
      const a = tf.abs(d);
      // min(|d|, β) splits each element into its quadratic and linear parts: ½q²/β + (|d| − q).
      const q = tf.minimum(a, beta);
      const perElement = tf.add(tf.div(tf.square(q), 2 * beta), tf.sub(a, q));
      return { value: tf.div(tf.sum(perElement), count), diff: d };
    });
    save([diff]);
    return {
      value,
      gradFunc: (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) => [tf.mul(tf.clipByValue(tf.div(saved[0]!, beta), -1, 1), tf.div(dy, count))],
    };
  }) as tfTypes.Scalar;
}
