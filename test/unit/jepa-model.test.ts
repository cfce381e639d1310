/**
 * The Brain-JEPA model (main/pipelines/jepa) on the wasm backend, without PyTorch (the numerical
 * parity with the reference is test/unit/jepa-parity.test.ts): parameter counts of the reference
 * architectures, the reference's state-dict keys and shapes, loading all-or-nothing with errors that
 * name every bad key, the init, the gradient positions, the loss's gradients (encoder and predictor
 * only), the EMA, a few training steps with the reference's decay groups, input validation.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { AdamW, Params } from '../../main/compute/nn/index.js';
import { smoothL1Loss } from '../../main/compute/nn/smooth-l1.js';
import { createGradientPositions } from '../../main/pipelines/jepa/pos-embed.js';
import { ValidationError } from '../../main/errors.js';
import {
  JEPA_ARCHITECTURES,
  createJepaModel,
  estimateMemory,
  fullPassChunk,
  jepaDecayRule,
  jepaModelConfig,
  parameterCounts,
  timeSinCos,
  type JepaModel,
  type JepaModelConfig,
  type StateDict,
} from '../../main/pipelines/jepa/index.js';
import { seededRandom } from '../../shared/random.js';

let tf: Tfjs;
beforeAll(async () => {
  tf = await activateBackend('wasm');
});

const SMALL: JepaModelConfig = {
  name: 'custom',
  rois: 6,
  frames: 48,
  patchSize: 16,
  embedDim: 32,
  depth: 2,
  heads: 2,
  mlpRatio: 4,
  predictorDim: 16,
  predictorDepth: 1,
  gradientDims: 4,
};
const N = 6 * 3;

function gradientsOf(config: Pick<JepaModelConfig, 'rois' | 'gradientDims'>, seed = 3): Float64Array {
  const r = seededRandom(seed);
  return Float64Array.from({ length: config.rois * config.gradientDims }, () => r() * 2 - 1);
}

function batchOf(batch: number, config: JepaModelConfig, seed = 5): tfTypes.Tensor3D {
  const r = seededRandom(seed);
  return tf.tensor3d(Float32Array.from({ length: batch * config.rois * config.frames }, () => r() * 2 - 1), [batch, config.rois, config.frames]);
}

const MASKS = {
  context: [Int32Array.from([0, 1, 2, 4, 7, 9, 12, 15]), Int32Array.from([1, 3, 5, 6, 8, 10, 11, 17])],
  target: [Int32Array.from([3, 5, 6, 3, 16]), Int32Array.from([0, 2, 4, 9, 13])],
};

function std(values: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < values.length; i++) {
    s += values[i]!;
    s2 += values[i]! ** 2;
  }
  const mean = s / values.length;
  return Math.sqrt(s2 / values.length - mean * mean);
}

describe('configs and parameter counts', () => {
  it('small and base have the reference encoder sizes (≈21.3 M, ≈85.1 M) and the built models agree', () => {
    const small = jepaModelConfig('small', 450, 160);
    const base = jepaModelConfig('base', 450, 160);
    // vit_small / vit_base + patch Conv2d(1, D, (1, 16)) + Linear(30 → D/2) + final LN; predictor
    // pred_emb_dim 384, depth 6, as configs/ukb_vitb_ep300.yaml.
    expect(parameterCounts(small)).toEqual({ encoder: 21_306_816, predictor: 10_949_568, fixed: 4500 * 192 + 4500 * 192 });
    expect(parameterCounts(base)).toEqual({ encoder: 85_080_960, predictor: 11_244_864, fixed: 4500 * 384 + 4500 * 192 });
    expect(parameterCounts(base).encoder / 1e6).toBeCloseTo(85.08, 2);
    expect(parameterCounts(small).encoder / 1e6).toBeCloseTo(21.31, 2);
    // The trainable counts do not depend on ROIs and frames (only the fixed sin/cos tables do), so a
    // one-ROI, one-patch build has them: build ViT-S whole, and ViT-B's width with one block.
    const one = { rois: 1, frames: 16 };
    const smallModel = createJepaModel(tf, { ...small, ...one }, new Float64Array(30), 1);
    expect(smallModel.encoder.count(true)).toBe(21_306_816);
    expect(smallModel.predictor.count(true)).toBe(10_949_568);
    expect(smallModel.target.count(true)).toBe(0);
    expect(smallModel.target.count()).toBe(smallModel.encoder.count());
    smallModel.dispose();
    const baseOne: JepaModelConfig = { ...base, ...one, depth: 1, predictorDepth: 1, name: 'custom' };
    const baseModel = createJepaModel(tf, baseOne, new Float64Array(30), 1);
    expect(baseModel.encoder.count(true)).toBe(parameterCounts(baseOne).encoder);
    expect(baseModel.predictor.count(true)).toBe(parameterCounts(baseOne).predictor);
    baseModel.dispose();
  }, 120_000);

  it('tiny builds as counted, and the estimates are sane', () => {
    const tiny = jepaModelConfig('tiny', 116, 160);
    const model = createJepaModel(tf, tiny, gradientsOf(tiny), 2);
    const counts = parameterCounts(tiny);
    expect(model.encoder.count(true)).toBe(counts.encoder);
    expect(model.predictor.count(true)).toBe(counts.predictor);
    expect(model.encoder.count() + model.predictor.count()).toBe(counts.encoder + counts.predictor + counts.fixed);
    model.dispose();
    const e = estimateMemory(tiny, 16);
    expect(e.totalBytes).toBe(e.weightsBytes + e.activationBytes);
    expect(estimateMemory(jepaModelConfig('base', 450, 160), 16).totalBytes).toBeGreaterThan(estimateMemory(jepaModelConfig('small', 450, 160), 16).totalBytes);
    expect(JEPA_ARCHITECTURES.base).toMatchObject({ embedDim: 768, depth: 12, heads: 12, predictorDim: 384, predictorDepth: 6, patchSize: 16 });
  });

  it('refuses inconsistent configs', () => {
    expect(() => jepaModelConfig('tiny', 116, 150)).toThrow(/whole number of 16-frame patches/);
    expect(() => createJepaModel(tf, { ...SMALL, predictorDim: 18 }, gradientsOf(SMALL), 1)).toThrow(ValidationError);
    expect(() => createJepaModel(tf, { ...SMALL, heads: 3 }, gradientsOf(SMALL), 1)).toThrow(/heads/);
    expect(() => createJepaModel(tf, SMALL, new Float64Array(5), 1)).toThrow(/6 ROIs × 4 components/);
    const bad = gradientsOf(SMALL);
    bad[9] = Number.NaN;
    expect(() => createJepaModel(tf, SMALL, bad, 1)).toThrow(/ROI 2/);
  });
});

describe('state dict (reference keys and torch layouts)', () => {
  let model: JepaModel;
  beforeAll(() => {
    model = createJepaModel(tf, SMALL, gradientsOf(SMALL), 1);
  });
  afterAll(() => model.dispose());

  const block = (prefix: string, d: number): [string, number[]][] => [
    [`${prefix}.norm1.weight`, [d]],
    [`${prefix}.norm1.bias`, [d]],
    [`${prefix}.attn.qkv.weight`, [3 * d, d]],
    [`${prefix}.attn.qkv.bias`, [3 * d]],
    [`${prefix}.attn.proj.weight`, [d, d]],
    [`${prefix}.attn.proj.bias`, [d]],
    [`${prefix}.norm2.weight`, [d]],
    [`${prefix}.norm2.bias`, [d]],
    [`${prefix}.mlp.fc1.weight`, [4 * d, d]],
    [`${prefix}.mlp.fc1.bias`, [4 * d]],
    [`${prefix}.mlp.fc2.weight`, [d, 4 * d]],
    [`${prefix}.mlp.fc2.bias`, [d]],
  ];

  it('has exactly the reference keys, in its order, with torch shapes', () => {
    const encoder: [string, number[]][] = [
      ['patch_embed.proj.weight', [32, 1, 1, 16]],
      ['patch_embed.proj.bias', [32]],
      ['pos_embed_proj.emb_h', [N, 16]],
      ['pos_embed_proj.predictor_pos_embed_proj.weight', [16, 4]],
      ['pos_embed_proj.predictor_pos_embed_proj.bias', [16]],
      ...block('blocks.0', 32),
      ...block('blocks.1', 32),
      ['norm.weight', [32]],
      ['norm.bias', [32]],
    ];
    const predictor: [string, number[]][] = [
      ['mask_token', [1, 1, 16]],
      ['predictor_embed.weight', [16, 32]],
      ['predictor_embed.bias', [16]],
      ['predictor_2dpe_proj.emb_h', [N, 8]],
      ['predictor_2dpe_proj.predictor_pos_embed_proj.weight', [8, 4]],
      ['predictor_2dpe_proj.predictor_pos_embed_proj.bias', [8]],
      ...block('predictor_blocks.0', 16),
      ['predictor_norm.weight', [16]],
      ['predictor_norm.bias', [16]],
      ['predictor_proj.weight', [32, 16]],
      ['predictor_proj.bias', [32]],
    ];
    const shapes = (d: StateDict) => [...d].map(([k, t]) => [k, t.shape]);
    expect(shapes(model.stateDict('encoder'))).toEqual(encoder);
    expect(shapes(model.stateDict('target_encoder'))).toEqual(encoder);
    expect(shapes(model.stateDict('predictor'))).toEqual(predictor);
  });

  it('reads the same asynchronously', async () => {
    const sync = model.stateDict('predictor', { prefix: 'module.' });
    const async = await model.stateDictAsync('predictor', { prefix: 'module.' });
    expect([...async.keys()]).toEqual([...sync.keys()]);
    for (const [k, t] of sync) expect(Array.from(async.get(k)!.data), k).toEqual(Array.from(t.data));
  });

  it('transposes Linear and patch kernels to torch layout', () => {
    const ours = model.encoder.get('blocks.0.attn.qkv.weight').dataSync(); // [in 32, out 96]
    const theirs = model.stateDict('encoder').get('blocks.0.attn.qkv.weight')!.data; // [out 96, in 32]
    expect(theirs[5 * 32 + 7]).toBe(ours[7 * 96 + 5]);
    const patch = model.encoder.get('patch_embed.proj.weight').dataSync(); // [P 16, D 32]
    const conv = model.stateDict('encoder').get('patch_embed.proj.weight')!.data; // [D, 1, 1, P]
    expect(conv[3 * 16 + 11]).toBe(patch[11 * 32 + 3]);
  });

  it('round-trips into another model, with or without "module."', () => {
    const other = createJepaModel(tf, SMALL, gradientsOf(SMALL), 99);
    for (const part of ['encoder', 'predictor'] as const) {
      const dict = model.stateDict(part, part === 'encoder' ? { prefix: 'module.' } : {});
      other.loadStateDict(part, dict, 'test');
      const back = other.stateDict(part);
      for (const [k, t] of model.stateDict(part)) expect(Array.from(back.get(k)!.data), k).toEqual(Array.from(t.data));
    }
    other.dispose();
  });

  it('names every missing, unexpected and mis-shaped key and loads nothing', () => {
    const other = createJepaModel(tf, SMALL, gradientsOf(SMALL), 99);
    const before = other.stateDict('encoder');
    const dict = model.stateDict('encoder');
    dict.delete('norm.bias');
    dict.delete('blocks.1.mlp.fc1.weight');
    dict.set('pos_embed.extra', { shape: [1], data: new Float32Array(1) });
    const qkv = dict.get('blocks.0.attn.qkv.weight')!;
    dict.set('blocks.0.attn.qkv.weight', { shape: [32, 96], data: qkv.data });
    let error: unknown;
    try {
      other.loadStateDict('encoder', dict, 'bad.pth.tar');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as Error).message;
    expect(message).toContain('bad.pth.tar');
    expect(message).toMatch(/missing keys: .*blocks\.1\.mlp\.fc1\.weight/);
    expect(message).toMatch(/missing keys: .*norm\.bias/);
    expect(message).toMatch(/unexpected keys: pos_embed\.extra/);
    expect(message).toMatch(/blocks\.0\.attn\.qkv\.weight is \[32, 96\], expected \[96, 32\]/);
    const after = other.stateDict('encoder');
    for (const [k, t] of before) expect(Array.from(after.get(k)!.data), k).toEqual(Array.from(t.data));
    // A correct dict loads only when the part matches: a predictor dict is not an encoder.
    expect(() => other.loadStateDict('encoder', model.stateDict('predictor'), 'p')).toThrow(/missing keys/);
    other.dispose();
  });
});

describe('init and positions', () => {
  it('initialises as the reference (kernels N(0, 0.02), biases 0, LN 1/0), seeded, target = encoder', () => {
    const config = { ...SMALL, embedDim: 64, heads: 4 };
    const a = createJepaModel(tf, config, gradientsOf(config), 4);
    const b = createJepaModel(tf, config, gradientsOf(config), 4);
    const c = createJepaModel(tf, config, gradientsOf(config), 5);
    const fc1 = a.encoder.get('blocks.0.mlp.fc1.weight').dataSync();
    expect(std(fc1)).toBeGreaterThan(0.0185);
    expect(std(fc1)).toBeLessThan(0.0215);
    expect(std(a.predictor.get('mask_token').dataSync())).toBeGreaterThan(0.008);
    expect(Array.from(a.encoder.get('blocks.0.attn.qkv.bias').dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(a.encoder.get('norm.weight').dataSync()).every((v) => v === 1)).toBe(true);
    expect(Array.from(b.encoder.get('blocks.0.mlp.fc1.weight').dataSync())).toEqual(Array.from(fc1));
    expect(Array.from(c.encoder.get('blocks.0.mlp.fc1.weight').dataSync())).not.toEqual(Array.from(fc1));
    for (const e of a.encoder.list()) expect(Array.from(a.target.get(e.name).dataSync()), e.name).toEqual(Array.from(e.variable.dataSync()));
    for (const m of [a, b, c]) m.dispose();
  });

  it('time half: MAE sin/cos of the time patch, the same for every ROI', () => {
    const table = timeSinCos(3, 4, 16); // [12, 8]: sin(t·ω_j) j<4, cos(t·ω_j)
    for (let r = 0; r < 3; r++) {
      for (let t = 0; t < 4; t++) {
        for (let j = 0; j < 4; j++) {
          const omega = 1 / 10000 ** (j / 4);
          expect(table[(r * 4 + t) * 8 + j]).toBeCloseTo(Math.sin(t * omega), 6);
          expect(table[(r * 4 + t) * 8 + 4 + j]).toBeCloseTo(Math.cos(t * omega), 6);
        }
      }
    }
  });

  it('ROI half: the gradient projection rescaled to [−1, 1] over the whole matrix, repeated per time patch', () => {
    const params = new Params(tf);
    const positions = createGradientPositions(params, 'pe', { rois: 6, nPatches: 3, width: 16, gradientDims: 4, seed: 1 });
    const g = tf.tensor2d(Float32Array.from(gradientsOf(SMALL)), [6, 4]);
    const table = positions.apply(g).dataSync(); // [18, 16]
    const proj = tf.matMul(g, params.get('pe.predictor_pos_embed_proj.weight')).dataSync(); // [6, 8], bias 0
    const lo = Math.min(...proj);
    const hi = Math.max(...proj);
    const time = timeSinCos(6, 3, 16);
    let seenLo = Infinity;
    let seenHi = -Infinity;
    for (let r = 0; r < 6; r++) {
      for (let t = 0; t < 3; t++) {
        const k = r * 3 + t;
        for (let j = 0; j < 8; j++) {
          expect(table[k * 16 + j]).toBe(time[k * 8 + j]);
          const v = table[k * 16 + 8 + j]!;
          expect(v).toBeCloseTo(((proj[r * 8 + j]! - lo) / (hi - lo)) * 2 - 1, 5);
          seenLo = Math.min(seenLo, v);
          seenHi = Math.max(seenHi, v);
        }
      }
    }
    expect(seenLo).toBeCloseTo(-1, 6);
    expect(seenHi).toBeCloseTo(1, 6);
    g.dispose();
    params.dispose();
  });
});

describe('loss, gradients, EMA', () => {
  it('the loss is differentiable w.r.t. encoder and predictor, and frees its tensors', () => {
    const model = createJepaModel(tf, SMALL, gradientsOf(SMALL), 1);
    const x = batchOf(2, SMALL);
    const before = tf.memory().numTensors;
    const variables = [...model.encoder.trainableVariables(), ...model.predictor.trainableVariables()];
    const { value, grads } = tf.variableGrads(() => model.loss(x, MASKS), variables);
    expect(Object.keys(grads)).toHaveLength(variables.length);
    const loss = value.dataSync()[0]!;
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeGreaterThan(0);
    // Every trainable tensor reaches the loss (the fixed emb_h tables are not trainable).
    for (const [name, g] of model.encoder.byName(grads)) expect(Math.max(...Array.from(g.dataSync()).map(Math.abs)), name).toBeGreaterThan(0);
    for (const [name, g] of model.predictor.byName(grads)) expect(Math.max(...Array.from(g.dataSync()).map(Math.abs)), name).toBeGreaterThan(0);
    value.dispose();
    for (const g of Object.values(grads)) g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // Outside a gradient tape the same value.
    const direct = model.loss(x, MASKS);
    expect(direct.dataSync()[0]).toBeCloseTo(loss, 6);
    direct.dispose();
    x.dispose();
    model.dispose();
  });

  it('features, pooled and the EMA', () => {
    const model = createJepaModel(tf, SMALL, gradientsOf(SMALL), 1);
    const x = batchOf(3, SMALL);
    const f = model.features(x);
    expect(f.shape).toEqual([3, N, 32]);
    const p = model.pooled(x);
    expect(p.shape).toEqual([3, 32]);
    const mean = tf.mean(f, 1);
    expect(Math.max(...Array.from(tf.abs(tf.sub(mean, p)).dataSync()))).toBeLessThan(1e-6);
    // target = encoder at init, so both feature sets agree; move the encoder and mix.
    const e = model.features(x, 'encoder');
    expect(Math.max(...Array.from(tf.abs(tf.sub(e, f)).dataSync()))).toBe(0);
    const w = model.encoder.get('blocks.0.mlp.fc1.weight');
    const w0 = w.dataSync().slice();
    w.assign(tf.add(w, 0.5));
    model.updateTarget(0.75);
    const t = model.target.get('blocks.0.mlp.fc1.weight').dataSync();
    for (let i = 0; i < 10; i++) expect(t[i]).toBeCloseTo(0.75 * w0[i]! + 0.25 * (w0[i]! + 0.5), 6);
    model.updateTarget(1);
    expect(model.target.get('blocks.0.mlp.fc1.weight').dataSync()[0]).toBeCloseTo(t[0]!, 7);
    model.updateTarget(0);
    expect(Array.from(model.target.get('blocks.0.mlp.fc1.weight').dataSync())).toEqual(Array.from(w.dataSync()));
    expect(() => model.updateTarget(1.5)).toThrow(ValidationError);
    for (const z of [f, p, mean, e, x]) z.dispose();
    model.dispose();
  });

  it('full-input passes in sample chunks give the unchunked values', () => {
    const tiny = jepaModelConfig('tiny', 116, 160); // N = 1160 tokens, 4 heads: 3 samples per chunk
    expect(fullPassChunk(tiny, 4)).toBe(3);
    const model = createJepaModel(tf, tiny, gradientsOf(tiny), 1);
    const x = batchOf(4, tiny);
    const all = model.features(x); // chunks of 3 + 1
    const last = tf.slice(x, [3, 0, 0], [1, 116, 160]);
    const alone = model.features(last);
    const error = tf.max(tf.abs(tf.sub(tf.slice(all, [3, 0, 0], [1, 1160, 64]), alone))).dataSync()[0]!;
    expect(all.shape).toEqual([4, 1160, 64]);
    expect(error).toBeLessThan(1e-5);
    for (const t of [all, last, alone, x]) t.dispose();
    model.dispose();
  }, 60_000);

  it('a full-input pass without gradient holds one layer at a time: its peak does not grow with depth', async () => {
    // Before each block had its own tidy, a chunk kept every layer's score tables until it ended:
    // small on 116 × 80 (B 16, 2 chunks of 8) held ≈12 layers × ≈0.25 GB and broke wasm's 4 GB heap.
    const peakOf = async (depth: number): Promise<number> => {
      const config: JepaModelConfig = { ...SMALL, frames: 160, depth };
      const model = createJepaModel(tf, config, gradientsOf(config), 1);
      const x = batchOf(4, config);
      const before = tf.memory().numBytes; // weights and input: they grow with depth
      const info = await tf.profile(() => {
        model.pooled(x).dispose();
      });
      x.dispose();
      model.dispose();
      return info.peakBytes - before;
    };
    const shallow = await peakOf(1);
    const deep = await peakOf(8);
    // One layer's score table is 4 samples × 2 heads × 60² tokens × 4 B ≈ 115 KB.
    const scoreTable = 4 * 2 * 60 * 60 * 4;
    expect(deep - shallow).toBeLessThan(2 * scoreTable);
  }, 60_000);

  it('a few AdamW steps (reference decay groups) lower the loss and leave the target alone', () => {
    const model = createJepaModel(tf, SMALL, gradientsOf(SMALL), 1);
    const x = batchOf(2, SMALL);
    const optimizers = [model.encoder, model.predictor].map((params) => new AdamW(params, { lr: 3e-3, weightDecay: 0.04, decay: jepaDecayRule }));
    expect(optimizers[1]!.isDecayed('mask_token')).toBe(true);
    expect(optimizers[0]!.isDecayed('patch_embed.proj.weight')).toBe(true);
    expect(optimizers[0]!.isDecayed('patch_embed.proj.bias')).toBe(false);
    expect(optimizers[0]!.isDecayed('blocks.0.ln1.weight')).toBe(false);
    expect(optimizers[0]!.shapes().has('pos_embed_proj.emb_h')).toBe(false);
    const targetBefore = model.target.get('norm.weight').dataSync().slice();
    const losses: number[] = [];
    for (let step = 0; step < 8; step++) {
      const variables = [...model.encoder.trainableVariables(), ...model.predictor.trainableVariables()];
      const { value, grads } = tf.variableGrads(() => model.loss(x, MASKS), variables);
      losses.push(value.dataSync()[0]!);
      optimizers[0]!.update(model.encoder.byName(grads));
      optimizers[1]!.update(model.predictor.byName(grads));
      value.dispose();
      for (const g of Object.values(grads)) g.dispose();
    }
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    expect(Array.from(model.target.get('norm.weight').dataSync())).toEqual(Array.from(targetBefore));
    for (const o of optimizers) o.dispose();
    x.dispose();
    model.dispose();
  });

  it('smooth-L1 is Huber with β = 1 (value and gradient, as torch)', () => {
    const z = tf.tensor1d([0.2, -0.5, 2, -3, 1]);
    const h = tf.tensor1d([0, 0, 0, 0, 0]);
    const loss = smoothL1Loss(tf, z, h).dataSync()[0]!;
    expect(loss).toBeCloseTo((0.02 + 0.125 + 1.5 + 2.5 + 0.5) / 5, 6);
    const g = tf.grad((a: tfTypes.Tensor) => smoothL1Loss(tf, a, h))(z).dataSync();
    expect(Array.from(g).map((v) => +v.toFixed(6))).toEqual([0.04, -0.1, 0.2, -0.2, 0.2]);
    z.dispose();
    h.dispose();
  });
});

describe('input validation', () => {
  let model: JepaModel;
  let x: tfTypes.Tensor3D;
  beforeAll(() => {
    model = createJepaModel(tf, SMALL, gradientsOf(SMALL), 1);
    x = batchOf(2, SMALL);
  });
  afterAll(() => {
    x.dispose();
    model.dispose();
  });

  it('names the shape or mask problem', () => {
    const wrong = tf.zeros([2, 5, 48]) as tfTypes.Tensor3D;
    expect(() => model.loss(wrong, MASKS)).toThrow(/\[batch, 6 ROIs, 48 frames\]/);
    wrong.dispose();
    expect(() => model.loss(x, { ...MASKS, context: [MASKS.context[0]!] })).toThrow(/1 lists for a batch of 2/);
    expect(() => model.loss(x, { ...MASKS, target: [MASKS.target[0]!, Int32Array.from([1, 2])] })).toThrow(/batch minimum/);
    expect(() => model.loss(x, { ...MASKS, target: [MASKS.target[0]!, Int32Array.from([1, 2, 3, 4, 18])] })).toThrow(/outside \[0, 18\)/);
    expect(() => model.loss(x, { context: [new Int32Array(0), new Int32Array(0)], target: MASKS.target })).toThrow(/empty/);
    expect(tf.memory().numTensors).toBeGreaterThan(0);
  });

  it('refuses use after dispose', () => {
    const m = createJepaModel(tf, SMALL, gradientsOf(SMALL), 1);
    m.dispose();
    expect(() => m.features(x)).toThrow(/disposed/);
    expect(() => m.stateDict('encoder')).toThrow(/disposed/);
  });
});
