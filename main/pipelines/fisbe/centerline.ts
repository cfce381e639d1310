/**
 * Skeletons of instances and the centreline overlaps between label sets (`localize.py`):
 * clPrecision[gt, pred] = share of pred's skeleton inside gt, clRecall[gt, pred] = share of gt's
 * skeleton inside pred, column / row 0 = background, clDice = 2PR / (P + R) in float32.
 */
import { skeletonize3dIndices } from './skeletonize.js';
import type { Shape3 } from './labels.js';
import { f32, Matrix32 } from './numeric.js';
import { boundingBox, type VoxelLabelIndex } from './voxels.js';

/**
 * Lee-94 skeleton of one instance, as sorted linear indices in the full volume. Thinning runs on the
 * instance's bounding box plus a margin only: the algorithm is translation invariant, so the result
 * is the skeleton scikit-image computes on the whole volume, at a fraction of the work.
 */
export function skeletonOf(voxels: Uint32Array, shape: Shape3): Uint32Array {
  if (voxels.length === 0) return new Uint32Array(0);
  const [, height, width] = shape;
  const box = boundingBox(voxels, shape);
  // A one-voxel margin of background on every side: the evaluator thins the whole volume, and a
  // crop one slice thick would not be thinned the same way (scikit-image treats it as 2D).
  const min = box.min.map((v) => v - 1) as [number, number, number];
  const crop: [number, number, number] = [box.max[0] - min[0] + 2, box.max[1] - min[1] + 2, box.max[2] - min[2] + 2];
  // Volume and crop indices are both C order, so the mapping keeps the voxels ascending.
  const inCrop = new Uint32Array(voxels.length);
  voxels.forEach((voxel, i) => {
    const x = voxel % width;
    const rest = (voxel - x) / width;
    const y = rest % height;
    const z = (rest - y) / height;
    inCrop[i] = ((z - min[0]) * crop[1] + (y - min[1])) * crop[2] + (x - min[2]);
  });
  const skeleton = skeletonize3dIndices(inCrop, crop);
  return skeleton.map((index) => {
    const x = index % crop[2];
    const rest = (index - x) / crop[2];
    const y = rest % crop[1];
    const z = (rest - y) / crop[1];
    return ((z + min[0]) * height + (y + min[1])) * width + (x + min[2]);
  });
}

/**
 * `get_centerline_overlap`: for each skeleton (by id - 1; null or empty = instance absent), the share
 * of its voxels covered by each instance of `compare` and by no instance at all (index 0). Writes
 * `write(skeletonId, compareId, share)`; shares are computed in float64 and stored as float32, as
 * numpy assigns into the float32 matrix.
 */
export function centerlineOverlap(
  skeletons: readonly (Uint32Array | null)[],
  compare: VoxelLabelIndex,
  write: (skeletonId: number, compareId: number, share: number) => void,
): void {
  skeletons.forEach((skeleton, index) => {
    if (!skeleton || skeleton.length === 0) return;
    const counts = new Map<number, number>();
    let background = 0;
    for (const voxel of skeleton) {
      const covered = compare.forEachLabel(voxel, (id) => counts.set(id, (counts.get(id) ?? 0) + 1));
      if (covered === 0) background++;
    }
    const size = skeleton.length;
    if (background > 0) write(index + 1, 0, f32(background / size));
    for (const [id, count] of counts) write(index + 1, id, f32(count / size));
  });
}

/** clPrecision (gt × pred) from prediction skeletons compared with the ground truth. */
export function precisionMatrix(predSkeletons: readonly (Uint32Array | null)[], gt: VoxelLabelIndex, gtCount: number): Matrix32 {
  const matrix = new Matrix32(gtCount + 1, predSkeletons.length + 1);
  centerlineOverlap(predSkeletons, gt, (pred, gtId, share) => matrix.set(gtId, pred, share));
  return matrix;
}

/** clRecall (gt × pred) from ground-truth skeletons compared with the prediction. */
export function recallMatrix(gtSkeletons: readonly (Uint32Array | null)[], pred: VoxelLabelIndex, predCount: number): Matrix32 {
  const matrix = new Matrix32(gtSkeletons.length + 1, predCount + 1);
  centerlineOverlap(gtSkeletons, pred, (gtId, predId, share) => matrix.set(gtId, predId, share));
  return matrix;
}

/** clDice = nan_to_num(2 · P · R / (P + R)), every operation rounded to float32 as numpy does. */
export function clDiceMatrix(precision: Matrix32, recall: Matrix32): Matrix32 {
  const out = new Matrix32(precision.rows, precision.cols);
  for (let i = 0; i < out.data.length; i++) {
    const p = precision.data[i]!;
    const r = recall.data[i]!;
    const sum = f32(p + r);
    out.data[i] = sum === 0 ? 0 : f32(f32(f32(2 * p) * r) / sum);
  }
  return out;
}
