/**
 * Softmax cross-entropy against integer class targets, mean over the rows, with the gradient
 * written out ((softmax − onehot)/N) instead of differentiated through log-softmax.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../activate.js';
import { withCustomGrad } from './grad.js';

/** logits [N, C], targets int32 [N] → scalar mean of −log softmax(logits)[target]. */
export function softmaxCrossEntropy(tf: Tfjs, logits: tfTypes.Tensor2D, targets: tfTypes.Tensor1D): tfTypes.Scalar {
  const [rows, classes] = logits.shape;
  const onehot = tf.oneHot(targets.dtype === 'int32' ? targets : tf.cast(targets, 'int32'), classes);
  return withCustomGrad(tf, [logits], ([z], save) => {
    const { loss, probs } = tf.tidy(() => {
      const logProbs = tf.logSoftmax(z!);
      return { loss: tf.neg(tf.div(tf.sum(tf.mul(logProbs, onehot)), rows)), probs: tf.exp(logProbs) };
    });
    save([probs, onehot]);
    return {
      value: loss,
      gradFunc: (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) => [tf.mul(tf.sub(saved[0]!, saved[1]!), tf.div(dy, rows))],
    };
  }) as tfTypes.Scalar;
}
