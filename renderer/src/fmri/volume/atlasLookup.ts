/**
 * The atlas region at a point in mm: the atlas's own voxel through its own affine (an atlas on
 * another grid than the map, such as AAL2's 2 mm grid under a 1 mm template, is still read right),
 * nearest neighbour, as a label image must be sampled.
 */
import { nearestVoxel, voxelIndex, type Vec3 } from './affine.js';

export interface AtlasGrid {
  dims: readonly [number, number, number];
  affine: readonly number[];
  data: ArrayLike<number>;
  regions: readonly { index: number; name: string }[];
}

export interface AtlasHit {
  index: number;
  /** The region's name, or "label N" when the labels file does not name it. */
  name: string;
}

/** A lookup from label index to name, built once per atlas. */
export function regionNames(regions: AtlasGrid['regions']): Map<number, string> {
  return new Map(regions.map((r) => [r.index, r.name]));
}

/** The region at `mm`, or null outside the grid or in the background (label 0). */
export function atlasLabelAt(atlas: AtlasGrid, names: ReadonlyMap<number, string>, mm: Vec3): AtlasHit | null {
  const voxel = nearestVoxel(atlas.affine, atlas.dims, mm);
  if (!voxel) return null;
  const value = atlas.data[voxelIndex(atlas.dims, voxel)]!;
  const index = Math.round(value);
  if (!Number.isFinite(value) || index === 0) return null;
  return { index, name: names.get(index) ?? `label ${index}` };
}
