/**
 * The zarr reader on stores written here, byte by byte from the v2/v3 specs (chunks compressed with
 * node:zlib and numcodecs' encoders): compressors, partial edge chunks, missing chunks, F order,
 * v3 chunk keys, zipped stores, 64-bit labels, and every error a user can meet.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { Blosc, LZ4, Zstd } from 'numcodecs';
import { afterAll, describe, expect, it } from 'vitest';
import { FileAccessError, FormatError } from '../../main/errors.js';
import { InsufficientMemoryError } from '../../main/io/allocation.js';
import type { NdArray, VolumeArray } from '../../main/io/volume/types.js';
import { listZarrArrays, openZarr } from '../../main/io/zarr/index.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-zarr-');
afterAll(() => tmp.cleanup());

type Compressor =
  | null
  | { id: 'gzip'; level: number }
  | { id: 'zlib'; level: number }
  | { id: 'zstd'; level: number }
  | { id: 'lz4'; acceleration: number }
  | { id: 'blosc'; cname: string; clevel: number; shuffle: 0 | 1 | 2; blocksize: 0 };

async function compress(compressor: Compressor, bytes: Uint8Array): Promise<Uint8Array> {
  if (!compressor) return bytes;
  switch (compressor.id) {
    case 'gzip':
      return gzipSync(bytes, { level: compressor.level });
    case 'zlib':
      return deflateSync(bytes, { level: compressor.level });
    case 'zstd':
      return Zstd.fromConfig({ level: compressor.level }).encode(bytes);
    case 'lz4':
      return LZ4.fromConfig({ acceleration: compressor.acceleration }).encode(bytes);
    case 'blosc': {
      const { cname, clevel, shuffle, blocksize } = compressor;
      return Blosc.fromConfig({ cname, clevel, shuffle, blocksize }).encode(bytes);
    }
  }
}

const DTYPES = {
  '|u1': Uint8Array,
  '<u2': Uint16Array,
  '<i4': Int32Array,
  '<u4': Uint32Array,
  '<f4': Float32Array,
  '<u8': BigUint64Array,
  '<i8': BigInt64Array,
} as const;
type V2Dtype = keyof typeof DTYPES;

interface ArraySpec {
  shape: number[];
  chunks: number[];
  dtype: V2Dtype;
  compressor: Compressor;
  fill: number;
  order?: 'C' | 'F';
  separator?: '.' | '/';
  attributes?: Record<string, unknown>;
  /** Chunks (by grid index) not written: they read as the fill value. */
  missing?: (index: number[]) => boolean;
}

/** Value of voxel i (C order): distinct, non-zero, varied enough to catch misplaced copies. */
const valueAt = (i: number): number => ((i * 2654435761) % 251) + 1;

function expectedArray(spec: ArraySpec): number[] {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out = Array.from({ length: n }, (_, i) => valueAt(i));
  if (spec.missing) {
    forEachIndex(spec.shape, (index, i) => {
      if (spec.missing!(index.map((v, axis) => Math.floor(v / spec.chunks[axis]!)))) out[i] = spec.fill;
    });
  }
  return out;
}

function forEachIndex(shape: readonly number[], visit: (index: number[], linear: number) => void): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const index = shape.map(() => 0);
  for (let i = 0; i < n; i++) {
    visit(index, i);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < shape[axis]!) break;
      index[axis] = 0;
    }
  }
}

/** One chunk's bytes (whole chunk, padded past the array edge with 0xFF junk, as the spec allows). */
function chunkBytes(spec: ArraySpec, chunkIndex: number[]): Uint8Array {
  const Ctor = DTYPES[spec.dtype];
  const n = spec.chunks.reduce((a, b) => a * b, 1);
  const values = new Ctor(n);
  const strides: number[] = [];
  // F order: first axis fastest.
  let step = 1;
  const axes = spec.order === 'F' ? spec.chunks.map((_, i) => i) : spec.chunks.map((_, i) => spec.chunks.length - 1 - i);
  for (const axis of axes) {
    strides[axis] = step;
    step *= spec.chunks[axis]!;
  }
  const arrayStrides = spec.shape.map((_, axis) => spec.shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  forEachIndex(spec.chunks, (local) => {
    const global = local.map((v, axis) => v + chunkIndex[axis]! * spec.chunks[axis]!);
    const inside = global.every((v, axis) => v < spec.shape[axis]!);
    const offset = local.reduce((sum, v, axis) => sum + v * strides[axis]!, 0);
    const value = inside ? valueAt(global.reduce((sum, v, axis) => sum + v * arrayStrides[axis]!, 0)) : 0xff;
    (values as unknown as { [i: number]: number | bigint })[offset] = typeof values[0] === 'bigint' ? BigInt(value) : value;
  });
  return new Uint8Array(values.buffer);
}

async function writeV2(root: string, path: string, spec: ArraySpec): Promise<void> {
  const folder = join(root, path);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(root, '.zgroup'), JSON.stringify({ zarr_format: 2 }));
  const zarray: Record<string, unknown> = {
    zarr_format: 2,
    shape: spec.shape,
    chunks: spec.chunks,
    dtype: spec.dtype,
    compressor: spec.compressor,
    fill_value: spec.fill,
    order: spec.order ?? 'C',
    filters: null,
  };
  if (spec.separator) zarray['dimension_separator'] = spec.separator;
  writeFileSync(join(folder, '.zarray'), JSON.stringify(zarray));
  if (spec.attributes) writeFileSync(join(folder, '.zattrs'), JSON.stringify(spec.attributes));
  const grid = spec.shape.map((n, axis) => Math.ceil(n / spec.chunks[axis]!));
  const indices: number[][] = [];
  forEachIndex(grid, (index) => indices.push([...index]));
  for (const index of indices) {
    if (spec.missing?.(index)) continue;
    const key = join(folder, index.join(spec.separator ?? '.'));
    mkdirSync(dirname(key), { recursive: true });
    writeFileSync(key, await compress(spec.compressor, chunkBytes(spec, index)));
  }
}

function asNumbers(data: VolumeArray): number[] {
  return Array.from(data as ArrayLike<number>);
}

/** The box [start, start+shape) of a C-order array given as a flat list. */
function box(full: number[], fullShape: number[], start: number[], shape: number[]): number[] {
  const out: number[] = [];
  const strides = fullShape.map((_, axis) => fullShape.slice(axis + 1).reduce((a, b) => a * b, 1));
  forEachIndex(shape, (index) => {
    out.push(full[index.reduce((sum, v, axis) => sum + (v + start[axis]!) * strides[axis]!, 0)]!);
  });
  return out;
}

/** Checks readAll, a spread of regions and forEachChunk (each voxel once, right values) against `expected`. */
async function expectReads(file: string, dataset: string, expected: number[], shape: number[], chunks: number[]): Promise<void> {
  const source = await openZarr(file, dataset);
  try {
    expect(source.info.shape).toEqual(shape);
    const all = await source.readAll();
    expect(all.shape).toEqual(shape);
    expect(asNumbers(all.data)).toEqual(expected);

    const regions: [number[], number[]][] = [
      [shape.map(() => 0), shape.map(() => 1)],
      [shape.map(() => 0), chunks.map((c, axis) => Math.min(c, shape[axis]!))],
      [shape.map((n) => Math.floor(n / 3)), shape.map((n) => Math.max(1, Math.ceil(n / 2)))],
      [shape.map((n) => n - 1), shape.map(() => 1)],
      [shape.map(() => 1), shape.map((n) => n - 1)],
      [shape.map(() => 0), shape.map((n, axis) => (axis === 0 ? 0 : n))],
    ];
    for (const [start, extent] of regions) {
      const region = await source.readRegion(start, extent);
      expect(region.shape, `region ${start} + ${extent}`).toEqual(extent);
      expect(asNumbers(region.data), `region ${start} + ${extent}`).toEqual(box(expected, shape, start, extent));
    }

    const seen = new Uint8Array(expected.length);
    const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
    await source.forEachChunk((origin, chunk: NdArray) => {
      origin.forEach((o, axis) => expect(o % chunks[axis]!).toBe(0));
      expect(chunk.data.length).toBe(chunk.shape.reduce((a, b) => a * b, 1));
      forEachIndex(chunk.shape, (index, i) => {
        const linear = index.reduce((sum, v, axis) => sum + (v + origin[axis]!) * strides[axis]!, 0);
        seen[linear]!++;
        if (Number(chunk.data[i]) !== expected[linear]) throw new Error(`voxel ${linear}: ${chunk.data[i]} != ${expected[linear]}`);
      });
    });
    expect(seen.every((count) => count === 1)).toBe(true);
  } finally {
    await source.close();
  }
}

describe('zarr v2 directory stores', () => {
  const compressors: [string, Compressor][] = [
    ['blosc zstd bitshuffle', { id: 'blosc', cname: 'zstd', clevel: 5, shuffle: 2, blocksize: 0 }],
    ['blosc lz4 byte shuffle', { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 }],
    ['blosc blosclz no shuffle', { id: 'blosc', cname: 'blosclz', clevel: 5, shuffle: 0, blocksize: 0 }],
    ['blosc zlib', { id: 'blosc', cname: 'zlib', clevel: 5, shuffle: 1, blocksize: 0 }],
    ['gzip', { id: 'gzip', level: 1 }],
    ['zlib', { id: 'zlib', level: 6 }],
    ['zstd', { id: 'zstd', level: 3 }],
    ['lz4', { id: 'lz4', acceleration: 1 }],
    ['none', null],
  ];

  it.each(compressors)('%s: values, regions and chunk visits, with edge and missing chunks', async (name, compressor) => {
    const root = join(tmp.dir, `v2-${name.replaceAll(' ', '-')}.zarr`);
    const spec: ArraySpec = {
      shape: [3, 10, 11, 13],
      chunks: [2, 4, 5, 6],
      dtype: '<u2',
      compressor,
      fill: 7,
      attributes: { dim_neurons: [1, 3] },
      missing: (index) => index[1] === 1 && index[3] === 2,
    };
    await writeV2(root, 'volumes/labels', spec);
    await expectReads(root, 'volumes/labels', expectedArray(spec), spec.shape, spec.chunks);
    const source = await openZarr(root, 'volumes/labels');
    expect(source.info).toMatchObject({ dtype: 'uint16', chunks: [2, 4, 5, 6], attributes: { dim_neurons: [1, 3] } });
    await source.close();
  });

  it.each(['|u1', '<i4', '<u4', '<f4'] as const)('dtype %s', async (dtype) => {
    const root = join(tmp.dir, `dtype-${dtype.slice(1)}.zarr`);
    const spec: ArraySpec = { shape: [5, 6, 7], chunks: [2, 4, 4], dtype, compressor: { id: 'gzip', level: 1 }, fill: 0 };
    await writeV2(root, 'a', spec);
    await expectReads(root, 'a', expectedArray(spec), spec.shape, spec.chunks);
  });

  it('reads F-order chunks into C order, and "/"-separated chunk keys', async () => {
    const root = join(tmp.dir, 'f-order.zarr');
    const spec: ArraySpec = { shape: [5, 6, 7], chunks: [2, 4, 3], dtype: '<i4', compressor: { id: 'zlib', level: 1 }, fill: 0, order: 'F', separator: '/' };
    await writeV2(root, 'f', spec);
    await expectReads(root, 'f', expectedArray(spec), spec.shape, spec.chunks);
  });

  it('narrows 64-bit labels to 32 bits, and refuses values that do not fit', async () => {
    const root = join(tmp.dir, 'u64.zarr');
    const spec: ArraySpec = { shape: [4, 5, 6], chunks: [2, 5, 6], dtype: '<u8', compressor: null, fill: 0 };
    await writeV2(root, 'labels', spec);
    await expectReads(root, 'labels', expectedArray(spec), spec.shape, spec.chunks);
    const source = await openZarr(root, 'labels');
    expect(source.info.dtype).toBe('uint32');
    await source.close();

    const big = new BigUint64Array(60).fill(1n);
    big[7] = 1n << 40n;
    writeFileSync(join(root, 'labels', '1.0.0'), new Uint8Array(big.buffer));
    const again = await openZarr(root, 'labels');
    await expect(again.readAll()).rejects.toThrow(/chunk "labels\/1\.0\.0" holds 1099511627776, which does not fit uint32/);
    await again.close();

    const signed = join(tmp.dir, 'i64.zarr');
    const negative: ArraySpec = { shape: [2, 3], chunks: [2, 3], dtype: '<i8', compressor: null, fill: 0 };
    await writeV2(signed, 'x', negative);
    writeFileSync(join(signed, 'x', '0.0'), new Uint8Array(new BigInt64Array([-1n, 0n, 5n, -2147483648n, 2147483647n, 3n]).buffer));
    const s = await openZarr(signed, 'x');
    expect(s.info.dtype).toBe('int32');
    expect(asNumbers((await s.readAll()).data)).toEqual([-1, 0, 5, -2147483648, 2147483647, 3]);
    await s.close();
  });

  it('opens the only array of a store without a dataset, and an array folder directly', async () => {
    const root = join(tmp.dir, 'single.zarr');
    const spec: ArraySpec = { shape: [4, 4, 4], chunks: [4, 4, 4], dtype: '|u1', compressor: null, fill: 0 };
    await writeV2(root, 'only/labels', spec);
    const a = await openZarr(root);
    expect(a.info.dataset).toBe('only/labels');
    await a.close();
    const b = await openZarr(join(root, 'only/labels'));
    expect(b.info.dataset).toBe('');
    expect(asNumbers((await b.readAll()).data)).toEqual(expectedArray(spec));
    await b.close();
    expect(await listZarrArrays(root)).toEqual([{ dataset: 'only/labels', shape: [4, 4, 4], dtype: 'uint8' }]);
  });
});

describe('zarr v3', () => {
  async function writeV3(root: string, path: string, spec: ArraySpec & { codecs: unknown[] }, encode: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>): Promise<void> {
    const folder = join(root, path);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(root, 'zarr.json'), JSON.stringify({ zarr_format: 3, node_type: 'group', attributes: {} }));
    const dataType = { '|u1': 'uint8', '<u2': 'uint16', '<i4': 'int32', '<u4': 'uint32', '<f4': 'float32', '<u8': 'uint64', '<i8': 'int64' }[spec.dtype];
    writeFileSync(
      join(folder, 'zarr.json'),
      JSON.stringify({
        zarr_format: 3,
        node_type: 'array',
        shape: spec.shape,
        data_type: dataType,
        chunk_grid: { name: 'regular', configuration: { chunk_shape: spec.chunks } },
        chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
        fill_value: spec.fill,
        codecs: spec.codecs,
        attributes: spec.attributes ?? {},
        dimension_names: ['c', 'z', 'y', 'x'].slice(-spec.shape.length),
      }),
    );
    const grid = spec.shape.map((n, axis) => Math.ceil(n / spec.chunks[axis]!));
    const indices: number[][] = [];
    forEachIndex(grid, (index) => indices.push([...index]));
    for (const index of indices) {
      if (spec.missing?.(index)) continue;
      const key = join(folder, 'c', ...index.map(String));
      mkdirSync(dirname(key), { recursive: true });
      writeFileSync(key, await encode(chunkBytes(spec, index)));
    }
  }

  it('reads a gzip v3 array with c/… chunk keys, attributes and missing chunks', async () => {
    const root = join(tmp.dir, 'v3-gzip.zarr');
    const spec = {
      shape: [2, 9, 10, 11],
      chunks: [1, 4, 4, 4],
      dtype: '<u2' as const,
      compressor: null,
      fill: 3,
      attributes: { dim_neurons: [2] },
      missing: (index: number[]) => index[2] === 0,
      codecs: [{ name: 'bytes', configuration: { endian: 'little' } }, { name: 'gzip', configuration: { level: 1 } }],
    };
    await writeV3(root, 'labels', spec, (bytes) => gzipSync(bytes));
    await expectReads(root, 'labels', expectedArray(spec), spec.shape, spec.chunks);
    const source = await openZarr(root, 'labels');
    expect(source.info).toMatchObject({ dtype: 'uint16', attributes: { dim_neurons: [2] } });
    await source.close();
  });

  it('reads a blosc v3 array', async () => {
    const root = join(tmp.dir, 'v3-blosc.zarr');
    const config = { cname: 'zstd', clevel: 3, shuffle: 'bitshuffle', typesize: 1, blocksize: 0 };
    const spec = {
      shape: [7, 9, 8],
      chunks: [4, 4, 4],
      dtype: '|u1' as const,
      compressor: null,
      fill: 0,
      codecs: [{ name: 'bytes' }, { name: 'blosc', configuration: config }],
    };
    await writeV3(root, 'seg', spec, (bytes) => Blosc.fromConfig({ cname: 'zstd', clevel: 3, shuffle: 2, blocksize: 0 }).encode(bytes));
    await expectReads(root, 'seg', expectedArray(spec), spec.shape, spec.chunks);
  });

  it('names an unsupported v3 codec', async () => {
    const root = join(tmp.dir, 'v3-bad.zarr');
    const spec = { shape: [4, 4], chunks: [4, 4], dtype: '|u1' as const, compressor: null, fill: 0, codecs: [{ name: 'bytes' }, { name: 'bz2', configuration: {} }] };
    await writeV3(root, 'a', spec, (bytes) => bytes);
    await expect(openZarr(root, 'a')).rejects.toThrow(/unsupported codec "bz2"/);
  });
});

/** A zip of `files` (name → bytes), deflated or stored, written from the APPNOTE layout. */
function zip(files: [string, Uint8Array][], deflate: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = new TextEncoder().encode(name);
    const body = deflate ? deflateRawSync(data) : data;
    const method = deflate ? 8 : 0;
    const crc = crc32(data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, method, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, body.length, true);
    local.setUint32(22, data.length, true);
    local.setUint16(26, nameBytes.length, true);
    const header = new DataView(new ArrayBuffer(46));
    header.setUint32(0, 0x02014b50, true);
    header.setUint16(4, 20, true);
    header.setUint16(6, 20, true);
    header.setUint16(10, method, true);
    header.setUint32(16, crc, true);
    header.setUint32(20, body.length, true);
    header.setUint32(24, data.length, true);
    header.setUint16(28, nameBytes.length, true);
    header.setUint32(42, offset, true);
    parts.push(new Uint8Array(local.buffer), nameBytes, body);
    central.push(new Uint8Array(header.buffer), nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const centralSize = central.reduce((n, part) => n + part.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, files.length, true);
  end.setUint16(10, files.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  return Buffer.concat([...parts, ...central, new Uint8Array(end.buffer)]);
}

/** Every file under `root`, as zip entries named `prefix` + relative path. */
function filesOf(root: string, prefix: string, relative = ''): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  for (const name of readdirSync(join(root, relative))) {
    const path = relative ? `${relative}/${name}` : name;
    if (statSync(join(root, path)).isDirectory()) out.push(...filesOf(root, prefix, path));
    else out.push([`${prefix}${path}`, readFileSync(join(root, path))]);
  }
  return out;
}

describe('zipped zarr stores', () => {
  it.each([
    ['deflated, under a top folder', true, 'crop.zarr/'],
    ['stored, at the zip root', false, ''],
  ])('%s', async (_name, deflate, prefix) => {
    const root = join(tmp.dir, `zip-src-${deflate}.zarr`);
    const labels: ArraySpec = { shape: [3, 8, 9, 10], chunks: [2, 8, 5, 5], dtype: '|u1', compressor: { id: 'gzip', level: 1 }, fill: 0, missing: (i) => i[0] === 1 && i[2] === 1 };
    const raw: ArraySpec = { shape: [3, 8, 9, 10], chunks: [2, 4, 9, 10], dtype: '<u2', compressor: { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 }, fill: 0 };
    await writeV2(root, 'volumes/gt_instances', labels);
    await writeV2(root, 'volumes/raw', raw);
    writeFileSync(join(root, 'volumes', '.zgroup'), JSON.stringify({ zarr_format: 2 }));
    const file = join(tmp.dir, `store-${deflate}.zarr.zip`);
    writeFileSync(file, zip(filesOf(root, prefix), deflate));

    await expectReads(file, 'volumes/gt_instances', expectedArray(labels), labels.shape, labels.chunks);
    await expectReads(file, 'volumes/raw', expectedArray(raw), raw.shape, raw.chunks);
    expect(await listZarrArrays(file)).toEqual([
      { dataset: 'volumes/gt_instances', shape: [3, 8, 9, 10], dtype: 'uint8' },
      { dataset: 'volumes/raw', shape: [3, 8, 9, 10], dtype: 'uint16' },
    ]);
    await expect(openZarr(file)).rejects.toThrow(/the store holds 2 arrays; name one: volumes\/gt_instances \(3×8×9×10 uint8\), volumes\/raw/);
  });

  it('reports a zip without a store, and a file that is not a zip', async () => {
    const empty = join(tmp.dir, 'nothing.zip');
    writeFileSync(empty, zip([['readme.txt', new TextEncoder().encode('hello')]], false));
    await expect(openZarr(empty)).rejects.toThrow(/zip holds no zarr store/);
    const junk = join(tmp.dir, 'junk.zip');
    writeFileSync(junk, 'not a zip at all, just text');
    await expect(openZarr(junk)).rejects.toThrow(FormatError);
    await expect(openZarr(junk)).rejects.toThrow(/not a readable zip file/);
  });
});

describe('zarr errors', () => {
  const base: ArraySpec = { shape: [4, 6, 6], chunks: [2, 3, 3], dtype: '|u1', compressor: { id: 'gzip', level: 1 }, fill: 0 };

  it('a missing dataset lists the arrays there; a group is not an array', async () => {
    const root = join(tmp.dir, 'err-missing.zarr');
    await writeV2(root, 'volumes/a', base);
    await writeV2(root, 'volumes/b', { ...base, dtype: '<i4' });
    const error = await openZarr(root, 'volumes/c').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).file).toBe(root);
    expect((error as FormatError).message).toMatch(/no array "volumes\/c" in the store; arrays: volumes\/a \(4×6×6 uint8\), volumes\/b \(4×6×6 int32\)/);
    writeFileSync(join(root, 'volumes', '.zgroup'), JSON.stringify({ zarr_format: 2 }));
    await expect(openZarr(root, 'volumes')).rejects.toThrow(/"volumes" is a group, not an array; arrays: volumes\/a/);
  });

  it('a folder of chunks without .zarray', async () => {
    const root = join(tmp.dir, 'err-zarray.zarr');
    await writeV2(root, 'labels', base);
    rmSync(join(root, 'labels', '.zarray'));
    await expect(openZarr(root, 'labels')).rejects.toThrow(/"labels" has no array metadata \(\.zarray, or zarr\.json for zarr v3\)/);
  });

  it('unsupported compressor id and blosc inner codec', async () => {
    const root = join(tmp.dir, 'err-codec.zarr');
    await writeV2(root, 'a', base);
    const zarray = JSON.parse(readFileSync(join(root, 'a', '.zarray'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(root, 'a', '.zarray'), JSON.stringify({ ...zarray, compressor: { id: 'bz2', level: 1 } }));
    await expect(openZarr(root, 'a')).rejects.toThrow(/unsupported compressor "bz2" \(supported: blosc, zstd, lz4, gzip, zlib, or none\)/);
    writeFileSync(join(root, 'a', '.zarray'), JSON.stringify({ ...zarray, compressor: { id: 'blosc', cname: 'snappy', clevel: 5, shuffle: 1 } }));
    await expect(openZarr(root, 'a')).rejects.toThrow(/unsupported blosc inner codec "snappy"/);
    writeFileSync(join(root, 'a', '.zarray'), '{ not json');
    await expect(openZarr(root, 'a')).rejects.toThrow(/a\/\.zarray is not valid JSON/);
    writeFileSync(join(root, 'a', '.zarray'), JSON.stringify({ ...zarray, dtype: '<U8' }));
    await expect(openZarr(root, 'a')).rejects.toThrow(/holds <U8 values/);
  });

  it('a .zarray without fill_value or compressor (both required by zarr v2, null allowed), and a compressor that is not an object (issue #15)', async () => {
    const root = join(tmp.dir, 'err-required.zarr');
    await writeV2(root, 'a', base);
    const zarray = JSON.parse(readFileSync(join(root, 'a', '.zarray'), 'utf8')) as Record<string, unknown>;
    for (const field of ['fill_value', 'compressor']) {
      const { [field]: _dropped, ...rest } = zarray;
      writeFileSync(join(root, 'a', '.zarray'), JSON.stringify(rest));
      await expect(openZarr(root, 'a')).rejects.toThrow(`${root}: field "a/.zarray ${field}": .zarray has no "${field}" (zarr v2 requires the key; null when there is none)`);
    }
    for (const [compressor, got] of [
      ['gzip', 'a string'],
      [5, 'a number'],
      [['gzip'], 'a list'],
      [{ level: 1 }, 'an object without a string "id"'],
    ] as const) {
      writeFileSync(join(root, 'a', '.zarray'), JSON.stringify({ ...zarray, compressor }));
      await expect(openZarr(root, 'a')).rejects.toThrow(`${root}: field "a/.zarray compressor": compressor must be an object with an "id" (got ${got})`);
    }
    // null is how zarr writes "none" for both: read as it stands.
    writeFileSync(join(root, 'a', '.zarray'), JSON.stringify({ ...zarray, fill_value: null }));
    const source = await openZarr(root, 'a');
    expect(source.info.shape).toEqual(base.shape);
    await source.close();
  });

  it('truncated and corrupt chunks name their key', async () => {
    for (const [name, compressor] of [
      ['gzip', { id: 'gzip', level: 1 }],
      ['blosc', { id: 'blosc', cname: 'zstd', clevel: 5, shuffle: 2, blocksize: 0 }],
      ['zstd', { id: 'zstd', level: 3 }],
      ['none', null],
    ] as [string, Compressor][]) {
      const root = join(tmp.dir, `err-chunk-${name}.zarr`);
      await writeV2(root, 'labels', { ...base, compressor });
      const key = join(root, 'labels', '1.0.1');
      const bytes = readFileSync(key);
      writeFileSync(key, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const source = await openZarr(root, 'labels');
      const error = await source.readAll().catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(FormatError);
      expect((error as Error).message, name).toMatch(/chunk "labels\/1\.0\.1"/);
      // The other chunks still read.
      await expect(source.readRegion([0, 0, 0], [2, 3, 3])).resolves.toBeDefined();
      await source.close();

      // Flipped bits are caught where the format has a checksum (gzip's CRC-32); blosc frames and
      // raw chunks have none, so damage that keeps their sizes cannot be told from data.
      if (name === 'gzip') {
        writeFileSync(key, Buffer.from(bytes).map((byte, i) => (i > 16 ? byte ^ 0x5a : byte)));
        const again = await openZarr(root, 'labels');
        await expect(again.readAll(), name).rejects.toThrow(/chunk "labels\/1\.0\.1"/);
        await again.close();
      }
    }
  });

  it('a missing store is a FileAccessError; a folder that is no store is a FormatError', async () => {
    await expect(openZarr(join(tmp.dir, 'nope.zarr'), 'a')).rejects.toThrow(FileAccessError);
    await expect(openZarr(join(tmp.dir, 'nope.zarr'), 'a')).rejects.toThrow(/no such file/);
    const plain = join(tmp.dir, 'plain-folder');
    mkdirSync(plain);
    await expect(openZarr(plain)).rejects.toThrow(/no zarr array here/);
  });

  it('refuses regions outside the array and reads after close', async () => {
    const root = join(tmp.dir, 'err-region.zarr');
    await writeV2(root, 'a', base);
    const source = await openZarr(root, 'a');
    await expect(source.readRegion([0, 0, 0], [5, 1, 1])).rejects.toThrow(RangeError);
    await expect(source.readRegion([0, 0], [1, 1])).rejects.toThrow(RangeError);
    await expect(source.readRegion([-1, 0, 0], [1, 1, 1])).rejects.toThrow(RangeError);
    await source.close();
    await expect(source.readAll()).rejects.toThrow(/closed/);
  });
});

describe('metadata and chunks checked before reading (issue #15)', () => {
  const base: ArraySpec = { shape: [4, 6, 6], chunks: [2, 3, 3], dtype: '|u1', compressor: { id: 'gzip', level: 1 }, fill: 0 };
  let stores = 0;
  /** A store with array "a" written from `base`, its .zarray then changed by `patch`. */
  async function storeWith(patch: Record<string, unknown>, spec: ArraySpec = base): Promise<string> {
    const root = join(tmp.dir, `limits-${stores++}.zarr`);
    await writeV2(root, 'a', spec);
    const zarray = JSON.parse(readFileSync(join(root, 'a', '.zarray'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(root, 'a', '.zarray'), JSON.stringify({ ...zarray, ...patch }));
    return root;
  }

  it('an empty array names its empty dimension', async () => {
    const root = await storeWith({ shape: [3, 0, 50, 50], chunks: [1, 10, 10, 10] });
    const error = await openZarr(root, 'a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toBe(`${root}: field "a/.zarray shape": empty volume: dimension 1 has size 0 (shape 3×0×50×50)`);
  });

  it('shapes no pass could read are refused at open, at once', async () => {
    for (const shape of [
      [3, 50, 50, 999_999_999],
      [2 ** 53, 1, 1],
      [2 ** 20, 2 ** 20, 2 ** 20],
    ]) {
      const root = await storeWith({ shape, chunks: shape.map((n) => Math.min(n, 50)) });
      const started = Date.now();
      const error = await openZarr(root, 'a').catch((e: unknown) => e);
      expect(error, shape.join('×')).toBeInstanceOf(FormatError);
      expect((error as Error).message, shape.join('×')).toMatch(/field "a\/\.zarray shape": (array "a" is .* more than the 64 GiB Cajal reads in one pass|volume: dimension 0 has size 9007199254740992, not a whole number below 2\^53|volume: shape 1048576×1048576×1048576 has more elements than any file can hold)/);
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });

  it('a chunk too large to decode, and a region too large to hold, are out-of-memory errors', async () => {
    const chunky = await storeWith({ shape: [4, 2 ** 17, 2 ** 16], chunks: [1, 2 ** 17, 2 ** 16] });
    await expect(openZarr(chunky, 'a')).rejects.toThrow(new RegExp(`^not enough memory to read ${chunky} \\(one chunk of array "a": 1×131072×65536 × 1 bytes = 8\\.0 GiB; `));
    // 8 GiB read block by block is fine; as one dense array it is not.
    const wide = await storeWith({ shape: [8, 1024, 1024, 1024], chunks: [1, 64, 64, 64] });
    const source = await openZarr(wide, 'a');
    try {
      const error = await source.readAll().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InsufficientMemoryError);
      expect((error as Error).message).toMatch(/\(a region of 8×1024×1024×1024 voxels of "a": 8×1024×1024×1024 × 1 bytes = 8\.0 GiB; .* can be allocated now\)$/);
      expect((await source.readRegion([0, 0, 0, 0], [1, 2, 2, 2])).data).toEqual(new Uint8Array(8));
    } finally {
      await source.close();
    }
  });

  it('filters and codecs Cajal does not read correctly are refused at open, not after minutes of decoding', async () => {
    const delta = await storeWith({ filters: [{ id: 'delta', dtype: '<i8', astype: '|u1' }] });
    await expect(openZarr(delta, 'a')).rejects.toThrow(`${delta}: field "a/.zarray filters": unsupported filter "delta" (supported: fixedscaleoffset, or none)`);
    const shuffle = await storeWith({ filters: [{ id: 'shuffle', elementsize: 1 }] });
    await expect(openZarr(shuffle, 'a')).rejects.toThrow(/unsupported filter "shuffle"/);
    const odd = await storeWith({ filters: 'delta' });
    await expect(openZarr(odd, 'a')).rejects.toThrow(/filters must be a list or null/);

    const v3 = join(tmp.dir, 'limits-v3.zarr');
    mkdirSync(join(v3, 'a'), { recursive: true });
    writeFileSync(join(v3, 'zarr.json'), JSON.stringify({ zarr_format: 3, node_type: 'group', attributes: {} }));
    writeFileSync(
      join(v3, 'a', 'zarr.json'),
      JSON.stringify({
        zarr_format: 3,
        node_type: 'array',
        shape: [4, 4],
        data_type: 'uint8',
        chunk_grid: { name: 'regular', configuration: { chunk_shape: [2, 2] } },
        chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
        fill_value: 0,
        codecs: [{ name: 'numcodecs.delta', configuration: { dtype: '|u1' } }, { name: 'bytes' }],
        attributes: {},
      }),
    );
    await expect(openZarr(v3, 'a')).rejects.toThrow(/field "a\/zarr\.json codecs": unsupported codec "numcodecs\.delta"/);
  });

  it('a chunk key that is a folder is an error naming the key, not a chunk of fill values', async () => {
    const root = join(tmp.dir, 'limits-folder-chunk.zarr');
    await writeV2(root, 'a', base);
    rmSync(join(root, 'a', '1.0.1'));
    mkdirSync(join(root, 'a', '1.0.1'));
    const source = await openZarr(root, 'a');
    try {
      const error = await source.readAll().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FormatError);
      expect((error as Error).message).toBe(`${root}: field "a/1.0.1": "a/1.0.1" is a folder, not a file; a chunk or metadata key must be a regular file`);
      // A chunk that is absent is still fill values.
      rmSync(join(root, 'a', '1.0.1'), { recursive: true });
      expect(Array.from((await source.readRegion([2, 0, 3], [2, 3, 3])).data)).toEqual(new Array(18).fill(0));
    } finally {
      await source.close();
    }

    // The same in a zip: a folder entry at the key.
    const files = filesOf(root, 'store.zarr/').filter(([name]) => !name.endsWith('/a/1.0.0'));
    files.push(['store.zarr/a/1.0.0/', new Uint8Array(0)]);
    const zipped = join(tmp.dir, 'limits-folder-chunk.zarr.zip');
    writeFileSync(zipped, zip(files, false));
    const fromZip = await openZarr(zipped, 'a');
    try {
      await expect(fromZip.readAll()).rejects.toThrow(`${zipped}: field "a/1.0.0": "store.zarr/a/1.0.0" is a folder in the zip, not a file`);
    } finally {
      await fromZip.close();
    }
  });
});
