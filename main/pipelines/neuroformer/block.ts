/**
 * The reference Neuroformer's transformer block (model_neuroformer.py Block + MultiheadAttention),
 * which differs from main/compute/nn's pre-LN block in ways that change the arithmetic, so it is
 * written here from the nn primitives (Linear, LayerNorm, GELU, dropout):
 *   x ← x + Proj(Attn(q = Query(LN₁(x)), k = Key(kv), v = Value(kv)))   kv = the block's key/value
 *        input AS GIVEN: for self-attention the raw x (not LN₁(x): Block.forward passes
 *        self.ln1(x) as the query only), for cross-attention the other stream
 *   x ← x + Dropout(Linear(GELU(Linear(LN₂(x)))))
 *   x ← LN_f(x)                                    an extra LayerNorm closing every block
 * Separate query/key/value Linear layers with biases (the key/value may read another stream),
 * scale 1/√head_dim, optional causal mask, dropout on the attention probabilities and after the
 * output projection. Parameter names are the reference's: ln1, ln2, ln_f, attn.{query,key,value,proj},
 * mlp.0, mlp.2.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { deriveSeed } from '../../../shared/random.js';
import { gelu } from '../../compute/nn/activations.js';
import { dropout } from '../../compute/nn/dropout.js';
import { createLinear, dense, type Linear } from '../../compute/nn/linear.js';
import { createLayerNorm, type LayerNorm } from '../../compute/nn/norm.js';
import { joinName, type ForwardOptions, type Params } from '../../compute/nn/params.js';
import { NF_LN_EPS } from './config.js';

export interface NfBlockConfig {
  dim: number;
  heads: number;
  attnDropout: number;
  residDropout: number;
  seed: number;
}

export interface NfBlockForward extends ForwardOptions {
  /** Additive bias broadcastable to [B, H, Tq, Tk] (the causal mask), or null. */
  bias?: tfTypes.Tensor | null;
  /** When given, the attention probabilities [B, H, Tq, Tk] (before dropout) are pushed here, kept. */
  capture?: tfTypes.Tensor4D[];
}

export interface NfBlock {
  readonly name: string;
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  /**
   * x [B, Tq, C]; kv [B, Tk, C] (null: self-attention on the raw x) → [B, Tq, C].
   * `cache` (generation only): keys/values already projected for this block, used instead of kv.
   */
  apply(x: tfTypes.Tensor3D, kv: tfTypes.Tensor3D | null, options?: NfBlockForward, cache?: { k: tfTypes.Tensor4D; v: tfTypes.Tensor4D }): tfTypes.Tensor3D;
  /** Keys and values of a key/value input [B, Tk, C] split by head: [B, H, Tk, dh] each. */
  projectKv(kv: tfTypes.Tensor3D, options?: ForwardOptions): { k: tfTypes.Tensor4D; v: tfTypes.Tensor4D };
}

export function createNfBlock(params: Params, name: string, config: NfBlockConfig): NfBlock {
  const { dim, heads, seed } = config;
  const headDim = dim / heads;
  const scale = 1 / Math.sqrt(headDim);
  const tf = params.tf;
  const ln1: LayerNorm = createLayerNorm(params, joinName(name, 'ln1'), { dim, eps: NF_LN_EPS });
  const ln2: LayerNorm = createLayerNorm(params, joinName(name, 'ln2'), { dim, eps: NF_LN_EPS });
  const query = createLinear(params, joinName(name, 'attn.query'), { inFeatures: dim, outFeatures: dim, seed });
  const key = createLinear(params, joinName(name, 'attn.key'), { inFeatures: dim, outFeatures: dim, seed });
  const value = createLinear(params, joinName(name, 'attn.value'), { inFeatures: dim, outFeatures: dim, seed });
  const proj = createLinear(params, joinName(name, 'attn.proj'), { inFeatures: dim, outFeatures: dim, seed });
  const fc1 = createLinear(params, joinName(name, 'mlp.0'), { inFeatures: dim, outFeatures: 4 * dim, seed });
  const fc2 = createLinear(params, joinName(name, 'mlp.2'), { inFeatures: 4 * dim, outFeatures: dim, seed });
  const lnF: LayerNorm = createLayerNorm(params, joinName(name, 'ln_f'), { dim, eps: NF_LN_EPS });

  function splitHeads(t: tfTypes.Tensor3D): tfTypes.Tensor4D {
    const [b, len] = t.shape;
    return tf.transpose(tf.reshape(t, [b, len, heads, headDim]), [0, 2, 1, 3]);
  }

  function drop<T extends tfTypes.Tensor>(t: T, rate: number, options: ForwardOptions, site: number): T {
    if (!options.training || rate === 0) return t;
    if (options.dropoutSeed === undefined) throw new Error(`${name}: training with dropout needs a dropoutSeed`);
    return dropout(tf, t, rate, deriveSeed(options.dropoutSeed, site));
  }

  /**
   * Key and value read the same input, so they run as ONE dense layer with the two kernels side by
   * side ([C, 2C], concatenated per call: 2·C² values against the B·T·C·2C product) and one
   * head split: one matmul, bias gradient and input gradient instead of two each.
   */
  function projectKv(kv: tfTypes.Tensor3D, options: ForwardOptions = {}): { k: tfTypes.Tensor4D; v: tfTypes.Tensor4D } {
    const p = options.params ?? params;
    const [b, len] = kv.shape;
    const w = tf.concat([p.get(joinName(name, 'attn.key.weight')), p.get(joinName(name, 'attn.value.weight'))], 1) as tfTypes.Tensor2D;
    const bias = tf.concat([p.get(joinName(name, 'attn.key.bias')), p.get(joinName(name, 'attn.value.bias'))], 0) as tfTypes.Tensor1D;
    const rows = dense(tf, tf.reshape(kv, [b * len, dim]), w, bias);
    // [B, T, 2H, dh] → [B, 2H, T, dh] → k, v [B, H, T, dh]: one transpose, one split on a contiguous axis.
    const both = tf.transpose(tf.reshape(rows, [b, len, 2 * heads, headDim]), [0, 2, 1, 3]);
    const [k, v] = tf.split(both, 2, 1) as [tfTypes.Tensor4D, tfTypes.Tensor4D];
    return { k, v };
  }

  return {
    name,
    query,
    key,
    value,
    projectKv,
    apply(x, kv, options = {}, cache) {
      const [b, tq] = x.shape;
      // The 1/√dh scale goes on q [B, Tq, C] rather than on the scores [B, H, Tq, Tk] (Tk/dh times larger).
      const q = splitHeads(tf.mul(query.apply(ln1.apply(x, options), options), scale));
      const { k, v } = cache ?? projectKv(kv ?? x, options);
      let scores = tf.matMul(q, k, false, true);
      if (options.bias) scores = tf.add(scores, options.bias);
      const probs = tf.softmax(scores) as tfTypes.Tensor4D;
      if (options.capture) options.capture.push(tf.keep(probs));
      const context = tf.matMul(drop(probs, config.attnDropout, options, 1), v);
      const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [b, tq, dim]) as tfTypes.Tensor3D;
      const h = tf.add(x, drop(proj.apply(merged, options), config.residDropout, options, 2));
      const m = fc2.apply(gelu(tf, fc1.apply(ln2.apply(h, options), options)), options);
      return lnF.apply(tf.add(h, drop(m, config.residDropout, options, 3)), options);
    },
  };
}
