/**
 * Checks of the FISBe payloads (typed arrays on arrival, dtypes checked by the contract in
 * shared/api/fisbe.ts): whole triples and triangles, indices within the vertices and slice sizes,
 * so a malformed payload fails with a message rather than drawing garbage.
 */
import type { FisbeInstanceGeometry, FisbeSlice } from '../../../shared/api/index.js';

/** One instance's geometry, decoded: voxel coordinates in x, y, z order. */
export interface DecodedGeometry {
  side: 'gt' | 'pred';
  id: number;
  /** x, y, z triples of skeleton voxels. */
  skeleton: Uint16Array;
  /** x, y, z triples of isosurface vertices… */
  positions: Float32Array;
  /** …and the triangles' vertex indices, three per triangle. */
  indices: Uint32Array;
}

/**
 * Checks one instance's geometry (the arrays arrive as typed arrays; their dtypes were checked by
 * the contract's schema): whole triples and triangles, and no index past the vertices.
 */
export function decodeGeometry(geometry: FisbeInstanceGeometry): DecodedGeometry {
  const name = `${geometry.side} ${geometry.id}`;
  const skeleton = geometry.skeleton;
  const positions = geometry.surfacePositions;
  const indices = geometry.surfaceIndices;
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
  gt: Uint16Array;
  pred: Uint16Array;
}

/** Checks one slice's label counts against its size (the arrays arrive as Uint16Arrays). */
export function decodeSlice(slice: FisbeSlice): SliceLabels {
  const expected = slice.width * slice.height;
  const { gt, pred } = slice;
  for (const [what, array] of [['GT', gt], ['pred', pred]] as const) {
    if (array.length !== expected) {
      throw new Error(`${what} slice ${slice.axis} ${slice.index}: ${array.length} labels, expected ${slice.height} × ${slice.width} = ${expected}`);
    }
  }
  return { axis: slice.axis, index: slice.index, width: slice.width, height: slice.height, gt, pred };
}
