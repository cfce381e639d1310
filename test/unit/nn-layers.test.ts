/**
 * main/compute/nn layers on the cpu backend: the parameter collection, seeded initialisers,
 * shapes, LayerNorm and GELU against closed forms (values and gradients), attention masks (a
 * causal position cannot see the future, padded keys are ignored), dropout and conv blocks.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import {
  MASKED,
  Params,
  attentionBias,
  causalBias,
  createAttention,
  createConvBlock1d,
  createConvBlock2d,
  createEmbedding,
  createLayerNorm,
  createLinear,
  createPositionalEmbedding,
  createTransformer,
  dense,
  dropoutMask,
  gelu,
  geluTanh,
  heNormal,
  layerNorm,
  paramSeed,
  truncatedNormal,
  xavierUniform,
} from '../../main/compute/nn/index.js';
import { ValidationError } from '../../main/errors.js';
import { seededRandom } from '../../shared/random.js';

let tf: Tfjs;
beforeAll(async () => {
  tf = await activateBackend('cpu');
});

/** erf by its Maclaurin series in float64 (accurate to ~1e-11 for |x| ≤ 4). */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 120; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

const randomValues = (n: number, seed: number, scale = 1) => {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
};

const values = (t: tfTypes.Tensor) => Array.from(t.dataSync());

describe('params and init', () => {
  it('counts, snapshots, restores (all or nothing), clones and disposes', () => {
    const params = new Params(tf);
    createLinear(params, 'a', { inFeatures: 3, outFeatures: 4, seed: 1 });
    createLayerNorm(params, 'n', { dim: 4 });
    params.add('frozen', [2], new Float32Array([1, 2]), { trainable: false });
    expect(params.names()).toEqual(['a.weight', 'a.bias', 'n.weight', 'n.bias', 'frozen']);
    expect(params.count()).toBe(12 + 4 + 8 + 2);
    expect(params.count(true)).toBe(24);
    expect(params.trainableVariables()).toHaveLength(4);
    expect(params.entry('a.bias').role).toBe('bias');
    expect(() => params.add('a.bias', [4], new Float32Array(4))).toThrow(ValidationError);
    expect(() => params.add('x', [2, 2], new Float32Array(3))).toThrow(/3 initial values/);

    const snap = params.snapshot();
    params.get('a.weight').assign(tf.zeros([3, 4]));
    const bad = new Map(snap);
    bad.set('n.weight', { shape: [5], values: new Float32Array(5) });
    expect(() => params.restore(bad)).toThrow(/n\.weight: shape \[5\] does not match \[4\]/);
    expect(values(params.get('a.weight')).every((v) => v === 0)).toBe(true); // untouched
    const missing = new Map(snap);
    missing.delete('frozen');
    expect(() => params.restore(missing)).toThrow(/frozen: missing/);
    params.restore(snap);
    expect(values(params.get('a.weight'))).toEqual(Array.from(snap.get('a.weight')!.values));

    const copy = params.clone({ trainable: false });
    expect(copy.names()).toEqual(params.names());
    expect(copy.count(true)).toBe(0);
    params.get('a.bias').assign(tf.ones([4]));
    expect(values(copy.get('a.bias'))).toEqual([0, 0, 0, 0]); // a copy, not an alias

    const before = tf.memory().numTensors;
    copy.dispose();
    params.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
    expect(() => params.add('y', [1], new Float32Array(1))).toThrow(/disposed/);
  });

  it('initialisers are seeded, have the right spread, and truncate at 2 std', () => {
    const a = truncatedNormal(20000, 7);
    expect(Array.from(truncatedNormal(20000, 7))).toEqual(Array.from(a));
    expect(Array.from(truncatedNormal(100, 8))).not.toEqual(Array.from(a.subarray(0, 100)));
    const max = a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(max).toBeLessThanOrEqual(0.04 + 1e-7);
    const std = Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    expect(std).toBeGreaterThan(0.0170); // truncated N(0, 0.02): std 0.0176
    expect(std).toBeLessThan(0.0182);
    const x = xavierUniform(10000, 30, 50, 3);
    const bound = Math.sqrt(6 / 80);
    expect(x.every((v) => Math.abs(v) <= bound)).toBe(true);
    expect(x.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeGreaterThan(0.95 * bound);
    const h = heNormal(20000, 50, 4);
    const hStd = Math.sqrt(h.reduce((s, v) => s + v * v, 0) / h.length);
    expect(hStd).toBeCloseTo(Math.sqrt(2 / 50), 2);
    expect(paramSeed(1, 'a.weight')).not.toBe(paramSeed(1, 'b.weight'));
    expect(paramSeed(1, 'a.weight')).toBe(paramSeed(1, 'a.weight'));
  });

  it('the same seed builds the same weights; adding a layer leaves the others unchanged', () => {
    const build = (extra: boolean) => {
      const params = new Params(tf);
      if (extra) createLinear(params, 'extra', { inFeatures: 4, outFeatures: 4, seed: 9 });
      createTransformer(params, 'enc', { layers: 1, dim: 8, heads: 2, seed: 9 });
      const snap = params.snapshot();
      params.dispose();
      return snap;
    };
    const a = build(false);
    const b = build(true);
    for (const [name, t] of a) expect(Array.from(b.get(name)!.values)).toEqual(Array.from(t.values));
  });
});

describe('layers', () => {
  it('linear: fused bias, any leading shape, no-bias variant', () => {
    const params = new Params(tf);
    const lin = createLinear(params, 'l', { inFeatures: 3, outFeatures: 2, seed: 1 });
    params.get('l.bias').assign(tf.tensor1d([1, -1]));
    const x = tf.tensor(randomValues(2 * 5 * 3, 2), [2, 5, 3]);
    const y = lin.apply(x);
    expect(y.shape).toEqual([2, 5, 2]);
    const expected = tf.add(tf.matMul(tf.reshape(x, [10, 3]), params.get('l.weight')), params.get('l.bias'));
    expect(values(y)).toEqual(values(expected).map((v) => expect.closeTo(v, 6)));
    const relu = lin.apply(tf.reshape(x, [10, 3]) as tfTypes.Tensor2D, { activation: 'relu' });
    expect(values(relu)).toEqual(values(expected).map((v) => expect.closeTo(Math.max(0, v), 6)));
    const noBias = createLinear(params, 'nb', { inFeatures: 3, outFeatures: 2, bias: false, seed: 1 });
    expect(params.has('nb.bias')).toBe(false);
    expect(noBias.apply(x).shape).toEqual([2, 5, 2]);
    params.dispose();
  });

  it("dense: the written gradient (bias as a column-sum matmul, ReLU mask) equals tfjs' autodiff", () => {
    const x = tf.tensor2d(randomValues(6 * 4, 30), [6, 4]);
    const w = tf.tensor2d(randomValues(4 * 3, 31), [4, 3]);
    const b = tf.tensor1d(randomValues(3, 32, 0.5));
    const up = tf.tensor2d(randomValues(6 * 3, 33), [6, 3]);
    for (const activation of ['linear', 'relu'] as const) {
      const ours = tf.grads((xx: tfTypes.Tensor, ww: tfTypes.Tensor, bb: tfTypes.Tensor) =>
        tf.sum(tf.mul(up, dense(tf, xx as tfTypes.Tensor2D, ww as tfTypes.Tensor2D, bb as tfTypes.Tensor1D, activation))),
      )([x, w, b]);
      const plain = tf.grads((xx: tfTypes.Tensor, ww: tfTypes.Tensor, bb: tfTypes.Tensor) => {
        const y = tf.add(tf.matMul(xx as tfTypes.Tensor2D, ww as tfTypes.Tensor2D), bb);
        return tf.sum(tf.mul(up, activation === 'relu' ? tf.relu(y) : y));
      })([x, w, b]);
      for (let i = 0; i < 3; i++) expect(values(ours[i]!)).toEqual(values(plain[i]!).map((v) => expect.closeTo(v, 5)));
    }
    const noBias = tf.grads((xx: tfTypes.Tensor, ww: tfTypes.Tensor) => tf.sum(dense(tf, xx as tfTypes.Tensor2D, ww as tfTypes.Tensor2D, undefined)))([x, w]);
    expect(noBias).toHaveLength(2);
  });

  it('embeddings: token lookup, tied logits, positions for T ≤ maxLength', () => {
    const params = new Params(tf);
    const tok = createEmbedding(params, 'tok', { vocabSize: 10, dim: 4, seed: 1 });
    const pos = createPositionalEmbedding(params, 'pos', { maxLength: 6, dim: 4, seed: 1 });
    const ids = tf.tensor2d([[1, 2, 3], [9, 0, 1]], [2, 3], 'int32');
    const e = tok.apply(ids) as tfTypes.Tensor3D;
    expect(e.shape).toEqual([2, 3, 4]);
    const table = params.get('tok.weight').arraySync() as number[][];
    expect(Array.from(e.arraySync()[1]![0]!)).toEqual(table[9]!.map((v) => expect.closeTo(v, 7)));
    const withPos = pos.apply(e);
    const posTable = params.get('pos.weight').arraySync() as number[][];
    expect(withPos.arraySync()[0]![2]![1]).toBeCloseTo(table[3]![1]! + posTable[2]![1]!, 6);
    expect(() => pos.apply(tf.zeros([1, 7, 4]) as tfTypes.Tensor3D)).toThrow(/exceeds the 6 learned positions/);
    expect(tok.attend(tf.zeros([5, 4]) as tfTypes.Tensor2D).shape).toEqual([5, 10]);
    params.dispose();
  });

  it('LayerNorm matches its closed form, and its gradient matches autodiff of the naive formula', () => {
    const params = new Params(tf);
    const ln = createLayerNorm(params, 'ln', { dim: 5 });
    params.get('ln.weight').assign(tf.tensor1d([1, 2, 0.5, -1, 3]));
    params.get('ln.bias').assign(tf.tensor1d([0, 0.1, -0.2, 0.3, 1]));
    const data = randomValues(3 * 4 * 5, 5, 3);
    const x = tf.tensor(data, [3, 4, 5]);
    const y = values(ln.apply(x));
    const gamma = [1, 2, 0.5, -1, 3];
    const beta = [0, 0.1, -0.2, 0.3, 1];
    for (let row = 0; row < 12; row++) {
      const xs = Array.from(data.subarray(row * 5, row * 5 + 5), Number);
      const mean = xs.reduce((a, b) => a + b, 0) / 5;
      const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / 5;
      for (let j = 0; j < 5; j++) {
        expect(y[row * 5 + j]).toBeCloseTo(((xs[j]! - mean) / Math.sqrt(variance + 1e-5)) * gamma[j]! + beta[j]!, 5);
      }
    }
    // Gradients (x, γ, β) of Σ w·LN(x) against tf's autodiff of the plain formula.
    const w = tf.tensor(randomValues(60, 6), [3, 4, 5]);
    const g = params.get('ln.weight');
    const b = params.get('ln.bias');
    const naive = (xx: tfTypes.Tensor, gg: tfTypes.Tensor, bb: tfTypes.Tensor) => {
      const mean = tf.mean(xx, -1, true);
      const variance = tf.mean(tf.square(tf.sub(xx, mean)), -1, true);
      return tf.sum(tf.mul(w, tf.add(tf.mul(tf.div(tf.sub(xx, mean), tf.sqrt(tf.add(variance, 1e-5))), gg), bb)));
    };
    const ours = (xx: tfTypes.Tensor, gg: tfTypes.Tensor, bb: tfTypes.Tensor) => tf.sum(tf.mul(w, layerNorm(tf, xx, gg, bb)));
    const gn = tf.grads(naive)([x, g, b]);
    const go = tf.grads(ours)([x, g, b]);
    for (let i = 0; i < 3; i++) expect(values(go[i]!)).toEqual(values(gn[i]!).map((v) => expect.closeTo(v, 4)));
    params.dispose();
  });

  it('GELU (erf) and its tanh approximation match the closed forms and their derivatives', () => {
    const xs = [-4, -2.5, -1, -0.3, 0, 0.2, 0.7, 1.5, 3, 4];
    const x = tf.tensor1d(xs);
    const exact = values(gelu(tf, x));
    const approx = values(geluTanh(tf, x));
    xs.forEach((v, i) => {
      expect(exact[i]).toBeCloseTo(0.5 * v * (1 + erf(v / Math.SQRT2)), 6);
      const c = Math.sqrt(2 / Math.PI);
      expect(approx[i]).toBeCloseTo(0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v ** 3))), 6);
    });
    // Derivatives against central differences of the float64 closed forms.
    const f64 = (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2));
    const t64 = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    const d = (f: (v: number) => number, v: number) => (f(v + 1e-5) - f(v - 1e-5)) / 2e-5;
    const ge = values(tf.grad((t: tfTypes.Tensor) => tf.sum(gelu(tf, t)))(x));
    const gt = values(tf.grad((t: tfTypes.Tensor) => tf.sum(geluTanh(tf, t)))(x));
    xs.forEach((v, i) => {
      expect(ge[i]).toBeCloseTo(d(f64, v), 5);
      expect(gt[i]).toBeCloseTo(d(t64, v), 5);
    });
  });

  it('dropout masks are seeded, inverted, and near the asked rate', () => {
    const m = dropoutMask(10000, 0.25, 3);
    expect(Array.from(dropoutMask(10000, 0.25, 3))).toEqual(Array.from(m));
    expect(Array.from(dropoutMask(100, 0.25, 4))).not.toEqual(Array.from(m.subarray(0, 100)));
    const kept = m.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(kept.length / m.length).toBeGreaterThan(0.73);
    expect(kept.length / m.length).toBeLessThan(0.77);
    expect(() => dropoutMask(3, 1, 1)).toThrow(ValidationError);
  });
});

describe('attention', () => {
  const B = 2;
  const T = 6;
  const D = 8;

  it('shapes, dim/heads validation, and the causal bias', () => {
    const params = new Params(tf);
    const attn = createAttention(params, 'attn', { dim: D, heads: 2, seed: 3 });
    expect(params.get('attn.qkv.weight').shape).toEqual([D, 3 * D]);
    expect(attn.apply(tf.zeros([B, T, D]) as tfTypes.Tensor3D).shape).toEqual([B, T, D]);
    expect(() => createAttention(params, 'bad', { dim: 10, heads: 3, seed: 1 })).toThrow(/3 heads do not divide dim 10/);
    const c = causalBias(3);
    expect(Array.from(c)).toEqual([0, MASKED, MASKED, 0, 0, MASKED, 0, 0, 0]);
    expect(attentionBias(tf, T, undefined)).toBeNull();
    expect(() => attentionBias(tf, T, { keyPadding: tf.zeros([B, T + 1]) })).toThrow(/keyPadding/);
    params.dispose();
  });

  it('equals a per-head reference computed in JS', () => {
    const params = new Params(tf);
    const heads = 2;
    const dh = D / heads;
    const attn = createAttention(params, 'attn', { dim: D, heads, seed: 4 });
    params.get('attn.qkv.bias').assign(tf.tensor1d(randomValues(3 * D, 11, 0.1)));
    const xData = randomValues(B * T * D, 12);
    const x = tf.tensor3d(xData, [B, T, D]);
    const y = values(attn.apply(x, { bias: attentionBias(tf, T, { causal: true }) }));
    const Wqkv = params.get('attn.qkv.weight').arraySync() as number[][];
    const bqkv = values(params.get('attn.qkv.bias'));
    const Wo = params.get('attn.out.weight').arraySync() as number[][];
    for (let b = 0; b < B; b++) {
      const proj = Array.from({ length: T }, (_, t) =>
        Array.from({ length: 3 * D }, (_, o) => bqkv[o]! + Array.from({ length: D }, (_, i) => xData[(b * T + t) * D + i]! * Wqkv[i]![o]!).reduce((a, c) => a + c, 0)),
      );
      for (let t = 0; t < T; t++) {
        const ctx = new Array<number>(D).fill(0);
        for (let h = 0; h < heads; h++) {
          const q = (s: number, j: number) => proj[s]![h * dh + j]!;
          const k = (s: number, j: number) => proj[s]![D + h * dh + j]!;
          const v = (s: number, j: number) => proj[s]![2 * D + h * dh + j]!;
          const scores = Array.from({ length: t + 1 }, (_, s) => Array.from({ length: dh }, (_, j) => q(t, j) * k(s, j)).reduce((a, c) => a + c, 0) / Math.sqrt(dh));
          const max = Math.max(...scores);
          const e = scores.map((s) => Math.exp(s - max));
          const z = e.reduce((a, c) => a + c, 0);
          for (let j = 0; j < dh; j++) ctx[h * dh + j] = e.reduce((a, p, s) => a + (p / z) * v(s, j), 0);
        }
        for (let o = 0; o < D; o++) {
          const ref = ctx.reduce((a, c, i) => a + c * Wo[i]![o]!, 0); // out bias is zero
          expect(y[(b * T + t) * D + o]).toBeCloseTo(ref, 5);
        }
      }
    }
    params.dispose();
  });

  it('causal: perturbing future tokens leaves earlier outputs unchanged (and changes later ones)', () => {
    const params = new Params(tf);
    const enc = createTransformer(params, 'enc', { layers: 2, dim: D, heads: 2, seed: 5 });
    const a = randomValues(B * T * D, 20);
    const b = Float32Array.from(a);
    const cut = 3;
    for (let bb = 0; bb < B; bb++) for (let t = cut; t < T; t++) for (let i = 0; i < D; i++) b[(bb * T + t) * D + i] = a[(bb * T + t) * D + i]! + 5 * Math.sin(t + i);
    const run = (data: Float32Array, causal: boolean) =>
      enc.apply(tf.tensor3d(data, [B, T, D]), { mask: { causal } }).arraySync();
    const ya = run(a, true);
    const yb = run(b, true);
    for (let bb = 0; bb < B; bb++) {
      for (let t = 0; t < cut; t++) expect(yb[bb]![t]).toEqual(ya[bb]![t]);
      expect(yb[bb]![cut]![0]).not.toBeCloseTo(ya[bb]![cut]![0]!, 3);
    }
    // Without the mask the past does see the future.
    expect(run(b, false)[0]![0]![0]).not.toBeCloseTo(run(a, false)[0]![0]![0]!, 3);
    params.dispose();
  });

  it('key padding: padded keys are ignored; an additive mask acts the same', () => {
    const params = new Params(tf);
    const enc = createTransformer(params, 'enc', { layers: 1, dim: D, heads: 2, seed: 6 });
    const valid = [4, 6];
    const padding = tf.tensor2d(valid.flatMap((n) => Array.from({ length: T }, (_, t) => (t >= n ? 1 : 0))), [B, T], 'bool');
    const a = randomValues(B * T * D, 21);
    const b = Float32Array.from(a);
    for (let t = 4; t < T; t++) for (let i = 0; i < D; i++) b[t * D + i] = 9 * Math.cos(t * i); // only batch 0's padding
    const ya = enc.apply(tf.tensor3d(a, [B, T, D]), { mask: { keyPadding: padding } }).arraySync();
    const yb = enc.apply(tf.tensor3d(b, [B, T, D]), { mask: { keyPadding: padding } }).arraySync();
    for (let t = 0; t < 4; t++) for (let i = 0; i < D; i++) expect(yb[0]![t]![i]).toBeCloseTo(ya[0]![t]![i]!, 5);
    expect(yb[1]).toEqual(ya[1]);
    // The same mask given as an additive [B, 1, 1, T] bias.
    const additive = tf.reshape(tf.mul(tf.cast(padding, 'float32'), MASKED), [B, 1, 1, T]);
    const yc = enc.apply(tf.tensor3d(a, [B, T, D]), { mask: { additive } }).arraySync();
    for (let t = 0; t < T; t++) for (let i = 0; i < D; i++) expect(yc[0]![t]![i]).toBeCloseTo(ya[0]![t]![i]!, 5);
    params.dispose();
  });

  it('attention dropout is seeded and only active while training', () => {
    const params = new Params(tf);
    const enc = createTransformer(params, 'enc', { layers: 1, dim: D, heads: 2, attentionDropout: 0.5, residualDropout: 0.1, seed: 7 });
    const x = tf.tensor3d(randomValues(B * T * D, 22), [B, T, D]);
    const plain = values(enc.apply(x));
    expect(values(enc.apply(x, { training: false, dropoutSeed: 1 }))).toEqual(plain);
    const d1 = values(enc.apply(x, { training: true, dropoutSeed: 1 }));
    expect(values(enc.apply(x, { training: true, dropoutSeed: 1 }))).toEqual(d1);
    expect(d1).not.toEqual(plain);
    expect(values(enc.apply(x, { training: true, dropoutSeed: 2 }))).not.toEqual(d1);
    expect(() => enc.apply(x, { training: true })).toThrow(/needs a seed/);
    params.dispose();
  });

  it('runs on another collection of the same names ({ params })', () => {
    const params = new Params(tf);
    const enc = createTransformer(params, 'enc', { layers: 1, dim: D, heads: 2, seed: 8 });
    const copy = params.clone();
    const x = tf.tensor3d(randomValues(B * T * D, 23), [B, T, D]);
    const before = values(enc.apply(x));
    params.get('enc.blocks.0.mlp.fc2.bias').assign(tf.fill([D], 0.5));
    expect(values(enc.apply(x, { params: copy }))).toEqual(before);
    expect(values(enc.apply(x))).not.toEqual(before);
    params.dispose();
    copy.dispose();
  });
});

describe('conv blocks', () => {
  it("1-D and 2-D blocks: 'same' padding, stride, dilation, separable, norms", () => {
    const params = new Params(tf);
    const c1 = createConvBlock1d(params, 'c1', { inChannels: 3, outChannels: 5, kernelSize: 5, stride: 2, seed: 1 });
    expect(c1.apply(tf.ones([2, 17, 3]) as tfTypes.Tensor3D).shape).toEqual([2, 9, 5]);
    expect(params.get('c1.conv.weight').shape).toEqual([1, 5, 3, 5]);
    expect(params.has('c1.conv.bias')).toBe(false); // the norm's shift replaces it
    const d1 = createConvBlock1d(params, 'd1', { inChannels: 3, outChannels: 4, kernelSize: 3, dilation: 4, norm: 'none', activation: 'relu', seed: 1 });
    const y = d1.apply(tf.tensor3d(randomValues(2 * 20 * 3, 3), [2, 20, 3]));
    expect(y.shape).toEqual([2, 20, 4]);
    expect(values(y).every((v) => v >= 0)).toBe(true);
    const c2 = createConvBlock2d(params, 'c2', { inChannels: 4, outChannels: 6, kernelSize: 3, stride: 2, separable: true, activation: 'relu', seed: 2 });
    expect(params.get('c2.depthwise.weight').shape).toEqual([3, 3, 4, 1]);
    expect(params.get('c2.pointwise.weight').shape).toEqual([1, 1, 4, 6]);
    const z = c2.apply(tf.tensor4d(randomValues(2 * 9 * 10 * 4, 4), [2, 9, 10, 4]));
    expect(z.shape).toEqual([2, 5, 5, 6]);
    expect(values(z).every((v) => v >= 0)).toBe(true);
    const g = createConvBlock2d(params, 'g', { inChannels: 2, outChannels: 3, kernelSize: [3, 5], norm: 'none', activation: 'gelu', seed: 3 });
    expect(g.apply(tf.ones([1, 6, 7, 2]) as tfTypes.Tensor4D).shape).toEqual([1, 6, 7, 3]);
    expect(params.get('g.conv.bias').shape).toEqual([3]);
    expect(() => createConvBlock2d(params, 'bad', { inChannels: 1, outChannels: 1, kernelSize: 3, stride: 2, dilation: 2, seed: 1 })).toThrow(
      /stride > 1 cannot be combined/,
    );
    // A 1×1 conv block without norm equals a linear map over channels.
    const pw = createConvBlock1d(params, 'pw', { inChannels: 3, outChannels: 2, kernelSize: 1, norm: 'none', activation: 'linear', seed: 4 });
    const x = tf.tensor3d(randomValues(4 * 3, 5), [1, 4, 3]);
    const expected = tf.matMul(tf.reshape(x, [4, 3]), tf.reshape(params.get('pw.conv.weight'), [3, 2]));
    expect(values(pw.apply(x))).toEqual(values(expected).map((v) => expect.closeTo(v, 6)));
    params.dispose();
  });
});
