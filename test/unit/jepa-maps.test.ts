/**
 * The brain maps of a Brain-JEPA model (main/pipelines/jepa/maps.ts, target-pass.ts) on the wasm
 * backend: the rebuilt target pass gives model.features() exactly (so it reads the right weights),
 * the last block's attention is a probability table (each query's row sums to 1) that matches a
 * plain-JS softmax of the block's q·k on the same residual stream, and the per-ROI maps equal the
 * direct computation from features() on centre crops; ROI-count mismatch and the work bound fail clearly.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { ValidationError } from '../../main/errors.js';
import { encodeJepaBundle, JEPA_BUNDLE_FORMAT, type JepaBundleConfig } from '../../main/pipelines/jepa/bundle.js';
import { createJepaModel, type JepaModelConfig } from '../../main/pipelines/jepa/index.js';
import { cropBatch, fitRobustScaler, robustScalerToJson, type JepaSeries } from '../../main/pipelines/jepa/data.js';
import { computeJepaMaps, MAP_SCORE_BUDGET, type MapSubject } from '../../main/pipelines/jepa/maps.js';
import { REFERENCE_MASK_CONFIG } from '../../main/pipelines/jepa/masks.js';
import { inspectTarget } from '../../main/pipelines/jepa/target-pass.js';
import { seededRandom } from '../../shared/random.js';

const CONFIG: JepaModelConfig = { name: 'custom', rois: 5, frames: 32, patchSize: 16, embedDim: 16, depth: 2, heads: 2, mlpRatio: 2, predictorDim: 8, predictorDepth: 1, gradientDims: 4 };
const N = 5 * 2;

let tf: Tfjs;
beforeAll(async () => {
  tf = await activateBackend('wasm');
});

function gradients(): Float64Array {
  return Float64Array.from({ length: CONFIG.rois * CONFIG.gradientDims }, (_, k) => Math.sin(k * 0.71) + 0.1 * k);
}

function cohort(count: number, rois = CONFIG.rois, timepoints = 40): MapSubject[] {
  const r = seededRandom(11);
  return Array.from({ length: count }, (_, i) => ({
    id: `sub-${i}`,
    series: { data: Float64Array.from({ length: rois * timepoints }, (_, k) => r() * 4 + (k % 7) + (i % 3)), regions: rois, timepoints },
    labels: { diagnosis: i % 2 ? 'ASD' : 'control', sex: i % 3 ? 'M' : 'F', site: i < 4 ? 'NYU' : 'UM', age: 12 },
  }));
}

async function storedModel(subjects: readonly MapSubject[]): Promise<{ id: number; format: string; weights: Uint8Array }> {
  const g = gradients();
  const model = createJepaModel(tf, CONFIG, g, 3);
  // Move the target away from the encoder, so a pass that read the encoder weights would differ.
  model.updateTarget(0);
  for (const e of model.target.list()) if (e.name.endsWith('.weight')) e.variable.assign(tf.mul(e.variable, 1.05));
  const config: JepaBundleConfig = {
    kind: 'brain-jepa',
    version: 1,
    model: CONFIG,
    masks: REFERENCE_MASK_CONFIG,
    scaler: robustScalerToJson(fitRobustScaler(subjects.map((s) => s.series as JepaSeries & { regions: number }))),
    gradients: { source: 'computed', components: CONFIG.gradientDims, from: subjects.map((s) => s.id) },
    input: { frames: CONFIG.frames, samplingRate: 1, normalisation: 'robust' },
  };
  try {
    return { id: 1, format: JEPA_BUNDLE_FORMAT, weights: await encodeJepaBundle(model, g, config) };
  } finally {
    model.dispose();
  }
}

function randomBatch(batch: number): tfTypes.Tensor3D {
  const r = seededRandom(5);
  return tf.tensor3d(Float32Array.from({ length: batch * CONFIG.rois * CONFIG.frames }, () => r() * 2 - 1), [batch, CONFIG.rois, CONFIG.frames]);
}

describe('target pass', () => {
  it('reproduces model.features() and gives one attention distribution per query', async () => {
    const model = createJepaModel(tf, CONFIG, gradients(), 3);
    const inspector = inspectTarget(tf, model, gradients());
    const x = randomBatch(3);
    try {
      const pass = inspector.run(x);
      const expected = model.features(x, 'target');
      const ours = await pass.features.data();
      const theirs = await expected.data();
      expect(ours.length).toBe(theirs.length);
      let worst = 0;
      for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!));
      expect(worst).toBeLessThan(1e-5);
      const received = await pass.attentionReceived.data();
      expect(pass.attentionReceived.shape).toEqual([3, N]);
      // Mean over queries of rows that each sum to 1: the key shares of a sample sum to 1.
      for (let b = 0; b < 3; b++) expect(Array.from(received.slice(b * N, (b + 1) * N) as ArrayLike<number>).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      const norms = await pass.tokenNorm.data();
      for (let k = 0; k < 3 * N; k++) {
        let s = 0;
        for (let j = 0; j < CONFIG.embedDim; j++) s += theirs[k * CONFIG.embedDim + j]! ** 2;
        expect(norms[k]).toBeCloseTo(Math.sqrt(s), 4);
      }
      for (const t of [...Object.values(pass), expected]) t.dispose();
    } finally {
      x.dispose();
      inspector.dispose();
      model.dispose();
    }
  });

  it('recomputes the last block attention as softmax(q·kᵀ/√dh) of its LN₁ input', async () => {
    // A depth-1 encoder: the stream entering its last block is the embedding (patch Linear + gradient
    // positions), recomputed here in plain JS from the weights, then LN₁, qkv and the softmax.
    const one: JepaModelConfig = { ...CONFIG, depth: 1 };
    const model = createJepaModel(tf, one, gradients(), 9);
    const inspector = inspectTarget(tf, model, gradients());
    const x = randomBatch(1);
    try {
      const pass = inspector.run(x);
      const received = await pass.attentionReceived.data();
      // Plain JS: embed → LN₁ → qkv → per-head softmax → mean over heads and queries.
      const w = (name: string) => model.target.get(name).dataSync() as Float32Array;
      const d = one.embedDim;
      const n = one.frames / one.patchSize;
      const xs = x.dataSync();
      const pw = w('patch_embed.proj.weight');
      const pb = w('patch_embed.proj.bias');
      const table = w('pos_embed_proj.emb_h');
      const gw = w('pos_embed_proj.predictor_pos_embed_proj.weight');
      const gb = w('pos_embed_proj.predictor_pos_embed_proj.bias');
      const half = d / 2;
      const g = gradients();
      const proj = new Float64Array(one.rois * half);
      for (let r = 0; r < one.rois; r++) for (let o = 0; o < half; o++) {
        let s = gb[o]!;
        for (let c = 0; c < one.gradientDims; c++) s += Math.fround(g[r * one.gradientDims + c]!) * gw[c * half + o]!;
        proj[r * half + o] = s;
      }
      const lo = Math.min(...proj);
      const hi = Math.max(...proj);
      const rows: Float64Array[] = [];
      for (let k = 0; k < N; k++) {
        const r = Math.floor(k / n);
        const row = new Float64Array(d);
        for (let o = 0; o < d; o++) {
          let s = pb[o]!;
          for (let p = 0; p < one.patchSize; p++) s += xs[k * one.patchSize + p]! * pw[p * d + o]!;
          row[o] = s + (o < half ? table[k * half + o]! : ((proj[r * half + o - half]! - lo) / (hi - lo)) * 2 - 1);
        }
        rows.push(row);
      }
      const lnW = w('blocks.0.ln1.weight');
      const lnB = w('blocks.0.ln1.bias');
      const qkvW = w('blocks.0.attn.qkv.weight');
      const qkvB = w('blocks.0.attn.qkv.bias');
      const qkv = rows.map((row) => {
        const mean = row.reduce((s, v) => s + v, 0) / d;
        const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / d;
        const normed = row.map((v, j) => ((v - mean) / Math.sqrt(variance + 1e-6)) * lnW[j]! + lnB[j]!);
        return Float64Array.from({ length: 3 * d }, (_, o) => normed.reduce((s, v, j) => s + v * qkvW[j * 3 * d + o]!, qkvB[o]!));
      });
      const heads = one.heads;
      const dh = d / heads;
      const expected = new Float64Array(N);
      for (let h = 0; h < heads; h++) {
        // Columns [q | k | v] by head: reshape [3H, dh], q heads first (nn/attention.ts).
        for (let i = 0; i < N; i++) {
          const scores = Array.from({ length: N }, (_, j) => {
            let s = 0;
            for (let c = 0; c < dh; c++) s += qkv[i]![h * dh + c]! * qkv[j]![(heads + h) * dh + c]!;
            return s / Math.sqrt(dh);
          });
          const m = Math.max(...scores);
          const e = scores.map((s) => Math.exp(s - m));
          const z = e.reduce((s, v) => s + v, 0);
          e.forEach((v, j) => (expected[j] = expected[j]! + v / z / (heads * N)));
        }
      }
      for (let j = 0; j < N; j++) expect(received[j]).toBeCloseTo(expected[j]!, 5);
      for (const t of Object.values(pass)) t.dispose();
    } finally {
      x.dispose();
      inspector.dispose();
      model.dispose();
    }
  });
});

describe('computeJepaMaps', () => {
  it('gives per-ROI norms and attention from centre crops, the stored gradients and the principal plane', async () => {
    const subjects = cohort(7);
    const stored = await storedModel(subjects);
    const maps = await computeJepaMaps(tf, stored, subjects, { batchSize: 3, encoderName: 'test model' });
    expect(maps.rois).toBe(5);
    expect(maps.subjects).toBe(7);
    expect(maps.crop).toEqual({ frames: 32, samplingRate: 1 });
    expect(maps.attention.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    expect(maps.residualNorm.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    expect(maps.gradients).toHaveLength(3);
    const g = gradients();
    for (let c = 0; c < 3; c++) for (let r = 0; r < 5; r++) expect(maps.gradients[c]![r]).toBeCloseTo(Math.fround(g[r * 4 + c]!), 6);

    // Direct: the stored model's features of the same centre crops, robust-scaled with its scaler.
    const { loadJepaModel } = await import('../../main/pipelines/jepa/bundle.js');
    const { model, bundle } = loadJepaModel(tf, stored.weights, 'test');
    try {
      const scaler = { median: Float64Array.from(bundle.config.scaler.median), iqr: Float64Array.from(bundle.config.scaler.iqr) };
      const x = tf.tensor3d(cropBatch(subjects.map((s) => s.series), [0, 1, 2, 3, 4, 5, 6], { spec: { frames: 32, samplingRate: 1 }, mode: 'centre', scaler }), [7, 5, 32]);
      const f = model.features(x);
      const values = await f.data();
      f.dispose();
      x.dispose();
      const n = 2;
      for (let r = 0; r < 5; r++) {
        let s = 0;
        for (let b = 0; b < 7; b++) for (let t = 0; t < n; t++) {
          const k = b * N + r * n + t;
          let q = 0;
          for (let j = 0; j < 16; j++) q += values[k * 16 + j]! ** 2;
          s += Math.sqrt(q);
        }
        expect(maps.embeddingNorm[r]).toBeCloseTo(s / (7 * n), 4);
      }
    } finally {
      model.dispose();
    }

    expect(maps.embedding.encoder).toBe('test model');
    expect(maps.embedding.points).toHaveLength(7);
    expect(maps.embedding.points[1]!.labels).toEqual({ diagnosis: 'ASD', sex: 'M', site: 'NYU' });
    expect(maps.embedding.explained[0]).toBeGreaterThanOrEqual(maps.embedding.explained[1]);
    // The same answer in one batch as in three.
    const again = await computeJepaMaps(tf, stored, subjects);
    for (let r = 0; r < 5; r++) expect(again.attention[r]).toBeCloseTo(maps.attention[r]!, 6);
  });

  it('refuses a cohort with another ROI count, and work over the bound', async () => {
    const stored = await storedModel(cohort(4));
    const other = cohort(4, 6);
    await expect(computeJepaMaps(tf, stored, other)).rejects.toThrow(/trained on 5 ROIs; this cohort has 6/);
    await expect(computeJepaMaps(tf, stored, other)).rejects.toBeInstanceOf(ValidationError);
    const many = Math.ceil(MAP_SCORE_BUDGET / (CONFIG.heads * CONFIG.depth * N * N)) + 1;
    const huge = Array.from({ length: Math.min(many, 4999) }, (_, i) => ({ ...cohort(1)[0]!, id: `s${i}` }));
    if (many <= 4999) await expect(computeJepaMaps(tf, stored, huge)).rejects.toThrow(/attention scores/);
    await expect(computeJepaMaps(tf, stored, Array.from({ length: 5001 }, (_, i) => ({ ...cohort(1)[0]!, id: `s${i}` })))).rejects.toThrow(/at most 5000/);
  });
});
