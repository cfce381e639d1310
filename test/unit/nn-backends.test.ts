/**
 * main/compute/nn across backends: the same seed gives bit-identical initial weights on cpu, wasm
 * and WebGPU (weights are filled in JS), and a few training steps (attention with a causal mask,
 * LayerNorm, GELU, embeddings, clipping, AdamW) give the same losses and weights as on cpu within
 * float32 tolerance. WebGPU runs on the software adapter when there is no GPU, reading
 * asynchronously (no synchronous read-back under Node); it is skipped only without any adapter.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { activateBackend, releaseWebGpu, searchWebGpuAdapters, type ActivateOptions } from '../../main/compute/index.js';
import { AdamW, Params, createTransformerLM, trainStepAsync } from '../../main/compute/nn/index.js';
import type { BackendName } from '../../shared/api/index.js';

const V = 11;
const T = 6;
const B = 4;

interface Run {
  initial: Float32Array[];
  losses: number[];
  final: Float32Array[];
}

async function train(backend: BackendName, options: ActivateOptions = {}): Promise<Run> {
  const tf = await activateBackend(backend, options);
  const params = new Params(tf);
  const lm = createTransformerLM(params, { vocabSize: V, maxLength: T, layers: 1, dim: 16, heads: 2, seed: 21 });
  const read = async () => Promise.all(params.list().map(async (e) => Float32Array.from((await e.variable.data()) as Float32Array)));
  const initial = await read();
  const opt = new AdamW(params, { lr: 1e-2, weightDecay: 0.1 });
  const ids = Array.from({ length: B * (T + 1) }, (_, i) => (i * 7 + 3) % V);
  const all = tf.tensor2d(ids, [B, T + 1], 'int32');
  const x = tf.slice(all, [0, 0], [B, T]) as tfTypes.Tensor2D;
  const y = tf.slice(all, [0, 1], [B, T]) as tfTypes.Tensor2D;
  const losses: number[] = [];
  for (let s = 0; s < 4; s++) losses.push((await trainStepAsync(opt, () => lm.loss(x, y), { clipNorm: 0.5 })).loss);
  const final = await read();
  for (const t of [all, x, y]) t.dispose();
  opt.dispose();
  params.dispose();
  return { initial, losses, final };
}

const search = await searchWebGpuAdapters({ software: true });

describe('nn on every backend', () => {
  let reference: Run;
  afterAll(() => {
    if (search.adapter) releaseWebGpu();
  });

  it('cpu reference learns', async () => {
    reference = await train('cpu');
    expect(reference.losses[3]!).toBeLessThan(reference.losses[0]!);
  });

  const same = (run: Run) => {
    run.initial.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(reference.initial[i]!)));
    run.losses.forEach((l, i) => expect(l).toBeCloseTo(reference.losses[i]!, 4));
    run.final.forEach((w, i) => w.forEach((v, j) => expect(Math.abs(v - reference.final[i]![j]!)).toBeLessThan(2e-4)));
  };

  it('wasm: identical initial weights, the same losses and weights', async () => {
    same(await train('wasm'));
  });

  it.skipIf(!search.adapter)(`webgpu (${search.adapter ? 'found an adapter' : `no adapter: ${search.detail}`})`, async () => {
    same(await train('webgpu', { webgpu: { software: true, cpuForward: false } }));
  });
});
