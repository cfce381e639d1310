/**
 * The simulated retina's generating linear–nonlinear model as a differentiable `ResponseModel`: the
 * oracle control for MDS clustering. Clustering through it tells the algorithm's limits (objective,
 * EM, split step, projection) apart from the fitted response model's: on the seed-7 retina it finds
 * all 8 planted types (ARI 1), so any shortfall through a trained model is the model's (README "MDS").
 *
 * Each cell's receptive field is centred on the canvas, as the trained ensemble's readouts are centred
 * for MDS (position-invariant stimuli). predict gives the expected rate (no generator noise, no
 * spikes) averaged over the clip's last `responseWindow` frames, like the trained model's.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../../compute/activate.js';
import type { MdsStimulusShape, ResponseModel } from '../types.js';
import { MAX_RATE_PER_FRAME, TEMPORAL_TAPS, spatialFilter, temporalFilter, type PlantedType, type SimulatedCell } from './cells.js';

export function lnResponseModel(
  tf: Tfjs,
  types: readonly PlantedType[],
  cells: readonly SimulatedCell[],
  stimulus: Pick<MdsStimulusShape, 'frames' | 'height' | 'width' | 'channels' | 'frameRateHz' | 'channelNames'>,
  responseWindow: number,
): ResponseModel {
  const { frames, height, width, channels } = stimulus;
  if (!Number.isInteger(responseWindow) || responseWindow < 1 || responseWindow > frames) throw new RangeError(`lnResponseModel: responseWindow ${responseWindow} must be 1…${frames} frames`);
  const n = cells.length;
  const pixels = height * width * channels;
  // Spatial filters as one [pixels, n] matrix (centred receptive fields).
  const spatial = new Float32Array(pixels * n);
  cells.forEach((cell, i) => {
    const type = types[cell.typeIndex];
    if (!type) throw new RangeError(`lnResponseModel: cell ${i} has type ${cell.typeIndex}, not one of ${types.length}`);
    const w = spatialFilter(type, { x: (width - 1) / 2, y: (height - 1) / 2 }, height, width, channels);
    for (let p = 0; p < pixels; p++) spatial[p * n + i] = w[p]!;
  });
  // Per kinetics: a [window, frames] causal convolution matrix for the output frames, and the cells it applies to.
  const kinetics = (['transient', 'sustained'] as const).map((kind) => {
    const f = temporalFilter(kind);
    const m = new Float32Array(responseWindow * frames);
    for (let o = 0; o < responseWindow; o++) {
      const t = frames - responseWindow + o;
      for (let k = 0; k < TEMPORAL_TAPS && k <= t; k++) m[o * frames + t - k] = f[k]!;
    }
    const mask = Float32Array.from(cells, (c) => (types[c.typeIndex]!.kinetics === kind ? 1 : 0));
    return { conv: tf.keep(tf.tensor2d(m, [responseWindow, frames])), mask: tf.keep(tf.tensor1d(mask)) };
  });
  const w = tf.keep(tf.tensor2d(spatial, [pixels, n]));
  const gain = tf.keep(tf.tensor1d(cells.map((c) => c.gain)));
  const bias = tf.keep(tf.tensor1d(cells.map((c) => c.bias)));
  return {
    nNeurons: n,
    stimulus: { ...stimulus, channelNames: [...stimulus.channelNames] },
    predict(x: tfTypes.Tensor): tfTypes.Tensor2D {
      return tf.tidy(() => {
        const b = x.shape[0]!;
        // Spatial projection per frame, then frames first so one matmul convolves every (clip, cell) column.
        const projected = tf.matMul(tf.reshape(x, [b * frames, pixels]), w);
        const columns = tf.reshape(tf.transpose(tf.reshape(projected, [b, frames, n]), [1, 0, 2]), [frames, b * n]);
        let generator: tfTypes.Tensor = tf.zeros([b, responseWindow, n]);
        for (const { conv, mask } of kinetics) {
          const g = tf.transpose(tf.reshape(tf.matMul(conv, columns), [responseWindow, b, n]), [1, 0, 2]);
          generator = tf.add(generator, tf.mul(g, mask));
        }
        const rate = tf.mul(MAX_RATE_PER_FRAME, tf.sigmoid(tf.add(tf.mul(generator, gain), bias)));
        return tf.mean(rate, 1) as tfTypes.Tensor2D;
      });
    },
    dispose() {
      for (const t of [w, gain, bias, ...kinetics.flatMap((k) => [k.conv, k.mask])]) t.dispose();
    },
  };
}
