/**
 * GELU in its exact (erf) form and its tanh approximation (Hendrycks & Gimpel 2016), with
 * hand-written gradients: one tape entry each instead of the dozen the elementwise chain records.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../activate.js';
import { withCustomGrad } from './grad.js';

export type Activation = 'gelu' | 'gelu-tanh' | 'relu' | 'linear';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TANH_C = Math.sqrt(2 / Math.PI);
const TANH_A = 0.044715;

/** GELU(x) = x·Φ(x) = ½x(1 + erf(x/√2)); dGELU/dx = Φ(x) + x·φ(x). */
export function gelu<T extends tfTypes.Tensor>(tf: Tfjs, x: T): T {
  return withCustomGrad(tf, [x], ([input], save) => {
    const cdf = tf.tidy(() => tf.add(0.5, tf.mul(0.5, tf.erf(tf.mul(input!, SQRT1_2)))));
    save([input!, cdf]);
    return {
      value: tf.mul(input!, cdf),
      gradFunc: (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) => {
        const [xs, c] = saved as [tfTypes.Tensor, tfTypes.Tensor];
        const pdf = tf.mul(tf.exp(tf.mul(tf.square(xs), -0.5)), INV_SQRT_2PI);
        return [tf.mul(dy, tf.add(c, tf.mul(xs, pdf)))];
      },
    };
  }) as T;
}

/**
 * GELU, tanh approximation (GPT-2, PyTorch approximate='tanh'):
 * ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
 */
export function geluTanh<T extends tfTypes.Tensor>(tf: Tfjs, x: T): T {
  return withCustomGrad(tf, [x], ([input], save) => {
    const t = tf.tidy(() => tf.tanh(tf.mul(tf.add(input!, tf.mul(TANH_A, tf.pow(input!, 3))), TANH_C)));
    save([input!, t]);
    return {
      value: tf.mul(tf.mul(input!, 0.5), tf.add(t, 1)),
      gradFunc: (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) => {
        const [xs, th] = saved as [tfTypes.Tensor, tfTypes.Tensor];
        // d/dx = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3a·x²)
        const inner = tf.mul(tf.add(tf.mul(tf.square(xs), 3 * TANH_A), 1), TANH_C);
        const sech2 = tf.sub(1, tf.square(th));
        const d = tf.add(tf.mul(tf.add(th, 1), 0.5), tf.mul(tf.mul(tf.mul(xs, 0.5), sech2), inner));
        return [tf.mul(dy, d)];
      },
    };
  }) as T;
}

export function activate<T extends tfTypes.Tensor>(tf: Tfjs, x: T, kind: Activation): T {
  switch (kind) {
    case 'gelu':
      return gelu(tf, x);
    case 'gelu-tanh':
      return geluTanh(tf, x);
    case 'relu':
      return tf.relu(x);
    case 'linear':
      return x;
  }
}
