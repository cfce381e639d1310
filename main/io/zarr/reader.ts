/**
 * Zarr v2/v3 arrays from a directory store or a zipped one, through zarrita (metadata, chunk keys,
 * codec pipeline) and numcodecs (blosc, zstd, lz4 as wasm). We only ask zarrita for single chunks:
 * region reads and chunk visits are built on them (volume/source.ts), so memory stays at a chunk
 * plus the caller's output, and a chunk that fails to decode is reported by its key.
 */
import { stat } from 'node:fs/promises';
import * as zarr from 'zarrita';
import { FormatError, UserError, fileAccessError } from '../../errors.js';
import { checkAllocation, checkShape, checkStreamedSize } from '../allocation.js';
import { dtypeOf, extractBox, toCOrder } from '../volume/ndarray.js';
import { narrow64 } from '../volume/narrow.js';
import { blockedSource, type DatasetEntry, type VolumeSource } from '../volume/source.js';
import type { DatasetInfo, NdArray, VolumeArray } from '../volume/types.js';
import { voxelCount } from '../volume/types.js';
import { bloscHeaderProblem, itemSize, parseJson, parseV2, parseV3, readableDtype, v2DtypeName, type ZarrArrayMeta } from './metadata.js';
import { DirectoryStore, METADATA_KEYS, ZipStore, type ZarrStore } from './store.js';

/** Opens the store at `file`: a directory, or a zip file. */
export async function openZarrStore(file: string): Promise<ZarrStore> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(file)).isDirectory();
  } catch (error) {
    throw fileAccessError(file, error);
  }
  return isDirectory ? new DirectoryStore(file) : ZipStore.open(file);
}

const clean = (path: string | undefined): string => (path ?? '').replace(/^\/+|\/+$/g, '');
const keyOf = (folder: string, name: string): `/${string}` => `/${folder ? `${folder}/` : ''}${name}`;

type Node = { kind: 'array'; meta: ZarrArrayMeta; attributes: Record<string, unknown> } | { kind: 'group' } | { kind: 'none' };

/** What sits at `folder` in the store: an array (with its checked metadata), a group, or nothing. */
async function nodeAt(store: ZarrStore, folder: string): Promise<Node> {
  const v3 = await store.get(keyOf(folder, 'zarr.json'));
  if (v3) {
    const key = keyOf(folder, 'zarr.json').slice(1);
    const json = parseJson(store.file, key, v3);
    if (json['node_type'] === 'group') return { kind: 'group' };
    if (json['node_type'] !== 'array') throw new FormatError(store.file, `${key}: node_type must be "array" or "group"`, 'node_type');
    const attributes = json['attributes'];
    return { kind: 'array', meta: parseV3(store.file, key, json), attributes: isRecord(attributes) ? attributes : {} };
  }
  const v2 = await store.get(keyOf(folder, '.zarray'));
  if (v2) {
    const key = keyOf(folder, '.zarray').slice(1);
    const attributesBytes = await store.get(keyOf(folder, '.zattrs'));
    const attributes = attributesBytes ? parseJson(store.file, keyOf(folder, '.zattrs').slice(1), attributesBytes) : {};
    return { kind: 'array', meta: parseV2(store.file, key, parseJson(store.file, key, v2)), attributes };
  }
  if (await store.get(keyOf(folder, '.zgroup'))) return { kind: 'group' };
  return { kind: 'none' };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every array in the store, with its shape and dtype as the metadata gives them. */
async function arraysIn(store: ZarrStore): Promise<DatasetEntry[]> {
  const entries: DatasetEntry[] = [];
  for (const key of await store.metadataKeys()) {
    const name = key.slice(key.lastIndexOf('/') + 1);
    if (name === '.zgroup') continue;
    const folder = key.slice(0, Math.max(0, key.lastIndexOf('/')));
    const bytes = await store.get(`/${key}`);
    let json: Record<string, unknown>;
    try {
      json = parseJson(store.file, key, bytes!);
    } catch {
      continue; // listed for a message or a picker: a broken node is reported when opened
    }
    if (name === 'zarr.json' && json['node_type'] !== 'array') continue;
    const shape = Array.isArray(json['shape']) ? (json['shape'] as number[]) : [];
    const dtype = name === '.zarray' ? v2DtypeName(json['dtype']) : String(json['data_type']);
    entries.push({ dataset: folder, shape, dtype });
  }
  return entries;
}

export function describeEntries(entries: readonly DatasetEntry[]): string {
  if (entries.length === 0) return 'none';
  return entries.map((entry) => `${entry.dataset || '(root)'} (${entry.shape.join('×') || 'scalar'} ${entry.dtype})`).join(', ');
}

/** The arrays of a zarr store (directory or zip). */
export async function listZarrArrays(file: string): Promise<DatasetEntry[]> {
  const store = await openZarrStore(file);
  try {
    return await arraysIn(store);
  } finally {
    await store.close();
  }
}

/**
 * Opens array `dataset` of the store at `file`. Without a dataset, the store itself must be an
 * array, or hold exactly one.
 */
export async function openZarr(file: string, dataset?: string): Promise<VolumeSource> {
  const store = await openZarrStore(file);
  try {
    return await openArray(store, clean(dataset));
  } catch (error) {
    await store.close();
    throw error;
  }
}

type ArrayNode = Extract<Node, { kind: 'array' }>;

/**
 * The array `requested` names (or the store's only array when it names none), or a FormatError
 * that says what is there instead.
 */
async function findArray(store: ZarrStore, requested: string): Promise<{ folder: string; node: ArrayNode }> {
  const { file } = store;
  const node = await nodeAt(store, requested);
  if (node.kind === 'array') return { folder: requested, node };
  const arrays = await arraysIn(store);
  const listing = describeEntries(arrays);
  if (!requested) {
    if (arrays.length === 1) {
      const only = await nodeAt(store, arrays[0]!.dataset);
      if (only.kind === 'array') return { folder: arrays[0]!.dataset, node: only };
    }
    if (arrays.length === 0) {
      throw new FormatError(file, 'no zarr array here (no .zarray, nor zarr.json of an array, anywhere in the store)', '.zarray');
    }
    throw new FormatError(file, `the store holds ${arrays.length} arrays; name one: ${listing}`, 'dataset');
  }
  if (node.kind === 'group') throw new FormatError(file, `"${requested}" is a group, not an array; arrays: ${listing}`, 'dataset');
  if (await store.hasPrefix(requested)) {
    throw new FormatError(file, `"${requested}" has no array metadata (.zarray, or zarr.json for zarr v3); arrays: ${listing}`, '.zarray');
  }
  throw new FormatError(file, `no array "${requested}" in the store; arrays: ${listing}`, 'dataset');
}

async function openArray(store: ZarrStore, requested: string): Promise<VolumeSource> {
  const { file } = store;
  const { folder, node } = await findArray(store, requested);
  const { meta, attributes } = node;
  const readable = readableDtype(meta.dtypeName);
  if (!readable) {
    throw new FormatError(
      file,
      `array "${folder}" holds ${meta.dtypeName} values; volumes can be uint8/16/32/64, int8/16/32/64, float32 or float64`,
      'dtype',
    );
  }
  const { dtype, narrowFrom64 } = readable;
  // Sizes from the metadata, checked before zarrita allocates a chunk or a pass visits the grid: a
  // damaged shape ([3, 50, 50, 999999999], 2^53) would otherwise read missing chunks as fill values
  // for hours, and an empty one would reach the pipelines.
  const metaKey = `${folder ? `${folder}/` : ''}${meta.version === 3 ? 'zarr.json' : '.zarray'}`;
  const storedBytes = itemSize(meta.dtypeName)!;
  checkShape(file, meta.shape, { what: 'volume', field: `${metaKey} shape` });
  checkStreamedSize(file, meta.shape, storedBytes, `array "${folder}"`, `${metaKey} shape`);
  checkShape(file, meta.chunks, { what: 'chunk', field: `${metaKey} chunks` });
  checkAllocation(file, meta.chunks, storedBytes, `one chunk of array "${folder}"`);
  const location = zarr.root(checkedChunks(store, meta)).resolve(folder);
  let array: zarr.Array<zarr.DataType, zarr.AsyncReadable>;
  try {
    array = meta.version === 3 ? await zarr.open.v3(location, { kind: 'array' }) : await zarr.open.v2(location, { kind: 'array' });
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new FormatError(file, `array "${folder}" cannot be opened (${messageOf(error)})`);
  }

  const info: DatasetInfo = {
    file,
    dataset: folder,
    dtype,
    shape: [...meta.shape],
    chunks: [...meta.chunks],
    attributes,
  };
  const chunkName = (index: readonly number[]): string => `${folder ? `${folder}/` : ''}${meta.chunkKey(index)}`;

  async function readChunk(index: number[]): Promise<NdArray> {
    let chunk: zarr.Chunk<zarr.DataType>;
    try {
      chunk = await array.getChunk(index);
    } catch (error) {
      if (error instanceof UserError) throw error;
      if (typeof (error as NodeJS.ErrnoException).code === 'string') throw fileAccessError(`${file} (chunk ${chunkName(index)})`, error);
      throw new FormatError(file, `chunk "${chunkName(index)}" cannot be decoded (${messageOf(error)})`, chunkName(index));
    }
    const expected = voxelCount(meta.chunks);
    const length = (chunk.data as { length?: number }).length;
    if (length !== expected) {
      throw new FormatError(
        file,
        `chunk "${chunkName(index)}" decodes to ${String(length)} values, expected ${expected} (${meta.chunks.join('×')}); ` +
          'it is truncated or corrupt',
        chunkName(index),
      );
    }
    const data = narrowFrom64
      ? narrow64(chunk.data, dtype === 'int32' ? 'int32' : 'uint32', file, `chunk "${chunkName(index)}"`, chunkName(index))
      : (chunk.data as VolumeArray);
    if (dtypeOf(data) !== dtype) throw new Error(`zarrita returned ${Object.prototype.toString.call(data)} for ${meta.dtypeName}`);
    return { dtype, shape: meta.chunks, data: toCOrder(data, meta.chunks, chunk.stride) };
  }

  return blockedSource({
    info,
    block: meta.chunks,
    async read(start, shape) {
      const index = start.map((s, axis) => Math.floor(s / meta.chunks[axis]!));
      const chunk = await readChunk(index);
      const origin = index.map((i, axis) => i * meta.chunks[axis]!);
      return extractBox(
        chunk,
        start.map((s, axis) => s - origin[axis]!),
        shape,
      );
    },
    close: () => store.close(),
  });
}

/**
 * The store as zarrita sees it for one array: chunk bytes in a blosc frame are checked before
 * they are decoded (see bloscHeaderProblem). Metadata documents pass through untouched.
 */
function checkedChunks(store: ZarrStore, meta: ZarrArrayMeta): zarr.AsyncReadable {
  const size = itemSize(meta.dtypeName);
  if (meta.outerCodec !== 'blosc' || size === undefined) return store;
  const expected = size * voxelCount(meta.chunks);
  return {
    async get(key) {
      const bytes = await store.get(key);
      const name = key.slice(key.lastIndexOf('/') + 1);
      if (!bytes || (METADATA_KEYS as readonly string[]).includes(name) || name === '.zattrs') return bytes;
      const problem = bloscHeaderProblem(bytes, expected);
      if (problem) throw new FormatError(store.file, `chunk "${key.slice(1)}" cannot be decoded (${problem})`, key.slice(1));
      return bytes;
    },
  };
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
