/**
 * The ensemble as MDS sees it: a `ResponseModel` (main/pipelines/mds/types.ts) whose prediction is
 * the mean of its members' rates (mei's EnsembleModel averages member outputs), each averaged over
 * the output frames of the clip (the reference's SliceMeanReducer), with BatchNorm in inference mode
 * and — by default — every readout centred (mask means 0, the reference's `Center`), so MDS are
 * optimised for receptive fields at the canvas centre.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../../compute/activate.js';
import { Params, type ParamSnapshot } from '../../../compute/nn/params.js';
import { ValidationError } from '../../../errors.js';
import type { ResponseModel } from '../types.js';
import { memberPrefix, type MdsModelBundleConfig, type StimulusStats } from './bundle.js';
import { createNetwork, type Network } from './network.js';
import type { ReadoutInit } from './readout.js';

/** (x − mean_c) / std_c on the last axis; the model's fixed input standardisation. */
export function standardise(tf: Tfjs, x: tfTypes.Tensor, stats: Pick<StimulusStats, 'mean' | 'std'>): tfTypes.Tensor {
  const c = stats.mean.length;
  return tf.div(tf.sub(x, tf.tensor1d(stats.mean.slice(0, c))), tf.tensor1d(stats.std.map((s) => (s > 0 ? s : 1))));
}

export interface EnsembleModel extends ResponseModel {
  readonly config: MdsModelBundleConfig;
  readonly params: Params;
  readonly members: readonly Network[];
  /** x [B, T, H, W, C] (raw units) → mean rate over members [B, T − span, neurons], not averaged over frames. */
  rates(x: tfTypes.Tensor5D): tfTypes.Tensor3D;
}

export interface EnsembleOptions {
  /** Zero the readout means (default true: what MDS needs). */
  centre?: boolean;
}

/** Builds the ensemble of `config.seeds.length` members and loads `weights` into it (checked first). */
export function createEnsemble(tf: Tfjs, config: MdsModelBundleConfig, weights: ParamSnapshot, options: EnsembleOptions = {}): EnsembleModel {
  if (config.seeds.length < 1) throw new ValidationError('seeds', 'an ensemble needs at least one member');
  const params = new Params(tf);
  const input = { height: config.stimulus.height, width: config.stimulus.width, channels: config.stimulus.channels };
  const members = config.seeds.map((seed, i) => createNetwork(params, memberPrefix(i), { config: config.model, input, neurons: config.neurons, seed }));
  try {
    params.restore(weights);
  } catch (error) {
    members.forEach((m) => m.dispose());
    params.dispose();
    throw error;
  }
  for (const m of members) {
    m.readout.projectPositive();
    if (options.centre ?? true) m.readout.centre();
  }
  const rates = (x: tfTypes.Tensor5D): tfTypes.Tensor3D =>
    tf.tidy(() => {
      const z = standardise(tf, x, config.stimulusStats) as tfTypes.Tensor5D;
      const each = members.map((m) => m.apply(z));
      return (each.length === 1 ? each[0]! : tf.div(tf.addN(each), each.length)) as tfTypes.Tensor3D;
    });
  return {
    config,
    params,
    members,
    nNeurons: config.neurons,
    stimulus: config.stimulus,
    rates,
    predict(x) {
      if (x.rank !== 5) throw new ValidationError('x', `expected [batch, frames, height, width, channels], got rank ${x.rank}`);
      return tf.tidy(() => tf.mean(rates(x as tfTypes.Tensor5D), 1) as tfTypes.Tensor2D);
    },
    dispose() {
      members.forEach((m) => m.dispose());
      params.dispose();
    },
  };
}

/** Freshly initialised weights for `config` (seeded per member): the random-init control, and tests. */
export function initialWeights(tf: Tfjs, config: MdsModelBundleConfig, readoutInit: ReadoutInit = {}): ParamSnapshot {
  const params = new Params(tf);
  const input = { height: config.stimulus.height, width: config.stimulus.width, channels: config.stimulus.channels };
  const members = config.seeds.map((seed, i) => createNetwork(params, memberPrefix(i), { config: config.model, input, neurons: config.neurons, seed, readoutInit }));
  try {
    return params.snapshot();
  } finally {
    members.forEach((m) => m.dispose());
    params.dispose();
  }
}
