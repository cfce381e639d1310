/**
 * The configuration of a per-channel neural model before training (identity standardisation,
 * default layer sizes), for tests and benchmarks that need a per-channel model without training
 * one; the standard-input equivalent is neural/model.ts' untrainedConfig.
 */
import { untrainedConfig, type NeuralModelConfig } from '../neural/model.js';
import { WINDOW_FEATURE_COUNT, WINDOW_FEATURE_NAMES, WINDOW_FEATURE_VERSION } from './feature-set.js';

export function untrainedPerChannelConfig(lagsS: number[], seed: number): NeuralModelConfig {
  return {
    ...untrainedConfig(lagsS, seed),
    input: 'per-channel',
    featureVersion: WINDOW_FEATURE_VERSION,
    featureNames: [...WINDOW_FEATURE_NAMES],
    featureMean: new Array<number>(WINDOW_FEATURE_COUNT * lagsS.length).fill(0),
    featureStd: new Array<number>(WINDOW_FEATURE_COUNT * lagsS.length).fill(1),
  };
}
