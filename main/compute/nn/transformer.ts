/**
 * Pre-LN transformer blocks (GPT-2 / ViT layout, Xiong et al. 2020):
 *   x ← x + Attention(LN₁(x));  x ← x + MLP(LN₂(x)),  MLP = Linear(d → r·d) → GELU → Linear(r·d → d), r = 4,
 * and a stack of them with a final LayerNorm. The stack keeps the residual stream as rows
 * [B·T, d] so every projection is one 2-D matmul, and builds the attention mask bias once.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { deriveSeed } from '../../../shared/random.js';
import { activate, type Activation } from './activations.js';
import { attentionBias, createAttention, type Attention, type AttentionForward, type AttentionMask } from './attention.js';
import { dropout } from './dropout.js';
import { createLinear, type Linear } from './linear.js';
import { createLayerNorm, type LayerNorm } from './norm.js';
import { joinName, type ForwardOptions, type Params } from './params.js';

export interface TransformerBlockConfig {
  dim: number;
  heads: number;
  /** Hidden width of the MLP as a multiple of dim; default 4. */
  mlpRatio?: number;
  /** Default 'gelu' (exact erf form). */
  activation?: Activation;
  /** Dropout on attention probabilities; default 0. */
  attentionDropout?: number;
  /** Dropout on each residual branch's output; default 0. */
  residualDropout?: number;
  eps?: number;
  seed: number;
}

export interface TransformerBlock {
  readonly name: string;
  readonly attention: Attention;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly fc1: Linear;
  readonly fc2: Linear;
  /** rows [B·T, dim] → rows. */
  applyRows(rows: tfTypes.Tensor2D, batch: number, seqLen: number, options?: AttentionForward): tfTypes.Tensor2D;
  /** x [B, T, dim] → [B, T, dim]; `mask` is turned into a bias here (a stack builds it once instead). */
  apply(x: tfTypes.Tensor3D, options?: ForwardOptions & { mask?: AttentionMask }): tfTypes.Tensor3D;
}

/** Registers `<name>.ln1`, `<name>.attn.{qkv,out}`, `<name>.ln2`, `<name>.mlp.{fc1,fc2}`. */
export function createTransformerBlock(params: Params, name: string, config: TransformerBlockConfig): TransformerBlock {
  const { dim } = config;
  const hidden = Math.round(dim * (config.mlpRatio ?? 4));
  const activation = config.activation ?? 'gelu';
  const residualRate = config.residualDropout ?? 0;
  const norm1 = createLayerNorm(params, joinName(name, 'ln1'), { dim, eps: config.eps });
  const attention = createAttention(params, joinName(name, 'attn'), {
    dim,
    heads: config.heads,
    dropout: config.attentionDropout,
    seed: config.seed,
  });
  const norm2 = createLayerNorm(params, joinName(name, 'ln2'), { dim, eps: config.eps });
  const fc1 = createLinear(params, joinName(name, 'mlp.fc1'), { inFeatures: dim, outFeatures: hidden, seed: config.seed });
  const fc2 = createLinear(params, joinName(name, 'mlp.fc2'), { inFeatures: hidden, outFeatures: dim, seed: config.seed });
  const tf = params.tf;

  function residual(branch: tfTypes.Tensor2D, options: ForwardOptions, site: number): tfTypes.Tensor2D {
    if (!options.training || residualRate === 0 || options.dropoutSeed === undefined) return branch;
    return dropout(tf, branch, residualRate, deriveSeed(options.dropoutSeed, 0x726573, site));
  }

  function applyRows(rows: tfTypes.Tensor2D, batch: number, seqLen: number, options: AttentionForward = {}): tfTypes.Tensor2D {
    const attended = attention.applyRows(norm1.apply(rows, options), batch, seqLen, options);
    const h: tfTypes.Tensor2D = tf.add(rows, residual(attended, options, 0));
    // ReLU fuses into the fc1 matmul; GELU follows it.
    const normed = norm2.apply(h, options);
    const pre = activation === 'relu' ? fc1.apply(normed, { ...options, activation: 'relu' }) : activate(tf, fc1.apply(normed, options), activation);
    return tf.add(h, residual(fc2.apply(pre, options), options, 1));
  }

  return {
    name,
    attention,
    norm1,
    norm2,
    fc1,
    fc2,
    applyRows,
    apply(x, options = {}) {
      const [batch, seqLen] = x.shape;
      const bias = attentionBias(tf, seqLen, options.mask);
      const rows = applyRows(tf.reshape(x, [batch * seqLen, dim]), batch, seqLen, { ...options, bias });
      return tf.reshape(rows, [batch, seqLen, dim]);
    },
  };
}

export interface TransformerConfig extends TransformerBlockConfig {
  layers: number;
  /** A LayerNorm after the last block (pre-LN stacks need one); default true. */
  finalNorm?: boolean;
}

export interface Transformer {
  readonly name: string;
  readonly blocks: TransformerBlock[];
  readonly finalNorm: LayerNorm | null;
  /** x [B, T, dim] → [B, T, dim]. */
  apply(x: tfTypes.Tensor3D, options?: ForwardOptions & { mask?: AttentionMask }): tfTypes.Tensor3D;
  /** The same, returning rows [B·T, dim] (ready for an output head without a reshape). */
  applyToRows(x: tfTypes.Tensor3D, options?: ForwardOptions & { mask?: AttentionMask }): tfTypes.Tensor2D;
}

/** Registers `<name>.blocks.<i>.*` and `<name>.ln_f`. */
export function createTransformer(params: Params, name: string, config: TransformerConfig): Transformer {
  const blocks = Array.from({ length: config.layers }, (_, i) => createTransformerBlock(params, joinName(name, 'blocks', String(i)), config));
  const finalNorm = config.finalNorm === false ? null : createLayerNorm(params, joinName(name, 'ln_f'), { dim: config.dim, eps: config.eps });
  const tf = params.tf;

  function applyToRows(x: tfTypes.Tensor3D, options: ForwardOptions & { mask?: AttentionMask } = {}): tfTypes.Tensor2D {
    const [batch, seqLen, dim] = x.shape;
    const bias = attentionBias(tf, seqLen, options.mask);
    let rows: tfTypes.Tensor2D = tf.reshape(x, [batch * seqLen, dim]);
    blocks.forEach((block, i) => {
      const dropoutSeed = options.dropoutSeed === undefined ? undefined : deriveSeed(options.dropoutSeed, i);
      rows = block.applyRows(rows, batch, seqLen, { ...options, bias, dropoutSeed });
    });
    return finalNorm ? finalNorm.apply(rows, options) : rows;
  }

  return {
    name,
    blocks,
    finalNorm,
    applyToRows,
    apply(x, options = {}) {
      const [batch, seqLen, dim] = x.shape;
      return tf.reshape(applyToRows(x, options), [batch, seqLen, dim]);
    },
  };
}
