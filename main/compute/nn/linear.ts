/**
 * A dense layer y = x·W + b, W stored [in, out] (tfjs' matmul layout, so no transpose per call).
 * The bias add (and a ReLU when asked) is fused into the matmul kernel; inputs of rank > 2 are
 * flattened to rows for one 2-D matmul, which every backend runs faster than a batched one.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { initKernel, paramSeed, zeros, type KernelInit } from './init.js';
import { joinName, type ForwardOptions, type Params } from './params.js';

export interface LinearConfig {
  inFeatures: number;
  outFeatures: number;
  /** Default true. */
  bias?: boolean;
  /** Default 'truncated-normal' (std 0.02, GPT/ViT). */
  init?: KernelInit;
  std?: number;
  seed: number;
}

/** Activations the matmul kernel fuses (others: apply activate() afterwards). */
export type FusedActivation = 'linear' | 'relu';

export interface Linear {
  readonly name: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  apply<T extends tfTypes.Tensor>(x: T, options?: ForwardOptions & { activation?: FusedActivation }): T;
}

/** Registers `<name>.weight` [in, out] (and `<name>.bias` [out], zeros) in `params`. */
export function createLinear(params: Params, name: string, config: LinearConfig): Linear {
  const { inFeatures, outFeatures } = config;
  const weightName = joinName(name, 'weight');
  const biasName = config.bias === false ? null : joinName(name, 'bias');
  params.add(
    weightName,
    [inFeatures, outFeatures],
    initKernel(config.init ?? 'truncated-normal', inFeatures * outFeatures, inFeatures, outFeatures, paramSeed(config.seed, weightName), config.std),
    { role: 'weight' },
  );
  if (biasName) params.add(biasName, [outFeatures], zeros(outFeatures), { role: 'bias' });
  const tf = params.tf;
  return {
    name,
    inFeatures,
    outFeatures,
    apply<T extends tfTypes.Tensor>(x: T, options: ForwardOptions & { activation?: FusedActivation } = {}): T {
      const p = options.params ?? params;
      const w = p.get(weightName);
      const bias = biasName ? p.get(biasName) : undefined;
      const activation = options.activation ?? 'linear';
      if (x.rank === 2) return tf.fused.matMul({ a: x as unknown as tfTypes.Tensor2D, b: w, bias, activation }) as unknown as T;
      const rows = tf.reshape(x, [-1, inFeatures]);
      const y = tf.fused.matMul({ a: rows as tfTypes.Tensor2D, b: w, bias, activation });
      return tf.reshape(y, [...x.shape.slice(0, -1), outFeatures]) as unknown as T;
    },
  };
}
