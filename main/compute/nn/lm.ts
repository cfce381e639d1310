/**
 * A small causal transformer over token sequences (GPT-style): token embedding + learned
 * positions → pre-LN blocks → final LayerNorm → linear head. The shape of the sequence models
 * (Neuroformer's spike tokens) and the model of `npm run bench`; also the end-to-end test.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { createEmbedding, createPositionalEmbedding, type Embedding, type PositionalEmbedding } from './embedding.js';
import { createLinear, type Linear } from './linear.js';
import { softmaxCrossEntropy } from './loss.js';
import type { ForwardOptions, Params } from './params.js';
import { createTransformer, type Transformer, type TransformerBlockConfig } from './transformer.js';

export interface TransformerLMConfig extends Omit<TransformerBlockConfig, 'seed'> {
  vocabSize: number;
  maxLength: number;
  layers: number;
  /** Causal attention (next-token models); default true. */
  causal?: boolean;
  seed: number;
}

export interface TransformerLM {
  readonly config: TransformerLMConfig;
  readonly tokens: Embedding;
  readonly positions: PositionalEmbedding;
  readonly transformer: Transformer;
  readonly head: Linear;
  /** ids int32 [B, T] → logits rows [B·T, vocabSize]. */
  logits(ids: tfTypes.Tensor2D, options?: ForwardOptions & { keyPadding?: tfTypes.Tensor }): tfTypes.Tensor2D;
  /** Mean cross-entropy of logits(ids) against targets int32 [B, T]. */
  loss(ids: tfTypes.Tensor2D, targets: tfTypes.Tensor2D, options?: ForwardOptions): tfTypes.Scalar;
}

/** Registers `tok`, `pos`, `encoder.*` and `head` in `params`. */
export function createTransformerLM(params: Params, config: TransformerLMConfig): TransformerLM {
  const tf = params.tf;
  const tokens = createEmbedding(params, 'tok', { vocabSize: config.vocabSize, dim: config.dim, seed: config.seed });
  const positions = createPositionalEmbedding(params, 'pos', { maxLength: config.maxLength, dim: config.dim, seed: config.seed });
  const transformer = createTransformer(params, 'encoder', { ...config, finalNorm: true });
  const head = createLinear(params, 'head', { inFeatures: config.dim, outFeatures: config.vocabSize, seed: config.seed });
  const causal = config.causal ?? true;

  function logits(ids: tfTypes.Tensor2D, options: ForwardOptions & { keyPadding?: tfTypes.Tensor } = {}): tfTypes.Tensor2D {
    const x = positions.apply(tokens.apply(ids, options) as tfTypes.Tensor3D, options);
    const rows = transformer.applyToRows(x, { ...options, mask: { causal, keyPadding: options.keyPadding } });
    return head.apply(rows, options);
  }

  return {
    config,
    tokens,
    positions,
    transformer,
    head,
    logits,
    loss(ids, targets, options = {}) {
      return softmaxCrossEntropy(tf, logits(ids, options), tf.reshape(targets, [-1]) as tfTypes.Tensor1D);
    },
  };
}
