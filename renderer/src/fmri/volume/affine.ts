/**
 * Voxel ↔ mm through a NIfTI affine (16 numbers, row-major 4×4, voxel (i, j, k, 1) → mm (x, y, z, 1),
 * as nibabel's `img.affine` and the engine's BrainVolume). Pure, so the readout and the atlas lookup
 * can be tested without a browser.
 */
export type Vec3 = readonly [number, number, number];

/** mm of a voxel coordinate (fractional voxels allowed). */
export function voxelToMm(affine: readonly number[], voxel: Vec3): [number, number, number] {
  const [i, j, k] = voxel;
  const a = affine;
  return [
    a[0]! * i + a[1]! * j + a[2]! * k + a[3]!,
    a[4]! * i + a[5]! * j + a[6]! * k + a[7]!,
    a[8]! * i + a[9]! * j + a[10]! * k + a[11]!,
  ];
}

/**
 * The inverse of an affine's 3×3 part and translation, as another affine (mm → voxel). Throws on a
 * singular matrix: a header with a zero voxel size cannot place anything.
 */
export function invertAffine(affine: readonly number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = [affine[0]!, affine[1]!, affine[2]!, affine[4]!, affine[5]!, affine[6]!, affine[8]!, affine[9]!, affine[10]!];
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('the affine is singular (a zero voxel size?): no voxel ↔ mm mapping');
  const m = [
    (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
    (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
    (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det,
  ];
  const t = [affine[3]!, affine[7]!, affine[11]!];
  return [
    m[0]!, m[1]!, m[2]!, -(m[0]! * t[0]! + m[1]! * t[1]! + m[2]! * t[2]!),
    m[3]!, m[4]!, m[5]!, -(m[3]! * t[0]! + m[4]! * t[1]! + m[5]! * t[2]!),
    m[6]!, m[7]!, m[8]!, -(m[6]! * t[0]! + m[7]! * t[1]! + m[8]! * t[2]!),
    0, 0, 0, 1,
  ];
}

/** Fractional voxel coordinate of a point in mm. */
export function mmToVoxel(affine: readonly number[], mm: Vec3): [number, number, number] {
  return voxelToMm(invertAffine(affine), mm);
}

/** The nearest voxel to a point in mm, or null when it lies outside a grid of `dims`. */
export function nearestVoxel(affine: readonly number[], dims: Vec3, mm: Vec3): [number, number, number] | null {
  const v = mmToVoxel(affine, mm).map((x) => Math.round(x + 0)) as [number, number, number];
  for (let axis = 0; axis < 3; axis += 1) if (v[axis]! < 0 || v[axis]! >= dims[axis]!) return null;
  // Round −0 to 0, so readouts never print "-0".
  return [v[0] + 0, v[1] + 0, v[2] + 0];
}

/** Index of voxel (i, j, k) in x-fastest (NIfTI) order. */
export function voxelIndex(dims: Vec3, voxel: Vec3): number {
  return voxel[0] + dims[0] * (voxel[1] + dims[1] * voxel[2]);
}

/** The millimetre size of a voxel along each axis (column norms of the affine). */
export function voxelSizes(affine: readonly number[]): [number, number, number] {
  const norm = (c: number) => Math.hypot(affine[c]!, affine[4 + c]!, affine[8 + c]!);
  return [norm(0), norm(1), norm(2)];
}
