/**
 * The volume dispatcher (format by content, then by extension), the label-volume checks, and the
 * box plumbing every reader shares (copyBox, slabShape, blockOrigins, toCOrder).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { FileAccessError, FormatError } from '../../main/errors.js';
import { writeTiffStack } from '../../main/io/tiff/index.js';
import { expectLabelVolume } from '../../main/io/volume/label.js';
import { blockOrigins, copyBox, slabShape, stridesOf, toCOrder } from '../../main/io/volume/ndarray.js';
import { detectVolumeFormat, listDatasets, openVolume } from '../../main/io/volumes.js';
import type { DatasetInfo } from '../../main/io/volume/types.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-volume-');
afterAll(() => tmp.cleanup());

describe('detectVolumeFormat', () => {
  it('recognises each format by content, whatever the extension', async () => {
    const zarr = join(tmp.dir, 'store');
    mkdirSync(zarr);
    writeFileSync(join(zarr, '.zgroup'), '{"zarr_format": 2}');
    expect(await detectVolumeFormat(zarr)).toBe('zarr');
    const v3 = join(tmp.dir, 'v3');
    mkdirSync(v3);
    writeFileSync(join(v3, 'zarr.json'), '{"zarr_format": 3, "node_type": "group"}');
    expect(await detectVolumeFormat(v3)).toBe('zarr');

    const tiff = join(tmp.dir, 'stack.data');
    writeTiffStack(tiff, { dtype: 'uint8', shape: [2, 2, 2], data: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]) });
    expect(await detectVolumeFormat(tiff)).toBe('tiff');
    // A TIFF holds one stack: a dataset meant for another format is ignored.
    const stack = await openVolume(tiff, 'volumes/gmm_label_cleaned');
    expect(stack.info).toMatchObject({ dataset: '', shape: [2, 2, 2] });
    expect(Array.from((await stack.readAll()).data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await stack.close();
    expect(await listDatasets(tiff)).toEqual([{ dataset: '', shape: [2, 2, 2], dtype: 'uint8' }]);

    await h5wasm.ready;
    const h5 = join(tmp.dir, 'labels.bin');
    const file = new h5wasm.File(h5, 'w');
    file.create_dataset({ name: 'labels', data: new Uint8Array(8), shape: [2, 2, 2], dtype: '<B' });
    file.close();
    expect(await detectVolumeFormat(h5)).toBe('hdf5');
    const source = await openVolume(h5);
    expect(source.info).toMatchObject({ dataset: 'labels', shape: [2, 2, 2], dtype: 'uint8' });
    await source.close();

    const zip = join(tmp.dir, 'store.zip.bak');
    writeFileSync(zip, Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]));
    expect(await detectVolumeFormat(zip)).toBe('zarr-zip');
  });

  it('refuses a FIFO named like a volume at once, without opening it (open() would block)', async () => {
    const pipe = join(tmp.dir, 'labels.zip');
    execFileSync('mkfifo', [pipe]);
    await expect(detectVolumeFormat(pipe)).rejects.toThrow(`${pipe}: is a FIFO (named pipe), not a recording file`);
  });

  it('falls back to the extension so the right reader explains the problem', async () => {
    const h5 = join(tmp.dir, 'broken.hdf');
    writeFileSync(h5, 'garbage');
    expect(await detectVolumeFormat(h5)).toBe('hdf5');
    await expect(openVolume(h5, 'x')).rejects.toThrow(/not an HDF5 file/);
    const tif = join(tmp.dir, 'broken.TIF');
    writeFileSync(tif, 'garbage');
    await expect(openVolume(tif)).rejects.toThrow(/not a readable TIFF file/);
  });

  it('refuses unknown files and folders, and reports missing ones', async () => {
    const plain = join(tmp.dir, 'plain-folder');
    mkdirSync(plain);
    await expect(openVolume(plain)).rejects.toThrow(/folder is not a zarr store/);
    const text = join(tmp.dir, 'notes.txt');
    writeFileSync(text, 'hello');
    const error = await openVolume(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/notes\.txt: byte 0: not a volume this reader knows: expected a zarr folder, a zipped zarr/);
    await expect(openVolume(join(tmp.dir, 'missing.zarr'))).rejects.toThrow(FileAccessError);
    await expect(openVolume(join(tmp.dir, 'missing.zarr'))).rejects.toThrow(/missing\.zarr: no such file/);
  });
});

describe('expectLabelVolume', () => {
  const info = (dtype: DatasetInfo['dtype'], shape: number[]): DatasetInfo => ({ file: '/data/x.zarr', dataset: 'volumes/labels', dtype, shape, attributes: {} });

  it('accepts integer ZYX and CZYX arrays', () => {
    expect(expectLabelVolume(info('uint8', [7, 10, 20, 30]))).toBeDefined();
    expect(expectLabelVolume(info('int32', [10, 20, 30]))).toBeDefined();
  });

  it('names the file, dataset and problem', () => {
    expect(() => expectLabelVolume(info('uint8', [20, 30]))).toThrow(
      '/data/x.zarr: field "shape": dataset "volumes/labels" has rank 2 (shape 20×30); a label volume needs rank 3 or 4',
    );
    expect(() => expectLabelVolume(info('float32', [2, 3, 4]))).toThrow(/holds float32 values; label ids must be integers/);
    expect(() => expectLabelVolume(info('float64', [2, 3, 4]))).toThrow(FormatError);
    expect(() => expectLabelVolume(info('uint16', [0, 3, 4]))).toThrow(/is empty \(shape 0×3×4\)/);
    expect(() => expectLabelVolume(info('uint16', [1, 2, 3, 4]), { ranks: [3] })).toThrow(/needs rank 3/);
  });
});

describe('box plumbing', () => {
  it('copyBox matches an element-wise copy for boxes in every position', () => {
    const srcShape = [4, 5, 6];
    const dstShape = [3, 7, 6];
    const src = Uint16Array.from({ length: 120 }, (_, i) => i + 1);
    const ss = stridesOf(srcShape);
    const ds = stridesOf(dstShape);
    const cases: [number[], number[], number[]][] = [
      [[0, 0, 0], [0, 0, 0], [3, 5, 6]],
      [[1, 2, 3], [0, 4, 1], [2, 3, 3]],
      [[3, 4, 5], [2, 6, 5], [1, 1, 1]],
      [[1, 0, 0], [1, 2, 0], [2, 5, 6]],
    ];
    for (const [srcStart, dstStart, shape] of cases) {
      const dst = new Uint16Array(3 * 7 * 6);
      copyBox(src, srcShape, srcStart, dst, dstShape, dstStart, shape);
      const expected = new Uint16Array(dst.length);
      for (let z = 0; z < shape[0]!; z++)
        for (let y = 0; y < shape[1]!; y++)
          for (let x = 0; x < shape[2]!; x++) {
            expected[(z + dstStart[0]!) * ds[0]! + (y + dstStart[1]!) * ds[1]! + x + dstStart[2]!] =
              src[(z + srcStart[0]!) * ss[0]! + (y + srcStart[1]!) * ss[1]! + x + srcStart[2]!]!;
          }
      expect(Array.from(dst)).toEqual(Array.from(expected));
    }
  });

  it('slabShape cuts the slowest axes, in whole chunks, within the bound', () => {
    // FISBe prediction: int32 385×685×686, chunks 13×43×43: 64 MiB holds 35 slices → 26 (2 chunks).
    expect(slabShape([385, 685, 686], 4, 64 * 1024 * 1024, [13, 43, 43])).toEqual([26, 685, 686]);
    expect(slabShape([385, 685, 686], 4, 64 * 1024 * 1024)).toEqual([35, 685, 686]);
    expect(slabShape([10, 20, 30], 1, 1e9)).toEqual([10, 20, 30]);
    // Less than one slice: one slice, cut along y.
    expect(slabShape([10, 20, 30], 1, 100)).toEqual([1, 3, 30]);
    expect(slabShape([10, 20, 30], 1, 10)).toEqual([1, 1, 10]);
    // Chunk bigger than what fits: no rounding to it.
    expect(slabShape([100, 10, 10], 1, 500, [64, 10, 10])).toEqual([5, 10, 10]);
  });

  it('blockOrigins tiles a box with grid-aligned blocks', () => {
    expect([...blockOrigins([0, 0], [5, 4], [2, 3])]).toEqual([
      [0, 0],
      [0, 3],
      [2, 0],
      [2, 3],
      [4, 0],
      [4, 3],
    ]);
    expect([...blockOrigins([3, 2], [2, 2], [2, 3])]).toEqual([
      [2, 0],
      [2, 3],
      [4, 0],
      [4, 3],
    ]);
    expect([...blockOrigins([0, 0], [0, 4], [2, 3])]).toEqual([]);
  });

  it('toCOrder reorders F-ordered data and leaves C-ordered data alone', () => {
    // 2×3 array [[1,2,3],[4,5,6]] in F order is 1,4,2,5,3,6 with strides [1, 2].
    expect(Array.from(toCOrder(Int8Array.from([1, 4, 2, 5, 3, 6]), [2, 3], [1, 2]))).toEqual([1, 2, 3, 4, 5, 6]);
    const c = Int8Array.from([1, 2, 3, 4, 5, 6]);
    expect(toCOrder(c, [2, 3], [3, 1])).toBe(c);
  });
});
