/**
 * 64-bit integer labels (common in segmentation stores: zarr `<u8`, HDF5 `int64`) narrowed to 32
 * bits, because volumes are plain 32-bit typed arrays everywhere downstream. Label ids in practice
 * stay far below 2^31; a value that does not fit is an error naming where it is rather than a
 * silent wrap. Works on the 32-bit halves (little-endian) instead of converting every BigInt.
 */
import { FormatError } from '../../errors.js';
import type { VolumeArray } from './types.js';

/** The dtype a 64-bit integer dtype is read as. */
export function narrowedDtype(signed: boolean): 'int32' | 'uint32' {
  return signed ? 'int32' : 'uint32';
}

/**
 * `data` (BigInt64Array → Int32Array, BigUint64Array → Uint32Array), or a FormatError on `file`
 * saying that `where` (e.g. `chunk "labels/0.0.0"`) holds a value out of range.
 */
export function narrow64(data: unknown, target: 'int32' | 'uint32', file: string, where: string, field?: string): VolumeArray {
  if (!(data instanceof BigInt64Array) && !(data instanceof BigUint64Array)) {
    throw new TypeError(`expected a 64-bit integer array, got ${Object.prototype.toString.call(data)}`);
  }
  const halves = new Uint32Array(data.buffer, data.byteOffset, data.length * 2);
  const signed = target === 'int32';
  const out = signed ? new Int32Array(data.length) : new Uint32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const low = halves[2 * i]!;
    const high = halves[2 * i + 1]!;
    const fits = signed ? (high === 0 && low < 0x80000000) || (high === 0xffffffff && low >= 0x80000000) : high === 0;
    if (!fits) {
      throw new FormatError(file, `${where} holds ${String(data[i])}, which does not fit ${target} (64-bit labels are read as ${target})`, field);
    }
    out[i] = low; // for int32, a stored 0xffffffff low half is -1: the assignment wraps as intended
  }
  return out;
}
