/**
 * The MDS objective (issue #21): the reference's conformance vectors (../shared/data/mds), the tfjs
 * batch form against the plain form, normalisation and its clip, and the gradient and the Laplace
 * smoothness loss against a PyTorch transcription (test/fixtures/reference/mds_objective_torch.py).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/random.js';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { contrastiveLoss, laplaceLoss, layoutOf, lossConstants, objectiveValue } from '../../main/pipelines/mds/objective.js';
import { EmaLossStopper, PixelChangeStopper } from '../../main/pipelines/mds/stoppers.js';
import { project, projectArray } from '../../main/pipelines/mds/project.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { hasTorch, runTorchScript, TORCH_SKIP_REASON } from '../helpers/torch.js';

interface Vector {
  name: string;
  logits: number[];
  cluster_assignments: number[];
  on_cluster: number;
  off_clusters: number[];
  temperature: number;
  objective: number;
}

let tf: Tfjs;
beforeAll(async () => {
  tf = await activateBackend('cpu');
});

describe.skipIf(!hasSharedData())('MDS objective conformance vectors', () => {
  if (!hasSharedData()) console.warn(SKIP_NO_DATA);
  const vectors = hasSharedData() ? (JSON.parse(readFileSync(dataFile('mds', 'mds_objective_test_vectors.json'), 'utf8')) as Vector[]) : [];
  it.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const j = objectiveValue(v.logits, v.cluster_assignments, v.on_cluster, { offClusters: v.off_clusters, temperature: v.temperature });
    // The vectors come from the reference in float32 (torch's default): 1e-6 relative to max(1, |J|).
    expect(Math.abs(j - v.objective)).toBeLessThan(1e-6 * Math.max(1, Math.abs(v.objective)));
  });
});

describe('MDS objective, tfjs batch form', () => {
  it('matches the plain form for every stimulus row (off-clusters = all others)', () => {
    const random = seededRandom(3);
    const n = 9;
    const labels = [0, 0, 1, 1, 1, 2, 2, 2, 2];
    const { layout } = layoutOf(Int32Array.from({ length: n }, (_, i) => i), labels);
    const rows = Array.from({ length: 3 }, () => Array.from({ length: n }, () => random() * 4 - 1));
    const constants = lossConstants(tf, layout);
    const loss = tf.tidy(() => contrastiveLoss(tf, tf.tensor2d(rows), tf.eye(3) as never, constants, 1.6).arraySync());
    constants.dispose();
    rows.forEach((r, k) => expect(Math.abs(loss[k]! + objectiveValue(r, labels, k, { temperature: 1.6 }))).toBeLessThan(1e-5));
  });

  it('J is 0 for equal responses and approaches log K for a large margin', () => {
    expect(Math.abs(objectiveValue([2, 2, 2, 2], [0, 0, 1, 1], 0))).toBeLessThan(1e-9);
    expect(objectiveValue([1000, -1000, -1000], [0, 1, 2], 0)).toBeCloseTo(Math.log(3), 9);
  });

  it('clips the divisor below at 0.1', () => {
    const a = objectiveValue([1, 0], [0, 1], 0, { temperature: 1, normalisation: { divide: [0.001, 0.001] } });
    const b = objectiveValue([1, 0], [0, 1], 0, { temperature: 1, normalisation: { divide: [0.1, 0.1] } });
    expect(a).toBe(b);
  });
});

describe.skipIf(!hasTorch())('MDS objective against PyTorch', () => {
  if (!hasTorch()) console.warn(TORCH_SKIP_REASON);
  it('loss, gradient (with normalisation) and the Laplace loss agree', () => {
    const random = seededRandom(11);
    const n = 7;
    const labels = [0, 1, 1, 2, 2, 2, 0];
    const responses = Array.from({ length: 3 }, () => Array.from({ length: n }, () => random() * 3));
    const subtract = Array.from({ length: n }, () => random());
    const divide = Array.from({ length: n }, (_, i) => (i === 2 ? 0.01 : 0.5 + random()));
    const shape = [2, 2, 5, 6, 2] as const;
    const x = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1);
    const ref = runTorchScript<{ loss: number[]; grad: number[][]; laplace: number[] }>('mds_objective_torch.py', { responses, labels, temperature: 1.6, subtract, divide, laplace: { x, shape } });
    const { layout } = layoutOf(Int32Array.from({ length: n }, (_, i) => i), labels);
    const constants = lossConstants(tf, layout, { subtract, divide });
    const r = tf.tensor2d(responses);
    const onSlots = tf.eye(3) as never;
    const loss = tf.tidy(() => contrastiveLoss(tf, r, onSlots, constants, 1.6).arraySync());
    const grad = tf.tidy(() => tf.grad((t) => tf.sum(contrastiveLoss(tf, t as typeof r, onSlots, constants, 1.6)))(r).arraySync() as number[][]);
    const lap = tf.tidy(() => laplaceLoss(tf, tf.tensor5d(x, [...shape])).arraySync());
    constants.dispose();
    r.dispose();
    loss.forEach((v, k) => expect(Math.abs(v - ref.loss[k]!)).toBeLessThan(1e-5));
    grad.flat().forEach((v, i) => expect(Math.abs(v - ref.grad.flat()[i]!)).toBeLessThan(1e-5));
    lap.forEach((v, k) => expect(Math.abs(v - ref.laplace[k]!) / ref.laplace[k]!).toBeLessThan(1e-5));
  });
});

describe('MDS projection and stoppers', () => {
  it('rescales to the norm, then clips each channel', () => {
    const x = Float32Array.from([3, -4, 0, 0]);
    projectArray(x, 2, { norm: 10, channelRanges: [[-100, 100], [-5, 5]] });
    expect(Array.from(x)).toEqual([6, -5, 0, 0]);
    const t = tf.tensor5d([3, -4, 0, 0], [1, 1, 1, 2, 2]);
    const p = project(tf, t, { norm: 10, channelRanges: [[-100, 100], [-5, 5]] });
    expect(Array.from(p.dataSync())).toEqual([6, -5, 0, 0]);
    t.dispose();
    p.dispose();
  });

  it('EMA stopper fires after patience updates without a new minimum', () => {
    const s = new EmaLossStopper(3, 0.9);
    s.update(1);
    for (let i = 0; i < 3; i++) s.update(2);
    expect(s.hit).toBe(false);
    s.update(2);
    expect(s.hit).toBe(true);
  });

  it('pixel-change stopper counts steps below half a monitor level', () => {
    const s = new PixelChangeStopper(0, 255, 2);
    s.update([0]);
    s.update([0.4]);
    s.update([0.6]);
    expect(s.hit).toBe(false);
    s.update([0.7]);
    expect(s.hit).toBe(true);
  });
});
