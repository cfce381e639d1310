/**
 * The last volumes the Brain view opened, decoded, per recording: scrolling slices, changing a
 * threshold, listing clusters and projecting to a surface all reread the same volume, and decoding
 * a gzipped NIfTI takes longer than any of them. Bounded by count and bytes (least recently used
 * goes first), so a long session with many scans does not keep them all.
 */
import { checkAllocation } from '../../io/allocation.js';
import { openNifti, type NiftiHeader } from '../../io/nifti/index.js';
import { volumeStats, type VolumeStats } from './window.js';

export interface LoadedVolume {
  header: NiftiHeader;
  dims: [number, number, number];
  volume: number;
  volumeCount: number;
  data: Float32Array;
  /** Computed on first use (a sort of the non-zero voxels). */
  stats(): VolumeStats;
}

export interface ImageCacheLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_IMAGE_CACHE: ImageCacheLimits = { maxEntries: 8, maxBytes: 512 * 1024 ** 2 };

export class ImageCache {
  private readonly entries = new Map<string, Promise<LoadedVolume>>();
  private readonly bytes = new Map<string, number>();

  constructor(private readonly limits: ImageCacheLimits = DEFAULT_IMAGE_CACHE) {}

  /** Volume `volume` of the NIfTI file `path` (cached under the recording id). */
  async volume(recordingId: number, path: string, volume: number): Promise<LoadedVolume> {
    const key = `${recordingId}:${volume}`;
    const cached = this.entries.get(key);
    if (cached) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const loading = load(path, volume);
    this.entries.set(key, loading);
    try {
      const loaded = await loading;
      this.bytes.set(key, loaded.data.byteLength);
      this.evict();
      return loaded;
    } catch (error) {
      this.entries.delete(key);
      throw error;
    }
  }

  /** Forgets a recording's volumes (removed from the project, or the project closes). */
  forget(recordingId?: number): void {
    for (const key of [...this.entries.keys()]) {
      if (recordingId === undefined || key.startsWith(`${recordingId}:`)) {
        this.entries.delete(key);
        this.bytes.delete(key);
      }
    }
  }

  private evict(): void {
    let total = [...this.bytes.values()].reduce((a, b) => a + b, 0);
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.limits.maxEntries && total <= this.limits.maxBytes) break;
      if (this.entries.size === 1) break; // the one just loaded stays, whatever its size
      total -= this.bytes.get(key) ?? 0;
      this.entries.delete(key);
      this.bytes.delete(key);
    }
  }
}

async function load(path: string, volume: number): Promise<LoadedVolume> {
  const image = await openNifti(path);
  try {
    const dims = image.spatialDims;
    checkAllocation(path, dims, 4, 'one volume as float32');
    const data = await image.readVolume(volume);
    let stats: VolumeStats | null = null;
    return {
      header: image.header,
      dims: [dims[0], dims[1], dims[2]],
      volume,
      volumeCount: image.volumeCount,
      data,
      stats: () => (stats ??= volumeStats(data)),
    };
  } finally {
    await image.close();
  }
}
