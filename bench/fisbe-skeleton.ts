/**
 * Lee-94 skeletons (`skeletonize3d`) against scikit-image's `skeletonize` (what the FISBe evaluator
 * calls), timed in the same run on the same masks: the real sample's instances cropped to their
 * bounding box + 1 voxel (7 GT neurons, 11 predicted labels; read with `openVolume`), and a solid
 * ball of radius 50 (dense, many thinning rounds). Without ../shared/data the largest synthetic
 * fixture cases stand in for the real crops. Figures are crop voxels per second, so the ratio reads
 * "× faster than skimage"; every skeleton is also checked equal to skimage's.
 *
 * scikit-image runs in Debian's /usr/bin/python3 (python3-skimage); ours takes the median of three
 * runs, skimage one run per mask (it needs seconds for the large crops).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openVolume } from '../main/io/volumes.js';
import { skeletonize3d } from '../main/pipelines/fisbe/skeletonize.js';
import { median, seconds } from './timing.js';
import type { BenchResult } from './types.js';

type Triple = [number, number, number];

interface Mask {
  name: string;
  group: string;
  shape: Triple;
  data: Uint8Array;
}

const ROOT = resolve(import.meta.dirname, '..');
const DATA = resolve(ROOT, '..', 'shared', 'data', 'segmentation', 'fisbe');
const PYTHON = '/usr/bin/python3';

/** Times skimage's skeletonize on each raw uint8 mask file and writes its skeleton's flat indices. */
const SKIMAGE_TIMER = `
import json, sys, time
import numpy as np
import skimage
from skimage.morphology import skeletonize
jobs = json.load(open(sys.argv[1]))
times = []
for job in jobs:
    mask = np.fromfile(job["input"], dtype=np.uint8).reshape(job["shape"])
    start = time.perf_counter()
    skeleton = skeletonize(mask)
    times.append(time.perf_counter() - start)
    np.flatnonzero(skeleton).astype("<u4").tofile(job["output"])
print(json.dumps({"version": skimage.__version__, "seconds": times}))
`;

interface CropEntry {
  id: number;
  cropStart: Triple;
  cropShape: Triple;
}

/** The real sample's instance crops, as the skeleton fixture describes them. */
async function realMasks(): Promise<Mask[]> {
  const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/reference/skeleton-fisbe.json'), 'utf8')) as Record<
    'gt' | 'pred',
    { file: string; dataset: string; instances: CropEntry[] }
  >;
  const masks: Mask[] = [];
  for (const kind of ['gt', 'pred'] as const) {
    const source = await openVolume(join(DATA, fixture[kind].file), fixture[kind].dataset);
    try {
      for (const { id, cropStart, cropShape } of fixture[kind].instances) {
        const region =
          kind === 'gt'
            ? await source.readRegion([id - 1, ...cropStart], [1, ...cropShape])
            : await source.readRegion(cropStart, cropShape);
        const data = new Uint8Array(region.data.length);
        const wanted = kind === 'gt' ? null : id;
        region.data.forEach((value, i) => (data[i] = (wanted === null ? value !== 0 : value === wanted) ? 1 : 0));
        masks.push({ name: `${kind} ${id}`, group: kind === 'gt' ? 'GT instances' : 'predicted labels', shape: cropShape, data });
      }
    } finally {
      await source.close();
    }
  }
  return masks;
}

/** Stand-ins without the real data: the largest synthetic fixture cases. */
function fixtureMasks(): Mask[] {
  const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/reference/skeleton-skimage.json'), 'utf8')) as {
    cases: { name: string; shape: Triple; inputRuns: number[] }[];
  };
  return fixture.cases
    .filter((c) => c.shape[0] * c.shape[1] * c.shape[2] >= 40 * 40 * 40)
    .map((c) => {
      const data = new Uint8Array(c.shape[0] * c.shape[1] * c.shape[2]);
      let at = 0;
      c.inputRuns.forEach((run, i) => {
        if (i % 2 === 1) data.fill(1, at, at + run);
        at += run;
      });
      return { name: c.name, group: 'synthetic fixture cases ≥ 40³', shape: c.shape, data };
    });
}

function solidBall(): Mask {
  const n = 104;
  const data = new Uint8Array(n * n * n);
  const c = (n - 1) / 2;
  for (let z = 0; z < n; z++) {
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) if ((z - c) ** 2 + (y - c) ** 2 + (x - c) ** 2 <= 50 * 50) data[(z * n + y) * n + x] = 1;
    }
  }
  return { name: 'solid ball r50', group: 'solid ball r = 50 in 104³', shape: [n, n, n], data };
}

function flatIndices(mask: Uint8Array): Uint32Array {
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i]!;
  const out = new Uint32Array(count);
  for (let i = 0, at = 0; i < mask.length; i++) if (mask[i]) out[at++] = i;
  return out;
}

export async function benchFisbeSkeleton(dir?: string): Promise<BenchResult[]> {
  const real = existsSync(DATA);
  if (!real) console.log(`fisbe skeleton: real sample not found under ${DATA}; timing the largest synthetic fixture cases instead`);
  const masks = [...(real ? await realMasks() : fixtureMasks()), solidBall()];

  // Ours: median of three runs per mask.
  const ours = masks.map((mask) => {
    let skeleton: Uint8Array = new Uint8Array(0);
    const time = median([0, 1, 2].map(() => seconds(() => (skeleton = skeletonize3d(mask.data, mask.shape)))));
    return { time, skeleton: flatIndices(skeleton) };
  });

  // skimage on the same masks, in the same run.
  const work = dir ?? mkdtempSync(join(tmpdir(), 'cajal-skeleton-bench-'));
  let reference: { version: string; seconds: number[] } | null = null;
  const mismatches: string[] = [];
  try {
    if (!existsSync(PYTHON)) {
      console.log(`fisbe skeleton: ${PYTHON} not found, no scikit-image reference`);
    } else {
      const jobs = masks.map((mask, i) => {
        const input = join(work, `skeleton-mask-${i}.u8`);
        writeFileSync(input, mask.data);
        return { input, output: join(work, `skeleton-skimage-${i}.u32`), shape: mask.shape };
      });
      writeFileSync(join(work, 'skeleton-jobs.json'), JSON.stringify(jobs));
      const run = spawnSync(PYTHON, ['-c', SKIMAGE_TIMER, join(work, 'skeleton-jobs.json')], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
      if (run.status !== 0) {
        console.log(`fisbe skeleton: scikit-image reference failed (${run.status}): ${run.stderr.trim().split('\n').pop()}`);
      } else {
        reference = JSON.parse(run.stdout.trim().split('\n').pop()!) as { version: string; seconds: number[] };
        jobs.forEach((job, i) => {
          const theirs = new Uint32Array(new Uint8Array(readFileSync(job.output)).buffer);
          const mine = ours[i]!.skeleton;
          if (theirs.length !== mine.length || theirs.some((v, k) => v !== mine[k])) mismatches.push(masks[i]!.name);
        });
      }
    }
  } finally {
    if (!dir) rmSync(work, { recursive: true, force: true });
  }
  if (reference) {
    console.log(
      `fisbe skeleton: ${mismatches.length === 0 ? `all ${masks.length} skeletons identical to` : `MISMATCH with`} scikit-image ${reference.version}` +
        (mismatches.length ? ` on ${mismatches.join(', ')}` : ''),
    );
  }

  const results: BenchResult[] = [];
  const groups = [...new Set(masks.map((m) => m.group))];
  for (const group of groups) {
    const members = masks.map((m, i) => ({ m, i })).filter(({ m }) => m.group === group);
    const megavoxels = members.reduce((n, { m }) => n + m.data.length, 0) / 1e6;
    const ourTime = members.reduce((t, { i }) => t + ours[i]!.time, 0);
    const theirTime = reference ? members.reduce((t, { i }) => t + reference.seconds[i]!, 0) : 0;
    const label = real && group !== 'solid ball r = 50 in 104³' ? `${members.length} ${group}, bbox + 1 crops` : `${members.length === 1 ? '' : `${members.length} `}${group}`;
    console.log(
      `fisbe skeleton: ${label}: ${megavoxels.toFixed(1)} Mvoxel, ours ${(ourTime * 1000).toFixed(0)} ms` +
        (reference ? `, skimage ${(theirTime * 1000).toFixed(0)} ms` : ''),
    );
    results.push({
      name: `FISBe Lee-94 skeletons, ${label}, Mvoxel/s`,
      value: megavoxels / ourTime,
      unit: 'Mvoxel/s',
      ...(reference ? { reference: { name: `scikit-image ${reference.version} skeletonize (this run)`, value: megavoxels / theirTime } } : {}),
    });
  }
  return results;
}

// Run directly: `tsx bench/fisbe-skeleton.ts`.
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  for (const result of await benchFisbeSkeleton()) {
    const ratio = result.reference ? ` = ${(result.value / result.reference.value).toFixed(2)}× ${result.reference.name} (${result.reference.value.toFixed(1)} ${result.unit})` : '';
    console.log(`${result.name}: ${result.value.toFixed(1)} ${result.unit}${ratio}`);
  }
}
