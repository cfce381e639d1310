/**
 * MDS are optimised as deviations δ from the training stimulus's per-channel mean (grey), so the
 * projection's fixed L2 norm is a contrast energy (the trained model's clipNorm is the mean norm of
 * mean-subtracted training clips) and the per-channel clip range [min − mean, max − mean] keeps
 * x = mean + δ inside what the model was trained on. This wraps a ResponseModel to read δ.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../compute/activate.js';
import type { ResponseModel } from './types.js';

export function offsetModel(tf: Tfjs, model: ResponseModel, channelMean: readonly number[]): ResponseModel & { readonly channelMean: readonly number[] } {
  if (channelMean.length !== model.stimulus.channels) throw new RangeError(`offsetModel: ${channelMean.length} channel means for ${model.stimulus.channels} channels`);
  const mean = tf.tensor1d(channelMean.slice());
  return {
    nNeurons: model.nNeurons,
    stimulus: model.stimulus,
    channelMean,
    predict(x: tfTypes.Tensor): tfTypes.Tensor2D {
      return tf.tidy(() => model.predict(tf.add(x, mean)));
    },
    dispose() {
      mean.dispose();
    },
  };
}

/** δ clip → raw clip (channels last), a copy. */
export function addChannelMean(delta: Float32Array, channelMean: readonly number[]): Float32Array {
  const c = channelMean.length;
  return Float32Array.from(delta, (v, i) => v + channelMean[i % c]!);
}
