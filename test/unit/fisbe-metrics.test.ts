/**
 * Building blocks of the FISBe metrics, each checked on fixtures made here: numpy's summation,
 * label preparation (crop, small components, relabelling), greedy and many-to-many matching,
 * dataset aggregation and the isosurface mesher. The whole metric is checked against the official
 * evaluator in test/integration/fisbe-*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { surfaceNets } from '../../main/geometry/surface-nets.js';
import { skeletonOf } from '../../main/pipelines/fisbe/centerline.js';
import { skeletonize3d } from '../../main/pipelines/fisbe/skeletonize.js';
import { parsePartlySamples, scoreDataset } from '../../main/pipelines/fisbe/aggregate.js';
import { commonShape, labelsFromDense, LabelCollector } from '../../main/pipelines/fisbe/labels.js';
import { assignGreedy, manyToManyCounts, manyToManyMatches } from '../../main/pipelines/fisbe/matching.js';
import { f32, Matrix32, mean32, mean64, sum32, sum64 } from '../../main/pipelines/fisbe/numeric.js';
import type { FisbeMetrics } from '../../shared/api/index.js';

describe('numpy arithmetic', () => {
  it('sums and means like numpy 1.24 (values from /usr/bin/python3)', () => {
    const a = Float32Array.from([0.1, 0.7, 0.3333, 0.25, 0.9, 0.11, 0.123456, 0.5, 0.77, 0.01, 0.999]);
    expect(sum32(a)).toBe(4.795755863189697);
    expect(mean32(a)).toBe(0.4359778165817261);
    expect(sum32(a.subarray(0, 5))).toBe(2.2832999229431152);
    const b = Array.from({ length: 300 }, (_, i) => (i + 1) / 7);
    expect(sum64(b)).toBe(6450);
    expect(mean64(b)).toBe(21.5);
    expect(mean64(new Array(10).fill(0.1))).toBe(0.1);
  });
});

describe('label preparation', () => {
  const volume = (shape: number[], fill: (i: number) => number) => {
    const data = new Int32Array(shape.reduce((x, y) => x * y, 1));
    for (let i = 0; i < data.length; i++) data[i] = fill(i);
    return { dtype: 'int32' as const, shape, data };
  };

  it('relabels sequentially per channel with a running offset and removes small components', () => {
    // Channel 0: labels 7 (8 voxels) and 3 (2 voxels); channel 1: label 9 (4 voxels).
    const v = volume([2, 2, 2, 4], (i) => (i < 8 ? 7 : i < 10 ? 3 : i >= 16 && i < 20 ? 9 : 0));
    const { labels, forwardMap } = labelsFromDense('test', v, [2, 2, 4]);
    expect(labels.instances.map((i) => [i.id, i.sourceChannel, i.sourceLabel, i.voxels.length])).toEqual([
      [1, 0, 3, 2],
      [2, 0, 7, 8],
      [3, 1, 9, 4],
    ]);
    expect(forwardMap.get(9)).toBe(3);
    const filtered = labelsFromDense('test', v, [2, 2, 4], { removeSmallComponents: 2 }).labels;
    expect(filtered.instances.map((i) => i.sourceLabel)).toEqual([7, 9]);
  });

  it('turns binary masks per channel into one id per channel, dropping empty channels', () => {
    const v = volume([3, 1, 2, 2], (i) => (i < 2 || i >= 8 ? 1 : 0));
    const { labels } = labelsFromDense('test', v, [1, 2, 2]);
    expect(labels.channelCount).toBe(2);
    expect(labels.instances.map((i) => [i.id, i.sourceChannel, i.voxels.length])).toEqual([
      [1, 0, 2],
      [2, 2, 4],
    ]);
  });

  it('centre-crops the bigger volume as util.crop does', () => {
    expect(commonShape([10, 10, 10], [12, 11, 10])).toEqual([10, 10, 10]);
    expect(() => commonShape([10, 12, 10], [12, 10, 10])).toThrow(/cannot crop/);
    const collector = new LabelCollector('pred', [4, 4, 4], [2, 2, 2]);
    // Offset (4 - 2) // 2 = 1 per axis: voxel (1, 1, 1) lands at (0, 0, 0), (3, 3, 3) is cropped away.
    const data = new Int32Array(64);
    data[(1 * 4 + 1) * 4 + 1] = 5;
    data[(3 * 4 + 3) * 4 + 3] = 6;
    collector.add([0, 0, 0], { dtype: 'int32', shape: [4, 4, 4], data });
    expect(collector.finish().map((g) => [g.value, Array.from(g.voxels)])).toEqual([[5, [0]]]);
  });

  it('rejects negative or fractional ids with the file named', () => {
    const v = volume([1, 1, 2], (i) => (i === 0 ? -1 : 0));
    expect(() => labelsFromDense('gt.zarr', v, [1, 1, 2])).toThrow(/gt\.zarr.*non-negative integer/);
  });
});

function matrix(rows: number[][]): Matrix32 {
  const m = new Matrix32(rows.length, rows[0]!.length);
  rows.forEach((row, r) => row.forEach((value, c) => m.set(r, c, value)));
  return m;
}

describe('matching', () => {
  const loc = matrix([
    [0, 0, 0, 0],
    [0, 0.8, 0.8, 0],
    [0, 0.8, 0.3, 0.5],
  ]);

  it('assigns greedily by clDice, ties by GT id then prediction id, strictly above the threshold', () => {
    expect(assignGreedy(loc, 0.5)).toEqual({ tp: 1, gtIds: [1], predIds: [1] });
    expect(assignGreedy(loc, 0.4)).toEqual({ tp: 2, gtIds: [1, 2], predIds: [1, 3] });
  });

  it('matches many-to-many by consuming skeletons (the evaluator’s lazy heap), counting one split and one merge', () => {
    // GT 1's skeleton = voxels 0–9, GT 2's = 10–19 (masks = skeletons); prediction 1 covers 0–14,
    // prediction 2 covers 15–19.
    const range = (a: number, b: number) => Uint32Array.from({ length: b - a }, (_, i) => a + i);
    const recall = matrix([
      [0, 0, 0],
      [0, 1, 0],
      [0, 0.5, 0.5],
    ]);
    const input = { recall, gtVoxels: [range(0, 10), range(10, 20)], predVoxels: [range(0, 15), range(15, 20)], gtSkeletons: [range(0, 10), range(10, 20)] };
    const matches = manyToManyMatches(input, 0.1)!;
    expect([...matches.entries()]).toEqual([
      [1, [1]],
      [2, [2, 1]],
    ]);
    expect(manyToManyCounts(matches, 2)).toEqual({ fm: 1, fs: 1 });
    expect(manyToManyMatches(input, 0.99 + 0.01)).toBeNull();
  });
});

describe('dataset aggregation', () => {
  const metrics = (tp: number, fp: number, fn: number, coverage: number[]): FisbeMetrics =>
    ({
      numGt: tp + fn,
      numPred: tp + fp,
      tp05: tp,
      tp05ClDice: new Array(tp).fill(0.9),
      gtSkelCoverage: coverage,
      falseMerges: 0,
      falseSplits: 1,
      thresholds: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.55, 0.65, 0.75, 0.85, 0.95].map((threshold) => ({ threshold, tp, fp, fn })),
    }) as unknown as FisbeMetrics;

  it('sums TP/FP/FN over samples before F1, averages coverage over instances, and averages the two sets', () => {
    const a = metrics(2, 1, 1, [1, 0.5, 0]);
    const b = metrics(0, 3, 2, [0.25, 0.25]);
    const complete = scoreDataset([
      { metrics: a, partly: false },
      { metrics: b, partly: false },
    ]).combined;
    expect(complete.fscores[0]).toBeCloseTo(4 / (4 + 4 + 3), 12);
    expect(complete.avgGtSkelCoverage).toBe(f32(2 / 5));
    expect(complete.score).toBeCloseTo(0.5 * (4 / 11) + 0.5 * f32(0.4), 12);
    const split = scoreDataset([
      { metrics: a, partly: false },
      { metrics: b, partly: true },
    ]);
    expect(split.partly!.fscores[0]).toBe(0);
    expect(split.combined.score).toBeCloseTo((split.complete!.score + split.partly!.score) / 2, 12);
  });

  it('reads the partly labelled samples from the benchmark’s split list', () => {
    const text = '(1) samples for FlyLight completely:\n\ntrain:\nA\nB\n\n(2) samples for FlyLight partly:\n\ntest:\nC\nD\n';
    expect([...parsePartlySamples(text)]).toEqual(['C', 'D']);
  });
});

describe('isosurface (surface nets)', () => {
  /** Every edge of a closed surface belongs to exactly two triangles. */
  function isClosed(indices: Uint32Array): boolean {
    const edges = new Map<string, number>();
    for (let t = 0; t < indices.length; t += 3) {
      for (let k = 0; k < 3; k++) {
        const a = indices[t + k]!;
        const b = indices[t + ((k + 1) % 3)]!;
        const key = a < b ? `${a},${b}` : `${b},${a}`;
        edges.set(key, (edges.get(key) ?? 0) + 1);
      }
    }
    return [...edges.values()].every((count) => count === 2);
  }

  it('closes a single voxel with 8 vertices and 12 triangles around its centre', () => {
    // Each vertex sits at the mean of its cell's three edge midpoints: 1/6 voxel from the centre.
    const mesh = surfaceNets(Uint8Array.of(1), [1, 1, 1], [5, 6, 7]);
    expect(mesh.positions.length / 3).toBe(8);
    expect(mesh.indices.length / 3).toBe(12);
    expect(isClosed(mesh.indices)).toBe(true);
    const xs = mesh.positions.filter((_, i) => i % 3 === 0);
    expect(Math.min(...xs)).toBeCloseTo(7 - 1 / 6, 6);
    expect(Math.max(...xs)).toBeCloseTo(7 + 1 / 6, 6);
  });

  it('gives closed surfaces for two separate blobs and an L shape', () => {
    const shape = [3, 3, 5] as const;
    const mask = new Uint8Array(45);
    mask[0] = 1;
    mask[4] = 1;
    for (const i of [22, 23, 27, 37]) mask[i] = 1;
    const mesh = surfaceNets(mask, shape);
    expect(isClosed(mesh.indices)).toBe(true);
  });
});

describe('skeletons of instances', () => {
  it('thin an instance on its cropped box exactly as in the whole volume, even when it is one slice thick', () => {
    const shape = [5, 20, 20] as const;
    const mask = new Uint8Array(5 * 20 * 20);
    for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) if ((y - 10) ** 2 + (x - 9) ** 2 <= 36) mask[(2 * 20 + y) * 20 + x] = 1;
    const voxels = Uint32Array.from(Array.from(mask).flatMap((v, i) => (v ? [i] : [])));
    const whole = skeletonize3d(mask, shape);
    const expected = Array.from(whole).flatMap((v, i) => (v ? [i] : []));
    expect(expected.length).toBeGreaterThan(0);
    expect(Array.from(skeletonOf(voxels, shape))).toEqual(expected);
  });
});
