/**
 * A dense layer y = x·W + b, W stored [in, out] (tfjs' matmul layout, so no transpose per call).
 * The bias add (and a ReLU when asked) is fused into the matmul kernel; inputs of rank > 2 are
 * flattened to rows for one 2-D matmul, which every backend runs faster than a batched one.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../activate.js';
import { columnSum, withCustomGrad } from './grad.js';
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
      const w = p.get(weightName) as tfTypes.Tensor2D;
      const bias = biasName ? (p.get(biasName) as tfTypes.Tensor1D) : undefined;
      const activation = options.activation ?? 'linear';
      if (x.rank === 2) return dense(tf, x as unknown as tfTypes.Tensor2D, w, bias, activation) as unknown as T;
      const y = dense(tf, tf.reshape(x, [-1, inFeatures]), w, bias, activation);
      return tf.reshape(y, [...x.shape.slice(0, -1), outFeatures]) as unknown as T;
    },
  };
}

/**
 * y = act(x·W + b) in one fused kernel, with the gradient written out: dx = dy'·Wᵀ, dW = xᵀ·dy',
 * db = column sums of dy' as a matmul (tfjs' own fused gradient reduces with Sum over rows, a slow
 * path on wasm); dy' = dy masked by y > 0 for ReLU.
 */
export function dense(tf: Tfjs, x: tfTypes.Tensor2D, w: tfTypes.Tensor2D, bias: tfTypes.Tensor1D | undefined, activation: FusedActivation = 'linear'): tfTypes.Tensor2D {
  const inputs: tfTypes.Tensor[] = bias ? [x, w, bias] : [x, w];
  return withCustomGrad(tf, inputs, ([a, b, c], save) => {
    const y = tf.fused.matMul({ a: a as tfTypes.Tensor2D, b: b as tfTypes.Tensor2D, bias: c, activation });
    save(activation === 'relu' ? [a!, b!, y] : [a!, b!]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [xs, ws, ys] = saved as [tfTypes.Tensor2D, tfTypes.Tensor2D, tfTypes.Tensor2D | undefined];
        const g = (ys ? tf.mul(dy, tf.step(ys)) : dy) as tfTypes.Tensor2D;
        const grads: tfTypes.Tensor[] = [tf.matMul(g, ws, false, true), tf.matMul(xs, g, true, false)];
        if (c) grads.push(columnSum(tf, g));
        return grads;
      },
    };
  }) as tfTypes.Tensor2D;
}
