/**
 * The volume readers on the real FISBe sample and a FlyLight crop in ../shared/data.
 *
 * Expected values were measured with Debian's python3 (h5py 3.7.0, numpy 1.24.2, zarr 2.13.6):
 *   h5py.File(hdf)['volumes/gmm_label_cleaned'][...] → np.unique(a, return_counts=True)
 *   zarr.open(gt)['volumes/gt_instances'][c] != 0 → .sum() per channel c
 *   the zip extracted with zipfile, then zarr.open on its JRC_SS05008-20160318_24_B2_crop.zarr folder
 *   (zarr 2's ZipStore cannot open it: its keys sit under that folder, not at the zip root).
 */
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../main/errors.js';
import { expectLabelVolume } from '../../main/io/volume/label.js';
import { listDatasets, openVolume } from '../../main/io/volumes.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

function countWhere(data: ArrayLike<number>, test: (value: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < data.length; i++) if (test(data[i]!)) count++;
  return count;
}

if (!hasSharedData()) console.warn(`volume-real skipped: ${SKIP_NO_DATA}`);

const GT = dataFile('segmentation', 'fisbe', 'R14A02-20180905_65_A6.zarr');
const PRED = dataFile('segmentation', 'fisbe', 'R14A02-20180905_65_A6.hdf');
const CROP = dataFile('segmentation', 'JRC_SS05008-20160318_24_B2_crop.zarr.zip');

describe.skipIf(!hasSharedData())('volume readers on real data', () => {
  it('FISBe ground truth (zarr v2, blosc zstd bitshuffle): chunk by chunk, channel c holds c + 1', async () => {
    const source = await openVolume(GT, 'volumes/gt_instances');
    try {
      expect(source.info).toMatchObject({
        dataset: 'volumes/gt_instances',
        dtype: 'uint8',
        shape: [7, 385, 685, 686],
        chunks: [7, 64, 64, 64],
        attributes: { dim_neurons: [3, 5, 7] },
      });
      expectLabelVolume(source.info);
      const nonzero = new Array<number>(7).fill(0);
      const wrong: string[] = [];
      let voxels = 0;
      let largestChunk = 0;
      await source.forEachChunk((origin, chunk) => {
        const [channels, depth, height, width] = chunk.shape as [number, number, number, number];
        const perChannel = depth * height * width;
        voxels += chunk.data.length;
        largestChunk = Math.max(largestChunk, chunk.data.byteLength);
        for (let c = 0; c < channels; c++) {
          const channel = origin[0]! + c;
          for (let i = c * perChannel, end = i + perChannel; i < end; i++) {
            const value = chunk.data[i]!;
            if (value === 0) continue;
            nonzero[channel]!++;
            if (value !== channel + 1 && wrong.length < 5) wrong.push(`channel ${channel} holds ${value}`);
          }
        }
      });
      expect(wrong).toEqual([]);
      expect(nonzero).toEqual([72631, 41350, 47861, 70804, 3888, 53601, 29399]);
      expect(voxels).toBe(7 * 385 * 685 * 686);
      // Bounded memory: a visit holds one chunk, never the 1.27 GB dense array.
      expect(largestChunk).toBe(7 * 64 * 64 * 64);

      // The dim neuron of channel 4 (value 5) lies within [82, 365, 520] + [189, 76, 76].
      const region = await source.readRegion([4, 82, 365, 520], [1, 189, 76, 76]);
      expect(countWhere(region.data, (v) => v === 5)).toBe(3888);
    } finally {
      await source.close();
    }
  });

  it('FISBe prediction (HDF5, gzip chunks): 11 labels + background', async () => {
    const source = await openVolume(PRED, 'volumes/gmm_label_cleaned');
    try {
      expect(source.info).toMatchObject({ dataset: 'volumes/gmm_label_cleaned', dtype: 'int32', shape: [385, 685, 686], chunks: [13, 43, 43] });
      expectLabelVolume(source.info);
      const counts = new Map<number, number>();
      let largestSlab = 0;
      await source.forEachChunk((_origin, chunk) => {
        largestSlab = Math.max(largestSlab, chunk.data.byteLength);
        const data = chunk.data;
        let background = 0;
        for (let i = 0; i < data.length; i++) {
          const value = data[i]!;
          if (value === 0) background++;
          else counts.set(value, (counts.get(value) ?? 0) + 1);
        }
        counts.set(0, (counts.get(0) ?? 0) + background);
      });
      expect(Object.fromEntries([...counts].sort((a, b) => a[0] - b[0]))).toEqual({
        0: 180769762,
        1: 1446,
        2: 40562,
        3: 62319,
        4: 1094,
        5: 1495,
        6: 1923,
        7: 1134,
        8: 128,
        9: 1225,
        10: 34230,
        11: 32,
      });
      expect(largestSlab).toBeLessThanOrEqual(32 * 1024 * 1024);

      // Label 8 lies within [298, 325, 543] + [8, 5, 6]: 128 voxels of 8, 112 of background.
      const region = await source.readRegion([298, 325, 543], [8, 5, 6]);
      expect(countWhere(region.data, (v) => v === 8)).toBe(128);
      expect(countWhere(region.data, (v) => v === 0)).toBe(112);
    } finally {
      await source.close();
    }
  });

  it('lists the datasets of the prediction and the arrays of the zipped crop', async () => {
    expect(await listDatasets(PRED)).toEqual([
      { dataset: 'volumes/gmm_image', shape: [385, 685, 686, 3], dtype: 'uint8' },
      { dataset: 'volumes/gmm_label', shape: [385, 685, 686], dtype: 'int32' },
      { dataset: 'volumes/gmm_label_cleaned', shape: [385, 685, 686], dtype: 'int32' },
    ]);
    expect(await listDatasets(CROP)).toEqual([
      { dataset: 'volumes/gt_instances', shape: [3, 50, 50, 50], dtype: 'uint8' },
      { dataset: 'volumes/raw', shape: [3, 50, 50, 50], dtype: 'uint16' },
    ]);
    await expect(openVolume(PRED, 'volumes/gt_instances')).rejects.toThrow(/no dataset "volumes\/gt_instances" in the file; datasets: volumes\/gmm_image/);
  });

  it('FlyLight crop (zipped zarr v2, gzip): instances and raw image', async () => {
    const gt = await openVolume(CROP, 'volumes/gt_instances');
    const all = await gt.readAll();
    await gt.close();
    expect(all.shape).toEqual([3, 50, 50, 50]);
    const perChannel = 50 * 50 * 50;
    const counts = [0, 1, 2].map((c) => countWhere(all.data.subarray(c * perChannel, (c + 1) * perChannel), (v) => v === c + 1));
    expect(counts).toEqual([3765, 6193, 14246]);
    expect(countWhere(all.data, (v) => v !== 0)).toBe(3765 + 6193 + 14246);

    const raw = await openVolume(CROP, 'volumes/raw');
    expect(raw.info).toMatchObject({ dtype: 'uint16', shape: [3, 50, 50, 50], chunks: [2, 25, 50, 50] });
    const image = await raw.readAll();
    let max = 0;
    let sum = 0;
    for (const value of image.data) {
      max = Math.max(max, value);
      sum += value;
    }
    expect(max).toBe(3287);
    expect(sum).toBe(15790591);
    expect((await raw.readRegion([1, 20, 30, 40], [1, 1, 1, 1])).data[0]).toBe(4);
    expect((await raw.readRegion([2, 49, 0, 7], [1, 1, 1, 1])).data[0]).toBe(187);
    await raw.close();
  });
});

/**
 * Issue #15 on copies of the real stores, changed in a temporary folder (never in place): the
 * fuzzing probe's hangs, empty shapes, unsupported filters and folder chunks are refused at once
 * with the file and field named; a truncated HDF5 file says it is one.
 */
describe.skipIf(!hasSharedData())('damaged copies of the real volumes (issue #15)', () => {
  const tmp = tempDir('cajal-volume-damaged-');
  afterAll(() => tmp.cleanup());
  let copies = 0;

  function makeWritable(path: string): void {
    const isFolder = statSync(path).isDirectory();
    chmodSync(path, isFolder ? 0o755 : 0o644);
    if (isFolder) for (const name of readdirSync(path)) makeWritable(join(path, name));
  }

  /** A copy of the FISBe ground-truth store with its .zarray changed by `patch`. */
  function gtWith(patch: Record<string, unknown>): string {
    const root = join(tmp.dir, `gt-${copies++}.zarr`);
    cpSync(GT, root, { recursive: true });
    makeWritable(root); // the shared data is read-only, and cpSync copies the modes
    const key = join(root, 'volumes', 'gt_instances', '.zarray');
    const zarray = JSON.parse(readFileSync(key, 'utf8')) as Record<string, unknown>;
    writeFileSync(key, JSON.stringify({ ...zarray, ...patch }));
    return root;
  }

  it('shapes from the probe: huge ones are refused at open, an empty one names its axis', async () => {
    for (const shape of [
      [3, 50, 50, 999_999_999],
      [2 ** 53, 385, 685, 686],
    ]) {
      const root = gtWith({ shape });
      const started = Date.now();
      const error = await openVolume(root, 'volumes/gt_instances').catch((e: unknown) => e);
      expect(error, shape.join('×')).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(/^.*: field "volumes\/gt_instances\/\.zarray shape": /);
      expect(Date.now() - started).toBeLessThan(5000);
    }
    const empty = gtWith({ shape: [3, 0, 50, 50] });
    await expect(openVolume(empty, 'volumes/gt_instances')).rejects.toThrow(
      `${empty}: field "volumes/gt_instances/.zarray shape": empty volume: dimension 1 has size 0 (shape 3×0×50×50)`,
    );
  });

  it('a delta filter is refused at open', async () => {
    const root = gtWith({ filters: [{ id: 'delta', dtype: '|u1' }] });
    await expect(openVolume(root, 'volumes/gt_instances')).rejects.toThrow(/field "volumes\/gt_instances\/\.zarray filters": unsupported filter "delta"/);
  });

  it('a chunk that is a folder is an error naming its key', async () => {
    const root = gtWith({});
    const chunk = join(root, 'volumes', 'gt_instances', '0.0.0.0');
    rmSync(chunk);
    mkdirSync(chunk);
    const source = await openVolume(root, 'volumes/gt_instances');
    try {
      await expect(source.readRegion([0, 0, 0, 0], [1, 1, 1, 1])).rejects.toThrow(
        `${root}: field "volumes/gt_instances/0.0.0.0": "volumes/gt_instances/0.0.0.0" is a folder, not a file`,
      );
    } finally {
      await source.close();
    }
  });

  it('a truncated FISBe prediction is "truncated or corrupt HDF5 file"', async () => {
    const cut = join(tmp.dir, 'cut.hdf');
    writeFileSync(cut, readFileSync(PRED).subarray(0, 100_000));
    await expect(openVolume(cut, 'volumes/gmm_label_cleaned')).rejects.toThrow(`${cut}: byte 0: truncated or corrupt HDF5 file`);
  });
});
