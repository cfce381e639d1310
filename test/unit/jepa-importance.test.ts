/**
 * The probe's ROI-importance maps (main/pipelines/jepa/importance.ts) on the wasm backend: a pooled
 * stand-in that reads one ROI gives that ROI all the importance; a cohort whose label lives in one
 * ROI's amplitude, probed through evaluateJepa, puts the logistic probe's importance on that ROI; the
 * score directions reproduce both probes' scores exactly (up to their constants); with a real Brain-JEPA
 * encoder an ROI whose input is zero gets none and the others share 1; the fold summary and its agreement.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { cropBatch, type JepaSeries } from '../../main/pipelines/jepa/data.js';
import { evaluateJepa, logisticFit, type EvaluationSubject, type FoldSpec } from '../../main/pipelines/jepa/evaluate.js';
import type { FeatureInput } from '../../main/pipelines/jepa/features.js';
import { linearProbeDirection, modelPooled, probeScore, roiImportance, summariseImportance, type PooledFunction } from '../../main/pipelines/jepa/importance.js';
import { createJepaModel, type JepaModelConfig } from '../../main/pipelines/jepa/index.js';
import { layerNormRows, probeLogits, REFERENCE_LINEAR_PROBE, trainLinearProbe } from '../../main/pipelines/jepa/probe.js';
import { seededRandom } from '../../shared/random.js';

const ROIS = 5;
const FRAMES = 32;
const INPUT: FeatureInput = { spec: { frames: FRAMES, samplingRate: 1 }, normalisation: 'none', scaler: null };

let tf: Tfjs;
beforeAll(async () => {
  tf = await activateBackend('wasm');
});

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** `count` subjects of ROIS × 40 noise; `amplitude(i, r)` scales subject i's ROI r. */
function series(count: number, seed: number, amplitude: (i: number, r: number) => number = () => 1): JepaSeries[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const data = new Float64Array(ROIS * 40);
    for (let r = 0; r < ROIS; r++) for (let t = 0; t < 40; t++) data[r * 40 + t] = amplitude(i, r) * gaussian(random);
    return { data, regions: ROIS, timepoints: 40 };
  });
}

/** Pooled stand-in: per ROI the mean square over frames, mirrored and padded with constants (LN then acts almost as a scale). */
function energyPooled(): PooledFunction {
  return (x) =>
    tf.tidy(() => {
      const energy = tf.mean(tf.square(x), 2) as tfTypes.Tensor2D;
      const batch = x.shape[0];
      return tf.concat([energy, tf.neg(energy), tf.fill([batch, 3], 20), tf.fill([batch, 3], -20)], 1) as tfTypes.Tensor2D;
    });
}

describe('Brain-JEPA probe ROI importance', () => {
  it('gives all the importance to the one ROI the features read', async () => {
    const weights = tf.tensor2d(Float32Array.from({ length: FRAMES * 6 }, (_, k) => Math.sin(k * 1.3)), [FRAMES, 6]);
    // Features from ROI 2 alone (a nonlinear map of its frames).
    const pooled: PooledFunction = (x) => tf.tidy(() => tf.tanh(tf.matMul(tf.reshape(tf.slice(x, [0, 2, 0], [x.shape[0], 1, FRAMES]), [x.shape[0], FRAMES]), weights)) as tfTypes.Tensor2D);
    const direction = Float64Array.from([0.5, -1, 2, 0.3, -0.7, 1.1]);
    const map = await roiImportance(tf, probeScore(tf, pooled, direction), series(7, 1), INPUT, { rois: ROIS, frames: FRAMES }, 3);
    weights.dispose();
    expect(map[2]).toBeCloseTo(1, 12);
    for (const r of [0, 1, 3, 4]) expect(map[r]).toBe(0);
  });

  it("puts the logistic probe's importance on the ROI whose amplitude carries the label, through evaluateJepa", async () => {
    const n = 40;
    const subjects: EvaluationSubject[] = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, site: i % 2 ? 'A' : 'B', labels: { diagnosis: i % 4 < 2 ? 'ASD' : 'Control', sex: 'M' } }));
    const data = series(n, 2, (i, r) => (r === 3 && subjects[i]!.labels.diagnosis === 'ASD' ? 2.5 : 1));
    const pooled = energyPooled();
    const features = async () => {
      const out = tf.tidy(() => pooled(tf.tensor3d(dataBatch(data), [n, ROIS, FRAMES])));
      const values = Float64Array.from(await out.data());
      out.dispose();
      return values;
    };
    const maps = new Map<string, Float64Array[]>();
    const disposed: number[] = [];
    const encode = async (fold: FoldSpec) => {
      const pretrained = await features();
      return {
        width: 16,
        pretrained,
        random: pretrained,
        explain: async (source: string, probe: string, direction: Float64Array, test: readonly number[]) => {
          expect(test).toEqual(fold.test);
          const map = await roiImportance(tf, probeScore(tf, pooled, direction), test.map((i) => data[i]!), INPUT, { rois: ROIS, frames: FRAMES });
          maps.set(`${source}/${probe}`, [...(maps.get(`${source}/${probe}`) ?? []), map]);
        },
        dispose: () => disposed.push(fold.fold),
      };
    };
    await evaluateJepa(subjects, ['diagnosis'], encode, { features: new Float64Array(n * 2).map((_, k) => Math.sin(k)), width: 2 }, { folds: 4, seed: 0, C: 1, linearProbe: { ...REFERENCE_LINEAR_PROBE, epochs: 2 } });
    expect(disposed).toEqual([0, 1, 2, 3]);
    expect([...maps.keys()].sort()).toEqual(['pretrained/linear-probe', 'pretrained/logistic-regression', 'random-init/linear-probe', 'random-init/logistic-regression']);
    const summary = summariseImportance(maps.get('pretrained/logistic-regression')!);
    expect(summary.folds).toHaveLength(4);
    const ranked = [...summary.mean.keys()].sort((a, b) => summary.mean[b]! - summary.mean[a]!);
    expect(ranked[0]).toBe(3);
    expect(summary.mean[3]).toBeGreaterThan(0.5);
    expect(summary.agreement).toBeGreaterThan(0.9);
  });

  it("scores with the probes' directions exactly as the probes do, up to their constants", async () => {
    const config: JepaModelConfig = { name: 'custom', rois: ROIS, frames: FRAMES, patchSize: 16, embedDim: 16, depth: 1, heads: 2, mlpRatio: 2, predictorDim: 8, predictorDepth: 1, gradientDims: 4 };
    const model = createJepaModel(tf, config, Float64Array.from({ length: ROIS * 4 }, (_, k) => Math.cos(k)), 5);
    try {
      const n = 12;
      const data = series(n, 3);
      const x = tf.tensor3d(dataBatch(data), [n, ROIS, FRAMES]);
      const pooledTensor = model.pooled(x);
      const pooled = Float64Array.from(await pooledTensor.data());
      pooledTensor.dispose();
      const normed = layerNormRows(pooled, n, 16);
      const y = Int32Array.from({ length: n }, (_, i) => i % 2);
      const rows = Array.from({ length: n }, (_, i) => i);
      const probe = trainLinearProbe(normed, 16, y, 2, rows, { ...REFERENCE_LINEAR_PROBE, epochs: 3, blr: 0.5 });
      const a = linearProbeDirection(probe);
      const logits = probeLogits(probe, normed, 16, rows);
      const scoreTensor = probeScore(tf, modelPooled(tf, model, 'target'), a)(x);
      const score = await scoreTensor.data();
      scoreTensor.dispose();
      const offset = probe.bias[1]! - probe.bias[0]! - a.reduce((s, v, j) => s + v * probe.runningMean[j]!, 0);
      for (let i = 0; i < n; i++) expect(score[i]! + offset).toBeCloseTo(logits[2 * i + 1]! - logits[2 * i]!, 4);

      const fold: FoldSpec = { target: 'diagnosis', fold: 0, train: rows.slice(0, 8), test: rows.slice(8) };
      const logistic = logisticFit(normed, 16, Int8Array.from(y, (v) => (v ? 1 : -1)), fold, 1);
      const lrTensor = probeScore(tf, modelPooled(tf, model, 'target'), logistic.direction)(x);
      const lr = await lrTensor.data();
      lrTensor.dispose();
      x.dispose();
      // decision = a·LN(p) + c with one c for every subject.
      const c = fold.test.map((i, k) => logistic.scores[k]! - lr[i]!);
      for (const v of c) expect(v).toBeCloseTo(c[0]!, 4);
    } finally {
      model.dispose();
    }
  });

  it('gives an ROI with zero input no importance through a real Brain-JEPA encoder, the others share 1', async () => {
    const config: JepaModelConfig = { name: 'custom', rois: ROIS, frames: FRAMES, patchSize: 16, embedDim: 16, depth: 2, heads: 2, mlpRatio: 2, predictorDim: 8, predictorDepth: 1, gradientDims: 4 };
    const model = createJepaModel(tf, config, Float64Array.from({ length: ROIS * 4 }, (_, k) => Math.sin(k * 0.7)), 9);
    try {
      const data = series(6, 4, (_, r) => (r === 1 ? 0 : 1));
      const direction = Float64Array.from({ length: 16 }, (_, j) => Math.cos(j * 2.1));
      for (const which of ['target', 'encoder'] as const) {
        const map = await roiImportance(tf, probeScore(tf, modelPooled(tf, model, which), direction), data, INPUT, { rois: ROIS, frames: FRAMES }, 4);
        expect(map[1]).toBe(0);
        for (const r of [0, 2, 3, 4]) expect(map[r]).toBeGreaterThan(0.01);
        expect(map.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      }
    } finally {
      model.dispose();
    }
  });

  it('summarises folds: the mean share, and agreement 1 for proportional maps, −1 for mirrored ones', () => {
    const a = Float64Array.from([0.1, 0.2, 0.3, 0.4]);
    const b = Float64Array.from([0.4, 0.3, 0.2, 0.1]);
    const same = summariseImportance([a, a, a]);
    expect(same.agreement).toBeCloseTo(1, 12);
    expect([...same.mean]).toEqual([...a].map((v) => expect.closeTo(v, 12)));
    const mirrored = summariseImportance([a, b]);
    expect(mirrored.agreement).toBeCloseTo(-1, 12);
    expect([...mirrored.mean]).toEqual([0.25, 0.25, 0.25, 0.25].map((v) => expect.closeTo(v, 12)));
    expect(summariseImportance([a]).agreement).toBeNull();
  });
});

/** Every subject's centre crop [n, ROIS, FRAMES], as the importance pass cuts it. */
function dataBatch(data: readonly JepaSeries[]): Float32Array {
  return cropBatch(data, data.map((_, i) => i), { spec: INPUT.spec, mode: 'centre', normalisation: 'none' });
}
