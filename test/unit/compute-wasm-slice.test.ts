/**
 * Cajal's wasm Slice and SplitV (main/compute/wasm/slice.ts) against the cpu backend: every rank up
 * to 5, contiguous and strided slices, int32 and bool, empty slices, and splits along each axis.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { seededRandom } from '../../shared/random.js';

let tf: Tfjs;
beforeAll(async () => {
  tf = await activateBackend('wasm');
});

async function on<T>(backend: string, f: () => T): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    return f();
  } finally {
    await tf.setBackend(previous);
  }
}

function data(length: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length }, () => random() * 2 - 1);
}

const CASES: Array<{ shape: number[]; begin: number[]; size: number[] }> = [
  { shape: [7], begin: [2], size: [4] },
  { shape: [5, 6], begin: [1, 0], size: [3, 6] }, // contiguous
  { shape: [5, 6], begin: [1, 2], size: [3, 3] },
  { shape: [4, 3, 5], begin: [1, 1, 2], size: [2, -1, 2] },
  { shape: [2, 4, 3, 5], begin: [0, 1, 0, 1], size: [2, 2, 3, 3] },
  { shape: [2, 3, 2, 4, 3], begin: [1, 0, 1, 1, 0], size: [1, 3, 1, 2, 2] },
  { shape: [3, 4], begin: [1, 1], size: [0, 2] },
];

describe('wasm Slice and SplitV copy from heap views', () => {
  it('replaces the stock kernels (registration is idempotent)', () => {
    expect((tf.getKernel('Slice', 'wasm')!.kernelFunc as { cajal?: boolean }).cajal).toBe(true);
  });

  for (const [i, c] of CASES.entries()) {
    it(`slice of [${c.shape}] at [${c.begin}] size [${c.size}] equals cpu (float32, int32, bool)`, async () => {
      const values = data(c.shape.reduce((p, d) => p * d, 1), i + 1);
      const ints = Int32Array.from(values, (v) => Math.round(v * 1000));
      for (const [array, dtype] of [[values, 'float32'], [ints, 'int32'], [Int32Array.from(ints, (v) => (v > 0 ? 1 : 0)), 'bool']] as const) {
        const run = () => tf.tidy(() => {
          const out = tf.slice(tf.tensor(array, c.shape, dtype), c.begin, c.size);
          return { shape: out.shape, values: Array.from(out.dataSync()) };
        });
        const wasm = run();
        const cpu = await on('cpu', run);
        expect(wasm).toEqual(cpu);
      }
    });
  }

  for (const axis of [0, 1, 2, 3]) {
    it(`split of [2, 12, 4, 6] along axis ${axis} equals cpu`, async () => {
      const shape = [2, 12, 4, 6];
      const values = data(2 * 12 * 4 * 6, 10 + axis);
      const sizes = shape[axis] === 2 ? [1, 1] : shape[axis] === 12 ? [4, 5, 3] : shape[axis] === 4 ? [1, 3] : [2, 2, 2];
      const run = () => tf.tidy(() => tf.split(tf.tensor(values, shape), sizes, axis).map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) })));
      expect(run()).toEqual(await on('cpu', run));
    });
  }

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => tf.split(tf.ones([4, 9]), 3, 1).map((t) => t.dataSync()));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the stock kernel for strings', () => {
    const out = tf.slice(tf.tensor(['a', 'b', 'c', 'd']), [1], [2]);
    expect(out.dataSync()).toEqual(['b', 'c']);
    out.dispose();
  });
});
