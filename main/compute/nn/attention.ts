/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017) with one fused QKV projection.
 *
 * Masks are folded into one additive bias added to the scores before the softmax, built once per
 * forward pass by attentionBias() and shared by every layer: causal (a query never sees later
 * keys), key padding (boolean, true = a padded key nobody attends to, as PyTorch's
 * key_padding_mask) and any additive mask (e.g. ALiBi-style or block masks).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../activate.js';
import { deriveSeed } from '../../../shared/random.js';
import { ValidationError } from '../../errors.js';
import { dropout } from './dropout.js';
import { createLinear, type Linear } from './linear.js';
import { joinName, type ForwardOptions, type Params } from './params.js';

/** The bias of a masked score: large and finite, so a fully masked row gives a uniform softmax, not NaN. */
export const MASKED = -1e9;

export interface AttentionMask {
  /** Query i attends to keys j ≤ i only. */
  causal?: boolean;
  /** [B, T] bool (or 0/1), true/1 = padding: that key is ignored by every query. */
  keyPadding?: tfTypes.Tensor;
  /** Added to the scores; broadcastable to [B, H, T, T] (e.g. [T, T] or [B, 1, T, T]). */
  additive?: tfTypes.Tensor;
}

/** The causal bias [T, T]: 0 on and below the diagonal, MASKED above. */
export function causalBias(seqLen: number): Float32Array {
  const bias = new Float32Array(seqLen * seqLen);
  for (let i = 0; i < seqLen; i++) for (let j = i + 1; j < seqLen; j++) bias[i * seqLen + j] = MASKED;
  return bias;
}

/**
 * One additive bias broadcastable to the scores [B, H, T, T], or null when nothing is masked.
 * Build it once per forward pass (outside the layers): every layer adds the same tensor.
 */
export function attentionBias(tf: Tfjs, seqLen: number, mask: AttentionMask | undefined): tfTypes.Tensor | null {
  if (!mask) return null;
  let bias: tfTypes.Tensor | null = null;
  if (mask.causal) bias = tf.tensor(causalBias(seqLen), [seqLen, seqLen], 'float32');
  if (mask.keyPadding) {
    const kp = mask.keyPadding;
    if (kp.rank !== 2 || kp.shape[1] !== seqLen) {
      throw new ValidationError('keyPadding', `shape [${kp.shape.join(', ')}] is not [batch, ${seqLen}]`);
    }
    const padding = tf.reshape(tf.mul(tf.cast(kp, 'float32'), MASKED), [kp.shape[0]!, 1, 1, seqLen]);
    bias = bias ? tf.add(bias, padding) : padding;
  }
  if (mask.additive) bias = bias ? tf.add(bias, mask.additive) : mask.additive;
  return bias;
}

export interface AttentionConfig {
  dim: number;
  heads: number;
  /** Dropout on the attention probabilities while training; default 0. */
  dropout?: number;
  seed: number;
}

export interface AttentionForward extends ForwardOptions {
  /** From attentionBias(). */
  bias?: tfTypes.Tensor | null;
}

export interface Attention {
  readonly name: string;
  readonly qkv: Linear;
  readonly out: Linear;
  /** x [B, T, dim] → [B, T, dim]. */
  apply(x: tfTypes.Tensor3D, options?: AttentionForward): tfTypes.Tensor3D;
  /** The same on rows [B·T, dim] (what the transformer stack keeps), → [B·T, dim]. */
  applyRows(rows: tfTypes.Tensor2D, batch: number, seqLen: number, options?: AttentionForward): tfTypes.Tensor2D;
}

/** Registers `<name>.qkv` (dim → 3·dim, [q | k | v] by head) and `<name>.out` (dim → dim). */
export function createAttention(params: Params, name: string, config: AttentionConfig): Attention {
  const { dim, heads } = config;
  if (dim % heads !== 0) throw new ValidationError(joinName(name, 'heads'), `${heads} heads do not divide dim ${dim}`);
  const headDim = dim / heads;
  const scale = 1 / Math.sqrt(headDim);
  const rate = config.dropout ?? 0;
  const qkv = createLinear(params, joinName(name, 'qkv'), { inFeatures: dim, outFeatures: 3 * dim, seed: config.seed });
  const out = createLinear(params, joinName(name, 'out'), { inFeatures: dim, outFeatures: dim, seed: config.seed });
  const tf = params.tf;

  function applyRows(rows: tfTypes.Tensor2D, batch: number, seqLen: number, options: AttentionForward = {}): tfTypes.Tensor2D {
    const projected = qkv.apply(rows, options); // [B·T, 3·dim]
    // [B, T, 3H, dh] → [B, 3H, T, dh] → q, k, v [B, H, T, dh]: one rank-4 transpose (rank 5 is
    // a slow generic path on wasm) and one split along a contiguous axis.
    const heads3 = tf.transpose(tf.reshape(projected, [batch, seqLen, 3 * heads, headDim]), [0, 2, 1, 3]);
    const [q, k, v] = tf.split(heads3, 3, 1) as [tfTypes.Tensor4D, tfTypes.Tensor4D, tfTypes.Tensor4D];
    let scores = tf.matMul(tf.mul(q, scale), k, false, true); // [B, H, T, T]
    if (options.bias) scores = tf.add(scores, options.bias);
    let probs = tf.softmax(scores);
    if (options.training && rate > 0) {
      if (options.dropoutSeed === undefined) throw new ValidationError('dropoutSeed', 'training with dropout needs a seed');
      probs = dropout(tf, probs, rate, deriveSeed(options.dropoutSeed, 0x617474));
    }
    const context = tf.matMul(probs, v); // [B, H, T, dh]
    const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch * seqLen, dim]);
    return out.apply(merged as tfTypes.Tensor2D, options);
  }

  return {
    name,
    qkv,
    out,
    applyRows,
    apply(x, options = {}) {
      const [batch, seqLen] = x.shape;
      return tf.reshape(applyRows(tf.reshape(x, [batch * seqLen, dim]), batch, seqLen, options), [batch, seqLen, dim]);
    },
  };
}
