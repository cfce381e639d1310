/**
 * The WebGPU backend (tfjs-backend-webgpu on Dawn) against the plain-JavaScript cpu backend: op-level
 * forward results, then a tiny model (embedding gather → conv1d → 2-layer MLP) trained from the same
 * seeded weights on the same data with SGD and Adam, comparing loss curves and final weights.
 *
 * Without a GPU this runs on the software adapter (Mesa llvmpipe through Dawn's OpenGL ES backend,
 * compatibility feature level); with one it runs on the GPU. It skips only when Dawn finds neither.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { activateBackend, releaseWebGpu, searchWebGpuAdapters, type Tfjs } from '../../main/compute/index.js';
import { seededRandom } from '../../shared/random.js';

const search = await searchWebGpuAdapters({ software: true });
const SKIP_REASON = `Dawn found no WebGPU adapter, not even a software one: ${search.detail}`;

type Backend = 'cpu' | 'webgpu';

async function useBackend(backend: Backend): Promise<Tfjs> {
  // cpuForward off: small ops would otherwise run on tfjs's CPU kernels, and this test would
  // compare cpu with cpu.
  return activateBackend(backend, { webgpu: { software: true, cpuForward: false } });
}

function seededArray(length: number, seed: number, scale = 1): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length }, () => (random() * 2 - 1) * scale);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function maxAbs(a: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]!));
  return max;
}

// ---- op level ----

interface OpResults {
  matMul: Float32Array;
  matMulTransposed: Float32Array;
  conv1d: Float32Array;
  gather: Float32Array;
  gatherGrad: Float32Array;
  logSoftmax: Float32Array;
  sumLarge: Float32Array;
  expLog: Float32Array;
}

const A = seededArray(37 * 53, 1);
const B = seededArray(53 * 29, 2);
const SIGNAL = seededArray(2 * 40 * 3, 3);
const FILTER = seededArray(5 * 3 * 4, 4, 0.5);
const TABLE = seededArray(11 * 6, 5);
const INDICES = Int32Array.from([3, 0, 10, 3, 7, 3, 1]);
const LOGITS = seededArray(8 * 10, 6, 20);
const LARGE = seededArray(70_000, 7);

async function opResults(backend: Backend): Promise<OpResults> {
  const tf = await useBackend(backend);
  const read = async (make: () => import('@tensorflow/tfjs').Tensor): Promise<Float32Array> => {
    const tensor = tf.tidy(make);
    const values = (await tensor.data()) as Float32Array;
    tensor.dispose();
    return values;
  };
  const a = tf.tensor2d(A, [37, 53]);
  const b = tf.tensor2d(B, [53, 29]);
  const results: OpResults = {
    matMul: await read(() => tf.matMul(a, b)),
    // The transposed-operand path is what every backward pass of a dense layer runs.
    matMulTransposed: await read(() => tf.matMul(b, a, true, true)),
    conv1d: await read(() => {
      const signal = tf.tensor3d(SIGNAL, [2, 40, 3]);
      const filter = tf.tensor3d(FILTER, [5, 3, 4]);
      // Strided and dilated: the two index paths of the conv shaders.
      return tf.concat([tf.conv1d(signal, filter, 2, 'same').flatten(), tf.conv1d(signal, filter, 1, 'valid', 'NWC', 2).flatten()]);
    }),
    gather: await read(() => tf.gather(tf.tensor2d(TABLE, [11, 6]), tf.tensor1d(INDICES, 'int32'))),
    // The embedding gradient: UnsortedSegmentSum, which the wasm backend lacks.
    gatherGrad: await read(() => {
      const grad = tf.grad((table: import('@tensorflow/tfjs').Tensor) =>
        tf.gather(table, tf.tensor1d(INDICES, 'int32')).mul(tf.range(0, INDICES.length * 6).reshape([INDICES.length, 6])).sum(),
      );
      return grad(tf.tensor2d(TABLE, [11, 6]));
    }),
    logSoftmax: await read(() => tf.logSoftmax(tf.tensor2d(LOGITS, [8, 10]))),
    sumLarge: await read(() => tf.sum(tf.tensor1d(LARGE))),
    expLog: await read(() => tf.log(tf.exp(tf.tensor1d(LOGITS).div(4)).add(1))),
  };
  a.dispose();
  b.dispose();
  return results;
}

// ---- a tiny model ----

const VOCAB = 12;
const EMBED = 6;
const STEPS_T = 10;
const BATCH = 16;
const KERNEL = 3;
const CHANNELS = 8;
const HIDDEN = 16;
const CLASSES = 3;
const TRAIN_STEPS = 30;

const PARAM_SHAPES: Record<string, number[]> = {
  embedding: [VOCAB, EMBED],
  filter: [KERNEL, EMBED, CHANNELS],
  convBias: [CHANNELS],
  w1: [CHANNELS, HIDDEN],
  b1: [HIDDEN],
  w2: [HIDDEN, CLASSES],
  b2: [CLASSES],
};

function initialWeights(): Record<string, Float32Array> {
  const weights: Record<string, Float32Array> = {};
  let seed = 100;
  for (const [name, shape] of Object.entries(PARAM_SHAPES)) {
    const fanIn = shape.length > 1 ? shape.slice(0, -1).reduce((p, d) => p * d, 1) : 1;
    const scale = shape.length > 1 ? Math.sqrt(3 / fanIn) : 0.1;
    weights[name] = seededArray(shape.reduce((p, d) => p * d, 1), seed++, scale);
  }
  return weights;
}

/** Token sequences whose class is decided by which of three tokens occurs most. */
function trainingData(): { tokens: Int32Array; labels: Float32Array } {
  const random = seededRandom(42);
  const tokens = new Int32Array(BATCH * STEPS_T);
  const labels = new Float32Array(BATCH * CLASSES);
  for (let b = 0; b < BATCH; b++) {
    const counts = [0, 0, 0];
    for (let t = 0; t < STEPS_T; t++) {
      const token = Math.floor(random() * VOCAB);
      tokens[b * STEPS_T + t] = token;
      if (token < CLASSES) counts[token]!++;
    }
    labels[b * CLASSES + counts.indexOf(Math.max(...counts))] = 1;
  }
  return { tokens, labels };
}

interface TrainResult {
  losses: number[];
  weights: Record<string, Float32Array>;
}

async function train(backend: Backend, optimizerName: 'sgd' | 'adam'): Promise<TrainResult> {
  const tf = await useBackend(backend);
  const start = initialWeights();
  const params = Object.fromEntries(
    Object.entries(PARAM_SHAPES).map(([name, shape]) => [name, tf.variable(tf.tensor(start[name]!, shape), true, `${backend}-${optimizerName}-${name}`)]),
  );
  const { tokens, labels } = trainingData();
  const x = tf.tensor2d(tokens, [BATCH, STEPS_T], 'int32');
  const y = tf.tensor2d(labels, [BATCH, CLASSES]);
  const p = (name: string) => params[name]!;
  const loss = (): import('@tensorflow/tfjs').Scalar =>
    tf.tidy(() => {
      const embedded = tf.gather(p('embedding'), x.flatten()).reshape([BATCH, STEPS_T, EMBED]) as import('@tensorflow/tfjs').Tensor3D;
      const conv = tf.relu(tf.conv1d(embedded, p('filter') as import('@tensorflow/tfjs').Tensor3D, 1, 'same').add(p('convBias')));
      const pooled = conv.mean(1);
      const hidden = tf.relu(tf.matMul(pooled as import('@tensorflow/tfjs').Tensor2D, p('w1') as import('@tensorflow/tfjs').Tensor2D).add(p('b1')));
      const logits = tf.matMul(hidden, p('w2') as import('@tensorflow/tfjs').Tensor2D).add(p('b2'));
      return tf.losses.softmaxCrossEntropy(y, logits) as import('@tensorflow/tfjs').Scalar;
    });
  // Adam's epsilon is raised from 1e-7 so that float32 noise in a near-zero gradient is not divided
  // by its own near-zero root mean square and turned into a full-size step.
  const optimizer = optimizerName === 'sgd' ? tf.train.sgd(0.5) : tf.train.adam(0.02, 0.9, 0.999, 1e-4);
  const losses: number[] = [];
  for (let step = 0; step < TRAIN_STEPS; step++) {
    const value = optimizer.minimize(loss, true, Object.values(params));
    losses.push((await value!.data())[0]!);
    value!.dispose();
  }
  const weights: Record<string, Float32Array> = {};
  for (const [name, variable] of Object.entries(params)) weights[name] = (await variable.data()) as Float32Array;
  optimizer.dispose();
  for (const variable of Object.values(params)) variable.dispose();
  x.dispose();
  y.dispose();
  return { losses, weights };
}

describe('webgpu backend (Dawn) vs cpu', () => {
  afterAll(() => releaseWebGpu());

  it('uses the adapter the search reports', async (ctx) => {
    if (!search.adapter) return ctx.skip(SKIP_REASON);
    const tf = await useBackend('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    console.info(`webgpu test adapter: ${search.detail}`);
    expect(search.adapter.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(1 << 27);
  });

  it('computes the same forward results as cpu, op by op', async (ctx) => {
    if (!search.adapter) return ctx.skip(SKIP_REASON);
    const cpu = await opResults('cpu');
    const gpu = await opResults('webgpu');
    const report: Record<string, number> = {};
    for (const key of Object.keys(cpu) as (keyof OpResults)[]) report[key] = maxAbsDiff(gpu[key], cpu[key]);
    console.info('webgpu − cpu max |Δ| per op', report);
    // Float64 truth for one matmul entry, so the pair is checked against more than each other.
    let expected = 0;
    for (let k = 0; k < 53; k++) expected += A[5 * 53 + k]! * B[k * 29 + 7]!;
    expect(gpu.matMul[5 * 29 + 7]).toBeCloseTo(expected, 4);
    // Measured on llvmpipe: matMul 1.7e-6, conv1d 2.4e-7, logSoftmax 1.9e-6, sum of 70 000 1.5e-5,
    // exp/log 4.8e-7; gather and its gradient exact. Bounds leave ~5× room for other summation orders.
    // Sums of ~50 products of size ≤ 1: float32 rounding differs with summation order.
    expect(report.matMul).toBeLessThan(1e-5);
    expect(report.matMulTransposed).toBeLessThan(1e-5);
    expect(report.conv1d).toBeLessThan(1e-5);
    // Gather copies values; its gradient (a segment sum) adds at most three terms per row.
    expect(report.gather).toBe(0);
    expect(report.gatherGrad).toBeLessThan(1e-5);
    // Log-softmax of logits up to ±20: relative to the largest output.
    expect(report.logSoftmax).toBeLessThan(1e-6 * maxAbs(cpu.logSoftmax) * 10);
    // 70 000 terms of |x| ≤ 1 summed in another order (tree vs sequential).
    expect(report.sumLarge).toBeLessThan(1e-4);
    expect(report.expLog).toBeLessThan(1e-6 * maxAbs(cpu.expLog) * 5);
  });

  for (const optimizer of ['sgd', 'adam'] as const) {
    it(`trains the same model with ${optimizer}: loss curves and final weights match cpu`, async (ctx) => {
      if (!search.adapter) return ctx.skip(SKIP_REASON);
      const cpu = await train('cpu', optimizer);
      const gpu = await train('webgpu', optimizer);
      // The model learns: the loss falls on both.
      expect(cpu.losses.at(-1)!).toBeLessThan(cpu.losses[0]! * 0.8);
      const lossDiff = maxAbsDiff(gpu.losses, cpu.losses);
      const weightDiff = Object.fromEntries(
        Object.keys(cpu.weights).map((name) => [name, maxAbsDiff(gpu.weights[name]!, cpu.weights[name]!)]),
      );
      console.info(`${optimizer}: max |Δloss| ${lossDiff.toExponential(2)}, max |Δweight|`, weightDiff);
      // Measured on llvmpipe after 30 steps: loss 1.2e-7 (SGD and Adam), weights ≤ 2.3e-7 (SGD) and
      // ≤ 8.5e-7 (Adam) on weights of size ~1 — float32 rounding, not a kernel difference.
      expect(lossDiff).toBeLessThan(1e-5);
      for (const name of Object.keys(cpu.weights)) expect(weightDiff[name]).toBeLessThan(1e-5);
    });
  }
});
