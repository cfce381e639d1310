/**
 * In-memory 3D label volumes, as every volume reader (zarr, HDF5, TIFF) returns them.
 *
 * Layout is C order: the last axis (x) varies fastest, so voxel (c, z, y, x) sits at
 * `((c * depth + z) * height + y) * width + x`. Label stacks keep their channel axis: FISBe ground
 * truth stores one (possibly overlapping) instance per channel; predictions usually have one channel.
 */

/** Element types a label volume may hold, named as numpy names them. */
export type VolumeDtype = 'uint8' | 'uint16' | 'uint32' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type VolumeArray =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** An n-dimensional array read from a file, in C order. */
export interface NdArray {
  readonly dtype: VolumeDtype;
  /** Extents, slowest axis first (numpy order). */
  readonly shape: readonly number[];
  readonly data: VolumeArray;
}

/** Where a dataset lives and what its file says about it. */
export interface DatasetInfo {
  readonly file: string;
  /** Path of the dataset inside the file or store, e.g. `volumes/gt_instances`. */
  readonly dataset: string;
  readonly dtype: VolumeDtype;
  readonly shape: readonly number[];
  /** Chunk extents when the format is chunked. */
  readonly chunks?: readonly number[];
  /** User attributes (zarr `.zattrs`, HDF5 attributes), JSON-compatible. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

export function voxelCount(shape: readonly number[]): number {
  return shape.reduce((n, extent) => n * extent, 1);
}
