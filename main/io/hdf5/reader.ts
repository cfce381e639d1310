/**
 * HDF5 datasets through h5wasm (the HDF5 C library compiled to wasm). Its Node build is compiled
 * with Emscripten's NODERAWFS, so it opens the file on the real file system and reads only the
 * chunks a hyperslab touches: a 4 MB file holding a 700 MB gzip-chunked volume is never loaded whole.
 *
 * h5wasm reads with the native (little-endian) memory type, so big-endian datasets come back as
 * values, not bytes to swap (checked on an h5py-written `>i4` dataset).
 *
 * Reads go slab by slab (volume/source.ts): each slab is a hyperslab of at most SLAB_BYTES, cut in
 * multiples of the dataset's chunks, because h5wasm assembles a read in the wasm heap before copying
 * it out — one whole-volume read would need the volume twice over and grow the heap for good.
 */
import h5wasm from 'h5wasm/node';
import { FormatError } from '../../errors.js';
import { checkAllocation, checkShape, checkStreamedSize, formatBytes, InsufficientMemoryError } from '../allocation.js';
import { voxelCount } from '../volume/types.js';
import { narrow64 } from '../volume/narrow.js';
import { isVolumeDtype, slabShape, viewAs } from '../volume/ndarray.js';
import { blockedSource, type DatasetEntry, type VolumeSource } from '../volume/source.js';
import type { DatasetInfo, VolumeDtype } from '../volume/types.js';
import { dtypeName, H5T_INTEGER, hdf5DamageError, MAX_WASM_READ_BYTES, openH5, readHyperslab, type H5Dataset, type H5File } from './open.js';

/**
 * Upper bound of one hyperslab read. 32 MiB is one row of chunks (13 slices) of the FISBe
 * prediction: 290 MB peak for a whole pass, where 64 MiB (26 slices) peaks at 400 MB for no gain
 * in speed; below a chunk row, chunks are inflated once per slab that cuts them, which is slower.
 */
export const SLAB_BYTES = 32 * 1024 * 1024;

function viewAs64(bytes: Uint8Array, signed: boolean): BigInt64Array | BigUint64Array {
  const Ctor = signed ? BigInt64Array : BigUint64Array;
  return new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / 8);
}

/**
 * Every dataset in the file, depth first, as `group/sub/dataset` paths. Broken soft links and
 * external links come back from h5wasm as link objects, not datasets, and are passed over; a group
 * whose members, or an object whose header, HDF5 cannot read is damage (a file cut short, or an
 * end-of-file address that stops before them): a FormatError, not a listing with datasets missing.
 */
function datasetsIn(h5: H5File, file: string): { path: string; dataset: H5Dataset }[] {
  const found: { path: string; dataset: H5Dataset }[] = [];
  const walk = (group: InstanceType<typeof h5wasm.Group>, prefix: string): void => {
    let names: string[];
    try {
      names = group.keys();
    } catch (error) {
      throw hdf5DamageError(error, file, `object "${prefix || '/'}"`);
    }
    for (const name of names) {
      const path = prefix ? `${prefix}/${name}` : name;
      let entity: unknown;
      try {
        entity = group.get(name);
      } catch (error) {
        throw hdf5DamageError(error, file, `object "${path}"`);
      }
      if (entity instanceof h5wasm.Dataset) found.push({ path, dataset: entity });
      else if (entity instanceof h5wasm.Group) walk(entity, path);
    }
  };
  walk(h5, '');
  return found;
}

function entryOf(path: string, dataset: H5Dataset, file: string): DatasetEntry {
  let meta: H5Dataset['metadata'];
  try {
    meta = dataset.metadata;
  } catch (error) {
    throw hdf5DamageError(error, file, `dataset "${path}"`);
  }
  return { dataset: path, shape: meta.shape ?? [], dtype: dtypeName(meta) };
}

function describe(entries: readonly DatasetEntry[]): string {
  if (entries.length === 0) return 'none';
  return entries.map((entry) => `${entry.dataset} (${entry.shape.join('×') || 'scalar'} ${entry.dtype})`).join(', ');
}

/** The datasets of an HDF5 file. */
export async function listHdf5Datasets(file: string): Promise<DatasetEntry[]> {
  const h5 = await openH5(file);
  try {
    return datasetsIn(h5, file).map(({ path, dataset }) => entryOf(path, dataset, file));
  } catch (error) {
    throw hdf5DamageError(error, file, 'the list of datasets');
  } finally {
    h5.close();
  }
}

/** Attributes as JSON values; ones h5wasm cannot convert (references, odd compounds) are left out. */
function attributesOf(dataset: H5Dataset): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(dataset.attrs)) {
    try {
      out[name] = attribute.json_value;
    } catch {
      // not representable as JSON: skip rather than fail the whole open
    }
  }
  return out;
}

export interface Hdf5ReadOptions {
  /** Upper bound of one hyperslab read, and of the blocks `forEachChunk` visits (default SLAB_BYTES). */
  maxBlockBytes?: number;
}

/**
 * Opens dataset `dataset` (a path such as `volumes/labels`) of the HDF5 file at `file`. Without a
 * dataset, the file must hold exactly one.
 */
export async function openHdf5(file: string, dataset?: string, options: Hdf5ReadOptions = {}): Promise<VolumeSource> {
  const h5 = await openH5(file);
  const requested = (dataset ?? '').replace(/^\/+|\/+$/g, '');
  try {
    return openDataset(h5, file, requested, options.maxBlockBytes ?? SLAB_BYTES);
  } catch (error) {
    h5.close();
    throw hdf5DamageError(error, file, requested ? `dataset "${requested}"` : 'the list of datasets');
  }
}

function openDataset(h5: H5File, file: string, requested: string, maxBlockBytes: number): VolumeSource {
  let path = requested;
  let entity: unknown = null;
  if (path) {
    try {
      entity = h5.get(path);
    } catch {
      entity = null;
    }
  }
  if (!(entity instanceof h5wasm.Dataset)) {
    // h5wasm calls an object whose header HDF5 cannot read a group: opening it as one tells.
    if (entity instanceof h5wasm.Group) {
      try {
        entity.keys();
      } catch (error) {
        throw hdf5DamageError(error, file, `object "${path}"`);
      }
    }
    const all = datasetsIn(h5, file);
    if (!requested && all.length === 1) {
      path = all[0]!.path;
      entity = all[0]!.dataset;
    } else {
      const listing = describe(all.map(({ path: p, dataset: d }) => entryOf(p, d, file)));
      const problem = !requested
        ? `the file holds ${all.length} datasets; name one: ${listing}`
        : entity instanceof h5wasm.Group
          ? `"${requested}" is a group, not a dataset; datasets: ${listing}`
          : `no dataset "${requested}" in the file; datasets: ${listing}`;
      throw new FormatError(file, problem, 'dataset');
    }
  }
  const dataset = entity as H5Dataset;
  const meta = dataset.metadata;
  const name = dtypeName(meta);
  const is64 = meta.type === H5T_INTEGER && meta.size === 8;
  const dtype: VolumeDtype | undefined = is64 ? (meta.signed ? 'int32' : 'uint32') : isVolumeDtype(name) ? name : undefined;
  if (!dtype) {
    throw new FormatError(
      file,
      `dataset "${path}" holds ${name} values; volumes can be uint8/16/32/64, int8/16/32/64, float32 or float64`,
      'dtype',
    );
  }
  const shape = meta.shape ?? [];
  const chunks = meta.chunks ?? undefined;
  // Sizes from the file, checked before a slab is allocated or a pass starts (see allocation.ts).
  // HDF5 inflates a whole chunk in the wasm heap to read any part of it: a chunk must fit too.
  checkShape(file, shape, { what: 'volume', field: path });
  checkStreamedSize(file, shape, meta.size, `dataset "${path}"`, path);
  if (chunks) {
    checkAllocation(file, chunks, meta.size, `one chunk of dataset "${path}"`);
    const chunkBytes = voxelCount(chunks) * meta.size;
    if (chunkBytes >= MAX_WASM_READ_BYTES) {
      throw new InsufficientMemoryError(
        file,
        `one chunk of dataset "${path}" is ${chunks.join('×')} × ${meta.size} bytes = ${formatBytes(chunkBytes)}; HDF5 inflates whole chunks in a wasm heap that cannot hold one of ${formatBytes(MAX_WASM_READ_BYTES)}`,
      );
    }
  }
  const info: DatasetInfo = {
    file,
    dataset: path,
    dtype,
    shape: [...shape],
    ...(chunks ? { chunks: [...chunks] } : {}),
    attributes: attributesOf(dataset),
  };
  const bytesPerElement = meta.size;

  return blockedSource({
    info,
    block: slabShape(shape, bytesPerElement, maxBlockBytes, chunks),
    async read(start, extent) {
      const where = `hyperslab [${start.join(', ')}] + [${extent.join(', ')}] of dataset "${path}"`;
      let bytes: Uint8Array | null;
      try {
        bytes = readHyperslab(dataset, start, extent, bytesPerElement);
      } catch (error) {
        throw hdf5DamageError(error, file, where);
      }
      if (!bytes) {
        throw new FormatError(
          file,
          `${where} cannot be read: HDF5 reports a read error (a chunk that does not decompress, or data cut off); the file is corrupt or truncated`,
          path,
        );
      }
      if (is64) {
        return { dtype, shape: [...extent], data: narrow64(viewAs64(bytes, meta.signed), dtype === 'int32' ? 'int32' : 'uint32', file, where, path) };
      }
      return { dtype, shape: [...extent], data: viewAs(dtype, bytes) };
    },
    async close() {
      h5.close();
    },
  });
}
