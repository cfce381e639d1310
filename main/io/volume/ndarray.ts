/**
 * Typed-array plumbing shared by the volume readers: allocation by dtype, boxes (start + shape) and
 * copying a box between two C-order arrays. Readers decode a chunk, slab or page in whatever block
 * the format stores, then copy the part a caller asked for with `copyBox`.
 */
import type { NdArray, VolumeArray, VolumeDtype } from './types.js';
import { voxelCount } from './types.js';

const CONSTRUCTORS = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
} as const satisfies Record<VolumeDtype, unknown>;

export const VOLUME_DTYPES = Object.keys(CONSTRUCTORS) as VolumeDtype[];

export function isVolumeDtype(name: string): name is VolumeDtype {
  return Object.hasOwn(CONSTRUCTORS, name);
}

export function bytesPerVoxel(dtype: VolumeDtype): number {
  return CONSTRUCTORS[dtype].BYTES_PER_ELEMENT;
}

/** A zero-filled array of `length` elements of `dtype`. */
export function allocate(dtype: VolumeDtype, length: number): VolumeArray {
  return new CONSTRUCTORS[dtype](length);
}

/** The dtype a typed array holds, or undefined for other arrays (BigInt64Array, plain arrays…). */
export function dtypeOf(data: unknown): VolumeDtype | undefined {
  for (const dtype of VOLUME_DTYPES) if (data instanceof CONSTRUCTORS[dtype]) return dtype;
  return undefined;
}

/** Views `bytes` (native = little-endian byte order) as `dtype`, copying only when misaligned. */
export function viewAs(dtype: VolumeDtype, bytes: Uint8Array): VolumeArray {
  const Ctor = CONSTRUCTORS[dtype];
  const size = Ctor.BYTES_PER_ELEMENT;
  if (bytes.byteLength % size !== 0) throw new RangeError(`${bytes.byteLength} bytes is not a whole number of ${dtype}`);
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  return new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / size);
}

export function zeros(dtype: VolumeDtype, shape: readonly number[]): NdArray {
  return { dtype, shape: [...shape], data: allocate(dtype, voxelCount(shape)) };
}

/**
 * Checks a requested box against the array shape. Throws RangeError: a bad box is the caller's
 * mistake (a UI or pipeline computing coordinates), not something wrong with the file.
 */
export function checkBox(arrayShape: readonly number[], start: readonly number[], shape: readonly number[]): void {
  const rank = arrayShape.length;
  if (start.length !== rank || shape.length !== rank) {
    throw new RangeError(`region of rank ${start.length}/${shape.length} for an array of rank ${rank}`);
  }
  for (let axis = 0; axis < rank; axis++) {
    const s = start[axis]!;
    const n = shape[axis]!;
    if (!Number.isInteger(s) || !Number.isInteger(n) || s < 0 || n < 0 || s + n > arrayShape[axis]!) {
      throw new RangeError(
        `region [${start.join(', ')}] + [${shape.join(', ')}] lies outside the array shape [${arrayShape.join(', ')}] on axis ${axis}`,
      );
    }
  }
}

/** The intersection of two boxes, or null when they do not overlap (or it is empty). */
export function intersect(
  aStart: readonly number[],
  aShape: readonly number[],
  bStart: readonly number[],
  bShape: readonly number[],
): { start: number[]; shape: number[] } | null {
  const start: number[] = [];
  const shape: number[] = [];
  for (let axis = 0; axis < aStart.length; axis++) {
    const lo = Math.max(aStart[axis]!, bStart[axis]!);
    const hi = Math.min(aStart[axis]! + aShape[axis]!, bStart[axis]! + bShape[axis]!);
    if (hi <= lo) return null;
    start.push(lo);
    shape.push(hi - lo);
  }
  return { start, shape };
}

/**
 * Copies the box of extents `shape` at `srcStart` in `src` (C order, extents `srcShape`) to
 * `dstStart` in `dst` (C order, extents `dstShape`). Trailing axes the box covers whole in both
 * arrays are merged, so whole chunks and slabs copy as a few long `set` calls.
 */
export function copyBox(
  src: VolumeArray,
  srcShape: readonly number[],
  srcStart: readonly number[],
  dst: VolumeArray,
  dstShape: readonly number[],
  dstStart: readonly number[],
  shape: readonly number[],
): void {
  const rank = shape.length;
  if (rank === 0) {
    dst[0] = src[0]!;
    return;
  }
  if (shape.some((n) => n === 0)) return;
  // Merge trailing axes: `inner` is the first axis from which every later axis is copied whole.
  let inner = rank - 1;
  while (inner > 0 && shape[inner] === srcShape[inner] && shape[inner] === dstShape[inner]) inner--;
  let run = 1;
  for (let axis = inner; axis < rank; axis++) run *= shape[axis]!;
  const srcStrides = stridesOf(srcShape);
  const dstStrides = stridesOf(dstShape);
  let srcBase = 0;
  let dstBase = 0;
  for (let axis = 0; axis < rank; axis++) {
    srcBase += srcStart[axis]! * srcStrides[axis]!;
    dstBase += dstStart[axis]! * dstStrides[axis]!;
  }
  // Odometer over the outer axes [0, inner).
  const index = new Array<number>(inner).fill(0);
  for (;;) {
    let srcOffset = srcBase;
    let dstOffset = dstBase;
    for (let axis = 0; axis < inner; axis++) {
      srcOffset += index[axis]! * srcStrides[axis]!;
      dstOffset += index[axis]! * dstStrides[axis]!;
    }
    dst.set(src.subarray(srcOffset, srcOffset + run), dstOffset);
    let axis = inner - 1;
    while (axis >= 0) {
      if (++index[axis]! < shape[axis]!) break;
      index[axis] = 0;
      axis--;
    }
    if (axis < 0) return;
  }
}

/** C-order strides (in elements) of an array of extents `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = step;
    step *= shape[axis]!;
  }
  return strides;
}

/** The box `[start, start + shape)` of `array` as a new C-order array (no copy when it is all of it). */
export function extractBox(array: NdArray, start: readonly number[], shape: readonly number[]): NdArray {
  if (start.every((s) => s === 0) && shape.every((n, axis) => n === array.shape[axis])) return array;
  const out = zeros(array.dtype, shape);
  copyBox(array.data, array.shape, start, out.data, shape, start.map(() => 0), shape);
  return out;
}

/**
 * Origins of the blocks of extents `block` that tile `[start, start + shape)`, C order (last axis
 * fastest). Blocks are aligned to multiples of `block` from 0, as chunk grids are, so the first and
 * last block on an axis may be cut by the box.
 */
export function* blockOrigins(
  start: readonly number[],
  shape: readonly number[],
  block: readonly number[],
): Generator<number[]> {
  const rank = shape.length;
  if (shape.some((n) => n === 0)) return;
  const first = start.map((s, axis) => Math.floor(s / block[axis]!));
  const last = start.map((s, axis) => Math.floor((s + shape[axis]! - 1) / block[axis]!));
  const index = [...first];
  for (;;) {
    yield index.map((i, axis) => i * block[axis]!);
    let axis = rank - 1;
    while (axis >= 0) {
      if (++index[axis]! <= last[axis]!) break;
      index[axis] = first[axis]!;
      axis--;
    }
    if (axis < 0) return;
  }
}

/**
 * Block extents for reading an array of `shape` in slabs of at most `maxBytes`: whole trailing axes,
 * cut along the slowest axes as needed, in multiples of the storage chunk where one is given (so a
 * chunk is decompressed once, not once per slab).
 */
export function slabShape(
  shape: readonly number[],
  bytesPerElement: number,
  maxBytes: number,
  chunks?: readonly number[],
): number[] {
  const block = [...shape];
  for (let axis = 0; axis < block.length; axis++) {
    const unitBytes = bytesPerElement * voxelCount(block.slice(axis + 1));
    if (unitBytes * block[axis]! <= maxBytes) break;
    let count = Math.max(1, Math.floor(maxBytes / unitBytes));
    const chunk = chunks?.[axis];
    if (chunk !== undefined && chunk > 0 && chunk <= count) count = Math.floor(count / chunk) * chunk;
    block[axis] = Math.min(count, shape[axis]!);
    if (unitBytes <= maxBytes) break;
  }
  return block.map((n) => Math.max(1, n));
}

/**
 * Copies an array held with arbitrary element strides (e.g. an F-order zarr chunk) into C order.
 */
export function toCOrder(data: VolumeArray, shape: readonly number[], strides: readonly number[]): VolumeArray {
  const rank = shape.length;
  const c = stridesOf(shape);
  if (strides.every((s, axis) => s === c[axis] || shape[axis] === 1)) return data;
  const out = allocate(dtypeOf(data)!, voxelCount(shape));
  if (out.length === 0) return out;
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < out.length; i++) {
    let offset = 0;
    for (let axis = 0; axis < rank; axis++) offset += index[axis]! * strides[axis]!;
    out[i] = data[offset]!;
    let axis = rank - 1;
    while (axis >= 0) {
      if (++index[axis]! < shape[axis]!) break;
      index[axis] = 0;
      axis--;
    }
  }
  return out;
}
