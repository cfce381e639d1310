/**
 * Clusters of a statistical map: 26-connected components (faces, edges and corners touch, as SPM
 * and nilearn's get_clusters_table count them) of the voxels beyond +threshold, and separately of
 * those beyond −threshold, each with its size and its peak (the most extreme voxel). Pure: the
 * caller names the peak's atlas region.
 */
import { applyAffine, type Affine } from './affine.js';

export interface Cluster {
  sign: 'positive' | 'negative';
  voxelCount: number;
  volumeMm3: number;
  peakValue: number;
  peakVoxel: [number, number, number];
  peakMm: [number, number, number];
}

export interface ClusterOptions {
  threshold: number;
  sign: 'positive' | 'negative' | 'both';
  minVoxels: number;
  /** At most this many clusters, the largest (a noisy map at a low threshold has thousands). */
  limit?: number;
}

/** |det| of the affine's 3×3 part: mm³ per voxel. */
export function voxelVolumeMm3(a: Affine): number {
  return Math.abs(a[0]! * (a[5]! * a[10]! - a[6]! * a[9]!) - a[1]! * (a[4]! * a[10]! - a[6]! * a[8]!) + a[2]! * (a[4]! * a[9]! - a[5]! * a[8]!));
}

function componentsOf(data: Float32Array, dims: readonly [number, number, number], affine: Affine, sign: 'positive' | 'negative', threshold: number, minVoxels: number): Cluster[] {
  const [nx, ny, nz] = dims;
  const beyond = sign === 'positive' ? (v: number) => v > threshold : (v: number) => v < -threshold;
  const seen = new Uint8Array(data.length);
  const queue = new Int32Array(data.length);
  const voxelMm3 = voxelVolumeMm3(affine);
  const clusters: Cluster[] = [];
  for (let start = 0; start < data.length; start++) {
    if (seen[start] || !beyond(data[start]!)) continue;
    seen[start] = 1;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    let peak = start;
    while (head < tail) {
      const at = queue[head++]!;
      if (sign === 'positive' ? data[at]! > data[peak]! : data[at]! < data[peak]!) peak = at;
      const i = at % nx;
      const j = Math.floor(at / nx) % ny;
      const k = Math.floor(at / (nx * ny));
      for (let dk = -1; dk <= 1; dk++) {
        const kk = k + dk;
        if (kk < 0 || kk >= nz) continue;
        for (let dj = -1; dj <= 1; dj++) {
          const jj = j + dj;
          if (jj < 0 || jj >= ny) continue;
          for (let di = -1; di <= 1; di++) {
            const ii = i + di;
            if (ii < 0 || ii >= nx) continue;
            const n = ii + nx * (jj + ny * kk);
            if (!seen[n] && beyond(data[n]!)) {
              seen[n] = 1;
              queue[tail++] = n;
            }
          }
        }
      }
    }
    if (tail < minVoxels) continue;
    const pi = peak % nx;
    const pj = Math.floor(peak / nx) % ny;
    const pk = Math.floor(peak / (nx * ny));
    clusters.push({ sign, voxelCount: tail, volumeMm3: tail * voxelMm3, peakValue: data[peak]!, peakVoxel: [pi, pj, pk], peakMm: applyAffine(affine, pi, pj, pk) });
  }
  return clusters;
}

/** The clusters, largest first (ties: the stronger peak first). */
export function findClusters(data: Float32Array, dims: readonly [number, number, number], affine: Affine, options: ClusterOptions): Cluster[] {
  const signs: ('positive' | 'negative')[] = options.sign === 'both' ? ['positive', 'negative'] : [options.sign];
  const all = signs.flatMap((sign) => componentsOf(data, dims, affine, sign, options.threshold, options.minVoxels));
  all.sort((a, b) => b.voxelCount - a.voxelCount || Math.abs(b.peakValue) - Math.abs(a.peakValue));
  return options.limit !== undefined ? all.slice(0, options.limit) : all;
}
