/**
 * The MDS clustering loop's parts (issue #21): Python's random.Random(seed).shuffle reproduced bit
 * for bit (the reference's shuffle-and-chunk init, checked against CPython when it is here), the
 * E-step's raw-response argmax with empty-cluster removal, the split step's rejection on collapse,
 * the ARI (against sklearn when it is here), the confusions and the SVD component.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/random.js';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { adjustedRandIndex } from '../../main/pipelines/mds/ari.js';
import { argmaxAssignment, knownTypeConfusion, responseConfusion } from '../../main/pipelines/mds/confusion.js';
import { initialClusters, reassign, shuffleAndChunk, type EmContext } from '../../main/pipelines/mds/em.js';
import { NO_PROJECTION } from '../../main/pipelines/mds/project.js';
import { PythonRandom } from '../../main/pipelines/mds/python-random.js';
import { firstComponent } from '../../main/pipelines/mds/svd.js';
import { createToyOnOffModel } from '../../main/pipelines/mds/toy-model.js';
import { DEBIAN_PYTHON } from '../helpers/torch.js';

const python = (code: string) => spawnSync(DEBIAN_PYTHON, ['-c', code], { encoding: 'utf8' });
const hasPython = python('import random').status === 0;
const hasSklearn = hasPython && python('import sklearn').status === 0;

let tf: Tfjs;
beforeAll(async () => {
  tf = await activateBackend('cpu');
});

describe('shuffle-and-chunk initialisation', () => {
  it('gives the reference toy run its 9/9/9/9/6 clusters', () => {
    expect(shuffleAndChunk(Array.from({ length: 42 }, (_, i) => i), 5, 42).map((c) => c.length)).toEqual([9, 9, 9, 9, 6]);
  });

  it.skipIf(!hasPython)('shuffles exactly as CPython random.Random(seed)', () => {
    const seeds = [0, 1, 42, 7, 2 ** 40 + 3];
    const out = python(`import random, json\nres = []\nfor s in ${JSON.stringify(seeds)}:\n  x = list(range(100)); random.Random(s).shuffle(x); res.append(x)\nprint(json.dumps(res))`);
    const expected = JSON.parse(out.stdout) as number[][];
    seeds.forEach((s, i) => expect(new PythonRandom(s).shuffle(Array.from({ length: 100 }, (_, j) => j))).toEqual(expected[i]));
  });
});

describe('E-step', () => {
  it('moves each neuron to the stimulus it responds to most (raw responses) and removes empty clusters', () => {
    const model = createToyOnOffModel(tf, 6);
    const ctx: EmContext = {
      tf,
      model,
      optimise: { lr: 1, maxSteps: 0, temperature: 1.6, smoothness: 0, projection: NO_PROJECTION, stopper: 'none', emaPatience: 100, pixelPatience: 50, random: seededRandom(1) },
      reinitialize: false,
      counters: { steps: 0, optimiseMs: 0 },
    };
    const set = initialClusters(Int32Array.from({ length: 6 }, (_, i) => i), 3, 0);
    const size = 18 * 18;
    set.clusters[0]!.stimulus = new Float32Array(size).fill(1); // bright: even neurons respond +1
    set.clusters[1]!.stimulus = new Float32Array(size).fill(-1); // dark: odd neurons respond +1
    set.clusters[2]!.stimulus = new Float32Array(size).fill(0.5);
    const before = new Map(set.clusters.flatMap((c) => c.members.map((m) => [m, c.id] as const)));
    const moved = reassign(ctx, set);
    expect(set.clusters.map((c) => c.id)).toEqual([0, 1]);
    expect(set.clusters[0]!.members).toEqual([0, 2, 4]);
    expect(set.clusters[1]!.members).toEqual([1, 3, 5]);
    expect(moved).toBe([0, 1, 2, 3, 4, 5].filter((u) => before.get(u) !== (u % 2 === 0 ? 0 : 1)).length);
    model.dispose();
  });
});

describe('ARI and confusions', () => {
  it('ARI is 1 for renamed partitions and matches known values', () => {
    expect(adjustedRandIndex([0, 0, 1, 1], [5, 5, 3, 3])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 12);
    expect(adjustedRandIndex(['a', 'a', 'b'], [1, 1, 1])).toBe(0);
  });

  it.skipIf(!hasSklearn)('ARI agrees with sklearn', () => {
    const random = seededRandom(5);
    const a = Array.from({ length: 60 }, () => Math.floor(random() * 4));
    const b = a.map((x) => (random() < 0.3 ? Math.floor(random() * 5) : x));
    const out = python(`from sklearn.metrics import adjusted_rand_score as f\nprint(f(${JSON.stringify(a)}, ${JSON.stringify(b)}))`);
    expect(adjustedRandIndex(a, b)).toBeCloseTo(Number(out.stdout), 12);
  });

  it('column-diagonal response confusion, argmax assignment and known types', () => {
    // 2 MDS × 4 neurons; cluster 0 = neurons 0,1; cluster 1 = neurons 2,3.
    const r = Float32Array.from([2, 4, 1, 1, 1, 1, 2, 6]);
    const assignment = Int32Array.from([0, 0, 1, 1]);
    responseConfusion(r, 2, 4, assignment).forEach((v, i) => expect(v).toBeCloseTo([1, 0.25, 1 / 3, 1][i]!, 6));
    expect(Array.from(argmaxAssignment(r, 2, 4))).toEqual([0, 0, 1, 1]);
    const known = knownTypeConfusion(assignment, 2, ['on', 'on', 'off', null])!;
    expect(known.types).toEqual(['off', 'on']);
    expect(Array.from(known.counts)).toEqual([0, 2, 1, 0]);
    expect(known.majority).toEqual(['on', 'off']);
    expect(known.ari).toBe(1);
  });
});

describe('SVD component', () => {
  it('recovers a rank-1 clip with the centre positive', () => {
    const frames = 4;
    const h = 7;
    const w = 7;
    const temporal = [1, -2, 3, 0.5];
    const spatial = Array.from({ length: h * w }, (_, i) => -Math.exp(-((Math.floor(i / w) - 3) ** 2 + ((i % w) - 3) ** 2) / 4));
    const clip = Float32Array.from({ length: frames * h * w }, (_, i) => temporal[Math.floor(i / (h * w))]! * spatial[i % (h * w)]!);
    const c = firstComponent(clip, frames, h, w, 1);
    expect(c.varianceExplained).toBeCloseTo(1, 6);
    expect(c.spatial[3 * w + 3]).toBeCloseTo(1, 5);
    // temporal ⊗ spatial reproduces the clip.
    for (let f = 0; f < frames; f++) expect(c.temporal[f]! * c.spatial[3 * w + 3]!).toBeCloseTo(clip[f * h * w + 3 * w + 3]!, 4);
  });
});
