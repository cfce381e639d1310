/**
 * Checks of the FISBe payloads (typed arrays on arrival, dtypes checked by the contract in
 * shared/api/fisbe.ts): whole triples and triangles, indices within the vertices and slice sizes,
 * so a malformed payload fails with a message rather than drawing garbage.
 */
import type { FisbeInstanceGeometry, FisbeSlice } from '../../../shared/api/index.js';
import { expectGrid, expectGroupsOf, expectIndicesBelow } from '../components/decode.js';

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
  expectGroupsOf(skeleton, 3, `skeleton of ${name}`, 'x, y, z triples');
  expectGroupsOf(positions, 3, `surface positions of ${name}`, 'x, y, z triples');
  expectGroupsOf(indices, 3, `surface indices of ${name}`, 'whole triangles');
  expectIndicesBelow(indices, positions.length / 3, `surface indices of ${name}`, 'vertices');
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
  const { gt, pred } = slice;
  for (const [what, array] of [['GT', gt], ['pred', pred]] as const) {
    expectGrid(array, slice.height, slice.width, `${what} slice ${slice.axis} ${slice.index}`, 'labels');
  }
  return { axis: slice.axis, index: slice.index, width: slice.width, height: slice.height, gt, pred };
}
