/**
 * Lee-94 skeletons of the real FISBe sample's instances (R14A02-20180905_65_A6: 7 GT neurons, 11
 * predicted labels) against scikit-image, voxel for voxel. The reference skeletons were computed by
 * test/fixtures/reference/skeleton_skimage.py (`fisbe` mode) on each instance's bounding box + 1
 * voxel, cropped from ../shared/data (and checked equal to the skeleton of the whole 385 × 685 × 686
 * volume, which is what the official evaluator computes); this test reads the same crops through
 * `openVolume`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVolume } from '../../main/io/volumes.js';
import type { VolumeSource } from '../../main/io/volume/source.js';
import { skeletonize3d } from '../../main/pipelines/fisbe/skeletonize.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';

type Triple = [number, number, number];

interface InstanceSkeleton {
  id: number;
  bboxStart: Triple;
  bboxShape: Triple;
  cropStart: Triple;
  cropShape: Triple;
  voxels: number;
  skeletonVoxels: number;
  /** skimage's skeleton of the crop, sorted flat indices within it. */
  skeleton: number[];
}

interface LabelSet {
  file: string;
  dataset: string;
  instances: InstanceSkeleton[];
}

const fixture = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/reference/skeleton-fisbe.json'), 'utf8')) as {
  _versions: string;
  /** The generator also skeletonized every instance in the whole volume and found the same skeleton. */
  wholeVolumeChecked: boolean;
  gt: LabelSet;
  pred: LabelSet;
};

const available = hasSharedData();
if (!available) console.warn(`fisbe-skeleton-real: ${SKIP_NO_DATA}`);

function indicesOf(mask: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(i);
  return out;
}

/** The box [start, start + shape) of a C-order volume of shape `outer`. */
function cut(volume: Uint8Array, outer: Triple, start: Triple, shape: Triple): Uint8Array {
  const out = new Uint8Array(shape[0] * shape[1] * shape[2]);
  for (let z = 0; z < shape[0]; z++) {
    for (let y = 0; y < shape[1]; y++) {
      const from = ((z + start[0]) * outer[1] + y + start[1]) * outer[2] + start[2];
      out.set(volume.subarray(from, from + shape[2]), (z * shape[1] + y) * shape[2]);
    }
  }
  return out;
}

describe.skipIf(!available)(`FISBe real sample: skeletons identical to scikit-image (${fixture._versions})`, () => {
  const sources: Record<'gt' | 'pred', VolumeSource | undefined> = { gt: undefined, pred: undefined };

  beforeAll(async () => {
    const folder = dataFile('segmentation', 'fisbe');
    sources.gt = await openVolume(join(folder, fixture.gt.file), fixture.gt.dataset);
    sources.pred = await openVolume(join(folder, fixture.pred.file), fixture.pred.dataset);
  });
  afterAll(async () => {
    await sources.gt?.close();
    await sources.pred?.close();
  });

  /** The instance's mask over its crop: GT channel id − 1 nonzero, or prediction voxels equal to id. */
  async function cropMask(kind: 'gt' | 'pred', instance: InstanceSkeleton): Promise<Uint8Array> {
    const source = sources[kind]!;
    const mask = new Uint8Array(instance.cropShape[0] * instance.cropShape[1] * instance.cropShape[2]);
    if (kind === 'gt') {
      const region = await source.readRegion([instance.id - 1, ...instance.cropStart], [1, ...instance.cropShape]);
      region.data.forEach((value, i) => (mask[i] = value !== 0 ? 1 : 0));
    } else {
      const region = await source.readRegion(instance.cropStart, instance.cropShape);
      region.data.forEach((value, i) => (mask[i] = value === instance.id ? 1 : 0));
    }
    return mask;
  }

  it('covers the sample: 7 GT instances and 11 predicted labels, each checked against its whole-volume skeleton', () => {
    expect(fixture.wholeVolumeChecked).toBe(true);
    expect(fixture.gt.instances.map((i) => i.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(fixture.pred.instances.map((i) => i.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  for (const kind of ['gt', 'pred'] as const) {
    for (const instance of fixture[kind].instances) {
      it(`${kind} ${instance.id}: ${instance.voxels} voxels in ${instance.cropShape.join('×')} → ${instance.skeletonVoxels} skeleton voxels`, async () => {
        const mask = await cropMask(kind, instance);
        expect(indicesOf(mask).length).toBe(instance.voxels);
        const skeleton = skeletonize3d(mask, instance.cropShape);
        const found = indicesOf(skeleton);
        expect(found.length).toBe(instance.skeletonVoxels);
        expect(found).toEqual(instance.skeleton);

        // The tight bounding box (no margin) gives the same skeleton when it is more than one slice
        // thick, as every instance here is.
        const offset = instance.bboxStart.map((s, axis) => s - instance.cropStart[axis]!) as Triple;
        expect(instance.bboxShape[0]).toBeGreaterThan(1);
        const tight = skeletonize3d(cut(mask, instance.cropShape, offset, instance.bboxShape), instance.bboxShape);
        expect(indicesOf(tight)).toEqual(indicesOf(cut(skeleton, instance.cropShape, offset, instance.bboxShape)));
      });
    }
  }
});
