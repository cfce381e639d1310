/**
 * Inverted dropout with a mask drawn in JS from the project's PRNG: the same seed drops the same
 * units on every backend (tf.dropout's seed does not promise that), so a training run replays.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../activate.js';
import { seededRandom } from '../../../shared/random.js';
import { ValidationError } from '../../errors.js';

/** The mask values: 0 for a dropped unit, 1/(1 − rate) for a kept one. */
export function dropoutMask(size: number, rate: number, seed: number): Float32Array {
  if (!(rate >= 0 && rate < 1)) throw new ValidationError('dropout', `rate ${rate} is not in [0, 1)`);
  const random = seededRandom(seed);
  const keep = 1 / (1 - rate);
  const mask = new Float32Array(size);
  for (let i = 0; i < size; i++) mask[i] = random() >= rate ? keep : 0;
  return mask;
}

/** x · mask; identity when rate is 0. */
export function dropout<T extends tfTypes.Tensor>(tf: Tfjs, x: T, rate: number, seed: number): T {
  if (rate === 0) return x;
  const mask = tf.tensor(dropoutMask(x.size, rate, seed), x.shape, 'float32');
  return tf.mul(x, mask);
}
