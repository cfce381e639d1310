/**
 * The HDF5 reader on files written here with h5wasm: gzip-chunked and contiguous datasets of each
 * label dtype, attributes, slab-wise visits, and the errors a user can meet (missing dataset,
 * not HDF5, truncated, a chunk that does not inflate).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileAccessError, FormatError } from '../../main/errors.js';
import { listHdf5Datasets, openHdf5 } from '../../main/io/hdf5/index.js';
import { expectLabelVolume } from '../../main/io/volume/label.js';
import type { NdArray } from '../../main/io/volume/types.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-hdf5-');
afterAll(() => tmp.cleanup());

const file = join(tmp.dir, 'labels.h5');

const LABELS_SHAPE = [20, 30, 40];
/** Sparse labels: a few ids in blocks, background 0, one negative (int32 labels are signed). */
const labelAt = (z: number, y: number, x: number): number =>
  (z * 7 + y * 3 + x) % 23 === 0 ? -5 : (z + y + x) % 5 === 0 ? 1 + ((z * 31 + y * 17 + x) % 11) : 0;
const labels = Int32Array.from({ length: 20 * 30 * 40 }, (_, i) => labelAt(Math.floor(i / 1200), Math.floor(i / 40) % 30, i % 40));
const stack = Uint8Array.from({ length: 3 * 6 * 7 * 8 }, (_, i) => (i * 37) % 256);
const image = Float32Array.from({ length: 4 * 5 * 6 }, (_, i) => i / 4);
const wide = BigInt64Array.from({ length: 3 * 4 * 5 }, (_, i) => BigInt(i * 1000 - 7));
const counts = Uint16Array.from({ length: 6 * 6 }, (_, i) => i * 1000);

beforeAll(async () => {
  await h5wasm.ready;
  const h5 = new h5wasm.File(file, 'w');
  h5.create_group('volumes');
  const volumes = h5.get('volumes') as InstanceType<typeof h5wasm.Group>;
  volumes.create_dataset({ name: 'labels', data: labels, shape: LABELS_SHAPE, dtype: '<i', chunks: [5, 8, 16], compression: 'gzip', compression_opts: 4 });
  volumes.create_dataset({ name: 'stack', data: stack, shape: [3, 6, 7, 8], dtype: '<B' });
  volumes.create_dataset({ name: 'image', data: image, shape: [4, 5, 6], dtype: '<f', chunks: [2, 5, 6], compression: 'gzip' });
  volumes.create_dataset({ name: 'wide', data: wide, shape: [3, 4, 5], dtype: '<q' });
  h5.create_group('other');
  (h5.get('other') as InstanceType<typeof h5wasm.Group>).create_group('deeper');
  (h5.get('other/deeper') as InstanceType<typeof h5wasm.Group>).create_dataset({ name: 'counts', data: counts, shape: [6, 6], dtype: '<H' });
  const dataset = h5.get('volumes/labels') as InstanceType<typeof h5wasm.Dataset>;
  dataset.create_attribute('dim_neurons', new Int32Array([3, 5]));
  dataset.create_attribute('resolution', new Float32Array([0.44, 0.44, 0.44]));
  dataset.create_attribute('note', 'made in a test');
  h5.close();
});

function regionOf(full: ArrayLike<number>, shape: number[], start: number[], extent: number[]): number[] {
  const out: number[] = [];
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  const total = extent.reduce((a, b) => a * b, 1);
  for (let i = 0; i < total; i++) {
    let rest = i;
    let offset = 0;
    for (let axis = extent.length - 1; axis >= 0; axis--) {
      offset += ((rest % extent[axis]!) + start[axis]!) * strides[axis]!;
      rest = Math.floor(rest / extent[axis]!);
    }
    out.push(full[offset]!);
  }
  return out;
}

describe('HDF5 datasets', () => {
  it('lists every dataset with shape and dtype', async () => {
    const expected = [
      { dataset: 'other/deeper/counts', shape: [6, 6], dtype: 'uint16' },
      { dataset: 'volumes/image', shape: [4, 5, 6], dtype: 'float32' },
      { dataset: 'volumes/labels', shape: [20, 30, 40], dtype: 'int32' },
      { dataset: 'volumes/stack', shape: [3, 6, 7, 8], dtype: 'uint8' },
      { dataset: 'volumes/wide', shape: [3, 4, 5], dtype: 'int64' },
    ];
    const byName = (a: { dataset: string }, b: { dataset: string }) => a.dataset.localeCompare(b.dataset);
    expect([...(await listHdf5Datasets(file))].sort(byName)).toEqual(expected);
  });

  it('reads gzip-chunked int32 labels with their attributes', async () => {
    const source = await openHdf5(file, '/volumes/labels');
    try {
      expect(source.info).toMatchObject({ file, dataset: 'volumes/labels', dtype: 'int32', shape: [20, 30, 40], chunks: [5, 8, 16] });
      expect(source.info.attributes['dim_neurons']).toEqual([3, 5]);
      expect(source.info.attributes['note']).toBe('made in a test');
      expect(source.info.attributes['resolution'] as number[]).toHaveLength(3);
      expect(expectLabelVolume(source.info)).toBe(source.info);
      const all = await source.readAll();
      expect(all.data).toBeInstanceOf(Int32Array);
      expect(Array.from(all.data)).toEqual(Array.from(labels));
      for (const [start, extent] of [
        [[0, 0, 0], [1, 1, 1]],
        [[3, 7, 15], [9, 11, 20]],
        [[19, 29, 39], [1, 1, 1]],
        [[0, 0, 0], [20, 30, 40]],
        [[5, 0, 0], [0, 30, 40]],
      ] as [number[], number[]][]) {
        const region = await source.readRegion(start, extent);
        expect(region.shape).toEqual(extent);
        expect(Array.from(region.data)).toEqual(regionOf(labels, LABELS_SHAPE, start, extent));
      }
    } finally {
      await source.close();
    }
  });

  it('visits slabs of whole chunks within the byte bound, each voxel once', async () => {
    // 2 chunk rows of z (10 slices × 30 × 40 × 4 bytes = 48 000 bytes) fit in 50 000 bytes.
    const source = await openHdf5(file, 'volumes/labels', { maxBlockBytes: 50_000 });
    const seen = new Uint8Array(labels.length);
    const origins: number[][] = [];
    await source.forEachChunk((origin, chunk: NdArray) => {
      origins.push([...origin]);
      expect(chunk.shape.slice(1)).toEqual([30, 40]);
      const offset = origin[0]! * 1200;
      chunk.data.forEach((value, i) => {
        seen[offset + i]!++;
        expect(value).toBe(labels[offset + i]);
      });
    });
    expect(origins).toEqual([
      [0, 0, 0],
      [10, 0, 0],
    ]);
    expect(seen.every((n) => n === 1)).toBe(true);
    // Regions crossing slab boundaries come back whole.
    expect(Array.from((await source.readRegion([8, 2, 3], [5, 4, 6])).data)).toEqual(regionOf(labels, LABELS_SHAPE, [8, 2, 3], [5, 4, 6]));
    await source.close();

    // A bound smaller than one slice cuts along y too.
    const fine = await openHdf5(file, 'volumes/labels', { maxBlockBytes: 2_000 });
    let voxels = 0;
    await fine.forEachChunk((_origin, chunk) => {
      expect(chunk.data.byteLength).toBeLessThanOrEqual(2_000);
      voxels += chunk.data.length;
    });
    expect(voxels).toBe(labels.length);
    await fine.close();
  });

  it('reads uint8 4D, uint16, float32 and int64 (as int32) datasets', async () => {
    const s = await openHdf5(file, 'volumes/stack');
    expect(s.info.dtype).toBe('uint8');
    expect(s.info.chunks).toBeUndefined();
    expect(Array.from((await s.readAll()).data)).toEqual(Array.from(stack));
    expect(Array.from((await s.readRegion([1, 2, 3, 4], [2, 2, 2, 2])).data)).toEqual(regionOf(stack, [3, 6, 7, 8], [1, 2, 3, 4], [2, 2, 2, 2]));
    await s.close();

    const c = await openHdf5(file, 'other/deeper/counts');
    expect(Array.from((await c.readAll()).data)).toEqual(Array.from(counts));
    await c.close();

    const f = await openHdf5(file, 'volumes/image');
    expect(f.info.dtype).toBe('float32');
    expect(Array.from((await f.readAll()).data)).toEqual(Array.from(image));
    expect(() => expectLabelVolume(f.info)).toThrow(/dataset "volumes\/image" holds float32 values; label ids must be integers/);
    expect(expectLabelVolume(f.info, { allowFloat: true })).toBe(f.info);
    await f.close();

    const w = await openHdf5(file, 'volumes/wide');
    expect(w.info.dtype).toBe('int32');
    expect(Array.from((await w.readAll()).data)).toEqual(Array.from(wide, Number));
    await w.close();
  });
});

describe('HDF5 errors', () => {
  it('a missing dataset lists the datasets there; a group is not a dataset', async () => {
    const error = await openHdf5(file, 'volumes/gt_instances').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).file).toBe(file);
    expect((error as Error).message).toMatch(/no dataset "volumes\/gt_instances" in the file; datasets: .*volumes\/labels \(20×30×40 int32\)/);
    await expect(openHdf5(file, 'volumes')).rejects.toThrow(/"volumes" is a group, not a dataset/);
    await expect(openHdf5(file)).rejects.toThrow(/the file holds 5 datasets; name one/);
  });

  it('a missing file, a folder, a file that is not HDF5', async () => {
    await expect(openHdf5(join(tmp.dir, 'missing.h5'), 'x')).rejects.toThrow(FileAccessError);
    await expect(openHdf5(join(tmp.dir, 'missing.h5'), 'x')).rejects.toThrow(/no such file/);
    await expect(openHdf5(tmp.dir, 'x')).rejects.toThrow(FileAccessError);
    const text = join(tmp.dir, 'notes.h5');
    writeFileSync(text, 'these are notes, not HDF5');
    await expect(openHdf5(text, 'x')).rejects.toThrow(/not an HDF5 file \(no HDF5 signature\)/);
  });

  it('a truncated file, and a chunk that does not inflate', async () => {
    const bytes = readFileSync(file);
    const truncated = join(tmp.dir, 'truncated.h5');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expect(openHdf5(truncated, 'volumes/labels')).rejects.toThrow(`${truncated}: byte 0: truncated or corrupt HDF5 file`);

    // Overwrite the middle of the labels' chunk data (h5wasm writes metadata first, then chunks).
    await h5wasm.ready;
    const single = join(tmp.dir, 'single.h5');
    const h5 = new h5wasm.File(single, 'w');
    h5.create_dataset({ name: 'labels', data: labels, shape: LABELS_SHAPE, dtype: '<i', chunks: [5, 8, 16], compression: 'gzip' });
    h5.close();
    const damaged = Buffer.from(readFileSync(single));
    for (let i = Math.floor(damaged.length * 0.4); i < Math.floor(damaged.length * 0.6); i++) damaged[i] = 0x55;
    const corrupt = join(tmp.dir, 'corrupt.h5');
    writeFileSync(corrupt, damaged);
    // HDF5's error stack is silenced (see calcium-hdf5.test.ts); the reader turns the failed read into a FormatError.
    const source = await openHdf5(corrupt, 'labels');
    const error = await source.readAll().catch((e: unknown) => e);
    await source.close();
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/hyperslab .* of dataset "labels" cannot be read: HDF5 reports a read error/);
  });

  it('an end-of-file address that stops before the groups is a FormatError, not an h5wasm Error (issue #15)', async () => {
    // Superblock version 0 (as the FISBe files have): its end-of-file address is the 8 bytes at 40,
    // with no checksum. Set below the objects, HDF5 cannot open them and h5wasm throws plain Errors
    // ("error - name not defined!") from Group.keys() and the dataset metadata.
    await h5wasm.ready;
    const small = join(tmp.dir, 'eof-v0.h5');
    const h5 = new h5wasm.File(small, 'w', { libver: ['earliest', 'v108'] });
    h5.create_group('volumes');
    (h5.get('volumes') as InstanceType<typeof h5wasm.Group>).create_dataset({ name: 'labels', data: Int32Array.from({ length: 2000 }, (_, i) => i), shape: [2000], dtype: '<i' });
    h5.close();
    const bytes = Buffer.from(readFileSync(small));
    expect(bytes[8]).toBe(0);
    expect(bytes.readBigUInt64LE(40)).toBe(BigInt(bytes.length));
    for (const fraction of [0.1, 0.5]) {
      const shrunk = Buffer.from(bytes);
      shrunk.writeBigUInt64LE(BigInt(Math.floor(bytes.length * fraction)), 40);
      const damaged = join(tmp.dir, `eof-${fraction}.h5`);
      writeFileSync(damaged, shrunk);
      // Started one at a time: a second promise started beside the first could reject before its
      // catch is attached, which Node reports as an unhandled rejection.
      const attempts = [() => openHdf5(damaged, 'volumes/labels'), ...(fraction === 0.5 ? [() => listHdf5Datasets(damaged)] : [])];
      for (const attempt of attempts) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error, `end-of-file address at ${fraction} of the file`).toBeInstanceOf(FormatError);
        expect((error as Error).message).toMatch(
          new RegExp(`^${damaged}: truncated or corrupt HDF5 file \\((object|dataset) "volumes/labels" cannot be read: error - name not defined!\\)$`),
        );
      }
    }
  });

  it('rejects ranks a label volume cannot have', async () => {
    const c = await openHdf5(file, 'other/deeper/counts');
    expect(() => expectLabelVolume(c.info)).toThrow(/dataset "other\/deeper\/counts" has rank 2 \(shape 6×6\); a label volume needs rank 3 or 4/);
    expect(expectLabelVolume(c.info, { ranks: [2] })).toBe(c.info);
    await c.close();
  });
});

describe('shapes checked before reading (issue #15)', () => {
  const sizes = join(tmp.dir, 'sizes.h5');
  beforeAll(() => {
    // Chunked datasets resized after writing: a few bytes on disk whatever the shape says.
    const h5 = new h5wasm.File(sizes, 'w');
    const resized = (name: string, shape: number[], chunks = [1, 1, 1, 1]): void => {
      const dataset = h5.create_dataset({ name, data: new Uint8Array(1), shape: [1, 1, 1, 1], maxshape: [null, null, null, null], chunks, dtype: '<B' });
      dataset.resize(shape);
    };
    resized('empty', [3, 0, 50, 50]);
    resized('huge', [3, 50, 50, 999_999_999], [1, 50, 50, 1000]);
    resized('chunky', [1, 1, 1, 1], [1, 1, 2 ** 16, 2 ** 15]);
    h5.close();
  });

  it('an empty volume names the empty dimension', async () => {
    const error = await openHdf5(sizes, 'empty').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toBe(`${sizes}: field "empty": empty volume: dimension 1 has size 0 (shape 3×0×50×50)`);
  });

  it('a volume past what one pass can read is refused at open, not read for hours', async () => {
    const started = Date.now();
    await expect(openHdf5(sizes, 'huge')).rejects.toThrow(
      /field "huge": dataset "huge" is 3×50×50×999999999 × 1 bytes = 6\.8 TiB, more than the 64 GiB Cajal reads in one pass/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a chunk larger than memory can hold is refused at open', async () => {
    const error = await openHdf5(sizes, 'chunky').catch((e: unknown) => e);
    expect((error as Error).name).toBe('InsufficientMemoryError');
    expect((error as Error).message).toMatch(new RegExp(`^not enough memory to read ${sizes} \\(one chunk of dataset "chunky"`));
  });
});
