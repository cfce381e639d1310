/**
 * NIfTI datatype codes and the conversion of stored voxels to float32, scaled exactly as nibabel's
 * `get_fdata(dtype=np.float32)` does it, so that Cajal's values equal nibabel's to the last bit:
 *
 * - scl_slope 0 or non-finite means "no scaling" (nibabel's `get_slope_inter`); a valid slope with a
 *   non-finite intercept is refused, as nibabel refuses it.
 * - Asked for float32, nibabel first casts slope and intercept to float32 (numpy's value-based
 *   casting: any finite value in float32's range casts), then multiplies in the type numpy promotes
 *   to: float32 for 8/16-bit integers and float32 data, float64 for 32/64-bit integers and float64
 *   data, and casts the result to float32. Both arithmetic paths are reproduced below.
 * - (slope, inter) = (1, 0) is a plain cast.
 */
import { Buffer } from 'node:buffer';
import { FormatError } from '../../errors.js';
import type { NiftiDtype } from './types.js';

interface DtypeInfo {
  name: NiftiDtype;
  bytes: number;
  /** numpy promotes this type times a float32 scalar array to float32 (true) or float64 (false). */
  float32Arithmetic: boolean;
  /** Smallest and largest stored value (integers), for nibabel's overflow check. */
  range?: [number, number];
}

const DTYPES: ReadonlyMap<number, DtypeInfo> = new Map([
  [2, { name: 'uint8', bytes: 1, float32Arithmetic: true, range: [0, 255] }],
  [4, { name: 'int16', bytes: 2, float32Arithmetic: true, range: [-32768, 32767] }],
  [8, { name: 'int32', bytes: 4, float32Arithmetic: false }],
  [16, { name: 'float32', bytes: 4, float32Arithmetic: true }],
  [64, { name: 'float64', bytes: 8, float32Arithmetic: false }],
  [128, { name: 'rgb24', bytes: 3, float32Arithmetic: false }],
  [256, { name: 'int8', bytes: 1, float32Arithmetic: true, range: [-128, 127] }],
  [512, { name: 'uint16', bytes: 2, float32Arithmetic: true, range: [0, 65535] }],
  [768, { name: 'uint32', bytes: 4, float32Arithmetic: false }],
  [1024, { name: 'int64', bytes: 8, float32Arithmetic: false }],
  [1280, { name: 'uint64', bytes: 8, float32Arithmetic: false }],
  [2304, { name: 'rgba32', bytes: 4, float32Arithmetic: false }],
] satisfies [number, DtypeInfo][]);

/** Codes NIfTI defines that Cajal refuses, with the reason in words. */
const REFUSED: ReadonlyMap<number, string> = new Map([
  [0, 'datatype 0 (unknown)'],
  [1, 'datatype 1 (binary, one bit per voxel)'],
  [32, 'complex64 data (two values per voxel)'],
  [1536, 'float128 data (JavaScript has no 128-bit floats)'],
  [1792, 'complex128 data (two values per voxel)'],
  [2048, 'complex256 data (two values per voxel)'],
]);

export function dtypeInfo(file: string, code: number, offset: number): DtypeInfo {
  const info = DTYPES.get(code);
  if (info) return info;
  const refused = REFUSED.get(code);
  if (refused) throw new FormatError(file, `${refused} is not supported`, 'datatype', offset);
  throw new FormatError(file, `datatype code ${code} is not a NIfTI datatype (the header is damaged or not NIfTI)`, 'datatype', offset);
}

export const isRgb = (dtype: NiftiDtype): boolean => dtype === 'rgb24' || dtype === 'rgba32';

const FLOAT32_MAX = 3.4028234663852886e38;

/** How stored values become float32: the factors and which arithmetic nibabel uses. */
export interface Scaling {
  identity: boolean;
  slope: number;
  inter: number;
  float32Arithmetic: boolean;
}

/** nibabel's scaling for `dtype` with the header's scl_slope/scl_inter (see the file comment). */
export function scalingFor(file: string, dtype: NiftiDtype, code: number, sclSlope: number, sclInter: number): Scaling {
  if (sclSlope === 0 || !Number.isFinite(sclSlope)) return { identity: true, slope: 1, inter: 0, float32Arithmetic: true };
  if (!Number.isFinite(sclInter)) {
    throw new FormatError(file, `scl_slope is ${sclSlope} but scl_inter is ${sclInter}: the scaling cannot be applied`, 'scl_inter');
  }
  // numpy's value-based cast of a 0-d float64 to float32 succeeds whenever the value is in range.
  const toF32 = (v: number) => (Math.abs(v) <= FLOAT32_MAX ? Math.fround(v) : v);
  const slope = toF32(sclSlope);
  const inter = toF32(sclInter);
  if (slope === 1 && inter === 0) return { identity: true, slope, inter, float32Arithmetic: true };
  const factorsAreF32 = Math.fround(slope) === slope && Math.fround(inter) === inter;
  let float32Arithmetic = DTYPES.get(code)!.float32Arithmetic && factorsAreF32;
  const range = DTYPES.get(code)!.range;
  if (float32Arithmetic && range) {
    // nibabel's int_scinter_ftype: move to float64 when the scaled extremes overflow float32.
    const extremes = range.map((v) => Math.fround(Math.fround(v * slope) + inter));
    if (extremes.some((v) => !Number.isFinite(v))) float32Arithmetic = false;
  }
  return { identity: false, slope, inter, float32Arithmetic };
}

type Numeric = ArrayLike<number>;

/**
 * Stored bytes as a typed array in native (little-endian) order. `raw` is the reader's own buffer:
 * it is byte-swapped in place for a big-endian file and viewed without a copy when aligned (the
 * readers allocate it fresh, so it always is; an unaligned one is copied). 64-bit integers become
 * Float64 via Number (nibabel casts int64 to float directly; the double rounding in between
 * differs only for |x| > 2^53).
 */
function typedView(raw: Uint8Array, dtype: NiftiDtype, bytes: number, littleEndian: boolean): Numeric {
  if (dtype === 'uint8') return raw;
  if (dtype === 'int8') return new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  let own = raw;
  if (raw.byteOffset % bytes !== 0) {
    own = new Uint8Array(raw.byteLength);
    own.set(raw);
  }
  if (!littleEndian) swapInPlace(own, bytes);
  const { buffer, byteOffset } = own;
  const count = own.byteLength / bytes;
  switch (dtype) {
    case 'float64':
      return new Float64Array(buffer, byteOffset, count);
    case 'int64':
      return Float64Array.from(new BigInt64Array(buffer, byteOffset, count), (v) => Number(v));
    case 'uint64':
      return Float64Array.from(new BigUint64Array(buffer, byteOffset, count), (v) => Number(v));
    default:
      return narrowView(dtype, buffer, byteOffset, count);
  }
}

/**
 * Reverses the bytes of each `bytes`-byte value of `b` in place. Buffer's swap16/32/64 run
 * natively over a view of the same memory (no copy): a JavaScript loop over the bytes of a 26 MB
 * big-endian int16 image took 65–140 ms, swap16 2–15 ms, on the machine the bench ran on.
 */
function swapInPlace(b: Uint8Array, bytes: number): void {
  const view = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (bytes === 2) view.swap16();
  else if (bytes === 4) view.swap32();
  else if (bytes === 8) view.swap64();
  else throw new Error(`no byte swap for ${bytes}-byte values`);
}

/**
 * Converts `raw` (whole voxels of `dtype`, the file's byte order; swapped in place) into `out` from `outOffset`,
 * scaled as nibabel's get_fdata(dtype=float32). RGB is refused by the caller.
 */
export function decodeVoxels(raw: Uint8Array, dtype: NiftiDtype, bytes: number, littleEndian: boolean, scaling: Scaling, out: Float32Array, outOffset: number): void {
  const values = typedView(raw, dtype, bytes, littleEndian);
  const n = values.length;
  if (scaling.identity) {
    // TypedArray.set converts each value to float32 exactly as numpy's astype(float32) does, and
    // runs natively (several times faster than a JavaScript loop).
    out.set(values, outOffset);
    return;
  }
  const { slope, inter } = scaling;
  const fround = Math.fround;
  if (scaling.float32Arithmetic) {
    if (slope !== 1 && inter !== 0) for (let i = 0; i < n; i++) out[outOffset + i] = fround(fround(values[i]! * slope) + inter);
    else if (slope !== 1) for (let i = 0; i < n; i++) out[outOffset + i] = values[i]! * slope;
    else for (let i = 0; i < n; i++) out[outOffset + i] = values[i]! + inter;
  } else {
    // float64 arithmetic; the store into a Float32Array is the final cast.
    for (let i = 0; i < n; i++) out[outOffset + i] = values[i]! * slope + inter;
  }
}

/**
 * Where the stored bytes of `count` voxels of `bytes` bytes each go inside the buffer of a
 * Float32Array of `count` values (byte offset from its start) so that decodeInPlace can convert
 * them where they lie: at the end, (4 − bytes)·count bytes in. Null for 8-byte types, whose stored
 * bytes do not fit. Reading straight into the output spares a second buffer as large as the stored
 * data: on a busy or virtualised machine the first touch of fresh memory (a page fault per 4 KiB)
 * costs more than the conversion itself.
 */
export function inPlaceOffset(bytes: number, count: number): number | null {
  return bytes <= 4 ? (4 - bytes) * count : null;
}

/** A typed-array view of `count` native-order values of `dtype` (1, 2 or 4 bytes) at `byteOffset`. */
function narrowView(dtype: NiftiDtype, buffer: ArrayBufferLike, byteOffset: number, count: number): Numeric {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(buffer, byteOffset, count);
    case 'int8':
      return new Int8Array(buffer, byteOffset, count);
    case 'int16':
      return new Int16Array(buffer, byteOffset, count);
    case 'uint16':
      return new Uint16Array(buffer, byteOffset, count);
    case 'int32':
      return new Int32Array(buffer, byteOffset, count);
    case 'uint32':
      return new Uint32Array(buffer, byteOffset, count);
    case 'float32':
      return new Float32Array(buffer, byteOffset, count);
    default:
      throw new Error(`no in-place view for ${dtype}`);
  }
}

/** Chunks below this many values are converted by the JavaScript loop rather than TypedArray.set. */
const MIN_SET_CHUNK = 1 << 14;

/**
 * Converts, where they lie, stored voxels `from`…`to`−1 of the `out.length` that fill `out`'s last
 * bytes·out.length bytes (see inPlaceOffset; the file's byte order, swapped in place for a
 * big-endian file) into `out`, scaled exactly as decodeVoxels scales them. Ranges may be converted
 * as their bytes arrive, in any order of arrival after `from`: writing value i (bytes 4i…4i+3)
 * never reaches a stored value after i, which starts at (4 − bytes)·n + bytes·(i + 1) ≥ 4(i + 1).
 */
export function decodeInPlace(out: Float32Array, dtype: NiftiDtype, bytes: number, littleEndian: boolean, scaling: Scaling, from = 0, to = out.length): void {
  const n = out.length;
  const base = (4 - bytes) * n;
  const rawStart = out.byteOffset + base;
  if (!littleEndian && bytes > 1) swapInPlace(new Uint8Array(out.buffer, rawStart + from * bytes, (to - from) * bytes), bytes);
  const src = narrowView(dtype, out.buffer, rawStart, n);
  if (scaling.identity) {
    if (dtype === 'float32') return;
    let i = from;
    if (bytes < 4) {
      // TypedArray.set converts natively (numpy's astype rounding) but copies an overlapping source
      // first; take the longest chunks whose source lies wholly after their destination.
      for (;;) {
        const end = Math.min(to, Math.floor((base + bytes * i) / 4));
        if (end - i < MIN_SET_CHUNK) break;
        out.set((src as Int16Array).subarray(i, end), i);
        i = end;
      }
    }
    for (; i < to; i++) out[i] = src[i]!;
    return;
  }
  const { slope, inter } = scaling;
  const fround = Math.fround;
  if (scaling.float32Arithmetic) {
    if (slope !== 1 && inter !== 0) for (let i = from; i < to; i++) out[i] = fround(fround(src[i]! * slope) + inter);
    else if (slope !== 1) for (let i = from; i < to; i++) out[i] = src[i]! * slope;
    else for (let i = from; i < to; i++) out[i] = src[i]! + inter;
  } else {
    for (let i = from; i < to; i++) out[i] = src[i]! * slope + inter;
  }
}
