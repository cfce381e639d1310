/**
 * The voxel → mm transforms of a NIfTI header, computed the way nibabel 5 computes them so that
 * `img.affine` agrees: the qform from the quaternion (w filled in as the positive root, with
 * nibabel's tolerance for a slightly negative 1 − b² − c² − d²), qfac scaling the third axis; the
 * sform from its three rows; the fallback ("base affine") from pixdim, centred on the volume with x
 * flipped. Matrices are row-major number[16].
 */

export interface QformFields {
  quatern: [number, number, number];
  qoffset: [number, number, number];
  /** pixdim[1..3] (already made positive, as nibabel's load-time fix does). */
  voxel: [number, number, number];
  /** pixdim[0]: −1 or 1 (anything else was fixed to 1). */
  qfac: number;
  /** How far below 0 the computed w² may be and still count as 0 (float32 or float64 precision of the stored fields). */
  w2Threshold: number;
}

/** A quaternion that is not a unit quaternion: b² + c² + d² > 1 by more than the precision of the stored fields. */
export class QuaternionError extends Error {}

/** Rotation matrix (3×3 row-major) of the unit quaternion (w, x, y, z), as nibabel's quat2mat. */
function rotation(w: number, x: number, y: number, z: number): number[] {
  const n = w * w + x * x + y * y + z * z;
  if (n < Number.EPSILON) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const s = 2 / n;
  const X = x * s, Y = y * s, Z = z * s;
  const wX = w * X, wY = w * Y, wZ = w * Z;
  const xX = x * X, xY = x * Y, xZ = x * Z;
  const yY = y * Y, yZ = y * Z, zZ = z * Z;
  return [1 - (yY + zZ), xY - wZ, xZ + wY, xY + wZ, 1 - (xX + zZ), yZ - wX, xZ - wY, yZ + wX, 1 - (xX + yY)];
}

export function qformMatrix(fields: QformFields): number[] {
  const [b, c, d] = fields.quatern;
  const w2 = 1 - (b * b + c * c + d * d);
  let w: number;
  if (w2 < 0) {
    if (w2 < fields.w2Threshold) throw new QuaternionError(`quatern_b/c/d have b² + c² + d² = ${1 - w2}, more than 1 (not a rotation)`);
    w = 0;
  } else {
    w = Math.sqrt(w2);
  }
  const r = rotation(w, b, c, d);
  const [vx, vy, vz0] = fields.voxel;
  const vz = vz0 * fields.qfac;
  const [ox, oy, oz] = fields.qoffset;
  return [r[0]! * vx, r[1]! * vy, r[2]! * vz, ox, r[3]! * vx, r[4]! * vy, r[5]! * vz, oy, r[6]! * vx, r[7]! * vy, r[8]! * vz, oz, 0, 0, 0, 1];
}

export function sformMatrix(rows: [number[], number[], number[]]): number[] {
  return [...rows[0], ...rows[1], ...rows[2], 0, 0, 0, 1];
}

/**
 * nibabel's get_base_affine (shape_zoom_affine with x flipped): the voxel sizes on the diagonal and
 * the origin at the centre of the volume. Shapes and zooms with fewer than three axes are padded with 1.
 */
export function baseAffine(dims: readonly number[], zooms: readonly number[]): number[] {
  const shape = [1, 1, 1].map((one, i) => dims[i] ?? one);
  const z = [1, 1, 1].map((one, i) => zooms[i] ?? one);
  z[0] = -z[0]!;
  const t = shape.map((n, i) => -((n - 1) / 2) * z[i]!);
  return [z[0]!, 0, 0, t[0]!, 0, z[1]!, 0, t[1]!, 0, 0, z[2]!, t[2]!, 0, 0, 0, 1];
}

/** Row-major 4×4 product a·b. */
export function multiply4(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += a[r * 4 + k]! * b[k * 4 + c]!;
      out[r * 4 + c] = sum;
    }
  }
  return out;
}

/**
 * Inverse of an affine 4×4 (last row 0 0 0 1) by Gauss–Jordan elimination with partial pivoting on
 * the 3×3 part; null when it is singular (a voxel axis of size zero).
 */
export function invertAffine(m: readonly number[]): number[] | null {
  const a = [0, 1, 2].map((r) => [m[r * 4]!, m[r * 4 + 1]!, m[r * 4 + 2]!, r === 0 ? 1 : 0, r === 1 ? 1 : 0, r === 2 ? 1 : 0]);
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (a[pivot]![col] === 0) return null;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const row = a[col]!;
    const p = row[col]!;
    for (let k = 0; k < 6; k++) row[k] = row[k]! / p;
    for (let r = 0; r < 3; r++) {
      if (r === col) continue;
      const f = a[r]![col]!;
      if (f === 0) continue;
      for (let k = 0; k < 6; k++) a[r]![k] = a[r]![k]! - f * row[k]!;
    }
  }
  const inv = a.map((row) => row.slice(3));
  const t = [0, 1, 2].map((r) => -(inv[r]![0]! * m[3]! + inv[r]![1]! * m[7]! + inv[r]![2]! * m[11]!));
  return [...inv[0]!, t[0]!, ...inv[1]!, t[1]!, ...inv[2]!, t[2]!, 0, 0, 0, 1];
}
