/**
 * One member of the response-model ensemble: core → Gaussian readout → rate per output frame. A
 * network registers its parameters under `prefix` in a collection it may share (the ensemble keeps
 * every member in one collection, so one checkpoint bundle holds them all).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Params } from '../../../compute/nn/params.js';
import { checkModelConfig, coreOutputSize, temporalSpan, type MdsModelConfig, type ModelInputShape } from './config.js';
import { createCore, type Core, type CoreForwardOptions } from './core.js';
import { createReadout, type Readout, type ReadoutInit } from './readout.js';
import { joinName } from '../../../compute/nn/params.js';

export interface Network {
  readonly prefix: string;
  readonly config: MdsModelConfig;
  readonly input: ModelInputShape;
  readonly neurons: number;
  /** Frames consumed before the first output (Σ (kt − 1)). */
  readonly span: number;
  readonly core: Core;
  readonly readout: Readout;
  /** x [B, T, H, W, C] → rates [B, T − span, neurons]. */
  apply(x: tfTypes.Tensor5D, options?: CoreForwardOptions): tfTypes.Tensor3D;
  /** Core + readout regularisers (a scalar). */
  regularizer(): tfTypes.Scalar;
  dispose(): void;
}

export interface NetworkOptions {
  config: MdsModelConfig;
  input: ModelInputShape;
  neurons: number;
  seed: number;
  readoutInit?: ReadoutInit;
}

export function createNetwork(params: Params, prefix: string, options: NetworkOptions): Network {
  const { config, input, neurons, seed } = options;
  checkModelConfig(config, input);
  const core = createCore(params, joinName(prefix, 'core'), config, seed);
  const readout = createReadout(params, joinName(prefix, 'readout'), config, { ...coreOutputSize(config, input), channels: core.outChannels }, neurons, seed, options.readoutInit);
  const tf = params.tf;
  return {
    prefix,
    config,
    input,
    neurons,
    span: temporalSpan(config),
    core,
    readout,
    apply(x, forward) {
      return readout.apply(core.apply(x, forward));
    },
    regularizer() {
      return tf.tidy(() => tf.add(core.regularizer(), readout.regularizer()));
    },
    dispose() {
      core.dispose();
      readout.dispose();
    },
  };
}
