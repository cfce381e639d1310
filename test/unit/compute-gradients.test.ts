/**
 * Gradients of every op our models train through on the wasm backend (with the gradient kernels
 * from main/compute/wasm/kernels registered), against the cpu backend and central finite
 * differences. The suite itself is backend-neutral (test/helpers/gradcheck.ts); another backend is
 * one more `describeGradientChecks` call.
 */
import type { GradSaveFunc, Tensor } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { checkGradients, DEFAULT_TOLERANCE, describeGradientChecks, type GradCase } from '../helpers/gradcheck.js';

/** activateBackend registers Cajal's wasm kernels (main/compute/wasm) itself. */
async function activateWasm(): Promise<Tfjs> {
  return activateBackend('wasm');
}

describeGradientChecks('wasm', async () => {
  await activateWasm();
});

/** x² with a hand-written gradient `scale(backend)·x·dy` (the right one is 2·x·dy). */
function squareWithGradient(scale: (backend: string) => number): GradCase {
  return {
    name: 'custom square',
    inputs: [{ shape: [4, 5] }],
    fn: (tf, x) => {
      const square = tf.customGrad((...args: Array<Tensor | GradSaveFunc>) => {
        const input = args[0] as Tensor;
        const save = args[1] as GradSaveFunc;
        save([input]);
        return {
          value: tf.square(input),
          gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => tf.mul(tf.mul(dy as Tensor, saved[0]!), scale(tf.getBackend())),
        };
      });
      return square(x!);
    },
  };
}

describe('the gradient check itself', () => {
  let tf: Tfjs;
  beforeAll(async () => {
    tf = await activateWasm();
  });

  it('passes a correct hand-written gradient', async () => {
    await checkGradients(tf, 'wasm', squareWithGradient(() => 2), DEFAULT_TOLERANCE);
  });

  it('fails when the tested backend disagrees with cpu by 0.1%', async () => {
    const wrongOnWasm = squareWithGradient((backend) => (backend === 'cpu' ? 2 : 2.002));
    await expect(checkGradients(tf, 'wasm', wrongOnWasm, DEFAULT_TOLERANCE)).rejects.toThrow(/cpu/);
  });

  it('fails, through finite differences, when both backends agree on a wrong gradient', async () => {
    const wrongEverywhere = squareWithGradient(() => 2.05);
    await expect(checkGradients(tf, 'wasm', wrongEverywhere, DEFAULT_TOLERANCE)).rejects.toThrow(/finite difference/);
  });
});
