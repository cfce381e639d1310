/**
 * The one interface every volume reader (zarr, HDF5, TIFF) gives: random access by box, and a pass
 * block by block with bounded memory. Readers only say how to read a box that lies inside one of
 * their storage blocks (a zarr chunk, a slab of HDF5 slices, a run of TIFF pages); `blockedSource`
 * builds the rest, so region reads, chunk visits and whole reads behave the same for every format.
 */
import { checkAllocation } from '../allocation.js';
import { blockOrigins, bytesPerVoxel, checkBox, copyBox, intersect, zeros } from './ndarray.js';
import type { DatasetInfo, NdArray } from './types.js';

export interface VolumeSource {
  readonly info: DatasetInfo;
  /** Read a box [start, start+shape) of the array (all axes), as an NdArray in C order. */
  readRegion(start: readonly number[], shape: readonly number[]): Promise<NdArray>;
  /**
   * Visit the array block by block (block origin + its data, cut to the array at the edges), in C
   * order of the block grid, each voxel exactly once, so callers can gather sparse content with
   * bounded memory. The visitor may keep the chunk it is given; the next one is a new array.
   */
  forEachChunk(visit: (origin: readonly number[], chunk: NdArray) => void | Promise<void>): Promise<void>;
  /** The whole array in memory: mind its size (`voxelCount(info.shape)` × bytes per voxel). */
  readAll(): Promise<NdArray>;
  close(): Promise<void>;
}

/** One array of a file or store, as `listDatasets` names it. */
export interface DatasetEntry {
  /** Path inside the file or store, without a leading slash (empty for a TIFF's one stack). */
  readonly dataset: string;
  readonly shape: readonly number[];
  /** Element type as the file names it, numpy style (`uint8`, `int64`, `<U8`…): readable or not. */
  readonly dtype: string;
}

/** How a reader reads: the block grid it stores data in, and a box lying inside one block. */
export interface BlockReader {
  readonly info: DatasetInfo;
  /** Block extents: zarr chunks, or slabs for formats read by slices. */
  readonly block: readonly number[];
  /** Reads `[start, start+shape)`, which lies inside one block of the grid. */
  read(start: readonly number[], shape: readonly number[]): Promise<NdArray>;
  close(): Promise<void>;
}

export function blockedSource(reader: BlockReader): VolumeSource {
  const { info, block } = reader;
  let closed = false;
  const ensureOpen = (): void => {
    if (closed) throw new Error(`${info.file}: volume ${info.dataset ? `"${info.dataset}" ` : ''}is closed`);
  };

  async function readRegion(start: readonly number[], shape: readonly number[]): Promise<NdArray> {
    ensureOpen();
    checkBox(info.shape, start, shape);
    // The region is one dense array: refused with a readable error rather than failing inside V8.
    checkAllocation(info.file, shape, bytesPerVoxel(info.dtype), `a region of ${shape.join('×')} voxels${info.dataset ? ` of "${info.dataset}"` : ''}`);
    const origins = [...blockOrigins(start, shape, block)];
    if (origins.length === 1) return reader.read(start, shape);
    const out = zeros(info.dtype, shape);
    for (const origin of origins) {
      const part = intersect(origin, block, start, shape);
      if (!part) continue;
      const data = await reader.read(part.start, part.shape);
      copyBox(
        data.data,
        part.shape,
        part.shape.map(() => 0),
        out.data,
        shape,
        part.start.map((s, axis) => s - start[axis]!),
        part.shape,
      );
    }
    return out;
  }

  async function forEachChunk(visit: (origin: readonly number[], chunk: NdArray) => void | Promise<void>): Promise<void> {
    ensureOpen();
    const whole = info.shape.map(() => 0);
    for (const origin of blockOrigins(whole, info.shape, block)) {
      const part = intersect(origin, block, whole, info.shape)!;
      const chunk = await reader.read(part.start, part.shape);
      await visit(part.start, chunk);
      ensureOpen();
    }
  }

  return {
    info,
    readRegion,
    forEachChunk,
    readAll: () => readRegion(info.shape.map(() => 0), info.shape),
    async close() {
      if (closed) return;
      closed = true;
      await reader.close();
    },
  };
}
