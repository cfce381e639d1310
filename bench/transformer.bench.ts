/**
 * Training-step time of the transformer on each tfjs backend, beside PyTorch CPU measured in
 * the same run (bench/reference/transformer_torch.py, same architecture and step).
 *
 * Model (main/compute/nn createTransformerLM): vocab 128, d_model 128, 4 heads, 4 pre-LN blocks,
 * MLP ratio 4 (exact GELU), learned positions for T = 64, final LayerNorm, untied linear head:
 *   token embedding 128·128 = 16,384; positions 64·128 = 8,192;
 *   per block 198,272 (LN 256 + fused QKV 49,536 + out 16,512 + LN 256 + fc1 66,048 + fc2 65,664) × 4 = 793,088;
 *   final LN 256; head 128·128 + 128 = 16,512;  total 834,432 (PyTorch counts the same).
 * Step: batch 32 of seeded random tokens, next-token cross-entropy, gradients, global-norm clip 1.0
 * folded into AdamW (lr 3e-4, wd 0.01 on matmul weights), one read of the loss.
 *
 * cpu gets only a couple of steps (slow); wasm and webgpu a median after warm-up. A backend that
 * cannot run prints one line saying why. wasm is timed with 1 XNNPACK thread (CAJAL_WASM_THREADS
 * of this process) and with 2 in a child process (PyTorch has 2). webgpu runs on a GPU when Dawn
 * finds one; without, on the software adapter (llvmpipe), labelled so, with two steps only.
 * Also reports tfjs kernels per training step, and the same step data-parallel on N worker threads
 * (main/compute/parallel: one single-threaded wasm replica per worker, batch split 16+16, summed
 * gradients sent back; CAJAL_BENCH_DP_WORKERS, default min(2, cores)), with its per-step overhead.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as tfTypes from '@tensorflow/tfjs';
import type { BackendName } from '../shared/api/index.js';
import { activateBackend, releaseWebGpu, searchWebGpuAdapters, wasmThreadsReport, type Tfjs } from '../main/compute/index.js';
import { AdamW, Params, createTransformerLM, trainStepAsync, type TransformerLMConfig } from '../main/compute/nn/index.js';
import type { LMReplicaConfig } from '../main/compute/nn/lm-replica.js';
import { createDataParallelTrainer, type DataParallelTrainer, type TensorBatch } from '../main/compute/parallel/index.js';
import { seededRandom } from '../shared/random.js';
import { tsxChildJson } from './child.js';
import { median } from './timing.js';
import type { BenchResult } from './types.js';

const MODEL: TransformerLMConfig = { vocabSize: 128, maxLength: 64, layers: 4, dim: 128, heads: 4, seed: 1 };
const BATCH = 32;
const CLIP = 1;
const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'reference', 'transformer_torch.py');

/** Warm-up and timed steps per backend (cpu is ~100× slower than the others). */
const PLAN: Record<'cpu' | 'wasm' | 'webgpu' | 'webgpuSoftware', { warmup: number; steps: number }> = {
  cpu: { warmup: 1, steps: 2 },
  wasm: { warmup: 2, steps: Number(process.env.CAJAL_BENCH_TRANSFORMER_STEPS ?? 5) },
  webgpu: { warmup: 3, steps: Number(process.env.CAJAL_BENCH_TRANSFORMER_STEPS ?? 10) },
  // Mesa llvmpipe: ~16 s a step here; measured so the figure exists without a GPU, not for speed.
  webgpuSoftware: { warmup: 1, steps: 2 },
};

interface TorchReference {
  stepMs: number;
  parameters: number;
  torch: string;
  threads: number;
}

/** PyTorch CPU's step time, or why it could not be measured. */
function torchReference(): TorchReference | string {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return `${PYTHON} cannot import torch (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()})`;
  const run = spawnSync(PYTHON, [TORCH_SCRIPT, '--threads', '2', '--warmup', '5', '--steps', '10'], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '2' },
    timeout: 600_000,
  });
  if (run.status !== 0) return `transformer_torch.py failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}`;
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as TorchReference;
}

interface Model {
  params: Params;
  step: () => Promise<number>;
  dispose: () => void;
}

/** The batch every step trains on: seeded random tokens, [BATCH, T + 1]. */
function batchTokens(): Int32Array {
  const random = seededRandom(7);
  const tokens = new Int32Array(BATCH * (MODEL.maxLength + 1));
  for (let i = 0; i < tokens.length; i++) tokens[i] = Math.floor(random() * MODEL.vocabSize);
  return tokens;
}

function buildModel(tf: Tfjs): Model {
  const params = new Params(tf);
  const lm = createTransformerLM(params, MODEL);
  const optimizer = new AdamW(params, { lr: 3e-4, weightDecay: 0.01 });
  const tokens = batchTokens();
  const all = tf.tensor2d(tokens, [BATCH, MODEL.maxLength + 1], 'int32');
  const inputs = tf.slice(all, [0, 0], [BATCH, MODEL.maxLength]) as tfTypes.Tensor2D;
  const targets = tf.slice(all, [0, 1], [BATCH, MODEL.maxLength]) as tfTypes.Tensor2D;
  all.dispose();
  return {
    params,
    step: async () => (await trainStepAsync(optimizer, () => lm.loss(inputs, targets), { clipNorm: CLIP })).loss,
    dispose: () => {
      inputs.dispose();
      targets.dispose();
      optimizer.dispose();
      params.dispose();
    },
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

interface BackendTiming {
  backend: string;
  stepMs: number;
  steps: number;
  kernels: number;
  parameters: number;
}

async function timeBackend(backend: 'cpu' | 'wasm' | 'webgpu', software = false): Promise<BackendTiming | string> {
  let tf: Tfjs;
  try {
    tf = await activateBackend(backend as BackendName, { webgpu: { software } });
  } catch (error) {
    return `activateBackend('${backend}') failed: ${firstLine(error)}`;
  }
  const model = buildModel(tf);
  try {
    const plan = PLAN[software ? 'webgpuSoftware' : backend];
    try {
      for (let i = 0; i < plan.warmup; i++) await model.step();
    } catch (error) {
      return `a training step fails: ${firstLine(error)}`;
    }
    const times: number[] = [];
    for (let i = 0; i < plan.steps; i++) {
      const start = process.hrtime.bigint();
      const loss = await model.step();
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (!Number.isFinite(loss)) return `the loss is ${loss}`;
    }
    const profile = await tf.profile(async () => {
      await model.step();
    });
    return { backend, stepMs: median(times), steps: plan.steps, kernels: profile.kernels.length, parameters: model.params.count() };
  } finally {
    model.dispose();
    if (backend === 'webgpu') releaseWebGpu();
  }
}

interface DataParallelTiming {
  workers: number;
  stepMs: number;
  steps: number;
  parameters: number;
  /** Medians: slowest shard's gradients, the update, and the rest (messages, the sum, the split). */
  gradientsMs: number;
  applyMs: number;
  overheadMs: number;
  gradientBytes: number;
}

/** The same step data-parallel over `workers` single-threaded wasm replicas (main/compute/parallel). */
async function timeDataParallel(workers: number): Promise<DataParallelTiming | string> {
  const config: LMReplicaConfig = { model: MODEL, optimizer: { lr: 3e-4, weightDecay: 0.01 } };
  const replicaModule = new URL(`../main/compute/nn/lm-replica${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  let trainer: DataParallelTrainer;
  try {
    trainer = await createDataParallelTrainer({ replicaModule, config, workers, backend: 'wasm' });
  } catch (error) {
    return `the workers do not start: ${firstLine(error)}`;
  }
  try {
    const T = MODEL.maxLength;
    const tokens = batchTokens();
    const inputs = new Int32Array(BATCH * T);
    const targets = new Int32Array(BATCH * T);
    for (let r = 0; r < BATCH; r++) {
      inputs.set(tokens.subarray(r * (T + 1), r * (T + 1) + T), r * T);
      targets.set(tokens.subarray(r * (T + 1) + 1, (r + 1) * (T + 1)), r * T);
    }
    const batch: TensorBatch = { inputs: { data: inputs, shape: [BATCH, T] }, targets: { data: targets, shape: [BATCH, T] } };
    const plan = PLAN.wasm;
    for (let i = 0; i < plan.warmup; i++) await trainer.step(batch, { clipNorm: CLIP });
    const times: number[] = [];
    const gradients: number[] = [];
    const applies: number[] = [];
    const overheads: number[] = [];
    for (let i = 0; i < plan.steps; i++) {
      const start = process.hrtime.bigint();
      const { loss, timing } = await trainer.step(batch, { clipNorm: CLIP });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (!Number.isFinite(loss)) return `the loss is ${loss}`;
      times.push(ms);
      gradients.push(timing.gradientsMs);
      applies.push(timing.applyMs);
      overheads.push(ms - timing.gradientsMs - timing.applyMs);
    }
    const total = trainer.layout.reduce((n, e) => n + e.size, 0);
    return {
      workers,
      stepMs: median(times),
      steps: plan.steps,
      parameters: trainer.parameters,
      gradientsMs: median(gradients),
      applyMs: median(applies),
      overheadMs: median(overheads),
      gradientBytes: total * 4,
    };
  } catch (error) {
    return `a training step fails: ${firstLine(error)}`;
  } finally {
    await trainer.dispose();
  }
}

/** "wasm, 1 thread" (CAJAL_WASM_THREADS sets the XNNPACK threads of the first wasm activation). */
function label(backend: string): string {
  if (backend !== 'wasm') return backend;
  const threads = wasmThreadsReport()?.threads ?? 1;
  return `wasm, ${threads} thread${threads === 1 ? '' : 's'}`;
}

/** The wasm step with 2 XNNPACK threads, in a child process (threads are fixed when wasm starts). */
function timeWasmThreadsChild(threads: number): BackendTiming | string {
  return tsxChildJson<BackendTiming>(fileURLToPath(import.meta.url), [], {
    timeoutMs: 300_000,
    env: { ...process.env, CAJAL_WASM_THREADS: String(threads), CAJAL_BENCH_TRANSFORMER_CHILD: 'wasm' },
  });
}

export async function benchTransformer(): Promise<BenchResult[]> {
  const torch = torchReference();
  const reference = typeof torch === 'string' ? undefined : { name: `PyTorch ${torch.torch} CPU (${torch.threads} threads)`, value: torch.stepMs };
  if (typeof torch === 'string') console.log(`transformer: no PyTorch reference: ${torch}`);
  const results: BenchResult[] = [];
  let kernels: number | undefined;
  const threads = Math.min(2, os.availableParallelism());
  for (const backend of ['cpu', 'wasm', 'wasm-threads', 'webgpu'] as const) {
    let name: string = backend;
    let timing: BackendTiming | string;
    if (backend === 'wasm-threads') {
      if (threads < 2) continue;
      timing = timeWasmThreadsChild(threads);
      name = `wasm, ${threads} XNNPACK threads`;
    } else {
      timing = await timeBackend(backend);
      name = label(backend);
    }
    if (backend === 'webgpu' && typeof timing === 'string') {
      // No GPU: time the software adapter when there is one, so WebGPU still has a figure.
      console.log(`transformer: webgpu on a GPU: not measured: ${timing}`);
      const search = await searchWebGpuAdapters({ software: true });
      if (!search.adapter?.software) continue;
      timing = await timeBackend('webgpu', true);
      name = `webgpu on the software adapter ${search.adapter.name} (no GPU)`;
    }
    if (typeof timing === 'string') {
      console.log(`transformer: ${backend}: not measured: ${timing}`);
      continue;
    }
    if (typeof torch !== 'string' && timing.parameters !== torch.parameters) {
      console.log(`transformer: parameter counts differ: tfjs ${timing.parameters}, PyTorch ${torch.parameters}`);
    }
    kernels ??= timing.kernels;
    results.push({
      name: `transformer: training step, 4 layers × d128 × 4 heads, T 64, batch 32, ${timing.parameters} parameters, tfjs ${name} (median of ${timing.steps})`,
      value: timing.stepMs,
      unit: 'ms',
      ...(reference ? { reference } : {}),
    });
  }
  if (kernels !== undefined) results.push({ name: 'transformer: tfjs kernels per training step', value: kernels, unit: 'kernels' });
  const workers = Number(process.env.CAJAL_BENCH_DP_WORKERS ?? Math.min(2, os.availableParallelism()));
  const parallel = await timeDataParallel(workers);
  if (typeof parallel === 'string') console.log(`transformer: wasm data-parallel: not measured: ${parallel}`);
  else {
    console.log(
      `transformer: wasm data-parallel on ${parallel.workers} workers: median gradients ${parallel.gradientsMs.toFixed(0)} ms (slowest shard), ` +
        `update ${parallel.applyMs.toFixed(0)} ms, overhead ${parallel.overheadMs.toFixed(1)} ms (split, 2 × ${(parallel.gradientBytes / 1e6).toFixed(1)} MB messages per worker, sum)`,
    );
    results.push({
      name: `transformer: training step, batch ${BATCH}, ${parallel.parameters} parameters, tfjs wasm data-parallel on ${parallel.workers} workers (1 wasm thread each, median of ${parallel.steps})`,
      value: parallel.stepMs,
      unit: 'ms',
      ...(reference ? { reference } : {}),
    });
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.env.CAJAL_BENCH_TRANSFORMER_CHILD === 'wasm') {
  console.log(JSON.stringify(await timeBackend('wasm')));
  process.exit(0);
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await benchTransformer()) {
    const ratio = r.reference ? ` = ${(r.value / r.reference.value).toFixed(2)}× ${r.reference.name} (${r.reference.value.toFixed(0)} ${r.unit})` : '';
    console.log(`${r.name}: ${r.value.toFixed(r.value < 10 ? 2 : 0)} ${r.unit}${ratio}`);
  }
}
