/**
 * The target encoder's full-input pass, opened up for the "brain map of the model" (maps.ts): the
 * per-token output norms, the pooled features, and the last block's attention probabilities, which
 * model.ts's features() does not return (its attention is fused inside the transformer block).
 *
 * model.ts keeps its layer objects private, so this file rebuilds the encoder's layers under the
 * same parameter names on a scratch collection and runs them with the model's target weights
 * (`{ params: model.target }`, as model.ts does for the target pass). The names are those of the
 * reference's state dict that model.ts registers (patch_embed.proj, pos_embed_proj, blocks.i, norm);
 * inspectTarget checks that every one exists in the model with the same shape, and the unit test
 * checks the rebuilt pass gives model.features() exactly — so a renamed layer in model.ts fails
 * loudly instead of mapping the wrong weights. The last block's attention is recomputed from its
 * LN₁ and qkv weights on the residual stream that enters it, as nn/attention.ts computes it.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../compute/activate.js';
import { createLayerNorm } from '../../compute/nn/norm.js';
import { createLinear } from '../../compute/nn/linear.js';
import { Params, type ForwardOptions } from '../../compute/nn/params.js';
import { createTransformerBlock } from '../../compute/nn/transformer.js';
import { ValidationError } from '../../errors.js';
import { LN_EPS, timePatches, tokenCount } from './config.js';
import type { JepaModel } from './model.js';
import { createGradientPositions } from './pos-embed.js';

export interface TargetPass {
  /** [B·N, D] the target encoder's output tokens (after the final LN), as model.features(). */
  features: tfTypes.Tensor2D;
  /** [B, N] the L2 norm of each output token. */
  tokenNorm: tfTypes.Tensor2D;
  /**
   * [B, N] the L2 norm of each token leaving the last block, before the final LayerNorm. The output
   * norm above is ≈ ‖γ‖ for every token by construction of the LN (√D while γ ≈ 1, early in
   * training), so this one is where per-ROI differences in magnitude show.
   */
  residualNorm: tfTypes.Tensor2D;
  /** [B, N] attention received by each key token in the last block: softmax probabilities averaged over heads and query tokens. */
  attentionReceived: tfTypes.Tensor2D;
  /** [B, D] mean over tokens of the output (model.pooled()). */
  pooled: tfTypes.Tensor2D;
}

export interface TargetInspector {
  /** x [B, R, T] → the pass's tensors (the caller disposes them, e.g. in tf.tidy). */
  run(x: tfTypes.Tensor3D): TargetPass;
  dispose(): void;
}

/**
 * A reader of the target encoder's internals. `gradients` (R × gradientDims, row-major) must be the
 * ones the model was built with (the bundle's data.gradients): the model does not expose its copy.
 */
export function inspectTarget(tf: Tfjs, model: JepaModel, gradients: Float64Array): TargetInspector {
  const config = model.config;
  const { rois, frames, patchSize, embedDim: d, heads, depth, gradientDims } = config;
  if (gradients.length !== rois * gradientDims) throw new ValidationError('gradients', `${gradients.length} values for ${rois} ROIs × ${gradientDims} components`);
  if (depth < 1) throw new ValidationError('depth', 'the encoder has no transformer block');
  const n = timePatches(config);
  const tokens = tokenCount(config);
  const headDim = d / heads;
  const scale = 1 / Math.sqrt(headDim);

  // The layers, named as model.ts's buildEncoder names them; their own (scratch) weights are never used.
  const scratch = new Params(tf);
  const patch = createLinear(scratch, 'patch_embed.proj', { inFeatures: patchSize, outFeatures: d, seed: 0 });
  const positions = createGradientPositions(scratch, 'pos_embed_proj', { rois, nPatches: n, width: d, gradientDims, seed: 0 });
  const blocks = Array.from({ length: depth }, (_, i) =>
    createTransformerBlock(scratch, `blocks.${i}`, { dim: d, heads, mlpRatio: config.mlpRatio, activation: 'gelu', eps: LN_EPS, seed: 0 }),
  );
  const norm = createLayerNorm(scratch, 'norm', { dim: d, eps: LN_EPS });
  for (const entry of scratch.list()) {
    const ours = model.target.has(entry.name) ? model.target.entry(entry.name) : null;
    if (!ours || ours.shape.length !== entry.shape.length || ours.shape.some((s, i) => s !== entry.shape[i])) {
      scratch.dispose();
      throw new ValidationError('model', `the target encoder has no parameter ${entry.name} [${entry.shape.join(', ')}]: model.ts's layer names changed, update target-pass.ts`);
    }
  }
  const gradientTensor = tf.tensor2d(Float32Array.from(gradients), [rois, gradientDims], 'float32');
  const options: ForwardOptions = { params: model.target };
  let disposed = false;

  return {
    run(x) {
      if (disposed) throw new ValidationError('inspector', 'disposed');
      if (x.rank !== 3 || x.shape[1] !== rois || x.shape[2] !== frames) throw new ValidationError('x', `shape [${x.shape.join(', ')}] is not [batch, ${rois} ROIs, ${frames} frames]`);
      const batch = x.shape[0];
      return tf.tidy(() => {
        // model.ts embed(): ROI-major patches → Linear + gradient positions.
        const patches = tf.reshape(x, [batch * tokens, patchSize]) as tfTypes.Tensor2D;
        const embedded = tf.reshape(patch.apply(patches, options), [batch, tokens, d]);
        let rows = tf.reshape(tf.add(embedded, positions.apply(gradientTensor, options)), [batch * tokens, d]) as tfTypes.Tensor2D;
        for (const block of blocks.slice(0, -1)) rows = block.applyRows(rows, batch, tokens, options);
        const last = blocks[blocks.length - 1]!;
        // The last block's attention probabilities, as nn/attention.ts: LN₁ → qkv → [q | k | v] by head.
        const projected = last.attention.qkv.apply(last.norm1.apply(rows, options), options);
        const heads3 = tf.transpose(tf.reshape(projected, [batch, tokens, 3 * heads, headDim]), [0, 2, 1, 3]);
        const [q, k] = tf.split(heads3, 3, 1) as tfTypes.Tensor4D[];
        const probs = tf.softmax(tf.matMul(tf.mul(q!, scale), k!, false, true)); // [B, H, Nq, Nk]
        const attentionReceived = tf.mean(probs, [1, 2]) as tfTypes.Tensor2D;
        const stream = last.applyRows(rows, batch, tokens, options);
        const features = norm.apply(stream, options);
        const rowNorm = (t: tfTypes.Tensor2D) => tf.reshape(tf.sqrt(tf.sum(tf.square(t), 1)), [batch, tokens]) as tfTypes.Tensor2D;
        const tokenNorm = rowNorm(features);
        const residualNorm = rowNorm(stream);
        const pooled = tf.mean(tf.reshape(features, [batch, tokens, d]), 1) as tfTypes.Tensor2D;
        return { features, tokenNorm, residualNorm, attentionReceived, pooled };
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      scratch.dispose();
      gradientTensor.dispose();
    },
  };
}
