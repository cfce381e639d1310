/**
 * The official evaluator's own unit-test cases (evaluate-instance-segmentation cc34f4d,
 * tests/test_metrics.py), described as boxes in ../shared/data with the outputs the evaluator gave:
 * every value must match.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateSample } from '../../main/pipelines/fisbe/evaluate.js';
import { commonShape, labelsFromDense, type Shape3 } from '../../main/pipelines/fisbe/labels.js';
import { flattenTables, toEvaluatorTables } from '../../main/pipelines/fisbe/report.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { expectSameMetric } from '../helpers/fisbe.js';
import type { NdArray } from '../../main/io/volume/types.js';

interface BoxInstance {
  channel: number;
  id: number;
  n_voxels: number;
  bbox_min: [number, number, number];
  bbox_max_incl: [number, number, number];
}
interface PeerCase {
  name: string;
  volumes: Record<'gt' | 'pred', { shape: number[]; instances: BoxInstance[] }>;
  metrics: Record<string, unknown>;
}

/**
 * Instances the descriptions give only by bounding box because they are not boxes: the boxes they
 * are made of, from the numpy slices in tests/test_metrics.py (inclusive bounds here). Case 2.1's
 * prediction 1 is `pred[0, 14:17, 14:17, 5:25] = 1; pred[0, 14:17, 5:20, 14:17] = 1`.
 */
type Box = [[number, number, number], [number, number, number]];
const UNION_OF_BOXES: Record<string, Box[]> = {
  '2.1 erroneous segmentation/pred/1': [
    [[14, 14, 5], [16, 16, 24]],
    [[14, 5, 14], [16, 19, 16]],
  ],
};

/** Fills the boxes in order (later boxes overwrite earlier ones, as the test's numpy assignments do). */
function volumeOf(caseName: string, side: 'gt' | 'pred', description: PeerCase['volumes']['gt']): NdArray {
  const shape = description.shape;
  const [depth, height, width] = shape.slice(-3) as [number, number, number];
  const data = new Int32Array(shape.reduce((a, b) => a * b, 1));
  for (const box of description.instances) {
    const base = box.channel * depth * height * width;
    const parts: Box[] = UNION_OF_BOXES[`${caseName}/${side}/${box.id}`] ?? [[box.bbox_min, box.bbox_max_incl]];
    for (const [min, max] of parts) {
      for (let z = min[0]; z <= max[0]; z++)
        for (let y = min[1]; y <= max[1]; y++) for (let x = min[2]; x <= max[2]; x++) data[base + (z * height + y) * width + x] = box.id;
    }
  }
  for (const box of description.instances) {
    const base = box.channel * depth * height * width;
    const count = data.subarray(base, base + depth * height * width).filter((v) => v === box.id).length;
    expect(count, `instance ${box.id} voxels`).toBe(box.n_voxels);
  }
  return { dtype: 'int32', shape, data };
}

describe.skipIf(!hasSharedData())('FISBe: the evaluator’s own test cases', () => {
  if (!hasSharedData()) it.skip(SKIP_NO_DATA, () => {});
  const cases = hasSharedData()
    ? (JSON.parse(readFileSync(dataFile('segmentation', 'fisbe', 'reference', 'peer_cases.json'), 'utf8')) as { cases: PeerCase[] }).cases
    : [];

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, peer) => {
    const gtVolume = volumeOf(peer.name, 'gt', peer.volumes.gt);
    const predVolume = volumeOf(peer.name, 'pred', peer.volumes.pred);
    const shape = commonShape(gtVolume.shape.slice(-3) as unknown as Shape3, predVolume.shape.slice(-3) as unknown as Shape3);
    // tests/test_metrics.py passes `overlapping_inst=True` where evaluate_volume expects
    // remove_small_components, so the evaluator removed components of ≤ 1 voxel: reproduce that.
    const gt = labelsFromDense('gt', gtVolume, shape).labels;
    const pred = labelsFromDense('pred', predVolume, shape, { removeSmallComponents: 1 }).labels;
    const result = evaluateSample(gt, pred, { partly: false, dimIds: [] });
    const ours = flattenTables(toEvaluatorTables(result.metrics));
    const expected = flattenTables(peer.metrics);
    expect(expected.size).toBeGreaterThan(100);
    for (const [key, value] of expected) {
      expect(ours.has(key), `${key} computed`).toBe(true);
      expectSameMetric(key, ours.get(key), value);
    }
  });
});
