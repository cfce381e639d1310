/**
 * Where each region of a label volume is, in mm: the mean of its voxels' positions through the
 * affine (equal to the affine applied to the mean voxel index, the affine being linear). That is
 * the centre of mass nilearn's `find_parcellation_cut_coords` starts from; nilearn then moves a
 * centroid that falls outside its region onto it, which is not done here. The glass brain places
 * atlas regions at these points. Label 0 is background and has no centroid; non-finite values
 * (NaN in a float volume) are skipped.
 */
import { ValidationError } from '../../errors.js';

export type Point3 = [number, number, number];

/**
 * Centroids in mm per label. `labels` is the volume in NIfTI order (x fastest), `dims` its size,
 * `affine` the row-major 4×4 voxel → mm matrix. Pure; a ValidationError for mismatched inputs.
 */
export function labelCentroids(labels: ArrayLike<number>, dims: [number, number, number], affine: number[]): Map<number, Point3> {
  const [nx, ny, nz] = dims;
  if (!dims.every((d) => Number.isSafeInteger(d) && d > 0)) throw new ValidationError('dims', `${dims.join('×')} is not three positive whole numbers`);
  if (labels.length !== nx * ny * nz) throw new ValidationError('labels', `${labels.length} values, but dims ${dims.join('×')} hold ${nx * ny * nz}`);
  if (affine.length !== 16 || !affine.every(Number.isFinite)) throw new ValidationError('affine', 'is not 16 finite numbers (row-major 4×4)');

  // Per label: voxel count and the sums of i, j, k (exact in float64 for any volume that fits memory).
  const sums = new Map<number, [number, number, number, number]>();
  let v = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        const label = labels[v] as number;
        if (label === 0 || !Number.isFinite(label)) continue;
        let sum = sums.get(label);
        if (!sum) sums.set(label, (sum = [0, 0, 0, 0]));
        sum[0]++;
        sum[1] += i;
        sum[2] += j;
        sum[3] += k;
      }
    }
  }
  const a = affine;
  const out = new Map<number, Point3>();
  for (const label of [...sums.keys()].sort((p, q) => p - q)) {
    const [count, si, sj, sk] = sums.get(label) as [number, number, number, number];
    const i = si / count;
    const j = sj / count;
    const k = sk / count;
    out.set(label, [
      (a[0] as number) * i + (a[1] as number) * j + (a[2] as number) * k + (a[3] as number),
      (a[4] as number) * i + (a[5] as number) * j + (a[6] as number) * k + (a[7] as number),
      (a[8] as number) * i + (a[9] as number) * j + (a[10] as number) * k + (a[11] as number),
    ]);
  }
  return out;
}
