/**
 * The reference's TestOnOffModel (models/clustering_model.py) as a ResponseModel: neuron n responds
 * +mean(x) when n is even and −mean(x) when n is odd, on an 18 × 18 one-channel canvas (the toy
 * example's canvas_size). `cajal mds cluster --toy-onoff` clusters it; the answer is known:
 * two clusters, the even and the odd neurons.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../compute/activate.js';
import type { MdsStimulusShape, ResponseModel } from './types.js';

export const TOY_CANVAS = 18;

export function toyOnOffShape(): MdsStimulusShape {
  return { frames: 1, height: TOY_CANVAS, width: TOY_CANVAS, channels: 1, frameRateHz: 30, channelNames: ['luminance'] };
}

export function createToyOnOffModel(tf: Tfjs, neurons: number): ResponseModel {
  const signs = tf.tensor2d(Float32Array.from({ length: neurons }, (_, n) => (n % 2 === 0 ? 1 : -1)), [1, neurons]);
  return {
    nNeurons: neurons,
    stimulus: toyOnOffShape(),
    predict(x: tfTypes.Tensor): tfTypes.Tensor2D {
      return tf.tidy(() => {
        const batch = x.shape[0]!;
        const m = tf.mean(tf.reshape(x, [batch, -1]), 1, true);
        return tf.matMul(m, signs) as tfTypes.Tensor2D;
      });
    },
    dispose() {
      signs.dispose();
    },
  };
}

/** Even/odd labels: the toy's true types. */
export function toyOnOffTypes(neurons: number): string[] {
  return Array.from({ length: neurons }, (_, n) => (n % 2 === 0 ? 'on (even)' : 'off (odd)'));
}
