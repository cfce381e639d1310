/** Rows of the cluster table: what a results table in a paper lists (peak, its place, its size). */
import type { BrainCluster } from '../../../../shared/api/index.js';
import { formatValue } from './colourScale.js';

export interface ClusterRow {
  id: number;
  sign: '+' | '−';
  voxels: string;
  volume: string;
  peak: string;
  /** "x, y, z" in mm, rounded to the millimetre. */
  peakMm: string;
  region: string;
}

const mm = (v: number) => String(Math.round(v) + 0);

export function clusterRow(cluster: BrainCluster): ClusterRow {
  return {
    id: cluster.id,
    sign: cluster.sign === 'positive' ? '+' : '−',
    voxels: cluster.voxelCount.toLocaleString('en-US'),
    volume: `${Math.round(cluster.volumeMm3).toLocaleString('en-US')} mm³`,
    peak: formatValue(cluster.peakValue),
    peakMm: cluster.peakMm.map(mm).join(', '),
    region: cluster.peakRegion ?? '—',
  };
}

/** The crosshair readout's coordinate text: "x, y, z mm" or "i, j, k". */
export function formatMm(point: readonly number[]): string {
  return `${point.slice(0, 3).map((v) => (Math.round(v * 10) / 10 + 0).toFixed(1)).join(', ')} mm`;
}

export function formatVoxel(voxel: readonly number[]): string {
  return voxel.slice(0, 3).map((v) => String(Math.round(v) + 0)).join(', ');
}
