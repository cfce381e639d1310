/**
 * The NIfTI-1 (348 bytes) and NIfTI-2 (540 bytes) headers: byte order from sizeof_hdr (348 or 540
 * read either way round), the magic, then every field the rest of Cajal needs. The checks nibabel
 * applies when it loads an image are applied here too, with nibabel's fixes where nibabel fixes
 * (pixdim 0 → 1 and negative → positive, qfac other than ±1 → 1, an unknown xform code → 0,
 * bitpix ignored) and a FormatError naming the field where nibabel refuses or where the voxels
 * could not be found (pair files, bad magic, dim, datatype, vox_offset).
 */
import { FormatError } from '../../errors.js';
import { checkShape, checkStreamedSize } from '../allocation.js';
import { baseAffine, qformMatrix, QuaternionError, sformMatrix } from './affine.js';
import { dtypeInfo, scalingFor, type Scaling } from './datatypes.js';
import type { NiftiHeader } from './types.js';

export const NIFTI1_HEADER_BYTES = 348;
export const NIFTI2_HEADER_BYTES = 540;
/** Bytes a reader must have to parse either version (the larger header). */
export const MAX_HEADER_BYTES = NIFTI2_HEADER_BYTES;

/** Everything a reader needs beyond the public header: where the voxels are and how to convert them. */
export interface NiftiLayout {
  header: NiftiHeader;
  spatialDims: [number, number, number];
  volumeCount: number;
  voxelsPerVolume: number;
  bytesPerVoxel: number;
  bytesPerVolume: number;
  scaling: Scaling;
}

/** 1 or 2 and the byte order, from sizeof_hdr; null when the first four bytes are neither 348 nor 540 either way round. */
export function sniffVersion(bytes: Uint8Array): { version: 1 | 2; littleEndian: boolean } | null {
  if (bytes.length < 4) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === NIFTI1_HEADER_BYTES) return { version: 1, littleEndian };
    if (size === NIFTI2_HEADER_BYTES) return { version: 2, littleEndian };
  }
  return null;
}

/** True when the bytes start like a single-file NIfTI header (sizeof_hdr and magic). */
export function hasNiftiMagic(bytes: Uint8Array): boolean {
  const sniff = sniffVersion(bytes);
  if (!sniff) return false;
  const at = sniff.version === 1 ? 344 : 4;
  if (bytes.length < at + 4) return false;
  const magic = latin1(bytes.subarray(at, at + 4));
  return magic === (sniff.version === 1 ? 'n+1\0' : 'n+2\0');
}

const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

/** A C string field: up to the first NUL, Latin-1 (lossless for any byte). */
function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return latin1(end < 0 ? bytes : bytes.subarray(0, end));
}

/** nibabel's unit_codes (code → label); codes it does not know read as 'unknown'. */
const SPACE_UNITS: Record<number, string> = { 0: 'unknown', 1: 'meter', 2: 'mm', 3: 'micron' };
const TIME_UNITS: Record<number, string> = { 0: 'unknown', 8: 'sec', 16: 'msec', 24: 'usec', 32: 'hz', 40: 'ppm', 48: 'rads' };
/** Seconds per time unit for TR; spectral units ('hz', 'ppm', 'rads') have no TR. */
const SECONDS: Record<string, number> = { unknown: 1, sec: 1, msec: 1e-3, usec: 1e-6 };

/** Field offsets that differ between the versions (the order of the fields differs too). */
interface Fields {
  dim: number;
  pixdim: number;
  datatype: number;
  bitpix: number;
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  calMax: number;
  calMin: number;
  descrip: number;
  qformCode: number;
  sformCode: number;
  quatern: number;
  qoffset: number;
  srow: number;
  xyztUnits: number;
  intentCode: number;
  intentName: number;
  magic: number;
}

const V1: Fields = {
  dim: 40, pixdim: 76, datatype: 70, bitpix: 72, voxOffset: 108, sclSlope: 112, sclInter: 116, calMax: 124, calMin: 128,
  descrip: 148, qformCode: 252, sformCode: 254, quatern: 256, qoffset: 268, srow: 280, xyztUnits: 123, intentCode: 68,
  intentName: 328, magic: 344,
};
const V2: Fields = {
  dim: 16, pixdim: 104, datatype: 12, bitpix: 14, voxOffset: 168, sclSlope: 176, sclInter: 184, calMax: 192, calMin: 200,
  descrip: 240, qformCode: 344, sformCode: 348, quatern: 352, qoffset: 376, srow: 400, xyztUnits: 500, intentCode: 504,
  intentName: 508, magic: 4,
};

/** Reads the fields of one version: integers and floats of the version's widths, in the file's byte order. */
class FieldReader {
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly version: 1 | 2,
    readonly littleEndian: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  /** dim entries: int16 (v1) or int64 (v2; values past 2^53 come back as non-safe numbers and are refused later). */
  dimAt(offset: number, i: number): number {
    return this.version === 1 ? this.view.getInt16(offset + 2 * i, this.littleEndian) : Number(this.view.getBigInt64(offset + 8 * i, this.littleEndian));
  }
  /** float32 (v1) or float64 (v2). */
  real(offset: number, i = 0): number {
    return this.version === 1 ? this.view.getFloat32(offset + 4 * i, this.littleEndian) : this.view.getFloat64(offset + 8 * i, this.littleEndian);
  }
  int16(offset: number): number {
    return this.view.getInt16(offset, this.littleEndian);
  }
  int32(offset: number): number {
    return this.view.getInt32(offset, this.littleEndian);
  }
  /** qform_code/sform_code: int16 (v1) or int32 (v2). */
  code(offset: number): number {
    return this.version === 1 ? this.int16(offset) : this.int32(offset);
  }
  voxOffset(offset: number): number {
    return this.version === 1 ? this.view.getFloat32(offset, this.littleEndian) : Number(this.view.getBigInt64(offset, this.littleEndian));
  }
}

/**
 * Parses a header (`bytes` holds at least the header: 348 or 540 bytes) into the public header and
 * the voxel layout. `compressed` is recorded in the header; `file` names the file in errors.
 */
export function parseHeader(file: string, bytes: Uint8Array, compressed: boolean): NiftiLayout {
  const sniff = sniffVersion(bytes);
  if (!sniff) {
    const what = bytes.length < 4 ? `the file has only ${bytes.length} bytes` : 'the first 4 bytes are neither 348 (NIfTI-1) nor 540 (NIfTI-2) in either byte order';
    throw new FormatError(file, `not a NIfTI file: ${what}`, 'sizeof_hdr', 0);
  }
  const { version, littleEndian } = sniff;
  const size = version === 1 ? NIFTI1_HEADER_BYTES : NIFTI2_HEADER_BYTES;
  if (bytes.length < size) {
    throw new FormatError(file, `the file ends after ${bytes.length} bytes, inside the ${size}-byte NIfTI-${version} header (truncated)`, 'sizeof_hdr');
  }
  const f = version === 1 ? V1 : V2;
  const r = new FieldReader(bytes, version, littleEndian);

  const magic = latin1(bytes.subarray(f.magic, f.magic + 4));
  if (magic === `ni${version}\0`) {
    throw new FormatError(file, `this is the header of a .hdr/.img pair (magic "ni${version}"); Cajal reads single-file .nii/.nii.gz only (convert the pair, e.g. with nibabel or fslchfiletype)`, 'magic', f.magic);
  }
  if (magic !== `n+${version}\0`) {
    throw new FormatError(file, `magic is ${JSON.stringify(magic.replace(/\0+$/, ''))}, not "n+${version}" (not a single-file NIfTI-${version} image)`, 'magic', f.magic);
  }
  if (version === 2 && latin1(bytes.subarray(8, 12)) !== '\r\n\x1a\n') {
    throw new FormatError(file, 'the 4 bytes after the magic are not \\r\\n\\x1a\\n (the file was altered by a text-mode transfer)', 'magic', 8);
  }

  const ndim = r.dimAt(f.dim, 0);
  if (!(ndim >= 1 && ndim <= 7)) throw new FormatError(file, `dim[0] is ${ndim}; it must be the number of dimensions, 1 to 7`, 'dim', f.dim);
  const dims: number[] = [];
  for (let i = 1; i <= ndim; i++) {
    const n = r.dimAt(f.dim, i);
    if (!(n >= 1)) throw new FormatError(file, `dim[${i}] is ${n}; every used dimension must be at least 1`, 'dim', f.dim);
    dims.push(n);
  }
  checkShape(file, dims, { what: 'image', field: 'dim' });

  // nibabel's _chk_pixdims fix: spatial voxel sizes 0 → 1, negative → absolute value.
  const pixdim: number[] = [];
  for (let i = 1; i <= ndim; i++) {
    let v = r.real(f.pixdim, i);
    if (i <= 3) v = v === 0 ? 1 : Math.abs(v);
    pixdim.push(v);
  }
  const spatialZooms = [1, 2, 3].map((i) => {
    const v = r.real(f.pixdim, i);
    return v === 0 ? 1 : Math.abs(v);
  }) as [number, number, number];
  const rawQfac = r.real(f.pixdim, 0);
  const qfac = rawQfac === -1 ? -1 : 1;

  const datatypeCode = r.int16(f.datatype);
  const dtype = dtypeInfo(file, datatypeCode, f.datatype);
  // A damaged NIfTI-2 dim (int64) can state petabytes: refuse before any pass is planned.
  checkStreamedSize(file, dims, dtype.bytes, 'the image', 'dim');
  const voxOffset = r.voxOffset(f.voxOffset);
  if (!Number.isSafeInteger(voxOffset) || voxOffset < size + 4) {
    throw new FormatError(file, `vox_offset is ${voxOffset}; in a single-file NIfTI-${version} image the voxels start at byte ${size + 4} or later`, 'vox_offset', f.voxOffset);
  }

  const sclSlope = r.real(f.sclSlope);
  const sclInter = r.real(f.sclInter);
  const scaling = scalingFor(file, dtype.name, datatypeCode, sclSlope, sclInter);

  // nibabel's _chk_xform_code fix: a code it does not know reads as 0.
  const validCode = (c: number) => (c >= 0 && c <= 5 ? c : 0);
  const qformCode = validCode(r.code(f.qformCode));
  const sformCode = validCode(r.code(f.sformCode));
  let qform: number[] | null = null;
  if (qformCode !== 0) {
    try {
      qform = qformMatrix({
        quatern: [r.real(f.quatern, 0), r.real(f.quatern, 1), r.real(f.quatern, 2)],
        qoffset: [r.real(f.qoffset, 0), r.real(f.qoffset, 1), r.real(f.qoffset, 2)],
        voxel: spatialZooms,
        qfac,
        // nibabel's quaternion_threshold: 3 eps of the precision the fields are stored in.
        w2Threshold: -3 * (version === 1 ? 2 ** -23 : Number.EPSILON),
      });
    } catch (error) {
      if (error instanceof QuaternionError) throw new FormatError(file, error.message, 'quatern_b', f.quatern);
      throw error;
    }
  }
  const sform =
    sformCode !== 0
      ? sformMatrix([0, 1, 2].map((row) => [0, 1, 2, 3].map((c) => r.real(f.srow + row * 4 * (version === 1 ? 4 : 8), c))) as [number[], number[], number[]])
      : null;
  const affine = sform ?? qform ?? baseAffine(dims, pixdim.slice(0, 3));
  if (!affine.every(Number.isFinite)) {
    throw new FormatError(file, `the ${sform ? 'sform (srow_x/y/z)' : qform ? 'qform' : 'pixdim'} transform has a non-finite value`, sform ? 'srow_x' : qform ? 'quatern_b' : 'pixdim');
  }

  const units = version === 1 ? bytes[f.xyztUnits]! : r.int32(f.xyztUnits);
  const xyzUnits = SPACE_UNITS[units % 8] ?? 'unknown';
  const timeUnits = TIME_UNITS[units - (units % 8)] ?? 'unknown';
  let trS: number | null = null;
  if (ndim >= 4 && timeUnits in SECONDS) {
    const step = pixdim[3]!;
    if (Number.isFinite(step) && step > 0) trS = step * SECONDS[timeUnits]!;
  }

  const header: NiftiHeader = {
    file,
    version,
    compressed,
    littleEndian,
    dims,
    pixdim,
    datatype: dtype.name,
    datatypeCode,
    bitpix: r.int16(f.bitpix),
    voxOffset,
    sclSlope,
    sclInter,
    qformCode,
    sformCode,
    affine,
    qform,
    sform,
    xyzUnits,
    timeUnits,
    trS,
    descrip: cString(bytes.subarray(f.descrip, f.descrip + 80)),
    intentCode: version === 1 ? r.int16(f.intentCode) : r.int32(f.intentCode),
    intentName: cString(bytes.subarray(f.intentName, f.intentName + 16)),
    calMin: r.real(f.calMin),
    calMax: r.real(f.calMax),
  };
  const spatialDims: [number, number, number] = [dims[0]!, dims[1] ?? 1, dims[2] ?? 1];
  const voxelsPerVolume = spatialDims[0] * spatialDims[1] * spatialDims[2];
  const volumeCount = dims.slice(3).reduce((a, b) => a * b, 1);
  return { header, spatialDims, volumeCount, voxelsPerVolume, bytesPerVoxel: dtype.bytes, bytesPerVolume: voxelsPerVolume * dtype.bytes, scaling };
}
