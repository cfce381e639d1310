/**
 * Tensors read from checkpoints, as the rest of Cajal uses them: C-order Float32Array values
 * (what tfjs takes), the original dtype kept for reports, exact Float64 values kept alongside for
 * the types a Float32 cannot hold exactly (float64, 64/32-bit integers: `step` counters, ids).
 *
 * A torch tensor is a view of a storage: an element offset, sizes and strides (a transposed weight
 * has strides (1, rows)). `materialise` checks the view lies inside the storage before it reads
 * anything, so a lying offset, stride or size is a FormatError, never an out-of-bounds read or an
 * allocation sized by the lie.
 */
import { endianness } from 'node:os';
import { FormatError } from '../../errors.js';
import { checkAllocation, checkShape } from '../allocation.js';
import { DTYPE_BYTES, type TorchDtype } from './pickle.js';

export type { TorchDtype } from './pickle.js';

export interface NamedTensor {
  shape: number[];
  /** The dtype stored in the file; `data` is always converted to float32. */
  dtype: TorchDtype;
  /** The values in C order, converted to float32. */
  data: Float32Array;
  /**
   * The values as float64, for float64 and integer tensors only (float32 holds integers exactly
   * only up to 2^24; int64 past 2^53 is rounded here too).
   */
  exact?: Float64Array;
}

/** JS typed arrays are native-endian; checkpoints are little-endian. */
export function assertLittleEndianHost(): void {
  if (endianness() !== 'LE') throw new Error('reading tensors needs a little-endian machine');
}

let halfTable: Float32Array | null = null;
/** All 65536 half-precision values, built once (256 KiB): conversion by lookup. */
function halfToFloat(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    table[bits] =
      exponent === 0 ? sign * fraction * 2 ** -24 : exponent === 0x1f ? (fraction ? NaN : sign * Infinity) : sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  halfTable = table;
  return table;
}

type Source = Float32Array | Float64Array | Uint16Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/** A typed view of the storage's elements (copied when `bytes` is not aligned for the type). */
function sourceView(bytes: Uint8Array, dtype: TorchDtype, numel: number): Source {
  const size = DTYPE_BYTES[dtype];
  let aligned = bytes;
  // A copy, not `bytes.slice`: on a Node Buffer slice is a view at the same (unaligned) offset.
  if (bytes.byteOffset % size !== 0) aligned = new Uint8Array(bytes.subarray(0, numel * size));
  const { buffer, byteOffset } = aligned;
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, numel);
    case 'float64':
      return new Float64Array(buffer, byteOffset, numel);
    case 'float16':
    case 'bfloat16':
      return new Uint16Array(buffer, byteOffset, numel);
    case 'int64':
      return new BigInt64Array(buffer, byteOffset, numel);
    case 'int32':
      return new Int32Array(buffer, byteOffset, numel);
    case 'int16':
      return new Int16Array(buffer, byteOffset, numel);
    case 'int8':
      return new Int8Array(buffer, byteOffset, numel);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer, byteOffset, numel);
  }
}

/** Calls `visit(out, src)` for each element in C order: `src` the storage index of output element `out`. */
function forEachIndex(shape: readonly number[], stride: readonly number[], offset: number, count: number, visit: (out: number, src: number) => void): void {
  const rank = shape.length;
  const counter = new Array<number>(rank).fill(0);
  let src = offset;
  for (let out = 0; out < count; out++) {
    visit(out, src);
    for (let axis = rank - 1; axis >= 0; axis--) {
      counter[axis]!++;
      src += stride[axis]!;
      if (counter[axis]! < shape[axis]!) break;
      src -= stride[axis]! * shape[axis]!;
      counter[axis] = 0;
    }
  }
}

function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    if (shape[axis] !== 1 && stride[axis] !== expected) return false;
    expected *= shape[axis]!;
  }
  return true;
}

export interface TensorView {
  dtype: TorchDtype;
  offset: number;
  shape: number[];
  stride: number[];
}

/**
 * Reads the tensor `view` of a storage of `numel` elements whose bytes are `bytes` (at least
 * numel × itemsize). `where` names it in messages (`encoder/blocks.0.attn.qkv.weight`).
 */
export function materialise(file: string, where: string, view: TensorView, bytes: Uint8Array, numel: number): NamedTensor {
  const { dtype, offset, shape, stride } = view;
  const size = DTYPE_BYTES[dtype];
  if (bytes.length < numel * size) {
    throw new FormatError(file, `tensor ${where}: its storage holds ${bytes.length} bytes, fewer than the ${numel} ${dtype} elements the pickle states (truncated or damaged file)`, where);
  }
  const count = checkShape(file, shape, { what: `tensor ${where}`, field: where, allowEmpty: true });
  if (stride.some((s) => !Number.isSafeInteger(s) || s < 0) || !Number.isSafeInteger(offset) || offset < 0) {
    throw new FormatError(file, `tensor ${where}: offset ${offset} or strides (${stride.join(', ')}) are negative or not whole numbers`, where);
  }
  if (count > 0) {
    let last = offset;
    for (let axis = 0; axis < shape.length; axis++) last += (shape[axis]! - 1) * stride[axis]!;
    if (!Number.isSafeInteger(last) || last >= numel) {
      throw new FormatError(
        file,
        `tensor ${where}: shape (${shape.join(', ')}), strides (${stride.join(', ')}) from offset ${offset} reach element ${last}, past the end of its storage of ${numel} elements`,
        where,
      );
    }
  } else if (offset > numel) {
    throw new FormatError(file, `tensor ${where}: offset ${offset} is past the end of its storage of ${numel} elements`, where);
  }
  checkAllocation(file, shape, size > 4 || dtype === 'int32' ? 12 : 4, `tensor ${where} (${shape.join('×')} ${dtype})`);
  assertLittleEndianHost();
  const source = sourceView(bytes, dtype, numel);
  const data = new Float32Array(count);
  const wantExact = dtype === 'float64' || dtype === 'int64' || dtype === 'int32';
  const exact = wantExact ? new Float64Array(count) : undefined;
  const contiguous = isContiguous(shape, stride);

  if (dtype === 'float32' && contiguous) {
    data.set((source as Float32Array).subarray(offset, offset + count));
  } else if (dtype === 'float32') {
    const src = source as Float32Array;
    forEachIndex(shape, stride, offset, count, (out, at) => (data[out] = src[at]!));
  } else if (dtype === 'float16') {
    const src = source as Uint16Array;
    const table = halfToFloat();
    forEachIndex(shape, stride, offset, count, (out, at) => (data[out] = table[src[at]!]!));
  } else if (dtype === 'bfloat16') {
    // bfloat16 is the top half of a float32: shift its bits into place.
    const src = source as Uint16Array;
    const bits = new Uint32Array(data.buffer);
    forEachIndex(shape, stride, offset, count, (out, at) => (bits[out] = src[at]! << 16));
  } else if (dtype === 'int64') {
    const src = source as BigInt64Array;
    forEachIndex(shape, stride, offset, count, (out, at) => {
      const value = Number(src[at]!);
      exact![out] = value;
      data[out] = value;
    });
  } else {
    const src = source as Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
    if (exact) {
      forEachIndex(shape, stride, offset, count, (out, at) => {
        exact[out] = src[at]!;
        data[out] = src[at]!;
      });
    } else {
      forEachIndex(shape, stride, offset, count, (out, at) => (data[out] = src[at]!));
    }
  }
  return exact ? { shape: [...shape], dtype, data, exact } : { shape: [...shape], dtype, data };
}
