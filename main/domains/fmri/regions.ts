/**
 * The regions of a label atlas: names from the labels file found at import (AAL2.xml, aal.json),
 * else "region <value>" for each value present; centroids in mm from module B's `labelCentroids`.
 * A region named by the labels file but absent from the volume keeps a null centroid.
 */
import type { AtlasRegion } from '../../../shared/api/index.js';
import { labelCentroids, readAtlasLabels } from '../../io/atlas/index.js';
import { distinctLabels } from '../../io/brain/nifti.js';
import type { LoadedVolume } from './images.js';

export async function atlasRegions(labelsFile: string | null | undefined, atlas: LoadedVolume): Promise<AtlasRegion[]> {
  const centroids = labelCentroids(atlas.data, atlas.dims, [...atlas.header.affine]);
  const named = labelsFile ? await readAtlasLabels(labelsFile) : distinctLabels(atlas.data).map((index) => ({ index, name: `region ${index}` }));
  return named.map((region) => ({ index: region.index, name: region.name, centroidMm: centroids.get(region.index) ?? null }));
}

/** The region name at a voxel value, or null for background and values no region has. */
export function regionAt(regions: readonly AtlasRegion[], value: number | undefined): string | null {
  if (value === undefined || value === 0 || !Number.isFinite(value)) return null;
  return regions.find((region) => region.index === value)?.name ?? null;
}
