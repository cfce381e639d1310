/**
 * The gradient kernels we add to the tfjs wasm backend (main/compute/wasm/kernels), each against the
 * cpu backend's kernel on seeded random inputs over a grid of shapes, strides, paddings and channel
 * multipliers. Where the cpu kernel does not implement an attribute (dilations in the conv backprop
 * kernels), a float64 reference written from the definition stands in.
 *
 * Tolerance: |wasm − ref| ≤ 2e-5·max|ref| + 1e-6 elementwise. Both sides are float32 sums of at most
 * a few thousand products of O(1) numbers, so rounding alone stays well below 1e-5 of the largest
 * entry; a wrong tap, stride, padding side or channel shows up as an O(max|ref|) error.
 */
import type { NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { conv2dBackpropFilterConfig } from '../../main/compute/wasm/kernels/conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig, isFastConv2dBackpropInput } from '../../main/compute/wasm/kernels/conv2d-backprop-input.js';
import { registerWasmGradientKernels, WASM_GRADIENT_KERNELS } from '../../main/compute/wasm/kernels/index.js';
import { seededRandom } from '../../shared/random.js';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface Input {
  values: Float32Array | Int32Array;
  shape: number[];
}

interface Output {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype: string;
}

let tf: Tfjs;

beforeAll(async () => {
  tf = await activateBackend('wasm');
  registerWasmGradientKernels(tf);
  registerWasmGradientKernels(tf); // idempotent
});

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function randomInput(shape: number[], seed: number): Input {
  const random = seededRandom(seed);
  const values = new Float32Array(size(shape));
  for (let i = 0; i < values.length; i++) values[i] = random() * 2 - 1;
  return { values, shape };
}

/** Backend-internal allocations (wasm heap tensors), to catch intermediates a kernel forgets. */
function backendDataIds(): number {
  return (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
}

async function runKernel(
  backend: 'wasm' | 'cpu',
  kernel: string,
  inputs: Record<string, Input>,
  attrs: NamedAttrMap,
): Promise<Output> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const ids = backendDataIds();
  const tensors: Record<string, Tensor> = {};
  for (const [name, input] of Object.entries(inputs)) {
    tensors[name] = tf.tensor(input.values, input.shape, input.values instanceof Int32Array ? 'int32' : 'float32');
  }
  const out = tf.engine().runKernel(kernel, tensors, attrs) as Tensor;
  const result = { values: out.dataSync() as Float32Array | Int32Array, shape: out.shape, dtype: out.dtype };
  out.dispose();
  for (const t of Object.values(tensors)) t.dispose();
  expect(tf.memory().numTensors).toBe(before);
  expect(backendDataIds()).toBe(ids);
  return result;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  const tol = 2e-5 * scale + 1e-6;
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (!(err <= worst)) {
      worst = err;
      worstAt = i;
    }
  }
  expect(worst, `${what}: worst error at ${worstAt} (${actual[worstAt]} vs ${expected[worstAt]}), tol ${tol}`).toBeLessThanOrEqual(tol);
  expect(scale, `${what}: reference is all zeros`).toBeGreaterThan(0);
}

interface Geometry {
  outH: number;
  outW: number;
  top: number;
  left: number;
}

function geometry(
  x: Shape4, f: Shape4, strides: number | [number, number], dilations: number | [number, number], pad: Pad, depthwise: boolean,
  rounding?: 'floor' | 'round' | 'ceil',
): Geometry {
  const info = tf.backend_util.computeConv2DInfo(x, f, strides, dilations, pad, rounding, depthwise, 'channelsLast');
  return { outH: info.outHeight, outW: info.outWidth, top: info.padInfo.top, left: info.padInfo.left };
}

function pairOf(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

/**
 * float64 reference of the conv2d / depthwise weight gradient, straight from the definition
 * y[b,oy,ox,o] = Σ x[b, oy·sh + ky·dh − top, ox·sw + kx·dw − left, c] · w[ky,kx,c,…].
 */
function referenceFilterGrad(
  x: Input, dy: Input, f: Shape4, strides: number | [number, number], dilations: number | [number, number], g: Geometry, depthwise: boolean,
): Float64Array {
  const [B, H, W, C] = x.shape as Shape4;
  const [FH, FW, , K] = f;
  const [sh, sw] = pairOf(strides);
  const [dh, dw] = pairOf(dilations);
  const OC = dy.shape[3]!;
  const dW = new Float64Array(size(f));
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let ky = 0; ky < FH; ky++)
          for (let kx = 0; kx < FW; kx++) {
            const iy = oy * sh + ky * dh - g.top;
            const ix = ox * sw + kx * dw - g.left;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            for (let c = 0; c < C; c++) {
              const xv = x.values[((b * H + iy) * W + ix) * C + c]!;
              for (let k = 0; k < K; k++) {
                const o = depthwise ? c * K + k : k;
                dW[((ky * FW + kx) * C + c) * K + k]! += xv * dy.values[((b * g.outH + oy) * g.outW + ox) * OC + o]!;
              }
            }
          }
  return dW;
}

/** float64 reference of the depthwise input gradient (adjoint of the same definition). */
function referenceDepthwiseInputGrad(
  xShape: Shape4, dy: Input, w: Input, strides: number | [number, number], dilations: number | [number, number], g: Geometry,
): Float64Array {
  const [B, H, W, C] = xShape;
  const [FH, FW, , K] = w.shape as Shape4;
  const [sh, sw] = pairOf(strides);
  const [dh, dw] = pairOf(dilations);
  const dx = new Float64Array(size(xShape));
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let ky = 0; ky < FH; ky++)
          for (let kx = 0; kx < FW; kx++) {
            const iy = oy * sh + ky * dh - g.top;
            const ix = ox * sw + kx * dw - g.left;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            for (let c = 0; c < C; c++)
              for (let k = 0; k < K; k++) {
                dx[((b * H + iy) * W + ix) * C + c]! +=
                  dy.values[((b * g.outH + oy) * g.outW + ox) * C * K + c * K + k]! * w.values[((ky * FW + kx) * C + c) * K + k]!;
              }
          }
  return dx;
}

/** float64 reference of the conv2d input gradient: dx[b,iy,ix,c] = Σ dy[b,oy,ox,o]·w[ky,kx,c,o]. */
function referenceConvInputGrad(
  xShape: Shape4, dy: Input, w: Input, strides: number | [number, number], dilations: number | [number, number], g: Geometry,
): Float64Array {
  const [B, H, W, C] = xShape;
  const [FH, FW, , O] = w.shape as Shape4;
  const [sh, sw] = pairOf(strides);
  const [dh, dw] = pairOf(dilations);
  const dx = new Float64Array(size(xShape));
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let ky = 0; ky < FH; ky++)
          for (let kx = 0; kx < FW; kx++) {
            const iy = oy * sh + ky * dh - g.top;
            const ix = ox * sw + kx * dw - g.left;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            for (let c = 0; c < C; c++)
              for (let o = 0; o < O; o++) {
                dx[((b * H + iy) * W + ix) * C + c]! +=
                  dy.values[((b * g.outH + oy) * g.outW + ox) * O + o]! * w.values[((ky * FW + kx) * C + c) * O + o]!;
              }
          }
  return dx;
}

interface ConvCase {
  x: Shape4;
  f: Shape4;
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function caseName(c: ConvCase): string {
  return `x[${c.x}] f[${c.f}] s${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)} d${JSON.stringify(c.dilations ?? 1)}`;
}

const CONV2D_CASES: ConvCase[] = [
  { x: [1, 5, 5, 1], f: [3, 3, 1, 1], strides: 1, pad: 'valid' },
  { x: [2, 7, 6, 3], f: [3, 2, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 8, 9, 5], f: [3, 3, 5, 2], strides: 2, pad: 'same' },
  { x: [3, 9, 7, 4], f: [2, 3, 4, 3], strides: [2, 1], pad: 'valid' },
  { x: [2, 6, 6, 2], f: [1, 1, 2, 3], strides: 1, pad: 'valid' },
  { x: [2, 9, 8, 3], f: [3, 3, 3, 2], strides: 3, pad: 'same' },
  { x: [2, 7, 7, 3], f: [3, 3, 3, 2], strides: 2, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { x: [2, 6, 7, 3], f: [3, 3, 3, 2], strides: 2, pad: 1, dimRoundingMode: 'floor' },
  { x: [3, 1, 16, 4], f: [1, 5, 4, 6], strides: 1, pad: 'same' }, // conv1d as tfjs runs it
  { x: [2, 1, 15, 3], f: [1, 4, 3, 5], strides: [1, 2], pad: 'valid' },
  { x: [2, 6, 6, 17], f: [3, 3, 17, 9], strides: 1, pad: 'same' }, // odd channel counts
];

const CONV2D_DILATED: ConvCase[] = [
  { x: [2, 9, 9, 3], f: [3, 2, 3, 2], strides: 1, pad: 'same', dilations: 2 },
  { x: [2, 10, 11, 2], f: [2, 3, 2, 3], strides: 1, pad: 'valid', dilations: [2, 3] },
];

describe('wasm gradient kernels: registration', () => {
  it('registers every kernel for wasm, once', () => {
    for (const name of WASM_GRADIENT_KERNELS) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    expect(() => registerWasmGradientKernels(tf)).not.toThrow();
  });
});

describe('Conv2DBackpropFilter on wasm', () => {
  CONV2D_CASES.forEach((c, n) => {
    it(`matches cpu: ${caseName(c)}`, async () => {
      const g = geometry(c.x, c.f, c.strides, 1, c.pad, false, c.dimRoundingMode);
      const x = randomInput(c.x, 100 + n);
      const dy = randomInput([c.x[0], g.outH, g.outW, c.f[3]], 200 + n);
      const attrs: NamedAttrMap = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f };
      if (c.dimRoundingMode) attrs['dimRoundingMode'] = c.dimRoundingMode;
      const wasm = await runKernel('wasm', 'Conv2DBackpropFilter', { x, dy }, attrs);
      const cpu = await runKernel('cpu', 'Conv2DBackpropFilter', { x, dy }, attrs);
      expect(wasm.shape).toEqual(c.f);
      expectClose(wasm.values, cpu.values, caseName(c));
      // And both against the float64 definition, so the cpu reference itself is pinned.
      expectClose(cpu.values, referenceFilterGrad(x, dy, c.f, c.strides, 1, g, false), `cpu ${caseName(c)}`);
    });
  });

  CONV2D_DILATED.forEach((c, n) => {
    it(`matches the float64 definition with dilations: ${caseName(c)}`, async () => {
      const g = geometry(c.x, c.f, c.strides, c.dilations!, c.pad, false);
      const x = randomInput(c.x, 300 + n);
      const dy = randomInput([c.x[0], g.outH, g.outW, c.f[3]], 400 + n);
      const attrs: NamedAttrMap = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f, dilations: c.dilations! };
      const wasm = await runKernel('wasm', 'Conv2DBackpropFilter', { x, dy }, attrs);
      expectClose(wasm.values, referenceFilterGrad(x, dy, c.f, c.strides, c.dilations!, g, false), caseName(c));
    });
  });

  it('gives the same sums when the im2col matrix is split into many chunks', async () => {
    await tf.setBackend('wasm');
    const c: ConvCase = { x: [3, 8, 7, 4], f: [3, 3, 4, 5], strides: 1, pad: 'same' };
    const g = geometry(c.x, c.f, 1, 1, c.pad, false);
    const x = randomInput(c.x, 7);
    const dy = randomInput([3, g.outH, g.outW, 5], 8);
    const R = 3 * 3 * 4;
    // Budgets of 1 output row, 5 rows (uneven split of 24 rows) and everything.
    const results: Float32Array[] = [];
    for (const rows of [1, 5, 1000]) {
      const config = conv2dBackpropFilterConfig(tf, { columnBudget: R * g.outW * rows });
      const xt = tf.tensor(x.values, x.shape);
      const dyt = tf.tensor(dy.values, dy.shape);
      const ids = backendDataIds();
      const info = config.kernelFunc({
        inputs: { x: xt, dy: dyt },
        backend: tf.backend(),
        attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: c.f },
      }) as TensorInfo;
      expect(info.shape).toEqual(c.f);
      results.push(tf.backend().readSync(info.dataId) as Float32Array);
      tf.backend().disposeData(info.dataId);
      expect(backendDataIds()).toBe(ids);
      xt.dispose();
      dyt.dispose();
    }
    const reference = referenceFilterGrad(x, dy, c.f, 1, 1, g, false);
    for (const r of results) expectClose(r, reference, 'chunked');
  });

  it('refuses NCHW and a dy that is not the conv output', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 4, 4, 2]);
    const dy = tf.zeros([1, 4, 4, 3]);
    const run = (attrs: NamedAttrMap): unknown => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs);
    expect(() => run({ strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] })).toThrow(/NHWC/);
    expect(() => run({ strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] })).toThrow(/conv output/);
    tf.dispose([x, dy]);
  });
});

describe('Conv2DBackpropInput on wasm (XNNPACK replacement of the stock kernel)', () => {
  it('is the registered wasm kernel', () => {
    expect(isFastConv2dBackpropInput(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc)).toBe(true);
  });

  CONV2D_CASES.forEach((c, n) => {
    it(`matches cpu: ${caseName(c)}`, async () => {
      const g = geometry(c.x, c.f, c.strides, 1, c.pad, false, c.dimRoundingMode);
      const w = randomInput(c.f, 1100 + n);
      const dy = randomInput([c.x[0], g.outH, g.outW, c.f[3]], 1200 + n);
      const attrs: NamedAttrMap = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x };
      if (c.dimRoundingMode) attrs['dimRoundingMode'] = c.dimRoundingMode;
      const wasm = await runKernel('wasm', 'Conv2DBackpropInput', { dy, filter: w }, attrs);
      const cpu = await runKernel('cpu', 'Conv2DBackpropInput', { dy, filter: w }, attrs);
      expect(wasm.shape).toEqual(c.x);
      expectClose(wasm.values, cpu.values, caseName(c));
      expectClose(wasm.values, referenceConvInputGrad(c.x, dy, w, c.strides, 1, g), `f64 ${caseName(c)}`);
    });
  });

  CONV2D_DILATED.forEach((c, n) => {
    it(`matches the float64 definition with dilations: ${caseName(c)}`, async () => {
      const g = geometry(c.x, c.f, c.strides, c.dilations!, c.pad, false);
      const w = randomInput(c.f, 1300 + n);
      const dy = randomInput([c.x[0], g.outH, g.outW, c.f[3]], 1400 + n);
      const attrs: NamedAttrMap = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x, dilations: c.dilations! };
      const wasm = await runKernel('wasm', 'Conv2DBackpropInput', { dy, filter: w }, attrs);
      expectClose(wasm.values, referenceConvInputGrad(c.x, dy, w, c.strides, c.dilations!, g), caseName(c));
    });
  });

  it('gives the same result when dCols is split into many chunks', async () => {
    await tf.setBackend('wasm');
    const c: ConvCase = { x: [3, 8, 7, 4], f: [3, 3, 4, 5], strides: 2, pad: 'same' };
    const g = geometry(c.x, c.f, 2, 1, c.pad, false);
    const w = randomInput(c.f, 17);
    const dy = randomInput([3, g.outH, g.outW, 5], 18);
    const reference = referenceConvInputGrad(c.x, dy, w, 2, 1, g);
    for (const rows of [1, 5, 1000]) {
      const config = conv2dBackpropInputConfig(tf, undefined, { columnBudget: 3 * 3 * 4 * g.outW * rows });
      const dyt = tf.tensor(dy.values, dy.shape);
      const wt = tf.tensor(w.values, w.shape);
      const ids = backendDataIds();
      const info = config.kernelFunc({
        inputs: { dy: dyt, filter: wt },
        backend: tf.backend(),
        attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: c.x },
      }) as TensorInfo;
      expectClose(tf.backend().readSync(info.dataId) as Float32Array, reference, `chunked by ${rows} rows`);
      tf.backend().disposeData(info.dataId);
      expect(backendDataIds()).toBe(ids);
      tf.dispose([dyt, wt]);
    }
  });

  it('hands NCHW to the stock wasm kernel (still matches cpu)', async () => {
    const x: Shape4 = [2, 3, 7, 6]; // NCHW
    const f: Shape4 = [3, 3, 3, 4];
    const w = randomInput(f, 19);
    const dy = randomInput([2, 4, 4, 3], 20); // 'same', stride 2: 7×6 → 4×3
    const attrs: NamedAttrMap = { strides: 2, pad: 'same', dataFormat: 'NCHW', inputShape: x };
    const wasm = await runKernel('wasm', 'Conv2DBackpropInput', { dy, filter: w }, attrs);
    const cpu = await runKernel('cpu', 'Conv2DBackpropInput', { dy, filter: w }, attrs);
    expectClose(wasm.values, cpu.values, 'NCHW');
  });
});

interface DepthwiseCase extends ConvCase {}

const DEPTHWISE_CASES: DepthwiseCase[] = [
  { x: [1, 5, 5, 1], f: [3, 3, 1, 1], strides: 1, pad: 'valid' },
  { x: [2, 6, 5, 3], f: [3, 3, 3, 1], strides: 1, pad: 'same' },
  { x: [2, 7, 8, 2], f: [3, 2, 2, 3], strides: 2, pad: 'valid' },
  { x: [3, 9, 9, 4], f: [2, 3, 4, 2], strides: [1, 2], pad: 'same' },
  { x: [2, 8, 7, 3], f: [3, 3, 3, 2], strides: 2, pad: [[0, 0], [2, 1], [0, 1], [0, 0]] },
  { x: [1, 5, 6, 2], f: [5, 5, 2, 2], strides: 1, pad: 'same' },
  { x: [2, 7, 6, 5], f: [3, 3, 5, 1], strides: 3, pad: 1, dimRoundingMode: 'ceil' },
];

const DEPTHWISE_DILATED: DepthwiseCase[] = [
  { x: [2, 9, 8, 3], f: [3, 3, 3, 2], strides: 1, pad: 'same', dilations: 2 },
  { x: [2, 8, 11, 2], f: [2, 3, 2, 1], strides: 1, pad: 'valid', dilations: [1, 3] },
];

describe('DepthwiseConv2dNative backprop kernels on wasm', () => {
  DEPTHWISE_CASES.forEach((c, n) => {
    it(`filter and input gradients match cpu: ${caseName(c)}`, async () => {
      const g = geometry(c.x, c.f, c.strides, 1, c.pad, true, c.dimRoundingMode);
      const x = randomInput(c.x, 500 + n);
      const w = randomInput(c.f, 600 + n);
      const dy = randomInput([c.x[0], g.outH, g.outW, c.f[2] * c.f[3]], 700 + n);
      const common: NamedAttrMap = { strides: c.strides, pad: c.pad, dilations: 1 };
      if (c.dimRoundingMode) common['dimRoundingMode'] = c.dimRoundingMode;
      const filterAttrs = { ...common, filterShape: c.f };
      const inputAttrs = { ...common, inputShape: c.x };
      const dW = await runKernel('wasm', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, filterAttrs);
      const dWcpu = await runKernel('cpu', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, filterAttrs);
      expect(dW.shape).toEqual(c.f);
      expectClose(dW.values, dWcpu.values, `dW ${caseName(c)}`);
      expectClose(dW.values, referenceFilterGrad(x, dy, c.f, c.strides, 1, g, true), `dW f64 ${caseName(c)}`);
      const dx = await runKernel('wasm', 'DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, inputAttrs);
      const dxcpu = await runKernel('cpu', 'DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, inputAttrs);
      expect(dx.shape).toEqual(c.x);
      expectClose(dx.values, dxcpu.values, `dx ${caseName(c)}`);
      expectClose(dx.values, referenceDepthwiseInputGrad(c.x, dy, w, c.strides, 1, g), `dx f64 ${caseName(c)}`);
    });
  });

  DEPTHWISE_DILATED.forEach((c, n) => {
    it(`filter and input gradients match the float64 definition with dilations: ${caseName(c)}`, async () => {
      const g = geometry(c.x, c.f, c.strides, c.dilations!, c.pad, true);
      const x = randomInput(c.x, 800 + n);
      const w = randomInput(c.f, 850 + n);
      const dy = randomInput([c.x[0], g.outH, g.outW, c.f[2] * c.f[3]], 900 + n);
      const common: NamedAttrMap = { strides: c.strides, pad: c.pad, dilations: c.dilations! };
      const dW = await runKernel('wasm', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...common, filterShape: c.f });
      expectClose(dW.values, referenceFilterGrad(x, dy, c.f, c.strides, c.dilations!, g, true), `dW ${caseName(c)}`);
      const dx = await runKernel('wasm', 'DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...common, inputShape: c.x });
      expectClose(dx.values, referenceDepthwiseInputGrad(c.x, dy, w, c.strides, c.dilations!, g), `dx ${caseName(c)}`);
    });
  });

  it('refuses a dataFormat other than NHWC and a channel mismatch', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 4, 4, 2]);
    const dy = tf.zeros([1, 4, 4, 2]);
    const run = (attrs: NamedAttrMap): unknown => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs);
    expect(() => run({ strides: 1, pad: 'same', dilations: 1, filterShape: [3, 3, 2, 1], dataFormat: 'NCHW' })).toThrow(/NHWC/);
    expect(() => run({ strides: 1, pad: 'same', dilations: 1, filterShape: [3, 3, 3, 1] })).toThrow(/channels/);
    tf.dispose([x, dy]);
  });
});

describe('UnsortedSegmentSum on wasm', () => {
  const CASES: Array<{ name: string; x: number[]; ids: number[]; numSegments: number }> = [
    // Gaps (1, 3, 4 empty), repeats (0, 2), numSegments beyond the largest id, and ids out of range.
    { name: 'gaps, repeats, out-of-range ids', x: [7, 3, 2], ids: [0, 2, 2, 5, 0, 9, -1], numSegments: 8 },
    { name: 'rank-1 data', x: [9], ids: [3, 3, 0, 1, 3, 0, 7, 7, 2], numSegments: 10 },
    { name: 'single segment', x: [5, 4], ids: [0, 0, 0, 0, 0], numSegments: 1 },
  ];
  CASES.forEach((c, n) => {
    it(`matches cpu: ${c.name}`, async () => {
      const x = randomInput(c.x, 1000 + n);
      const segmentIds: Input = { values: Int32Array.from(c.ids), shape: [c.ids.length] };
      const wasm = await runKernel('wasm', 'UnsortedSegmentSum', { x, segmentIds }, { numSegments: c.numSegments });
      const cpu = await runKernel('cpu', 'UnsortedSegmentSum', { x, segmentIds }, { numSegments: c.numSegments });
      expect(wasm.shape).toEqual([c.numSegments, ...c.x.slice(1)]);
      expect(wasm.shape).toEqual(cpu.shape);
      expectClose(wasm.values, cpu.values, c.name);
    });
  });

  it('matches cpu on many random ids (embedding-gradient sized)', async () => {
    const random = seededRandom(77);
    const x = randomInput([300, 16], 78);
    const segmentIds: Input = { values: Int32Array.from({ length: 300 }, () => Math.floor(random() * 50)), shape: [300] };
    const wasm = await runKernel('wasm', 'UnsortedSegmentSum', { x, segmentIds }, { numSegments: 64 });
    const cpu = await runKernel('cpu', 'UnsortedSegmentSum', { x, segmentIds }, { numSegments: 64 });
    expectClose(wasm.values, cpu.values, 'random ids');
  });

  it('keeps int32 data int32 with exact sums', async () => {
    const x: Input = { values: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), shape: [4, 2] };
    const segmentIds: Input = { values: Int32Array.from([2, 0, 2, 4]), shape: [4] };
    const out = await runKernel('wasm', 'UnsortedSegmentSum', { x, segmentIds }, { numSegments: 5 });
    expect(out.dtype).toBe('int32');
    expect(Array.from(out.values)).toEqual([3, 4, 0, 0, 6, 8, 0, 0, 7, 8]);
  });

  it('is what tf.unsortedSegmentSum runs on wasm', async () => {
    await tf.setBackend('wasm');
    const out = tf.tidy(() => tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([1, 1, 3], 'int32'), 4));
    expect(Array.from(out.dataSync())).toEqual([0, 0, 4, 6, 0, 0, 5, 6]);
    out.dispose();
  });
});
