/**
 * The fast wasm matmul kernels (main/compute/wasm/matmul.ts) against the `cpu` backend and an
 * independent float64 reference: every transposeA × transposeB, 2-D, batched and broadcast
 * shapes with odd sizes, the fused kernel with bias and each activation, and the gradients.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/activate.js';
import { matMulPathCounts, registerFastWasmMatMul } from '../../main/compute/wasm/matmul.js';

let tf: Tfjs;

beforeAll(async () => {
  tf = await activateBackend('wasm');
  registerFastWasmMatMul(tf);
  registerFastWasmMatMul(tf); // idempotent
});

/** Deterministic values in [-1, 1). */
function values(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

const size = (shape: number[]): number => shape.reduce((p, d) => p * d, 1);

/** Float64 reference with numpy broadcasting of the batch dims. */
function reference(
  a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], ta: boolean, tb: boolean,
): { data: Float64Array; shape: number[] } {
  const ra = aShape.length;
  const rb = bShape.length;
  const m = ta ? aShape[ra - 1]! : aShape[ra - 2]!;
  const k = ta ? aShape[ra - 2]! : aShape[ra - 1]!;
  const n = tb ? bShape[rb - 2]! : bShape[rb - 1]!;
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const padA = [...Array<number>(rank - batchA.length).fill(1), ...batchA];
  const padB = [...Array<number>(rank - batchB.length).fill(1), ...batchB];
  const batchOut = padA.map((d, i) => Math.max(d, padB[i]!));
  const nOut = size(batchOut);
  const data = new Float64Array(nOut * m * n);
  for (let flat = 0; flat < nOut; flat++) {
    let rest = flat;
    let ia = 0, ib = 0, sa = 1, sb = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const c = rest % batchOut[d]!;
      rest = Math.floor(rest / batchOut[d]!);
      ia += (padA[d] === 1 ? 0 : c) * sa;
      ib += (padB[d] === 1 ? 0 : c) * sb;
      sa *= padA[d]!;
      sb *= padB[d]!;
    }
    const ao = ia * m * k;
    const bo = ib * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const av = ta ? a[ao + p * m + i]! : a[ao + i * k + p]!;
          const bv = tb ? b[bo + j * k + p]! : b[bo + p * n + j]!;
          sum += av * bv;
        }
        data[flat * m * n + i * n + j] = sum;
      }
    }
  }
  return { data, shape: [...batchOut, m, n] };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 2e-4): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i]!;
    worst = Math.max(worst, Math.abs(actual[i]! - e) / (1 + Math.abs(e)));
  }
  expect(worst).toBeLessThan(tolerance);
}

/** Runs `f` on the cpu backend and comes back to wasm. */
async function onCpu<T>(f: () => T): Promise<T> {
  await tf.setBackend('cpu');
  try {
    return f();
  } finally {
    await tf.setBackend('wasm');
  }
}

/** [a shape, b shape] in the un-transposed orientation: a [..., M, K], b [..., K, N]. */
const SHAPES: Array<[number[], number[]]> = [
  [[1, 1], [1, 1]],
  [[3, 17], [17, 5]],
  [[17, 129], [129, 3]],
  [[129, 17], [17, 129]],
  [[1, 129], [129, 17]],
  [[129, 3], [3, 1]],
  [[3, 17, 5], [3, 5, 129]], // batched
  [[4, 17, 3], [3, 17]], // B shared: folded
  [[17, 3], [4, 3, 5]], // A shared
  [[2, 3, 5, 17], [2, 3, 17, 1]], // 4-D
  [[2, 3, 3, 17], [17, 5]], // 4-D, B shared
  [[1, 3, 5, 17], [2, 1, 17, 3]], // batch broadcast both ways (numpy)
  [[2, 1, 17, 3], [3, 3, 5]], // rank-mismatched broadcast
];

function orient(shape: number[], transpose: boolean): number[] {
  if (!transpose) return shape;
  const r = shape.length;
  return [...shape.slice(0, -2), shape[r - 1]!, shape[r - 2]!];
}

/** True where tfjs's own kernels (cpu included) broadcast correctly: one side's batch is all ones or equal. */
function tfjsBroadcasts(aShape: number[], bShape: number[]): boolean {
  const ba = aShape.slice(0, -2);
  const bb = bShape.slice(0, -2);
  return size(ba) === 1 || size(bb) === 1 || (ba.length === bb.length && ba.every((d, i) => d === bb[i]));
}

describe('fast wasm BatchMatMul', () => {
  for (const [baseA, baseB] of SHAPES) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const aShape = orient(baseA, ta);
        const bShape = orient(baseB, tb);
        it(`${aShape.join('×')}${ta ? 'ᵀ' : ''} @ ${bShape.join('×')}${tb ? 'ᵀ' : ''}`, async () => {
          const a = values(size(aShape), size(aShape) * 7 + 1);
          const b = values(size(bShape), size(bShape) * 13 + 2);
          const ref = reference(a, aShape, b, bShape, ta, tb);
          const out = tf.tidy(() => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb));
          expect(tf.getBackend()).toBe('wasm');
          expect(out.shape).toEqual(ref.shape);
          expectClose(out.dataSync(), ref.data);
          out.dispose();
          if (tfjsBroadcasts(aShape, bShape)) {
            const cpu = await onCpu(() => tf.tidy(() => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb).dataSync()));
            expectClose(cpu, ref.data);
          }
        });
      }
    }
  }

  it('takes the XNNPACK path for transposed and batched products', () => {
    const before = matMulPathCounts();
    tf.tidy(() => {
      tf.matMul(tf.ones([8, 4]), tf.ones([8, 4]), true, false);
      tf.matMul(tf.ones([3, 8, 4]), tf.ones([3, 4, 8]));
      tf.matMul(tf.ones([3, 8, 4]), tf.ones([4, 8]));
      tf.matMul(tf.ones([8, 4]), tf.ones([4, 8])); // plain: the stock kernel is already fast
    });
    const after = matMulPathCounts();
    expect(after.folded - before.folded).toBe(2);
    expect(after.sliced - before.sliced).toBe(1);
    expect(after.stock - before.stock).toBe(1);
  });

  // Weight-gradient shapes (long K): computed as (op(B)ᵀ·op(A)ᵀ)ᵀ, which transposes the small operands.
  for (const [ta, tb, aShape, bShape] of [
    [true, false, [301, 7], [301, 5]],
    [false, true, [5, 301], [7, 301]],
    [true, true, [301, 7], [5, 301]],
  ] as Array<[boolean, boolean, number[], number[]]>) {
    it(`${aShape.join('×')} @ ${bShape.join('×')} (${ta}, ${tb}) takes the swapped product and equals the reference`, () => {
      const a = values(size(aShape), 11);
      const b = values(size(bShape), 12);
      const before = matMulPathCounts();
      const out = tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb);
      expect(matMulPathCounts().swapped - before.swapped).toBe(1);
      const ref = reference(a, aShape, b, bShape, ta, tb);
      expect(out.shape).toEqual(ref.shape);
      expectClose(out.dataSync(), ref.data);
      out.dispose();
    });
  }

  it('leaks no tensors and no heap ids', () => {
    const before = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        tf.matMul(tf.ones([2, 3, 5, 7]), tf.ones([2, 3, 9, 7]), false, true).dataSync();
        tf.matMul(tf.ones([7, 5]), tf.ones([2, 7, 9]), true, false).dataSync();
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
  });
});

describe('fast wasm _FusedMatMul', () => {
  const ACTIVATIONS = ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu', 'prelu'] as const;
  for (const activation of ACTIVATIONS) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      for (const batched of [false, true]) {
        it(`${activation}, transposeA=${ta}, transposeB=${tb}${batched ? ', batched' : ''}`, async () => {
          const m = 17, k = 129, n = 5, batch = batched ? 3 : 1;
          const aShape = batched ? orient([batch, m, k], ta) : orient([m, k], ta);
          const bShape = batched ? orient([batch, k, n], tb) : orient([k, n], tb);
          const a = values(size(aShape), 3);
          const b = values(size(bShape), 4);
          const bias = values(n, 5);
          const prelu = values(n, 6);
          const run = (): Float32Array =>
            tf.tidy(() =>
              tf.fused
                .matMul({
                  a: tf.tensor(a, aShape),
                  b: tf.tensor(b, bShape),
                  transposeA: ta,
                  transposeB: tb,
                  bias: tf.tensor1d(bias),
                  activation,
                  ...(activation === 'prelu' ? { preluActivationWeights: tf.tensor1d(prelu) } : {}),
                  ...(activation === 'leakyrelu' ? { leakyreluAlpha: 0.3 } : {}),
                })
                .dataSync() as Float32Array,
            );
          const wasm = run();
          const cpu = await onCpu(run);
          expectClose(wasm, cpu);
        });
      }
    }
  }
});

describe('matMul gradients on wasm', () => {
  for (const [aShape, bShape, ta, tb] of [
    [[17, 129], [129, 5], false, false],
    [[129, 17], [129, 5], true, false],
    [[17, 129], [5, 129], false, true],
    [[3, 17, 9], [3, 9, 5], false, false],
    [[3, 9, 17], [3, 9, 5], true, false],
    [[3, 17, 9], [3, 5, 9], false, true],
  ] as Array<[number[], number[], boolean, boolean]>) {
    it(`${aShape.join('×')} @ ${bShape.join('×')} (${ta}, ${tb}) equals cpu and runs no slow product`, async () => {
      const a = values(size(aShape), 8);
      const b = values(size(bShape), 9);
      const grads = (): Float32Array[] =>
        tf.tidy(() => {
          const f = (x: ReturnType<Tfjs['tensor']>, y: ReturnType<Tfjs['tensor']>) => tf.matMul(x, y, ta, tb).square().sum();
          const [ga, gb] = tf.grads(f)([tf.tensor(a, aShape), tf.tensor(b, bShape)]);
          return [ga!.dataSync() as Float32Array, gb!.dataSync() as Float32Array];
        });
      const before = matMulPathCounts();
      const wasm = grads();
      const after = matMulPathCounts();
      // The forward product and both gradient products: only a plain 2-D one may go to the stock kernel,
      // which takes XNNPACK for exactly that case.
      expect(after.folded + after.sliced + after.swapped - before.folded - before.sliced - before.swapped).toBeGreaterThanOrEqual(2);
      const cpu = await onCpu(grads);
      expectClose(wasm[0]!, cpu[0]!, 5e-4);
      expectClose(wasm[1]!, cpu[1]!, 5e-4);
    });
  }
});
