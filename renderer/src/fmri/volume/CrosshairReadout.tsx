/**
 * Where the crosshair is: mm (the map's space, MNI for these maps), the voxel of the map's grid,
 * the map's value there, and the atlas region under it.
 */
import type { BrainVolume } from '../../../../shared/api/index.js';
import { nearestVoxel, voxelIndex, type Vec3 } from './affine.js';
import type { AtlasHit } from './atlasLookup.js';
import { formatMm, formatVoxel } from './clusterTable.js';
import { formatValue } from './colourScale.js';

export interface CrosshairReadoutProps {
  mm: Vec3 | null;
  /** The volume whose voxel and value are read (the map, the atlas or the run shown). */
  volume: BrainVolume | null;
  /** The atlas region at the crosshair; undefined without an atlas. */
  region: AtlasHit | null | undefined;
  atlasName: string | null;
}

export function CrosshairReadout({ mm, volume, region, atlasName }: CrosshairReadoutProps) {
  const voxel = mm && volume ? nearestVoxel(volume.affine, volume.dims, mm) : null;
  const value = voxel && volume ? volume.data[voxelIndex(volume.dims, voxel)] : undefined;
  return (
    <dl className="fmri-readout" aria-label="Crosshair">
      <div>
        <dt>Position</dt>
        <dd data-testid="readout-mm">{mm ? formatMm(mm) : '—'}</dd>
      </div>
      <div>
        <dt>Voxel</dt>
        <dd data-testid="readout-voxel">{voxel ? formatVoxel(voxel) : mm ? 'outside the image' : '—'}</dd>
      </div>
      <div>
        <dt>Value</dt>
        <dd data-testid="readout-value">{value === undefined ? '—' : formatValue(value)}</dd>
      </div>
      {region !== undefined && (
        <div>
          <dt>Region{atlasName ? ` (${atlasName})` : ''}</dt>
          <dd data-testid="readout-region">{region ? region.name : 'none'}</dd>
        </div>
      )}
    </dl>
  );
}
