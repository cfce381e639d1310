/**
 * Decoding of the FISBe payloads: base64 of little-endian typed arrays (see shared/api/fisbe.ts)
 * into typed arrays, checked for whole values and consistent lengths so a malformed payload fails
 * with a message rather than drawing garbage.
 */
import type { FisbeInstanceGeometry, FisbeSlice } from '../../../shared/api/index.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of a base64 string (standard alphabet, with or without padding). */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    throw new Error('not valid base64');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

type Reader = (view: DataView, offset: number) => number;

function decodeAs<T extends Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Float32Array<ArrayBuffer>>(
  base64: string,
  bytesPerValue: number,
  make: (buffer: ArrayBuffer, length: number) => T,
  read: Reader,
  what: string,
): T {
  const bytes = base64ToBytes(base64);
  if (bytes.length % bytesPerValue !== 0) {
    throw new Error(`${what}: ${bytes.length} bytes is not a whole number of ${bytesPerValue}-byte values`);
  }
  const length = bytes.length / bytesPerValue;
  // A fresh buffer starts aligned, so on little-endian machines the bytes are the array as they are.
  if (LITTLE_ENDIAN) return make(bytes.buffer, length);
  const out = make(new ArrayBuffer(bytes.length), length);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < length; i += 1) out[i] = read(view, i * bytesPerValue);
  return out;
}

export function decodeUint16(base64: string, what = 'uint16 array'): Uint16Array<ArrayBuffer> {
  return decodeAs(base64, 2, (buffer, n) => new Uint16Array(buffer, 0, n), (v, o) => v.getUint16(o, true), what);
}

export function decodeUint32(base64: string, what = 'uint32 array'): Uint32Array<ArrayBuffer> {
  return decodeAs(base64, 4, (buffer, n) => new Uint32Array(buffer, 0, n), (v, o) => v.getUint32(o, true), what);
}

export function decodeFloat32(base64: string, what = 'float32 array'): Float32Array<ArrayBuffer> {
  return decodeAs(base64, 4, (buffer, n) => new Float32Array(buffer, 0, n), (v, o) => v.getFloat32(o, true), what);
}

/** One instance's geometry, decoded: voxel coordinates in x, y, z order. */
export interface DecodedGeometry {
  side: 'gt' | 'pred';
  id: number;
  /** x, y, z triples of skeleton voxels. */
  skeleton: Uint16Array<ArrayBuffer>;
  /** x, y, z triples of isosurface vertices… */
  positions: Float32Array<ArrayBuffer>;
  /** …and the triangles' vertex indices, three per triangle. */
  indices: Uint32Array<ArrayBuffer>;
}

export function decodeGeometry(geometry: FisbeInstanceGeometry): DecodedGeometry {
  const name = `${geometry.side} ${geometry.id}`;
  const skeleton = decodeUint16(geometry.skeleton, `skeleton of ${name}`);
  const positions = decodeFloat32(geometry.surfacePositions, `surface positions of ${name}`);
  const indices = decodeUint32(geometry.surfaceIndices, `surface indices of ${name}`);
  if (skeleton.length % 3 !== 0) throw new Error(`skeleton of ${name}: ${skeleton.length} values are not x, y, z triples`);
  if (positions.length % 3 !== 0) throw new Error(`surface positions of ${name}: ${positions.length} values are not x, y, z triples`);
  if (indices.length % 3 !== 0) throw new Error(`surface indices of ${name}: ${indices.length} values are not whole triangles`);
  const vertexCount = positions.length / 3;
  for (let i = 0; i < indices.length; i += 1) {
    if (indices[i]! >= vertexCount) throw new Error(`surface indices of ${name}: index ${indices[i]} past the ${vertexCount} vertices`);
  }
  return { side: geometry.side, id: geometry.id, skeleton, positions, indices };
}

/** One orthogonal slice, decoded: `height` rows of `width` relabelled ids, GT and pred. */
export interface SliceLabels {
  axis: FisbeSlice['axis'];
  index: number;
  width: number;
  height: number;
  gt: Uint16Array<ArrayBuffer>;
  pred: Uint16Array<ArrayBuffer>;
}

export function decodeSlice(slice: FisbeSlice): SliceLabels {
  const expected = slice.width * slice.height;
  const gt = decodeUint16(slice.gt, `GT slice ${slice.axis} ${slice.index}`);
  const pred = decodeUint16(slice.pred, `pred slice ${slice.axis} ${slice.index}`);
  for (const [what, array] of [['GT', gt], ['pred', pred]] as const) {
    if (array.length !== expected) {
      throw new Error(`${what} slice ${slice.axis} ${slice.index}: ${array.length} labels, expected ${slice.height} × ${slice.width} = ${expected}`);
    }
  }
  return { axis: slice.axis, index: slice.index, width: slice.width, height: slice.height, gt, pred };
}
