/**
 * A typed front for tf.customGrad: an op with a hand-written gradient is one tape entry, where
 * the elementwise chain it replaces records one per kernel (and keeps each intermediate alive).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../activate.js';

export interface CustomGradResult {
  value: tfTypes.Tensor;
  /** Gradients of the inputs, in input order, from dy and the tensors passed to save(). */
  gradFunc: (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) => tfTypes.Tensor[];
}

/**
 * Runs `forward(inputs, save)` as one differentiable op over `inputs`. The gradient function runs
 * in its own tidy: tfjs calls it outside any scope of its own, so without one every intermediate
 * of every op's backward (GELU's, LayerNorm's: several activation-sized tensors each) stayed
 * alive until the whole backward pass ended — 3.5 GB for Brain-JEPA `small` at batch 16, more
 * than the wasm heap holds (issue #19).
 */
export function withCustomGrad(
  tf: Tfjs,
  inputs: tfTypes.Tensor[],
  forward: (inputs: tfTypes.Tensor[], save: tfTypes.GradSaveFunc) => CustomGradResult,
): tfTypes.Tensor {
  const op = tf.customGrad((...args: (tfTypes.Tensor | tfTypes.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tfTypes.GradSaveFunc;
    const result = forward(args.slice(0, -1) as tfTypes.Tensor[], save);
    return { value: result.value, gradFunc: (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) => tf.tidy(() => result.gradFunc(dy, saved)) };
  });
  return op(...inputs);
}

/**
 * Σ over the rows of a matrix [N, C] → [C], as ones[1, N]·x: a plain matmul, which every backend
 * runs on its fast path, where a reduction over the leading axis is a transpose plus a reduce on
 * wasm (~2.4 ms for 2048×128 there, against a fraction of that for the matmul). A JavaScript pass
 * over the heap was tried: 0.52 ms for 1024×128 against the matmul's 0.17 ms.
 */
export function columnSum(tf: Tfjs, x: tfTypes.Tensor2D): tfTypes.Tensor1D {
  const [rows, cols] = x.shape;
  return tf.reshape(tf.matMul(tf.ones([1, rows]), x), [cols]);
}
