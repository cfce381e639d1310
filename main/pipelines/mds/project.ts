/**
 * The projection after every optimiser step (the reference's ChangeNormJointlyClipRangeSeparately /
 * ChangeNormAndClip): each stimulus is rescaled to a fixed L2 norm over all its pixels, frames and
 * channels, then each channel is clipped to its range. Without a norm and ranges it is the
 * identity (the toy run's OptimizationClipperNoop).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../compute/activate.js';

export interface Projection {
  /** L2 norm each stimulus is rescaled to (null: keep the norm). */
  norm: number | null;
  /** Per channel [min, max] (null: no clipping). */
  channelRanges: readonly (readonly [number, number])[] | null;
}

export const NO_PROJECTION: Projection = { norm: null, channelRanges: null };

/** x [K, frames, H, W, C] → projected copy (the caller disposes x). */
export function project(tf: Tfjs, x: tfTypes.Tensor5D, projection: Projection): tfTypes.Tensor5D {
  return tf.tidy(() => {
    let y: tfTypes.Tensor5D = tf.clone(x);
    if (projection.norm !== null) {
      const norms = tf.sqrt(tf.sum(tf.square(y), [1, 2, 3, 4], true));
      y = tf.mul(y, tf.div(projection.norm, tf.maximum(norms, 1e-12))) as tfTypes.Tensor5D;
    }
    const ranges = projection.channelRanges;
    if (ranges) {
      const c = y.shape[4];
      if (ranges.length !== c) throw new RangeError(`projection: ${ranges.length} channel ranges for ${c} channels`);
      const lo = tf.tensor1d(ranges.map((r) => r[0]));
      const hi = tf.tensor1d(ranges.map((r) => r[1]));
      y = tf.minimum(tf.maximum(y, lo), hi) as tfTypes.Tensor5D;
    }
    return y;
  });
}

/** The same on a plain array [frames·H·W·C] of one stimulus (channels last); in place. */
export function projectArray(x: Float32Array, channels: number, projection: Projection): Float32Array {
  if (projection.norm !== null) {
    let ss = 0;
    for (const v of x) ss += v * v;
    const scale = projection.norm / Math.max(Math.sqrt(ss), 1e-12);
    for (let i = 0; i < x.length; i++) x[i] = x[i]! * scale;
  }
  const ranges = projection.channelRanges;
  if (ranges) {
    for (let i = 0; i < x.length; i++) {
      const [lo, hi] = ranges[i % channels]!;
      x[i] = Math.min(Math.max(x[i]!, lo), hi);
    }
  }
  return x;
}
