/**
 * Matmul throughput (GFLOP/s) per backend: plain, transposed (Aᵀ B, A Bᵀ) and batched products
 * (attention-like [128, 64, 32] × [128, 32, 64] and a shared weight [32, 64, 128] × [128, 512]),
 * on `cpu`, `wasm` with tfjs's stock kernels, `wasm` with Cajal's kernels
 * (main/compute/wasm/matmul.ts) and `webgpu` when it activates. Each figure is a ratio against
 * the stock wasm plain product of the same size (the XNNPACK path, same FLOPs as one 2-D matmul).
 * Then the 1024³ product and the attention product on 1 vs 2 wasm threads
 * (main/compute/wasm/threads.ts), each in a child process since threads are fixed at startup.
 * Medians of a few runs; the machine may be shared, so expect noise.
 */
import { activateBackend, type Tfjs } from '../main/compute/activate.js';
import { releaseWebGpu, searchWebGpuAdapters } from '../main/compute/webgpu.js';
import { registerFastWasmMatMul, unregisterFastWasmMatMul } from '../main/compute/wasm/matmul.js';
import { tsxChildJson } from './child.js';
import { median } from './timing.js';
import type { BenchResult } from './types.js';

type Tensor = ReturnType<Tfjs['tensor']>;

interface Case {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
  /** The plain 2-D product with the same FLOPs: [rows, k] × [k, n]. */
  plain: [number, number, number];
  flops: number;
}

const CASES: Case[] = [
  { name: 'A B 512³', a: [512, 512], b: [512, 512], transposeA: false, transposeB: false, plain: [512, 512, 512], flops: 2 * 512 ** 3 },
  { name: 'Aᵀ B 512³', a: [512, 512], b: [512, 512], transposeA: true, transposeB: false, plain: [512, 512, 512], flops: 2 * 512 ** 3 },
  { name: 'A Bᵀ 512³', a: [512, 512], b: [512, 512], transposeA: false, transposeB: true, plain: [512, 512, 512], flops: 2 * 512 ** 3 },
  {
    name: 'batched [128,64,32] × [128,32,64]',
    a: [128, 64, 32], b: [128, 32, 64], transposeA: false, transposeB: false,
    plain: [128 * 64, 32, 64], flops: 2 * 128 * 64 * 32 * 64,
  },
  {
    name: 'attention Q Kᵀ [128,64,32] × [128,64,32]ᵀ',
    a: [128, 64, 32], b: [128, 64, 32], transposeA: false, transposeB: true,
    plain: [128 * 64, 32, 64], flops: 2 * 128 * 64 * 32 * 64,
  },
  {
    name: 'shared weight [32,64,128] × [128,512]',
    a: [32, 64, 128], b: [128, 512], transposeA: false, transposeB: false,
    plain: [32 * 64, 128, 512], flops: 2 * 32 * 64 * 128 * 512,
  },
];

/** Asynchronous reads: WebGPU under Node has no synchronous read-back. */
async function gflops(tf: Tfjs, flops: number, run: () => Tensor, repeats: number): Promise<number> {
  const warm = run(); // warm-up (and XNNPACK weight packing for cached operators, shader compilation)
  await warm.data();
  warm.dispose();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    const out = run();
    await out.data();
    times.push(performance.now() - start);
    out.dispose();
  }
  void tf;
  return flops / (median(times) * 1e6);
}

async function measureAll(tf: Tfjs, repeats: number): Promise<Map<string, number>> {
  const results = new Map<string, number>();
  for (const c of CASES) {
    const a = tf.randomNormal(c.a);
    const b = tf.randomNormal(c.b);
    results.set(c.name, await gflops(tf, c.flops, () => tf.matMul(a, b, c.transposeA, c.transposeB), repeats));
    a.dispose();
    b.dispose();
  }
  return results;
}

async function stockPlain(tf: Tfjs, repeats: number): Promise<Map<string, number>> {
  const results = new Map<string, number>();
  for (const c of CASES) {
    const [m, k, n] = c.plain;
    const a = tf.randomNormal([m, k]);
    const b = tf.randomNormal([k, n]);
    results.set(c.name, await gflops(tf, c.flops, () => tf.matMul(a, b), repeats));
    a.dispose();
    b.dispose();
  }
  return results;
}

interface ThreadsChild {
  threads: { threads: number; detail: string };
  plain: { ms: number };
  attention: { ms: number };
}

function threadsChild(threads: number): ThreadsChild | string {
  return tsxChildJson<ThreadsChild>('test/unit/wasm-threads-child.ts', [String(threads), '5'], { timeoutMs: 60_000 });
}

export async function benchMatmul(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const tf = await activateBackend('wasm');
  unregisterFastWasmMatMul(tf);
  const reference = await stockPlain(tf, 5);
  const stock = await measureAll(tf, 3);
  registerFastWasmMatMul(tf);
  const cajal = await measureAll(tf, 5);
  const push = (backend: string, values: Map<string, number>): void => {
    for (const c of CASES) {
      results.push({
        name: `matmul ${c.name} on ${backend}, GFLOP/s`,
        value: values.get(c.name)!,
        unit: 'GFLOP/s',
        reference: { name: 'stock wasm plain product of the same size', value: reference.get(c.name)! },
      });
    }
  };
  push('wasm (stock tfjs kernels)', stock);
  push('wasm (Cajal kernels)', cajal);

  await tf.setBackend('cpu');
  push('cpu', await measureAll(tf, 1));

  try {
    const gpu = await activateBackend('webgpu', { webgpu: { software: false } });
    push('webgpu', await measureAll(gpu, 3));
    releaseWebGpu();
  } catch (error) {
    console.log(`matmul on webgpu (GPU): skipped (${(error as Error).message.split('\n')[0]})`);
    // No GPU: the software adapter, labelled so, for a figure on every backend.
    const search = await searchWebGpuAdapters({ software: true });
    if (search.adapter?.software) {
      const gpu = await activateBackend('webgpu', { webgpu: { software: true, cpuForward: false } });
      push(`webgpu (software adapter ${search.adapter.name}, no GPU)`, await measureAll(gpu, 2));
      releaseWebGpu();
    }
  }
  await tf.setBackend('wasm');

  const one = threadsChild(1);
  const two = threadsChild(2);
  if (typeof one === 'string' || typeof two === 'string') {
    console.log(`matmul wasm threads: skipped (${typeof one === 'string' ? one : two})`);
  } else {
    results.push({
      name: `matmul 1024³ on wasm, ${two.threads.threads} threads (${two.threads.detail}), GFLOP/s`,
      value: (2 * 1024 ** 3) / (two.plain.ms * 1e6),
      unit: 'GFLOP/s',
      reference: { name: '1 thread', value: (2 * 1024 ** 3) / (one.plain.ms * 1e6) },
    });
    const flops = 2 * 128 * 64 * 32 * 64;
    results.push({
      name: `matmul attention Q Kᵀ [128,64,32] on wasm (Cajal kernels), ${two.threads.threads} threads, GFLOP/s`,
      value: flops / (two.attention.ms * 1e6),
      unit: 'GFLOP/s',
      reference: { name: '1 thread', value: flops / (one.attention.ms * 1e6) },
    });
  }
  return results;
}
