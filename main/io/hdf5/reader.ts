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
import { open as openFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import h5wasm from 'h5wasm/node';
import { FormatError, fileAccessError } from '../../errors.js';
import { expectFile } from '../volume/file.js';
import { narrow64 } from '../volume/narrow.js';
import { isVolumeDtype, slabShape, viewAs } from '../volume/ndarray.js';
import { blockedSource, type DatasetEntry, type VolumeSource } from '../volume/source.js';
import type { DatasetInfo, VolumeDtype } from '../volume/types.js';
import { voxelCount } from '../volume/types.js';

type H5File = InstanceType<typeof h5wasm.File>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;
type H5Metadata = H5Dataset['metadata'];
type H5Module = Awaited<typeof h5wasm.ready>;

/**
 * Upper bound of one hyperslab read. 32 MiB is one row of chunks (13 slices) of the FISBe
 * prediction: 290 MB peak for a whole pass, where 64 MiB (26 slices) peaks at 400 MB for no gain
 * in speed; below a chunk row, chunks are inflated once per slab that cuts them, which is slower.
 */
export const SLAB_BYTES = 32 * 1024 * 1024;

// HDF5 datatype classes as h5wasm reports them (H5T_class_t).
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const CLASS_NAMES: Record<number, string> = {
  2: 'time',
  3: 'string',
  4: 'bitfield',
  5: 'opaque',
  6: 'compound',
  7: 'reference',
  8: 'enum',
  9: 'vlen',
  10: 'array',
};

/** The element type numpy would name (`int32`, `float64`, `string`…). */
function dtypeName(meta: H5Metadata): string {
  if (meta.type === H5T_INTEGER) return `${meta.signed ? 'int' : 'uint'}${meta.size * 8}`;
  if (meta.type === H5T_FLOAT) return `float${meta.size * 8}`;
  return CLASS_NAMES[meta.type] ?? `class ${meta.type}`;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Checks the HDF5 signature (at byte 0, or after a user block at 512, 1024, 2048…) so that a file
 * that is not HDF5 is reported as such, not by an HDF5 library error stack.
 */
async function checkSignature(file: string): Promise<void> {
  let handle;
  try {
    handle = await openFile(file, 'r');
  } catch (error) {
    throw fileAccessError(file, error);
  }
  try {
    const { size } = await handle.stat();
    const bytes = new Uint8Array(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      await handle.read(bytes, 0, 8, offset);
      if (bytes.every((byte, i) => byte === SIGNATURE[i])) return;
    }
    throw new FormatError(file, 'not an HDF5 file (no HDF5 signature)', undefined, 0);
  } finally {
    await handle.close();
  }
}

let module: H5Module | null = null;

/** Opens `file` read-only with h5wasm (loading the wasm module on first use). */
async function openH5(file: string): Promise<H5File> {
  await expectFile(file);
  await checkSignature(file);
  module ??= await h5wasm.ready;
  let h5: H5File;
  try {
    h5 = new h5wasm.File(resolve(file), 'r');
  } catch (error) {
    throw new FormatError(file, `HDF5 file cannot be opened (${error instanceof Error ? error.message : String(error)})`);
  }
  // h5wasm does not throw when H5Fopen fails (a truncated file, say): it hands back an invalid id.
  if (h5.file_id < 0n) throw new FormatError(file, 'HDF5 file cannot be opened: it is truncated or corrupt');
  return h5;
}

/**
 * Reads a hyperslab as native-order bytes, or null when HDF5 reports a failure. Not h5wasm's
 * `Dataset.slice`: it ignores the status of the read, so a chunk that fails to inflate comes back as
 * whatever the wasm heap held. The same call underneath, with its status checked. (HDF5 still
 * prints its error stack to stderr; the wasm build offers no way to turn that off.)
 */
function readHyperslab(dataset: H5Dataset, start: readonly number[], extent: readonly number[], bytesPerElement: number): Uint8Array | null {
  const h5 = module!;
  const nbytes = bytesPerElement * voxelCount(extent);
  const pointer = h5._malloc(Math.max(1, nbytes));
  if (pointer === 0) throw new Error(`h5wasm: cannot allocate ${nbytes} bytes in the wasm heap`);
  try {
    const whole = extent.length === 0;
    const status = h5.get_dataset_data(
      dataset.file_id,
      dataset.path,
      whole ? null : extent.map(BigInt),
      whole ? null : start.map(BigInt),
      whole ? null : extent.map(() => 1n),
      BigInt(pointer),
    );
    if (status < 0) return null;
    // HEAPU8 is read after the call: the heap may have grown (and been replaced) during it.
    return h5.HEAPU8.slice(pointer, pointer + nbytes);
  } finally {
    h5._free(pointer);
  }
}

function viewAs64(bytes: Uint8Array, signed: boolean): BigInt64Array | BigUint64Array {
  const Ctor = signed ? BigInt64Array : BigUint64Array;
  return new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / 8);
}

/** Every dataset in the file, depth first, as `group/sub/dataset` paths. */
function datasetsIn(h5: H5File): { path: string; dataset: H5Dataset }[] {
  const found: { path: string; dataset: H5Dataset }[] = [];
  const walk = (group: InstanceType<typeof h5wasm.Group>, prefix: string): void => {
    for (const name of group.keys()) {
      let entity: unknown;
      try {
        entity = group.get(name);
      } catch {
        continue; // broken or external links: not datasets we can read
      }
      const path = prefix ? `${prefix}/${name}` : name;
      if (entity instanceof h5wasm.Dataset) found.push({ path, dataset: entity });
      else if (entity instanceof h5wasm.Group) walk(entity, path);
    }
  };
  walk(h5, '');
  return found;
}

function entryOf(path: string, dataset: H5Dataset): DatasetEntry {
  const meta = dataset.metadata;
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
    return datasetsIn(h5).map(({ path, dataset }) => entryOf(path, dataset));
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
  try {
    return openDataset(h5, file, (dataset ?? '').replace(/^\/+|\/+$/g, ''), options.maxBlockBytes ?? SLAB_BYTES);
  } catch (error) {
    h5.close();
    throw error;
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
    const all = datasetsIn(h5);
    if (!requested && all.length === 1) {
      path = all[0]!.path;
      entity = all[0]!.dataset;
    } else {
      const listing = describe(all.map(({ path: p, dataset: d }) => entryOf(p, d)));
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
      const bytes = readHyperslab(dataset, start, extent, bytesPerElement);
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
