/**
 * Gradient checks for the ops our models train through, runnable for any tfjs backend.
 *
 * `describeGradientChecks(backendName, activate)` declares one vitest test per case in
 * `GRADIENT_CASES`. Each test computes, on the backend under test, the gradients of
 * `L = Σ fn(inputs) ⊙ W` (W a fixed seeded projection, so every output element gets a distinct
 * weight and a wrong index cannot cancel out) with `tf.grads` (or `tf.variableGrads` for cases
 * marked `variables`), then checks them:
 *
 * (a) against the same computation on the `cpu` backend, elementwise:
 *     |g − g_cpu| ≤ rtol·max|g_cpu| (per gradient tensor; rtol 2e-5 by default). Both sides are
 *     float32; different summation orders and exp/erf implementations leave ≲3e-7 relative
 *     differences, while any wrong kernel (a misplaced tap, a dropped repeated index, a transposed
 *     operand) gives O(1) relative errors;
 * (b) against central finite differences of the cpu forward pass along seeded random directions v
 *     (two per differentiable input): |(L(x+εv) − L(x−εv))/2ε − ⟨g, v⟩| ≤ fdRtol·‖g‖₂·‖v‖_rms.
 *     The forward pass is float32, so ε cannot be tiny: ε = 1e-2 on O(1) inputs keeps float32
 *     rounding of L (~1e-7·Σ|terms|, divided by 2ε) and the O(ε²) truncation term both far below
 *     fdRtol = 5e-3 of the natural scale ‖g‖₂ (the standard deviation of ⟨g, v⟩ for unit-variance
 *     v). A directional check tests every element's gradient at once, which per-element FD in
 *     float32 could not afford.
 *
 * No tensors may leak: the engine's tensor count is the same before and after each evaluation.
 * Nothing here is specific to one backend; a backend that needs looser tolerances passes
 * `options.tolerance`.
 */
import type { Scalar, Tensor, Tensor3D, Tensor4D, Variable } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tfjs } from '../../main/compute/index.js';
import { deriveSeed, seededRandom } from '../../shared/random.js';

/** One input of a case: random float data (differentiated) unless values are given. */
export interface GradInput {
  shape: number[];
  /** Fixed values (labels, indices, masks); such inputs are not differentiated unless `differentiable`. */
  values?: ArrayLike<number>;
  dtype?: 'float32' | 'int32';
  /** Standard deviation of the random values (default 1). */
  scale?: number;
  differentiable?: boolean;
}

export interface GradTolerance {
  /** Elementwise tolerance against cpu, relative to the largest cpu gradient entry. */
  rtol: number;
  /** Finite-difference step (inputs are O(1)). */
  fdEpsilon: number;
  /** Finite-difference tolerance relative to ‖g‖₂·‖v‖_rms. */
  fdRtol: number;
}

export interface GradCase {
  name: string;
  inputs: GradInput[];
  /** The computation; it receives every input (in order) and may return a tensor of any shape. */
  fn: (tf: Tfjs, ...inputs: Tensor[]) => Tensor;
  /** Differentiate with tf.variableGrads over variables made from the differentiable inputs. */
  variables?: boolean;
  tolerance?: Partial<GradTolerance>;
}

/**
 * Measured on wasm vs cpu (25 cases): worst elementwise difference 2.5e-7·max|g_cpu|, worst
 * finite-difference mismatch 2.8e-4·‖g‖ (layer norm: O(ε²) truncation). The defaults leave ~80×
 * and ~18× margin.
 */
export const DEFAULT_TOLERANCE: GradTolerance = { rtol: 2e-5, fdEpsilon: 1e-2, fdRtol: 5e-3 };

const SQRT1_2 = Math.SQRT1_2;

function layerNorm(tf: Tfjs, x: Tensor, gamma: Tensor, beta: Tensor): Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), gamma), beta);
}

function geluErf(tf: Tfjs, x: Tensor): Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT1_2)), 1));
}

function geluTanh(tf: Tfjs, x: Tensor): Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** Scaled dot-product attention over [batch, heads, seq, dim] with a causal mask. */
function causalAttention(tf: Tfjs, q: Tensor, k: Tensor, v: Tensor): Tensor {
  const seq = q.shape[2]!;
  const dim = q.shape[3]!;
  const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(dim));
  const allowed = tf.linalg.bandPart(tf.ones([seq, seq]), -1, 0); // lower triangle incl. diagonal
  const masked = tf.add(scores, tf.mul(tf.sub(1, allowed), -1e9));
  return tf.matMul(tf.softmax(masked, -1), v);
}

function oneHotRows(rows: number, classes: number, classOf: (r: number) => number): number[] {
  const out = new Array<number>(rows * classes).fill(0);
  for (let r = 0; r < rows; r++) out[r * classes + classOf(r)] = 1;
  return out;
}

/** Every op our models train through. */
export const GRADIENT_CASES: GradCase[] = [
  {
    name: 'embedding lookup (tf.gather, repeated indices, variableGrads)',
    inputs: [{ shape: [11, 6] }, { shape: [2, 4], dtype: 'int32', values: [1, 3, 3, 0, 10, 3, 7, 1] }],
    fn: (tf, table, ids) => tf.gather(table!, ids!),
    variables: true,
  },
  {
    name: 'tf.gather on axis 1 with repeats',
    inputs: [{ shape: [3, 7, 4] }, { shape: [5], dtype: 'int32', values: [6, 0, 6, 2, 6] }],
    fn: (tf, x, ids) => tf.gather(x!, ids!, 1),
  },
  {
    name: "conv1d stride 1 'same'",
    inputs: [{ shape: [2, 20, 3] }, { shape: [5, 3, 4] }],
    fn: (tf, x, f) => tf.conv1d(x as Tensor3D, f as Tensor3D, 1, 'same'),
  },
  {
    name: "conv1d stride 2 'valid'",
    inputs: [{ shape: [3, 17, 2] }, { shape: [4, 2, 3] }],
    fn: (tf, x, f) => tf.conv1d(x as Tensor3D, f as Tensor3D, 2, 'valid'),
  },
  {
    name: "conv2d 3×3 stride 1 'same' (input and filter)",
    inputs: [{ shape: [2, 9, 8, 3] }, { shape: [3, 3, 3, 4] }],
    fn: (tf, x, f) => tf.conv2d(x as Tensor4D, f as Tensor4D, 1, 'same'),
  },
  {
    name: "conv2d 3×2 stride [2,1] 'valid'",
    inputs: [{ shape: [2, 9, 7, 2] }, { shape: [3, 2, 2, 5] }],
    fn: (tf, x, f) => tf.conv2d(x as Tensor4D, f as Tensor4D, [2, 1], 'valid'),
  },
  {
    name: 'conv2d stride 2 explicit padding, variableGrads',
    inputs: [{ shape: [2, 8, 8, 3] }, { shape: [3, 3, 3, 2] }],
    fn: (tf, x, f) => tf.conv2d(x as Tensor4D, f as Tensor4D, 2, [[0, 0], [1, 1], [0, 2], [0, 0]]),
    variables: true,
  },
  {
    name: "depthwiseConv2d multiplier 2 'same'",
    inputs: [{ shape: [2, 8, 7, 3] }, { shape: [3, 3, 3, 2] }],
    fn: (tf, x, f) => tf.depthwiseConv2d(x as Tensor4D, f as Tensor4D, 1, 'same'),
  },
  {
    name: "depthwiseConv2d stride 2 'valid', 2×3 kernel",
    inputs: [{ shape: [2, 9, 9, 4] }, { shape: [2, 3, 4, 1] }],
    fn: (tf, x, f) => tf.depthwiseConv2d(x as Tensor4D, f as Tensor4D, 2, 'valid'),
  },
  {
    name: "separableConv2d 'same'",
    inputs: [{ shape: [2, 8, 8, 3] }, { shape: [3, 3, 3, 2] }, { shape: [1, 1, 6, 4] }],
    fn: (tf, x, d, p) => tf.separableConv2d(x as Tensor4D, d as Tensor4D, p as Tensor4D, 1, 'same'),
  },
  {
    name: 'layer norm (moments, rsqrt) with gain and bias',
    inputs: [{ shape: [3, 5, 8] }, { shape: [8] }, { shape: [8] }],
    fn: (tf, x, g, b) => layerNorm(tf, x!, g!, b!),
  },
  {
    name: 'softmax',
    inputs: [{ shape: [4, 7], scale: 2 }],
    fn: (tf, x) => tf.softmax(x!),
  },
  {
    name: 'logSoftmax',
    inputs: [{ shape: [4, 7], scale: 2 }],
    fn: (tf, x) => tf.logSoftmax(x!),
  },
  {
    name: 'GELU, erf form',
    inputs: [{ shape: [5, 9], scale: 2 }],
    fn: (tf, x) => geluErf(tf, x!),
  },
  {
    name: 'GELU, tanh form',
    inputs: [{ shape: [5, 9], scale: 2 }],
    fn: (tf, x) => geluTanh(tf, x!),
  },
  ...(
    [
      [false, false, [5, 4], [4, 3]],
      [true, false, [4, 5], [4, 3]],
      [false, true, [5, 4], [3, 4]],
      [true, true, [4, 5], [3, 4]],
    ] as Array<[boolean, boolean, number[], number[]]>
  ).map(
    ([ta, tb, a, b]): GradCase => ({
      name: `matMul 2-D transposeA=${ta} transposeB=${tb}`,
      inputs: [{ shape: a }, { shape: b }],
      fn: (tf, x, y) => tf.matMul(x!, y!, ta, tb),
    }),
  ),
  {
    name: 'matMul batched 3-D, transposeB',
    inputs: [{ shape: [3, 5, 4] }, { shape: [3, 6, 4] }],
    fn: (tf, a, b) => tf.matMul(a!, b!, false, true),
  },
  {
    name: 'matMul batched 4-D, transposeA',
    inputs: [{ shape: [2, 3, 4, 5] }, { shape: [2, 3, 4, 2] }],
    fn: (tf, a, b) => tf.matMul(a!, b!, true, false),
  },
  {
    name: 'scaled dot-product attention with a causal mask',
    inputs: [{ shape: [2, 2, 5, 4] }, { shape: [2, 2, 5, 4] }, { shape: [2, 2, 5, 4] }],
    fn: (tf, q, k, v) => causalAttention(tf, q!, k!, v!),
  },
  {
    name: 'softmax cross-entropy loss',
    inputs: [{ shape: [6, 5], values: oneHotRows(6, 5, (r) => (r * 3) % 5), differentiable: false }, { shape: [6, 5], scale: 2 }],
    fn: (tf, labels, logits) => tf.losses.softmaxCrossEntropy(labels!, logits!),
  },
  {
    name: 'sigmoid cross-entropy loss',
    inputs: [
      { shape: [4, 6], values: Array.from({ length: 24 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0)), differentiable: false },
      { shape: [4, 6], scale: 2 },
    ],
    fn: (tf, labels, logits) => tf.losses.sigmoidCrossEntropy(labels!, logits!),
  },
  {
    name: 'mean squared error loss',
    inputs: [{ shape: [5, 3], differentiable: false }, { shape: [5, 3] }],
    fn: (tf, labels, predictions) => tf.losses.meanSquaredError(labels!, predictions!),
  },
];

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** Standard normal samples from the shared seeded generator (Box–Muller). */
function normals(seed: number, n: number, scale = 1): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - random();
    out[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  }
  return out;
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

interface Materialised {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype: 'float32' | 'int32';
  differentiable: boolean;
}

function materialise(c: GradCase): Materialised[] {
  const seed = hashName(c.name);
  return c.inputs.map((input, i) => {
    const dtype = input.dtype ?? 'float32';
    const n = sizeOf(input.shape);
    let values: Float32Array | Int32Array;
    if (input.values) {
      if (input.values.length !== n) throw new Error(`${c.name}: input ${i} has ${input.values.length} values for shape [${input.shape}]`);
      values = dtype === 'int32' ? Int32Array.from(input.values) : Float32Array.from(input.values);
    } else {
      if (dtype === 'int32') throw new Error(`${c.name}: int32 input ${i} needs values`);
      values = normals(deriveSeed(seed, i), n, input.scale ?? 1);
    }
    const differentiable = input.differentiable ?? (dtype === 'float32' && input.values === undefined);
    return { values, shape: input.shape, dtype, differentiable };
  });
}

/** The fixed projection W for an output shape (same on every backend). */
function projection(seed: number, shape: number[]): Float32Array {
  return normals(deriveSeed(seed, 0x9e37), sizeOf(shape));
}

function projectedLoss(tf: Tfjs, c: GradCase, tensors: Tensor[]): Tensor {
  const y = c.fn(tf, ...tensors);
  const w = tf.tensor(projection(hashName(c.name), y.shape), y.shape);
  return tf.sum(tf.mul(y, w));
}

interface Evaluation {
  loss: number;
  /** One gradient per differentiable input, in input order. */
  grads: Float32Array[];
}

/** L and its gradients on the current backend; asserts no tensor outlives the call. */
async function evaluate(tf: Tfjs, c: GradCase, inputs: Materialised[]): Promise<Evaluation> {
  const before = tf.memory().numTensors;
  const diffIdx = inputs.flatMap((input, i) => (input.differentiable ? [i] : []));
  let out: Tensor[];
  if (c.variables) {
    const variables: Variable[] = diffIdx.map((i) => {
      const initial = tf.tensor(inputs[i]!.values, inputs[i]!.shape, 'float32');
      const variable = tf.variable(initial);
      initial.dispose();
      return variable;
    });
    const fixed = inputs.map((input) => (input.differentiable ? null : tf.tensor(input.values, input.shape, input.dtype)));
    const { value, grads } = tf.variableGrads(() => {
      let v = 0;
      return projectedLoss(tf, c, inputs.map((_, i) => fixed[i] ?? variables[v++]!)) as Scalar;
    }, variables);
    out = [value, ...variables.map((v) => grads[v.name]!)];
    tf.dispose([...variables, ...fixed.filter((t): t is Tensor => t !== null)]);
  } else {
    out = tf.tidy(() => {
      const tensors = inputs.map((input) => tf.tensor(input.values, input.shape, input.dtype));
      const diff = diffIdx.map((i) => tensors[i]!);
      const lossOf = (...xs: Tensor[]): Tensor => {
        const all = tensors.slice();
        diffIdx.forEach((i, k) => (all[i] = xs[k]!));
        return projectedLoss(tf, c, all);
      };
      const grads = tf.grads(lossOf)(diff);
      return [lossOf(...diff), ...grads];
    });
  }
  const result: Evaluation = {
    // Asynchronous reads: WebGPU under Node has no synchronous read-back (it needs OffscreenCanvas).
    loss: (await out[0]!.data())[0]!,
    grads: await Promise.all(out.slice(1).map(async (g) => Float32Array.from(await g.data()))),
  };
  tf.dispose(out);
  expect(tf.memory().numTensors, `${c.name}: tensors leaked on ${tf.getBackend()}`).toBe(before);
  return result;
}

/** L alone on the current backend with the differentiable inputs replaced. */
async function lossAt(tf: Tfjs, c: GradCase, inputs: Materialised[], replaced: Map<number, Float32Array>): Promise<number> {
  const loss = tf.tidy(() =>
    projectedLoss(
      tf,
      c,
      inputs.map((input, i) => tf.tensor(replaced.get(i) ?? input.values, input.shape, input.dtype)),
    ),
  );
  const value = (await loss.data())[0]!;
  loss.dispose();
  return value;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function expectCloseToCpu(actual: Float32Array, expected: Float32Array, rtol: number, what: string): void {
  expect(actual.length, `${what}: size`).toBe(expected.length);
  const scale = maxAbs(expected);
  expect(scale, `${what}: the cpu gradient is all zeros, the case tests nothing`).toBeGreaterThan(0);
  let worst = 0;
  let at = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst / scale, `${what}: element ${at} is ${actual[at]}, cpu ${expected[at]} (max |cpu| ${scale})`).toBeLessThanOrEqual(rtol);
}

async function use(tf: Tfjs, backend: string): Promise<void> {
  if (tf.getBackend() === backend) return;
  if (!(await tf.setBackend(backend))) throw new Error(`could not switch to the ${backend} backend`);
}

/** Runs one case: backend under test vs cpu, and vs central finite differences on cpu. */
export async function checkGradients(tf: Tfjs, backendName: string, c: GradCase, tolerance: GradTolerance): Promise<void> {
  const tol = { ...tolerance, ...c.tolerance };
  const inputs = materialise(c);
  await use(tf, backendName);
  const tested = await evaluate(tf, c, inputs);
  await use(tf, 'cpu');
  const reference = await evaluate(tf, c, inputs);

  expect(Math.abs(tested.loss - reference.loss), `${c.name}: forward value ${tested.loss} vs cpu ${reference.loss}`).toBeLessThanOrEqual(
    1e-4 * Math.max(1, Math.abs(reference.loss)),
  );
  const diffIdx = inputs.flatMap((input, i) => (input.differentiable ? [i] : []));
  expect(tested.grads.length).toBe(diffIdx.length);
  for (const [k, inputIndex] of diffIdx.entries()) {
    const g = tested.grads[k]!;
    expectCloseToCpu(g, reference.grads[k]!, tol.rtol, `${c.name}: d/d input ${inputIndex} on ${backendName}`);

    // Central differences along two seeded directions, forward passes on cpu.
    const x = inputs[inputIndex]!.values as Float32Array;
    let gNorm = 0;
    for (let i = 0; i < g.length; i++) gNorm += g[i]! * g[i]!;
    gNorm = Math.sqrt(gNorm);
    for (let d = 0; d < 2; d++) {
      const v = normals(deriveSeed(hashName(c.name), 1000 + inputIndex, d), x.length);
      let analytic = 0;
      let vNorm2 = 0;
      for (let i = 0; i < v.length; i++) {
        analytic += g[i]! * v[i]!;
        vNorm2 += v[i]! * v[i]!;
      }
      const vRms = Math.sqrt(vNorm2 / v.length);
      const plus = new Float32Array(x.length);
      const minus = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) {
        plus[i] = x[i]! + tol.fdEpsilon * v[i]!;
        minus[i] = x[i]! - tol.fdEpsilon * v[i]!;
      }
      const fd =
        ((await lossAt(tf, c, inputs, new Map([[inputIndex, plus]]))) - (await lossAt(tf, c, inputs, new Map([[inputIndex, minus]])))) /
        (2 * tol.fdEpsilon);
      expect(
        Math.abs(fd - analytic),
        `${c.name}: input ${inputIndex} direction ${d}: finite difference ${fd} vs ⟨grad, v⟩ ${analytic} (‖g‖ ${gNorm})`,
      ).toBeLessThanOrEqual(tol.fdRtol * gNorm * vRms);
    }
  }
}

export interface GradientCheckOptions {
  /** Tolerances for this backend (defaults: DEFAULT_TOLERANCE). */
  tolerance?: Partial<GradTolerance>;
  /** Case names to skip on this backend, each with the reason shown in the test name. */
  skip?: Record<string, string>;
  /** Cases to run (default GRADIENT_CASES). */
  cases?: GradCase[];
}

/**
 * Declares the gradient suite for `backendName`. `activate` must register the backend and make
 * it usable (e.g. activateBackend + any extra kernels); the suite switches between it and `cpu`.
 */
export function describeGradientChecks(
  backendName: string,
  activate: () => Promise<void>,
  options: GradientCheckOptions = {},
): void {
  const tolerance: GradTolerance = { ...DEFAULT_TOLERANCE, ...options.tolerance };
  describe(`gradients on the ${backendName} backend vs cpu and finite differences`, () => {
    let tf: Tfjs;
    beforeAll(async () => {
      await activate();
      tf = await import('@tensorflow/tfjs');
    });
    for (const c of options.cases ?? GRADIENT_CASES) {
      const reason = options.skip?.[c.name];
      if (reason) {
        it.skip(`${c.name} (skipped: ${reason})`, () => {});
        continue;
      }
      it(c.name, async () => {
        await checkGradients(tf, backendName, c, tolerance);
      });
    }
  });
}
