/**
 * main/compute/nn optimisation pieces on the cpu backend: AdamW against a float64 transcription of
 * torch.optim.AdamW (decoupled decay, bias correction, the no-decay rule, a changing lr), the
 * warm-up + cosine schedule at known steps, global-norm clipping as clip_grad_norm_, the clip
 * folded into AdamW, and the EMA with and without decay warm-up.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { AdamW, Ema, Params, clipGradNorm, cosineSchedule, scaleGrads, trainStep } from '../../main/compute/nn/index.js';
import { ValidationError } from '../../main/errors.js';

let tf: Tfjs;
beforeAll(async () => {
  tf = await activateBackend('cpu');
});

/** torch.optim.AdamW.step for one tensor, in float64 (torch/optim/adamw.py, _single_tensor_adamw). */
class TorchAdamWReference {
  m: number[];
  v: number[];
  t = 0;
  constructor(
    public p: number[],
    readonly beta1: number,
    readonly beta2: number,
    readonly eps: number,
    readonly weightDecay: number,
  ) {
    this.m = p.map(() => 0);
    this.v = p.map(() => 0);
  }
  step(grad: number[], lr: number): void {
    this.t++;
    this.p = this.p.map((x) => x * (1 - lr * this.weightDecay)); // param.mul_(1 - lr * weight_decay)
    this.m = this.m.map((m, i) => m + (grad[i]! - m) * (1 - this.beta1)); // exp_avg.lerp_(grad, 1 - beta1)
    this.v = this.v.map((v, i) => v * this.beta2 + (1 - this.beta2) * grad[i]! * grad[i]!);
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2 = 1 - this.beta2 ** this.t;
    const stepSize = lr / bc1;
    const bc2Sqrt = Math.sqrt(bc2);
    this.p = this.p.map((x, i) => x - (stepSize * this.m[i]!) / (Math.sqrt(this.v[i]!) / bc2Sqrt + this.eps));
  }
}

/** Gradient of L = Σ ½c·p² + d·p: c·p + d. */
const quadGrad = (p: number[], c: number[], d: number[]) => p.map((x, i) => c[i]! * x + d[i]!);

function expectClose(actual: ArrayLike<number>, expected: number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(e))));
}

describe('AdamW', () => {
  it('matches torch.optim.AdamW step by step (weight decay, bias correction, no-decay params, lr schedule)', () => {
    const params = new Params(tf);
    const w0 = [0.5, -1.2, 2.0, 0.03, -0.7, 1.1];
    const b0 = [0.2, -0.4, 0.9];
    params.add('w', [2, 3], Float32Array.from(w0), { role: 'weight' });
    params.add('b', [3], Float32Array.from(b0), { role: 'bias' });
    const cw = [1, 2, 0.5, 3, 1.5, 0.2];
    const dw = [0.1, -0.3, 0.2, 0, 0.5, -0.1];
    const cb = [2, 1, 4];
    const db = [-0.2, 0.1, 0.3];
    const config = { lr: 0.05, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };
    const opt = new AdamW(params, config);
    expect(opt.isDecayed('w')).toBe(true);
    expect(opt.isDecayed('b')).toBe(false);
    const refW = new TorchAdamWReference(w0, 0.9, 0.95, 1e-8, 0.1);
    const refB = new TorchAdamWReference(b0, 0.9, 0.95, 1e-8, 0); // the no-decay group
    const lrs = [0.01, 0.02, 0.05, 0.05, 0.03, 0.01, 0.004];
    for (const lr of lrs) {
      const gw = quadGrad(Array.from(params.get('w').dataSync()), cw, dw);
      const gb = quadGrad(Array.from(params.get('b').dataSync()), cb, db);
      const grads = new Map<string, tfTypes.Tensor>([
        ['w', tf.tensor(gw, [2, 3])],
        ['b', tf.tensor(gb, [3])],
      ]);
      opt.update(grads, { lr });
      grads.forEach((g) => g.dispose());
      refW.step(gw, lr);
      refB.step(gb, lr);
      expectClose(params.get('w').dataSync(), refW.p, 2e-6);
      expectClose(params.get('b').dataSync(), refB.p, 2e-6);
      expectClose(opt.moments().m.get('w')!.values, refW.m, 1e-6);
      expectClose(opt.moments().v.get('b')!.values, refB.v, 1e-6);
    }
    expect(opt.step).toBe(lrs.length);
    // Decay really acted: the same run without weight decay ends elsewhere.
    const noDecay = new TorchAdamWReference(w0, 0.9, 0.95, 1e-8, 0);
    for (const lr of lrs) noDecay.step(quadGrad(noDecay.p, cw, dw), lr);
    expect(Math.abs(noDecay.p[2]! - refW.p[2]!)).toBeGreaterThan(1e-4);
    opt.dispose();
    params.dispose();
  });

  it('skips frozen parameters and honours a custom decay rule', () => {
    const params = new Params(tf);
    params.add('a', [2], new Float32Array([1, 1]), { role: 'bias' });
    params.add('frozen', [2], new Float32Array([1, 1]), { trainable: false });
    const opt = new AdamW(params, { lr: 0.1, weightDecay: 0.5, decay: () => true });
    expect(opt.moments().m.has('frozen')).toBe(false);
    opt.update(new Map([['a', tf.zeros([2])]]));
    // Zero gradient: only the decay moves the parameter, 1·(1 − 0.1·0.5).
    expectClose(params.get('a').dataSync(), [0.95, 0.95], 1e-7);
    expectClose(params.get('frozen').dataSync(), [1, 1], 0);
    opt.dispose();
    params.dispose();
  });

  it('leaves a parameter without a gradient alone, moments included (as PyTorch skips a None grad)', () => {
    const params = new Params(tf);
    params.add('a', [2], new Float32Array([1, -1]), { role: 'weight' });
    params.add('unused', [3], new Float32Array([1, 2, 3]), { role: 'weight' });
    const opt = new AdamW(params, { lr: 0.1, weightDecay: 0.1 });
    const ref = new TorchAdamWReference([1, -1], 0.9, 0.999, 1e-8, 0.1);
    for (let i = 0; i < 2; i++) {
      opt.update(new Map([['a', tf.tensor1d([0.5, 0.25])]]));
      ref.step([0.5, 0.25], 0.1);
    }
    expectClose(params.get('a').dataSync(), ref.p, 1e-6);
    expectClose(params.get('unused').dataSync(), [1, 2, 3], 0);
    expectClose(opt.moments().v.get('unused')!.values, [0, 0, 0], 0);
    expect(opt.update(new Map())).toEqual({}); // nothing to do
    expect(opt.step).toBe(2);
    opt.dispose();
    params.dispose();
  });
});

describe('schedule', () => {
  it('linear warm-up then cosine decay to the floor', () => {
    const lr = cosineSchedule({ peakLr: 1e-3, minLr: 1e-5, warmupSteps: 10, totalSteps: 110 });
    expect(lr(1)).toBeCloseTo(1e-4, 12);
    expect(lr(5)).toBeCloseTo(5e-4, 12);
    expect(lr(10)).toBeCloseTo(1e-3, 12);
    expect(lr(35)).toBeCloseTo(1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + Math.SQRT1_2), 12); // a quarter of the way
    expect(lr(60)).toBeCloseTo(5.05e-4, 12); // halfway
    expect(lr(85)).toBeCloseTo(1e-5 + 0.5 * (1e-3 - 1e-5) * (1 - Math.SQRT1_2), 12);
    expect(lr(110)).toBe(1e-5);
    expect(lr(500)).toBe(1e-5);
    for (let s = 11; s < 110; s++) expect(lr(s + 1)).toBeLessThan(lr(s));
    expect(() => cosineSchedule({ peakLr: 1, warmupSteps: 10, totalSteps: 10 })).toThrow(ValidationError);
  });
});

describe('clipping', () => {
  const grads = () =>
    new Map<string, tfTypes.Tensor>([
      ['a', tf.tensor1d([3, 0, 0])],
      ['b', tf.tensor2d([[0, 4]])],
    ]); // global norm 5

  it('as torch.nn.utils.clip_grad_norm_: factor maxNorm/(norm + 1e-6), capped at 1', () => {
    const { norm, scale } = clipGradNorm(tf, grads(), 1);
    expect(norm.dataSync()[0]).toBeCloseTo(5, 6);
    expect(scale.dataSync()[0]).toBeCloseTo(1 / (5 + 1e-6), 7);
    const clipped = scaleGrads(tf, grads(), scale);
    expectClose(clipped.get('a')!.dataSync(), [0.6, 0, 0], 1e-6);
    expectClose(clipped.get('b')!.dataSync(), [0, 0.8], 1e-6);
    const loose = clipGradNorm(tf, grads(), 10);
    expect(loose.scale.dataSync()[0]).toBe(1);
  });

  it('folded into AdamW (gradScale) equals updating with the clipped gradients', () => {
    const make = () => {
      const params = new Params(tf);
      params.add('a', [3], new Float32Array([1, 2, 3]), { role: 'weight' });
      params.add('b', [1, 2], new Float32Array([-1, 0.5]), { role: 'bias' });
      return { params, opt: new AdamW(params, { lr: 0.1, weightDecay: 0.05 }) };
    };
    const folded = make();
    const explicit = make();
    for (let i = 0; i < 3; i++) {
      const g = grads();
      const { scale } = clipGradNorm(tf, g, 0.5);
      folded.opt.update(g, { gradScale: scale });
      explicit.opt.update(scaleGrads(tf, g, scale));
    }
    for (const name of ['a', 'b']) expectClose(folded.params.get(name).dataSync(), Array.from(explicit.params.get(name).dataSync()), 1e-6);
    folded.params.dispose();
    explicit.params.dispose();
  });

  it('trainStep: loss read once, clipping, reported norm, no leaked tensors', () => {
    const params = new Params(tf);
    const p = params.add('p', [2], new Float32Array([3, -4]), { role: 'weight' });
    const opt = new AdamW(params, { lr: 0.1, weightDecay: 0 });
    const loss = () => tf.mul(0.5, tf.sum(tf.square(p))) as tfTypes.Scalar; // grad = p, norm 5
    const before = tf.memory().numTensors;
    const r = trainStep(opt, loss, { clipNorm: 1, readGradNorm: true });
    expect(r.loss).toBeCloseTo(12.5, 5);
    expect(r.gradNorm).toBeCloseTo(5, 5);
    // Adam's first step moves each coordinate by lr·sign(g) whatever the scale: clipping cannot be seen
    // here, the second step can: compare with the reference fed clipped gradients.
    const ref = new TorchAdamWReference([3, -4], 0.9, 0.999, 1e-8, 0);
    ref.step([0.6, -0.8].map((g) => g * (5 / (5 + 1e-6))), 0.1);
    expectClose(p.dataSync(), ref.p, 1e-6);
    const pNow = Array.from(p.dataSync());
    const n = Math.hypot(pNow[0]!, pNow[1]!);
    trainStep(opt, loss, { clipNorm: 1 });
    ref.step(pNow.map((g) => g * Math.min(1, 1 / (n + 1e-6))), 0.1);
    expectClose(p.dataSync(), ref.p, 1e-6);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    params.dispose();
  });
});

describe('EMA', () => {
  it('shadow ← d·shadow + (1 − d)·param, with the (1 + t)/(10 + t) warm-up', () => {
    const params = new Params(tf);
    const p = params.add('p', [2], new Float32Array([0, 10]));
    const ema = new Ema(params, { decay: 0.9 });
    expect(ema.shadow.count(true)).toBe(0);
    let ref = [0, 10];
    for (let i = 1; i <= 4; i++) {
      p.assign(tf.tensor1d([i, 10 - i]));
      ema.update();
      ref = ref.map((s, j) => 0.9 * s + 0.1 * [i, 10 - i][j]!);
      expectClose(ema.shadow.get('p').dataSync(), ref, 1e-6);
    }
    const warm = new Ema(params, { decay: 0.999, warmup: true });
    expect(warm.currentDecay()).toBeCloseTo(2 / 11, 12);
    const start = Array.from(p.dataSync());
    p.assign(tf.tensor1d([100, 100]));
    warm.update();
    expectClose(warm.shadow.get('p').dataSync(), start.map((s) => (2 / 11) * s + (9 / 11) * 100), 1e-5);
    warm.updates = 9000; // (1 + t)/(10 + t) ≥ 0.999 from t = 8991
    expect(warm.currentDecay()).toBe(0.999);
    warm.update(0.5); // an explicit (scheduled) momentum
    expect(() => new Ema(params, { decay: 1.5 })).toThrow(ValidationError);
    ema.dispose();
    warm.dispose();
    params.dispose();
  });
});
