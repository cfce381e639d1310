/** Row-major 4×4 affines (voxel → mm, nibabel's convention): applying one, and inverting it. */

export type Affine = readonly number[];

/** (i, j, k) → (x, y, z) through `a`. */
export function applyAffine(a: Affine, i: number, j: number, k: number): [number, number, number] {
  return [a[0]! * i + a[1]! * j + a[2]! * k + a[3]!, a[4]! * i + a[5]! * j + a[6]! * k + a[7]!, a[8]! * i + a[9]! * j + a[10]! * k + a[11]!];
}

/**
 * The inverse of an affine whose last row is (0, 0, 0, 1): mm → voxel. Throws on a singular one
 * (a header whose voxel size is zero), which no reader should have let through.
 */
export function invertAffine(a: Affine): number[] {
  const [m00, m01, m02, t0, m10, m11, m12, t1, m20, m21, m22, t2] = a as number[] as [number, number, number, number, number, number, number, number, number, number, number, number];
  const c00 = m11 * m22 - m12 * m21;
  const c01 = m12 * m20 - m10 * m22;
  const c02 = m10 * m21 - m11 * m20;
  const det = m00 * c00 + m01 * c01 + m02 * c02;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('the affine is singular (a zero voxel size?)');
  const r = 1 / det;
  const i00 = c00 * r;
  const i01 = (m02 * m21 - m01 * m22) * r;
  const i02 = (m01 * m12 - m02 * m11) * r;
  const i10 = c01 * r;
  const i11 = (m00 * m22 - m02 * m20) * r;
  const i12 = (m02 * m10 - m00 * m12) * r;
  const i20 = c02 * r;
  const i21 = (m01 * m20 - m00 * m21) * r;
  const i22 = (m00 * m11 - m01 * m10) * r;
  return [
    i00, i01, i02, -(i00 * t0 + i01 * t1 + i02 * t2),
    i10, i11, i12, -(i10 * t0 + i11 * t1 + i12 * t2),
    i20, i21, i22, -(i20 * t0 + i21 * t1 + i22 * t2),
    0, 0, 0, 1,
  ];
}

/** The voxel (rounded) an mm position falls in through `inverse`, or null outside the grid. */
export function voxelAt(inverse: Affine, dims: readonly [number, number, number], x: number, y: number, z: number): number | null {
  const [fi, fj, fk] = applyAffine(inverse, x, y, z);
  const i = Math.round(fi);
  const j = Math.round(fj);
  const k = Math.round(fk);
  if (i < 0 || j < 0 || k < 0 || i >= dims[0] || j >= dims[1] || k >= dims[2]) return null;
  return i + dims[0] * (j + dims[1] * k);
}
