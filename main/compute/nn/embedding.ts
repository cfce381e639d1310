/**
 * Token embeddings (a table looked up with gather) and learned positional embeddings (a table
 * added to the first T positions; no gather, so no scatter in the backward pass).
 *
 * Note: the gradient of gather is UnsortedSegmentSum, which the stock wasm backend lacks.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { paramSeed, truncatedNormal } from './init.js';
import { joinName, type ForwardOptions, type Params } from './params.js';
import { ValidationError } from '../../errors.js';

export interface EmbeddingConfig {
  vocabSize: number;
  dim: number;
  /** Default 0.02 (GPT-2). */
  std?: number;
  seed: number;
}

export interface Embedding {
  readonly name: string;
  readonly vocabSize: number;
  readonly dim: number;
  /** int32 ids of any shape → [...ids.shape, dim]. */
  apply(ids: tfTypes.Tensor, options?: ForwardOptions): tfTypes.Tensor;
  /** Logits against the table (a tied output head): [..., dim] → [..., vocabSize]. */
  attend(x: tfTypes.Tensor2D, options?: ForwardOptions): tfTypes.Tensor2D;
}

/** Registers `<name>.weight` [vocabSize, dim]. */
export function createEmbedding(params: Params, name: string, config: EmbeddingConfig): Embedding {
  const { vocabSize, dim } = config;
  const weightName = joinName(name, 'weight');
  params.add(weightName, [vocabSize, dim], truncatedNormal(vocabSize * dim, paramSeed(config.seed, weightName), config.std ?? 0.02), {
    role: 'embedding',
  });
  const tf = params.tf;
  return {
    name,
    vocabSize,
    dim,
    apply(ids, options = {}) {
      const table = (options.params ?? params).get(weightName);
      return tf.gather(table, ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32'));
    },
    attend(x, options = {}) {
      const table = (options.params ?? params).get(weightName);
      return tf.matMul(x, table, false, true);
    },
  };
}

export interface PositionalEmbeddingConfig {
  maxLength: number;
  dim: number;
  std?: number;
  seed: number;
}

export interface PositionalEmbedding {
  readonly name: string;
  readonly maxLength: number;
  /** x [B, T, dim] (T ≤ maxLength) → x + table[0:T]. */
  apply(x: tfTypes.Tensor3D, options?: ForwardOptions): tfTypes.Tensor3D;
}

/** Registers `<name>.weight` [maxLength, dim]. */
export function createPositionalEmbedding(params: Params, name: string, config: PositionalEmbeddingConfig): PositionalEmbedding {
  const { maxLength, dim } = config;
  const weightName = joinName(name, 'weight');
  params.add(weightName, [maxLength, dim], truncatedNormal(maxLength * dim, paramSeed(config.seed, weightName), config.std ?? 0.02), {
    role: 'embedding',
  });
  const tf = params.tf;
  return {
    name,
    maxLength,
    apply(x, options = {}) {
      const length = x.shape[1];
      if (length > maxLength) throw new ValidationError(name, `sequence length ${length} exceeds the ${maxLength} learned positions`);
      const table = (options.params ?? params).get(weightName);
      return tf.add(x, length === maxLength ? table : tf.slice(table, [0, 0], [length, dim]));
    },
  };
}
