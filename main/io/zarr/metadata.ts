/**
 * Zarr array metadata (v2 `.zarray`, v3 `zarr.json`) read and checked before zarrita sees it, so
 * that what we cannot decode fails at open with the store, the array and the offending field named
 * (zarrita only fails on the first chunk, with its own error types), and so chunk keys can be named
 * in decode errors.
 */
import { registry } from 'zarrita';
import { FormatError } from '../../errors.js';
import { isVolumeDtype } from '../volume/ndarray.js';
import type { VolumeDtype } from '../volume/types.js';

export interface ZarrArrayMeta {
  readonly version: 2 | 3;
  readonly shape: readonly number[];
  /** Chunk extents (the inner chunks of a sharded v3 array). */
  readonly chunks: readonly number[];
  /** Element type as numpy names it (`uint8`, `int64`, `<U8`…). */
  readonly dtypeName: string;
  /** Compressor / codec ids, for messages. */
  readonly codecs: readonly string[];
  /** The codec a stored chunk's bytes are in (v2 compressor, last v3 codec); undefined when sharded or none. */
  readonly outerCodec: string | undefined;
  /** Key of a chunk relative to the array folder, e.g. `0.1.2` (v2) or `c/0/1/2` (v3). */
  chunkKey(index: readonly number[]): string;
}

/** What a label array's elements are read as; 64-bit integers are narrowed to 32 bits, chunk by chunk. */
export function readableDtype(dtypeName: string): { dtype: VolumeDtype; narrowFrom64: boolean } | undefined {
  if (isVolumeDtype(dtypeName)) return { dtype: dtypeName, narrowFrom64: false };
  if (dtypeName === 'int64') return { dtype: 'int32', narrowFrom64: true };
  if (dtypeName === 'uint64') return { dtype: 'uint32', narrowFrom64: true };
  return undefined;
}

/** numpy type strings of zarr v2 (`|u1`, `<i4`, `>f8`) as numpy names. */
const V2_KINDS: Record<string, string> = { u: 'uint', i: 'int', f: 'float' };
export function v2DtypeName(dtype: unknown): string {
  if (typeof dtype !== 'string') return JSON.stringify(dtype);
  const match = /^[<>|=]([uif])(\d+)$/.exec(dtype);
  if (match) return `${V2_KINDS[match[1]!]}${Number(match[2]) * 8}`;
  if (dtype === '|b1') return 'bool';
  return dtype;
}

// The inner codecs numcodecs' blosc build includes (no snappy).
const BLOSC_CNAMES = new Set(['blosclz', 'lz4', 'lz4hc', 'zlib', 'zstd']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isExtents = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((n) => Number.isInteger(n) && (n as number) >= 0);

export function parseJson(file: string, key: string, bytes: Uint8Array): Json {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new FormatError(file, `${key} is not valid JSON (${error instanceof Error ? error.message : String(error)})`, key);
  }
  if (!isObject(value)) throw new FormatError(file, `${key} is not a JSON object`, key);
  return value;
}

function checkBlosc(file: string, key: string, config: Json): void {
  const cname = config['cname'];
  if (cname !== undefined && !BLOSC_CNAMES.has(String(cname))) {
    throw new FormatError(
      file,
      `unsupported blosc inner codec "${String(cname)}" (supported: ${[...BLOSC_CNAMES].join(', ')})`,
      `${key} compressor.cname`,
    );
  }
}

/** Parses and checks `.zarray` (`key` is its store key, for messages). */
export function parseV2(file: string, key: string, json: Json): ZarrArrayMeta {
  const { shape, chunks, order, compressor, filters } = json;
  if (json['zarr_format'] !== 2) throw new FormatError(file, `${key}: zarr_format is ${String(json['zarr_format'])}, expected 2`, 'zarr_format');
  if (!isExtents(shape)) throw new FormatError(file, `${key}: shape must be a list of non-negative integers`, 'shape');
  if (!isExtents(chunks) || chunks.length !== shape.length || chunks.some((n) => n === 0)) {
    throw new FormatError(file, `${key}: chunks must be ${shape.length} positive integers`, 'chunks');
  }
  if (order !== 'C' && order !== 'F') throw new FormatError(file, `${key}: order must be "C" or "F", found ${JSON.stringify(order)}`, 'order');
  // The v2 spec requires both keys (null allowed): without fill_value, missing chunks would be read
  // as whatever zarrita defaults to; a .zarray without them is damaged or not written by zarr.
  for (const field of ['fill_value', 'compressor']) {
    if (!(field in json)) throw new FormatError(file, `.zarray has no "${field}" (zarr v2 requires the key; null when there is none)`, `${key} ${field}`);
  }
  const codecs: string[] = [];
  if (filters !== null && filters !== undefined && !Array.isArray(filters)) {
    throw new FormatError(file, `${key}: filters must be a list or null, found ${JSON.stringify(filters)}`, `${key} filters`);
  }
  for (const filter of filters ?? []) {
    const id = isObject(filter) ? String(filter['id']) : JSON.stringify(filter);
    if (!SUPPORTED_FILTERS.includes(id)) {
      throw new FormatError(
        file,
        `unsupported filter "${id}" (supported: ${SUPPORTED_FILTERS.join(', ')}, or none)`,
        `${key} filters`,
      );
    }
    codecs.push(id);
  }
  if (compressor !== null) {
    if (!isObject(compressor) || typeof compressor['id'] !== 'string') {
      const got = Array.isArray(compressor) ? 'a list' : isObject(compressor) ? 'an object without a string "id"' : `a ${typeof compressor}`;
      throw new FormatError(file, `compressor must be an object with an "id" (got ${got})`, `${key} compressor`);
    }
    const id = compressor['id'];
    if (!registry.has(`numcodecs.${id}`) || !SUPPORTED_COMPRESSORS.includes(id)) {
      throw new FormatError(
        file,
        `unsupported compressor "${id}" (supported: ${SUPPORTED_COMPRESSORS.join(', ')}, or none)`,
        `${key} compressor.id`,
      );
    }
    if (id === 'blosc') checkBlosc(file, key, compressor);
    codecs.push(id);
  }
  const separator = json['dimension_separator'] === '/' ? '/' : '.';
  return {
    version: 2,
    shape,
    chunks,
    dtypeName: v2DtypeName(json['dtype']),
    codecs,
    outerCodec: isObject(compressor) ? String(compressor['id']) : undefined,
    chunkKey: (index) => (index.length === 0 ? '0' : index.join(separator)),
  };
}

/** Compressors of zarr v2 (and bytes-to-bytes codecs of v3) we read. */
export const SUPPORTED_COMPRESSORS = ['blosc', 'zstd', 'lz4', 'gzip', 'zlib'];

/**
 * zarr v2 filters we read. An allow-list, not "whatever zarrita registers", so that what we cannot
 * read correctly fails here, at open, with the field named. zarrita's `delta` ignores numcodecs'
 * `dtype`/`astype` (a delta stored in another type decodes to wrong values) and undoes it one
 * element at a time in JS (BigInt for 64-bit labels: minutes per volume, which a user sees as a
 * hang); `shuffle`, `bitround` and the text filters have no place in a label or image volume.
 * `fixedscaleoffset` is translated by zarrita into the v3 spec's scale_offset + cast_value.
 */
export const SUPPORTED_FILTERS = ['fixedscaleoffset'];

/** zarr v3 codecs we read (spec names, and the numcodecs names zarr-python 3 writes for the v2 compressors). */
export const SUPPORTED_V3_CODECS = [
  'bytes',
  'transpose',
  'crc32c',
  'sharding_indexed',
  'gzip',
  'zstd',
  'blosc',
  ...SUPPORTED_COMPRESSORS.map((id) => `numcodecs.${id}`),
];

function checkV3Codecs(file: string, key: string, codecs: unknown, names: string[]): void {
  if (!Array.isArray(codecs)) throw new FormatError(file, `${key}: codecs must be a list`, 'codecs');
  for (const codec of codecs) {
    const name = typeof codec === 'string' ? codec : isObject(codec) ? String(codec['name']) : JSON.stringify(codec);
    const configuration = isObject(codec) && isObject(codec['configuration']) ? codec['configuration'] : {};
    if (name === 'sharding_indexed') {
      checkV3Codecs(file, key, configuration['codecs'], names);
      checkV3Codecs(file, key, configuration['index_codecs'] ?? [], []);
    } else if (!SUPPORTED_V3_CODECS.includes(name) || !registry.has(name)) {
      throw new FormatError(file, `unsupported codec "${name}" (supported: ${SUPPORTED_V3_CODECS.join(', ')})`, `${key} codecs`);
    }
    if (name === 'blosc' || name === 'numcodecs.blosc') checkBlosc(file, key, configuration);
    names.push(name);
  }
}

/** Parses and checks a v3 array's `zarr.json` (`node_type` "array"). */
export function parseV3(file: string, key: string, json: Json): ZarrArrayMeta {
  const { shape, chunk_grid: grid, chunk_key_encoding: encoding, codecs, data_type: dataType } = json;
  if (!isExtents(shape)) throw new FormatError(file, `${key}: shape must be a list of non-negative integers`, 'shape');
  const gridConfig = isObject(grid) && isObject(grid['configuration']) ? grid['configuration'] : {};
  if (!isObject(grid) || grid['name'] !== 'regular' || !isExtents(gridConfig['chunk_shape'])) {
    throw new FormatError(file, `${key}: only regular chunk grids are supported`, 'chunk_grid');
  }
  let chunks = gridConfig['chunk_shape'];
  if (chunks.length !== shape.length || chunks.some((n) => n === 0)) {
    throw new FormatError(file, `${key}: chunk_shape must be ${shape.length} positive integers`, 'chunk_grid');
  }
  const names: string[] = [];
  checkV3Codecs(file, key, codecs, names);
  // zarrita reads sharded arrays by inner chunk: that is the grid we visit.
  const sharding = (codecs as unknown[]).find((codec) => isObject(codec) && codec['name'] === 'sharding_indexed') as Json | undefined;
  const shardShape = chunks;
  if (sharding) {
    const inner = isObject(sharding['configuration']) ? sharding['configuration']['chunk_shape'] : undefined;
    if (!isExtents(inner) || inner.length !== shape.length) throw new FormatError(file, `${key}: bad sharding chunk_shape`, 'codecs');
    chunks = inner;
  }
  const encodingName = isObject(encoding) ? encoding['name'] : 'default';
  const encodingConfig = isObject(encoding) && isObject(encoding['configuration']) ? encoding['configuration'] : {};
  if (encodingName !== 'default' && encodingName !== 'v2') {
    throw new FormatError(file, `${key}: unsupported chunk_key_encoding "${String(encodingName)}"`, 'chunk_key_encoding');
  }
  const separator = String(encodingConfig['separator'] ?? (encodingName === 'v2' ? '.' : '/'));
  const encode = (index: readonly number[]): string =>
    encodingName === 'v2' ? (index.length === 0 ? '0' : index.join(separator)) : ['c', ...index].join(separator);
  return {
    version: 3,
    shape,
    chunks,
    dtypeName: typeof dataType === 'string' ? dataType : JSON.stringify(dataType),
    codecs: names,
    outerCodec: sharding ? undefined : names[names.length - 1],
    chunkKey: sharding
      ? (index) => `${encode(index.map((i, axis) => Math.floor((i * chunks[axis]!) / shardShape[axis]!)))} (inner chunk ${index.join(',')})`
      : encode,
  };
}

/**
 * Checks a blosc frame's header against the bytes at hand and the chunk it should decode to. c-blosc
 * decompresses from the sizes its header states without knowing the buffer length, so a truncated
 * frame would decode past its end into whatever the wasm heap holds, and no error would be raised.
 * Header: version, versionlz, flags, typesize, then nbytes, blocksize, cbytes (uint32 LE).
 */
export function bloscHeaderProblem(bytes: Uint8Array, expectedBytes: number): string | undefined {
  if (bytes.length < 16) return `${bytes.length} bytes, shorter than a blosc header`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nbytes = view.getUint32(4, true);
  const cbytes = view.getUint32(12, true);
  if (cbytes > bytes.length) return `blosc header gives ${cbytes} compressed bytes, the chunk has ${bytes.length} (truncated)`;
  if (nbytes !== expectedBytes) return `blosc header gives ${nbytes} decompressed bytes, the chunk needs ${expectedBytes}`;
  return undefined;
}

/** Bytes per element of a numpy-named dtype (`uint16` → 2), or undefined for other types. */
export function itemSize(dtypeName: string): number | undefined {
  const match = /^(u?int|float)(8|16|32|64)$/.exec(dtypeName);
  return match ? Number(match[2]) / 8 : undefined;
}
