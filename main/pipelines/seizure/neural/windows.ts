/**
 * From feature frames to the model's input and back: stacking lagged frames into windows,
 * standardising them, and running the model on a batch of windows (probabilities and the
 * per-channel votes).
 */
import { FEATURE_WINDOW_S } from './features.js';
import { inputWidth, type NeuralModelConfig, type NeuralSeizureModel } from './model.js';
import type * as tfTypes from '@tensorflow/tfjs';

/** Index of the first second whose feature window lies inside the recording. */
export const FIRST_READY_SECOND = FEATURE_WINDOW_S - 1;

/** Frames of consecutive seconds starting at `firstS`: seconds × channels × features (the model's featureNames). */
export interface FrameSpan {
  firstS: number;
  channels: number;
  frames: Float32Array;
}

/**
 * Writes the standardised input of the window ending at second `t` (channels × FEATURE_COUNT·lags)
 * into `out` at `offset`. Lagged frames before the first ready second use that second's frame.
 */
export function fillWindow(span: FrameSpan, t: number, config: Pick<NeuralModelConfig, 'lagsS' | 'featureNames' | 'featureMean' | 'featureStd'>, out: Float32Array, offset: number): void {
  const { channels, frames, firstS } = span;
  const width = inputWidth(config);
  const FEATURE_COUNT = config.featureNames.length;
  const { featureMean: mean, featureStd: std } = config;
  config.lagsS.forEach((lag, l) => {
    const s = Math.max(t - lag, FIRST_READY_SECOND, firstS);
    const frameBase = (s - firstS) * channels * FEATURE_COUNT;
    for (let c = 0; c < channels; c++) {
      const from = frameBase + c * FEATURE_COUNT;
      const to = offset + c * width + l * FEATURE_COUNT;
      for (let f = 0; f < FEATURE_COUNT; f++) {
        const column = l * FEATURE_COUNT + f;
        out[to + f] = (frames[from + f]! - mean[column]!) / std[column]!;
      }
    }
  });
}

export interface WindowPredictions {
  /** One probability per window. */
  probabilities: Float32Array;
  /** Per window and channel, the probability if every channel looked like this one. */
  votes: Float32Array;
}

/** Runs the model on `count` windows of `channels` channels (inputs laid out as by fillWindow). */
export class WindowPredictor {
  private readonly both: tfTypes.LayersModel;
  private readonly voteScale: number;
  private readonly voteBias: number;

  constructor(readonly neural: NeuralSeizureModel) {
    const { tf, model } = neural;
    const logits = model.getLayer('channel_logit').output as tfTypes.SymbolicTensor;
    this.both = tf.model({ inputs: model.inputs, outputs: [model.outputs[0]!, logits] });
    const [kernel, bias] = model.getLayer('window_probability').getWeights();
    const k = kernel!.dataSync();
    this.voteScale = k[0]! + k[1]!;
    this.voteBias = bias!.dataSync()[0]!;
  }

  predict(inputs: Float32Array, count: number, channels: number): WindowPredictions {
    const { tf } = this.neural;
    if (count === 0) return { probabilities: new Float32Array(0), votes: new Float32Array(0) };
    const width = inputWidth(this.neural.config);
    const [p, z] = tf.tidy(() => {
      const x = tf.tensor3d(inputs.subarray(0, count * channels * width), [count, channels, width]);
      const [prob, logit] = this.both.predict(x) as tfTypes.Tensor[];
      return [prob!.dataSync() as Float32Array, logit!.dataSync() as Float32Array];
    });
    const votes = new Float32Array(z!.length);
    for (let i = 0; i < votes.length; i++) votes[i] = 1 / (1 + Math.exp(-(this.voteScale * z![i]! + this.voteBias)));
    return { probabilities: Float32Array.from(p!), votes };
  }
}
