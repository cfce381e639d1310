/**
 * A label atlas carried onto another image's voxel grid by nearest neighbour through both affines,
 * the way nilearn's `resample_img(..., interpolation="nearest")` does it with
 * scipy.ndimage.affine_transform(order=0, mode="constant", cval=0):
 *
 * - each target voxel v maps to atlas voxel coordinates c = inv(atlasAffine)·targetAffine·v;
 * - c is rounded half up (floor(c + 0.5)); a coordinate outside [0, n − 1] on any axis (strictly,
 *   as SciPy tests it) is background (0);
 * - when the mapping matrix is diagonal SciPy takes its zoom/shift path, which computes
 *   (v + b/a)·a rather than a·v + b; the same order is used here, so that voxels exactly half-way
 *   between two atlas voxels land on the same side as in nilearn.
 */
import { invertAffine, multiply4 } from '../../io/nifti/affine.js';

export interface VoxelGrid {
  /** Voxels along x, y, z. */
  dims: readonly [number, number, number];
  /** Row-major 4×4 voxel → mm. */
  affine: readonly number[];
}

/** inv(source.affine)·target.affine: target voxel → source voxel coordinates; null when the source affine is singular. */
export function voxelMapping(source: VoxelGrid, target: VoxelGrid): number[] | null {
  const inverse = invertAffine(source.affine);
  return inverse && multiply4(inverse, target.affine);
}

const sameGrid = (a: VoxelGrid, b: VoxelGrid): boolean => a.dims.every((n, i) => n === b.dims[i]) && a.affine.every((v, i) => v === b.affine[i]);

/**
 * `values` (on `source`, x fastest) resampled onto `target` by nearest neighbour; voxels that fall
 * outside the source volume are 0. Returns null when the source affine is singular.
 */
export function resampleNearest(values: Float32Array, source: VoxelGrid, target: VoxelGrid): Float32Array | null {
  if (sameGrid(source, target)) return values.slice();
  const m = voxelMapping(source, target);
  if (!m) return null;
  const [nx, ny, nz] = target.dims;
  const [sx, sy, sz] = source.dims;
  const out = new Float32Array(nx * ny * nz);
  const diagonal = m[1] === 0 && m[2] === 0 && m[4] === 0 && m[6] === 0 && m[8] === 0 && m[9] === 0;
  // Source index along one axis from a coordinate, or −1 outside [0, n − 1].
  const index = (c: number, n: number): number => (c >= 0 && c <= n - 1 ? Math.floor(c + 0.5) : -1);
  if (diagonal) {
    const axis = (a: number, b: number, count: number, n: number) => Int32Array.from({ length: count }, (_, v) => index((v + b / a) * a, n));
    const xi = axis(m[0]!, m[3]!, nx, sx);
    const yi = axis(m[5]!, m[7]!, ny, sy);
    const zi = axis(m[10]!, m[11]!, nz, sz);
    let o = 0;
    for (let k = 0; k < nz; k++) {
      const z = zi[k]!;
      for (let j = 0; j < ny; j++) {
        const y = yi[j]!;
        for (let i = 0; i < nx; i++, o++) {
          const x = xi[i]!;
          if (x >= 0 && y >= 0 && z >= 0) out[o] = values[x + sx * (y + sy * z)]!;
        }
      }
    }
    return out;
  }
  let o = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, o++) {
        const x = index(m[0]! * i + m[1]! * j + m[2]! * k + m[3]!, sx);
        const y = index(m[4]! * i + m[5]! * j + m[6]! * k + m[7]!, sy);
        const z = index(m[8]! * i + m[9]! * j + m[10]! * k + m[11]!, sz);
        if (x >= 0 && y >= 0 && z >= 0) out[o] = values[x + sx * (y + sy * z)]!;
      }
    }
  }
  return out;
}
