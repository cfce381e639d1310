/**
 * Brain-JEPA's "brain gradient positioning" (reference GradTs_2dPE, src/models/vision_transformer.py):
 * the positional embedding of token k = roi·n + t (n time patches) is
 *   [ time half: fixed 1-D sin/cos of t (width w/2) | ROI half: rescaled Linear(G → w/2) of the ROI's gradient row ],
 * time half first. The ROI half is trainable: Ĝ = gradients·W + b over all ROIs, then one global
 * min–max rescale of the whole matrix to [−1, 1] (one scalar min and max, recomputed every forward
 * pass), repeated for each time patch of the ROI. The encoder (w = D) and the predictor (w = Dp)
 * each have their own table and projection.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { createLinear, type Linear } from '../../compute/nn/linear.js';
import { joinName, type ForwardOptions, type Params } from '../../compute/nn/params.js';

/**
 * The fixed time half, [rois·n, w/2] row-major: row k holds the sin/cos of t = k mod n with
 * ω_j = 10000^(−j/(w/4)), j < w/4, laid out [sin(t·ω) | cos(t·ω)] (MAE's 1-D sin/cos). The
 * reference builds it from np.meshgrid(grid_w, grid_h)[0], which is the time index despite its
 * name emb_h; it computes in float64 and stores float32, as here.
 */
export function timeSinCos(rois: number, nPatches: number, width: number): Float32Array {
  const half = width / 2;
  const quarter = half / 2;
  const out = new Float32Array(rois * nPatches * half);
  const row = new Float64Array(half);
  for (let t = 0; t < nPatches; t++) {
    for (let j = 0; j < quarter; j++) {
      const omega = 1 / 10000 ** (j / quarter);
      row[j] = Math.sin(t * omega);
      row[quarter + j] = Math.cos(t * omega);
    }
    for (let r = 0; r < rois; r++) out.set(row, (r * nPatches + t) * half);
  }
  return out;
}

export interface GradientPositions {
  readonly tableName: string;
  readonly projection: Linear;
  /** The [rois·n, width] embedding (differentiable w.r.t. the projection). */
  apply(gradients: tfTypes.Tensor2D, options?: ForwardOptions): tfTypes.Tensor2D;
}

/**
 * Registers `<name>.emb_h` [rois·n, width/2] (fixed: not trainable, but part of the state dict as in
 * the reference, where it is a Parameter with requires_grad=False) and
 * `<name>.predictor_pos_embed_proj` Linear(gradientDims → width/2) — the reference's names, also in
 * the encoder.
 */
export function createGradientPositions(
  params: Params,
  name: string,
  config: { rois: number; nPatches: number; width: number; gradientDims: number; seed: number },
): GradientPositions {
  const { rois, nPatches, width } = config;
  const half = width / 2;
  const tableName = joinName(name, 'emb_h');
  params.add(tableName, [rois * nPatches, half], timeSinCos(rois, nPatches, width), { trainable: false, role: 'other' });
  const projection = createLinear(params, joinName(name, 'predictor_pos_embed_proj'), { inFeatures: config.gradientDims, outFeatures: half, seed: config.seed });
  const tf = params.tf;
  return {
    tableName,
    projection,
    apply(gradients, options = {}) {
      const p = options.params ?? params;
      const g = projection.apply(gradients, options); // [rois, w/2]
      // Min and max over the un-repeated matrix: the same values as over the repeated one, and
      // each extreme is then one element, so tfjs' min/max gradient (all tied elements get the
      // full gradient) agrees with torch's (ties share it evenly, then repeat_interleave sums).
      const lo = tf.min(g);
      const hi = tf.max(g);
      const scaled = tf.sub(tf.mul(tf.div(tf.sub(g, lo), tf.sub(hi, lo)), 2), 1);
      const repeated = tf.reshape(tf.tile(tf.reshape(scaled, [rois, 1, half]), [1, nPatches, 1]), [rois * nPatches, half]);
      return tf.concat([p.get(tableName) as tfTypes.Tensor2D, repeated as tfTypes.Tensor2D], 1);
    },
  };
}
