/**
 * The training-step memory and kernel savings of main/compute (issues #19, #20):
 * - the fused AdamW / clip-norm / EMA kernels (nn/fused.ts) on wasm and cpu against a float64
 *   transcription of torch.optim.AdamW + clip_grad_norm_, with and without a gradient factor, small
 *   tensors (fused) beside a large one (ops);
 * - the frugal backward pass (gradients.ts) against tfjs's own: the same gradients, no tensor left
 *   behind, and a lower peak;
 * - wasm's Identity shares the input's memory, and the data survives the original's disposal.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { installFrugalGradients, uninstallFrugalGradients } from '../../main/compute/gradients.js';
import { AdamW, Params, createTransformer, lerpVariables } from '../../main/compute/nn/index.js';
import { seededRandom } from '../../shared/random.js';

let tf: Tfjs;
beforeAll(async () => {
  tf = await activateBackend('wasm');
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

function values(length: number, seed: number, scale = 1): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length }, () => (random() * 2 - 1) * scale);
}

/** torch.optim.AdamW (+ clip_grad_norm_ over all parameters) in float64. */
function referenceSteps(p0: Float32Array[], grads: Float32Array[][], decayed: boolean[], o: { lr: number; b1: number; b2: number; eps: number; wd: number; clip?: number }) {
  const p = p0.map((a) => Float64Array.from(a));
  const m = p0.map((a) => new Float64Array(a.length));
  const v = p0.map((a) => new Float64Array(a.length));
  grads.forEach((step, s) => {
    const t = s + 1;
    let factor = 1;
    if (o.clip !== undefined) {
      let sq = 0;
      for (const g of step) for (const x of g) sq += x * x;
      factor = Math.min(1, o.clip / (Math.sqrt(sq) + 1e-6));
    }
    step.forEach((g, i) => {
      for (let j = 0; j < g.length; j++) {
        const gj = g[j]! * factor;
        if (decayed[i]) p[i]![j]! *= 1 - o.lr * o.wd;
        m[i]![j] = o.b1 * m[i]![j]! + (1 - o.b1) * gj;
        v[i]![j] = o.b2 * v[i]![j]! + (1 - o.b2) * gj * gj;
        const mh = m[i]![j]! / (1 - o.b1 ** t);
        const vh = v[i]![j]! / (1 - o.b2 ** t);
        p[i]![j]! -= (o.lr * mh) / (Math.sqrt(vh) + o.eps);
      }
    });
  });
  return { p, m, v };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected[i]!)));
}

describe('fused AdamW, clip norm and EMA', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`on ${backend}: AdamW with clipping matches torch in float64 (fused small tensors, ops for large ones)`, async () => {
      await tf.setBackend(backend);
      const shapes = [[3, 5], [5], [7, 2], [4], [200, 200]]; // the last one large: the op path
      const p0 = shapes.map((s, i) => values(s.reduce((a, b) => a * b, 1), 10 + i));
      const params = new Params(tf);
      shapes.forEach((s, i) => params.add(`p${i}`, s, p0[i]!, { role: i % 2 === 0 ? 'weight' : 'bias' }));
      const o = { lr: 0.01, b1: 0.9, b2: 0.95, eps: 1e-8, wd: 0.1, clip: 0.5 };
      const opt = new AdamW(params, { lr: o.lr, beta1: o.b1, beta2: o.b2, eps: o.eps, weightDecay: o.wd });
      const steps = [0, 1, 2].map((s) => p0.map((a, i) => values(a.length, 100 + 10 * s + i, 2)));
      for (const step of steps) {
        const grads = new Map<string, tfTypes.Tensor>(step.map((g, i) => [`p${i}`, tf.tensor(g, shapes[i])]));
        const before = tf.memory().numTensors;
        const { gradNorm } = opt.update(grads, { clipNorm: o.clip });
        expect(gradNorm).toBeDefined();
        let sq = 0;
        for (const g of step) for (const x of g) sq += x * x;
        expect(gradNorm!.dataSync()[0]).toBeCloseTo(Math.sqrt(sq), 4);
        gradNorm!.dispose();
        expect(tf.memory().numTensors).toBe(before); // nothing left behind but the new weights
        grads.forEach((g) => g.dispose());
      }
      const ref = referenceSteps(p0, steps, [true, false, true, false, true], o);
      shapes.forEach((_, i) => expectClose(params.get(`p${i}`).dataSync(), ref.p[i]!, 2e-6));
      const { m, v } = opt.moments();
      shapes.forEach((_, i) => {
        expectClose(m.get(`p${i}`)!.values, ref.m[i]!, 1e-6);
        expectClose(v.get(`p${i}`)!.values, ref.v[i]!, 1e-6);
      });
      opt.dispose();
      params.dispose();
    });
  }

  it('a gradient factor scales the gradients as the op path does (wasm)', async () => {
    await tf.setBackend('wasm');
    const params = new Params(tf);
    params.add('w', [4], Float32Array.from([1, -2, 3, -4]), { role: 'weight' });
    const opt = new AdamW(params, { lr: 0.1, weightDecay: 0 });
    const g = [0.5, -1, 2, 0.25];
    const scale = tf.scalar(0.5);
    opt.update(new Map([['w', tf.tensor1d(g)]]), { gradScale: scale });
    const ref = referenceSteps([Float32Array.from([1, -2, 3, -4])], [[Float32Array.from(g, (x) => x * 0.5)]], [false], { lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0 });
    expectClose(params.get('w').dataSync(), ref.p[0]!, 1e-6);
    scale.dispose();
    opt.dispose();
    params.dispose();
  });

  it('lerpVariables is the EMA a + w(b − a) on wasm and cpu', async () => {
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      const a = tf.variable(tf.tensor1d([1, 2, 3, 4]), false);
      const b = tf.tensor1d([5, 6, 7, 8]);
      lerpVariables(tf, [[a, b]], 0.25);
      expectClose(a.dataSync(), [2, 3, 4, 5], 1e-7);
      a.dispose();
      b.dispose();
    }
  });
});

describe('frugal backward pass', () => {
  /** Gradients of a 2-layer transformer's summed output, with the peak bytes of the call. */
  async function transformerGrads(): Promise<{ grads: Float32Array[]; peak: number; leaked: number }> {
    const params = new Params(tf);
    const net = createTransformer(params, 't', { dim: 32, heads: 4, layers: 2, seed: 3 });
    const x = tf.tensor3d(values(4 * 24 * 32, 7), [4, 24, 32]);
    const before = tf.memory().numTensors;
    let grads: Float32Array[] = [];
    const info = await tf.profile(() => {
      const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.square(net.apply(x))) as tfTypes.Scalar, params.trainableVariables());
      grads = Object.values(g).map((t) => Float32Array.from(t.dataSync() as Float32Array));
      value.dispose();
      Object.values(g).forEach((t) => t.dispose());
    });
    const leaked = tf.memory().numTensors - before;
    x.dispose();
    params.dispose();
    return { grads, peak: info.peakBytes, leaked };
  }

  it('gives tfjs\'s gradients, leaves nothing behind and peaks lower (wasm)', async () => {
    await tf.setBackend('wasm');
    uninstallFrugalGradients(tf);
    const stock = await transformerGrads();
    installFrugalGradients(tf);
    const frugal = await transformerGrads();
    expect(frugal.leaked).toBe(0);
    expect(stock.leaked).toBe(0);
    expect(frugal.grads.length).toBe(stock.grads.length);
    frugal.grads.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(stock.grads[i]!)));
    expect(frugal.peak).toBeLessThan(stock.peak);
  });
});

describe('wasm Identity', () => {
  it('shares the memory of its input, which outlives the original', async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor1d([1, 2, 3]);
    const buffers = tf.memory().numDataBuffers; // (numBytes counts tensors, not their storage)
    const b = tf.clone(a);
    expect(tf.memory().numDataBuffers).toBe(buffers);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    b.dispose();
  });
});

