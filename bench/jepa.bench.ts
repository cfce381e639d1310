/**
 * Brain-JEPA (issue #19, "Speed"): training-step time of the `tiny` and `small` configs and
 * feature-extraction throughput of `small`, tfjs beside PyTorch CPU measured in the same run
 * (bench/reference/jepa_step_torch.py, which imports the parity tests' transcription
 * test/fixtures/reference/jepa_torch.py, so both sides time the same architecture).
 *
 * Input, ABIDE-shaped: 116 ROIs (AAL) × 80 frames = 5 time patches of 16, 580 tokens; batch 16.
 * Real series of ../shared/data/fmri/abide_aal116_100subj (main/io/roi-series) when present: the
 * step batch is subjects 1-16 with the reference's random crop (seeded) and robust scaling fitted on
 * the 100; the cohort for feature extraction is all 100 with the centre crop. Without the data,
 * seeded normal values of the same shape (speed does not depend on the values). The R × 30
 * gradient matrix is seeded normal: it only enters the positional embedding (one [R,30]×[30,D/2]
 * product), so real diffusion gradients would not change the timing.
 * Masks: one sampleMasks draw with REFERENCE_MASK_CONFIG (iteration 0): 159 context and 124 target
 * tokens per sample here. The same x, gradients and masks go to PyTorch as raw files.
 *
 * Step (both sides): target encoder on all 580 tokens without gradient → layer_norm → target
 * tokens; context encoder on the context tokens → predictor → smooth-L1; backward; AdamW (lr 1e-4,
 * weight decay 0.04 on the reference's decayed group, jepaDecayRule); EMA of the target (m 0.996);
 * the loss read back. Encoder and predictor are updated by one AdamW over both collections
 * (JoinedParams below): the same arithmetic as train.ts's two optimisers, in the one-optimiser shape
 * the data-parallel trainer takes. train.ts's per-step schedules (LR, decay, momentum) are plain
 * scalars and are left out.
 *
 * Ours: wasm (the best CPU backend here: the tfjs-node packages do not install on this machine),
 * (a) in one process with 2 XNNPACK threads (PyTorch has 2), (b) data-parallel on 2 worker threads
 * (main/compute/parallel, one single-threaded wasm replica each, batch split 8 + 8). The parallel
 * trainer's replica is one Params + one AdamW and knows nothing of the EMA target, so this module
 * exports the replica (createReplica): a Params view over encoder + predictor, and an AdamW whose
 * update is followed by the EMA (every replica applies the same update, so the targets stay equal).
 * Each measurement runs in its own child process, so its RSS peak (process maxRSS, workers
 * included) is its own; PyTorch's is its process's ru_maxrss. PyTorch gets one more warm-up step
 * and the same number of timed steps.
 * `small` at batch 16: a training step needs ≈ 0.5 GB of weights, moments and gradients plus
 * ≈ 0.3 GB of activations per sample on wasm (tfjs keeps what the backward pass reads; since
 * main/compute/gradients.ts it frees each piece once read, and AdamW and the EMA no longer hold
 * parameter-sized temporaries). 16 samples (≈ 5.5 GB) do not fit wasm's 4 GB heap, so the in-process
 * step runs them as 2 micro-batches of 8 with the gradients summed (the same step: the loss is a mean
 * over samples); the data-parallel workers take 8 each. Before those fixes the step needed ≈ 0.42 GB
 * per sample plus 1.3 GB for the update: the in-process step ran over 21 minutes at the edge of the
 * heap and batch 16 aborted in one process.
 * Env: CAJAL_BENCH_JEPA_STEPS_TINY / _SMALL (timed steps, default 5 / 2; warm-up 2 / 1),
 * CAJAL_BENCH_JEPA_BATCH (default 16), CAJAL_BENCH_JEPA_MICRO (in-process micro-batch; default 8 for
 * small, the whole batch for tiny), CAJAL_BENCH_JEPA_THREADS (XNNPACK threads in process, default 2),
 * CAJAL_BENCH_JEPA_CONFIGS (default "tiny,small"; empty: feature extraction only),
 * CAJAL_BENCH_JEPA_PROFILE=1 (print the kernels that take the time in one in-process step),
 * CAJAL_BENCH_JEPA_FEATURES=0 (skip feature extraction), CAJAL_BENCH_DP_WORKERS (default min(2, cores)).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import type * as tfTypes from '@tensorflow/tfjs';
import { activateBackend, searchWebGpuAdapters, wasmThreadsReport, type Tfjs } from '../main/compute/index.js';
import { AdamW, Params, trainStepAsync, type ParamEntry, type ParamSnapshot } from '../main/compute/nn/index.js';
import type { AdamWStepOptions, AdamWStepResult } from '../main/compute/nn/optim.js';
import { createDataParallelTrainer, type Replica, type TensorBatch } from '../main/compute/parallel/index.js';
import { loadCohortSeries, readCohort } from '../main/io/roi-series/index.js';
import { jepaModelConfig, parameterCounts, type JepaModelConfig } from '../main/pipelines/jepa/config.js';
import { cropBatch, fitRobustScaler } from '../main/pipelines/jepa/data.js';
import { maskRandom, REFERENCE_MASK_CONFIG, sampleMasks } from '../main/pipelines/jepa/masks.js';
import { createJepaModel, jepaDecayRule, type JepaMasks, type JepaModel } from '../main/pipelines/jepa/model.js';
import { seededRandom } from '../shared/random.js';
import { tsxChildJson } from './child.js';
import { median } from './timing.js';
import type { BenchResult } from './types.js';

const ABIDE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'data', 'fmri', 'abide_aal116_100subj');
const TORCH_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'reference', 'jepa_step_torch.py');
const PYTHON = '/usr/bin/python3';
const ROIS = 116;
const FRAMES = 80;
/** Batch of the step (both sides) and of feature extraction; CAJAL_BENCH_JEPA_BATCH overrides it (e.g. 4 for a quick profile). */
const BATCH = Number(process.env.CAJAL_BENCH_JEPA_BATCH ?? 16);
const GRADIENT_DIMS = 30;
const SEED = 19;
const LR = 1e-4;
const WEIGHT_DECAY = 0.04;
const MOMENTUM = 0.996;

type ConfigName = 'tiny' | 'small';
const PLAN: Record<ConfigName, { warmup: number; steps: number }> = {
  tiny: { warmup: 2, steps: Number(process.env.CAJAL_BENCH_JEPA_STEPS_TINY ?? 5) },
  // ~10-40 s a step on 2 shared cores: few steps, but the same count on both sides.
  small: { warmup: 1, steps: Number(process.env.CAJAL_BENCH_JEPA_STEPS_SMALL ?? 2) },
};

/**
 * Samples per forward/backward pass of the in-process step: the whole batch, except where its
 * activations would not fit wasm's 4 GB heap (small: ≈ 0.3 GB per sample, so 16 samples are run
 * as 2 micro-batches of 8, the data-parallel workers' share). CAJAL_BENCH_JEPA_MICRO overrides it.
 */
function microBatch(name: ConfigName): number {
  const fromEnv = Number(process.env.CAJAL_BENCH_JEPA_MICRO);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return Math.min(fromEnv, BATCH);
  return name === 'small' ? Math.min(8, BATCH) : BATCH;
}

// ---- the replica (also what the data-parallel workers import) ----

/**
 * Encoder and predictor seen as one Params (disjoint names: patch_embed/pos_embed_proj/blocks/norm
 * vs mask_token/predictor_*), so one AdamW updates both and the parallel trainer lays out one flat
 * gradient. Only reads are delegated; adding parameters goes to the parts themselves.
 */
class JoinedParams extends Params {
  constructor(
    tf: Tfjs,
    private readonly parts: readonly Params[],
  ) {
    super(tf);
  }
  private owner(name: string): Params {
    const part = this.parts.find((p) => p.has(name));
    if (!part) throw new Error(`no parameter ${name}`);
    return part;
  }
  override has(name: string): boolean {
    return this.parts.some((p) => p.has(name));
  }
  override get(name: string): tfTypes.Variable {
    return this.owner(name).get(name);
  }
  override entry(name: string): ParamEntry {
    return this.owner(name).entry(name);
  }
  override list(): ParamEntry[] {
    return this.parts.flatMap((p) => p.list());
  }
  override names(): string[] {
    return this.parts.flatMap((p) => p.names());
  }
  override nameOf(tfName: string): string | undefined {
    for (const p of this.parts) {
      const name = p.nameOf(tfName);
      if (name !== undefined) return name;
    }
    return undefined;
  }
  override byName(grads: tfTypes.NamedTensorMap): Map<string, tfTypes.Tensor> {
    return new Map(this.parts.flatMap((p) => [...p.byName(grads)]));
  }
  override count(trainableOnly = false): number {
    return this.parts.reduce((n, p) => n + p.count(trainableOnly), 0);
  }
  override snapshot(): ParamSnapshot {
    return new Map(this.parts.flatMap((p) => [...p.snapshot()]));
  }
  override restore(snapshot: ParamSnapshot): void {
    for (const p of this.parts) p.restore(new Map([...snapshot].filter(([name]) => p.has(name))));
  }
  override dispose(): void {
    // The parts belong to the model, which disposes them.
  }
}

/** AdamW over encoder + predictor, then the EMA of the target: one whole JEPA optimisation step. */
class JepaAdamW extends AdamW {
  constructor(
    params: Params,
    private readonly model: JepaModel,
  ) {
    super(params, { lr: LR, weightDecay: WEIGHT_DECAY, decay: jepaDecayRule });
  }
  override update(grads: Map<string, tfTypes.Tensor>, options: AdamWStepOptions = {}): AdamWStepResult {
    const result = super.update(grads, options);
    this.model.updateTarget(MOMENTUM);
    return result;
  }
}

export interface JepaReplicaConfig {
  model: JepaModelConfig;
  gradients: Float64Array;
  seed: number;
}

/** Batch entries: x float32 [B, R, T]; context int32 [B, K]; target int32 [B, M] (token indices). */
function masksOf(batch: TensorBatch): JepaMasks {
  const rows = (entry: { data: Float32Array | Int32Array; shape: number[] }): Int32Array[] => {
    const [b, k] = entry.shape as [number, number];
    return Array.from({ length: b }, (_, i) => Int32Array.from(entry.data.subarray(i * k, (i + 1) * k)));
  };
  return { context: rows(batch.context!), target: rows(batch.target!) };
}

export function createReplica(tf: Tfjs, config: JepaReplicaConfig): Replica & { model: JepaModel } {
  const model = createJepaModel(tf, config.model, config.gradients, config.seed);
  const params = new JoinedParams(tf, [model.encoder, model.predictor]);
  const optimizer = new JepaAdamW(params, model);
  return {
    model,
    params,
    optimizer,
    loss(batch: TensorBatch): tfTypes.Scalar {
      const { x } = batch;
      if (!x || !batch.context || !batch.target) throw new Error('jepa replica: the batch needs "x", "context" and "target"');
      return tf.tidy(() => model.loss(tf.tensor3d(x.data as Float32Array, x.shape as [number, number, number]), masksOf(batch)));
    },
  };
}

// ---- inputs, written once and shared by the children and PyTorch ----

interface Inputs {
  dir: string;
  source: string;
  context: number;
  targets: number;
  subjects: number;
}

function writeInputs(dir: string, x: Float32Array, cohort: Float32Array, gradients: Float64Array, masks: JepaMasks): void {
  mkdirSync(dir, { recursive: true });
  const bytes = (a: Float32Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength); // little-endian hosts
  const flat = (lists: readonly Int32Array[]): Int32Array => {
    const out = new Int32Array(lists.length * lists[0]!.length);
    lists.forEach((l, i) => out.set(l, i * l.length));
    return out;
  };
  writeFileSync(join(dir, 'x.f32'), bytes(x));
  writeFileSync(join(dir, 'cohort.f32'), bytes(cohort));
  writeFileSync(join(dir, 'gradient.f32'), bytes(Float32Array.from(gradients)));
  writeFileSync(join(dir, 'context.i32'), bytes(flat(masks.context)));
  writeFileSync(join(dir, 'target.i32'), bytes(flat(masks.target)));
}

async function prepareInputs(dir: string): Promise<Inputs> {
  const random = seededRandom(SEED);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const gradients = Float64Array.from({ length: ROIS * GRADIENT_DIMS }, () => 0.5 * normal());
  let x: Float32Array;
  let cohort: Float32Array;
  let source: string;
  let subjects = 100;
  const spec = { frames: FRAMES, samplingRate: 1 };
  if (existsSync(ABIDE)) {
    const series = await loadCohortSeries(await readCohort(ABIDE));
    subjects = series.length;
    const scaler = fitRobustScaler(series);
    x = cropBatch(series, Array.from({ length: BATCH }, (_, i) => i), { spec, mode: 'random', random: seededRandom(SEED + 1), scaler });
    cohort = cropBatch(series, Array.from({ length: subjects }, (_, i) => i), { spec, mode: 'centre', scaler });
    source = `ABIDE AAL116, ${subjects} subjects (robust-scaled crops of ${FRAMES} frames)`;
  } else {
    x = Float32Array.from({ length: BATCH * ROIS * FRAMES }, normal);
    cohort = Float32Array.from({ length: subjects * ROIS * FRAMES }, normal);
    source = `seeded synthetic data (${ABIDE} is missing)`;
  }
  const masks = sampleMasks(ROIS, FRAMES / 16, BATCH, REFERENCE_MASK_CONFIG, maskRandom(SEED, 0), 0);
  writeInputs(dir, x, cohort, gradients, masks);
  return { dir, source, context: masks.context[0]!.length, targets: masks.target[0]!.length, subjects };
}

function readInputs(dir: string, subjects: number): { x: Float32Array; cohort: Float32Array; gradients: Float64Array; context: Int32Array; target: Int32Array } {
  const f32 = (name: string): Float32Array => {
    const b = readFileSync(join(dir, name));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const i32 = (name: string): Int32Array => {
    const b = readFileSync(join(dir, name));
    return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const cohort = f32('cohort.f32');
  if (cohort.length !== subjects * ROIS * FRAMES) throw new Error(`cohort.f32 holds ${cohort.length} values, not ${subjects} subjects`);
  return { x: f32('x.f32'), cohort, gradients: Float64Array.from(f32('gradient.f32')), context: i32('context.i32'), target: i32('target.i32') };
}

function modelConfig(name: ConfigName): JepaModelConfig {
  return jepaModelConfig(name, ROIS, FRAMES);
}

function stepBatch(inputs: ReturnType<typeof readInputs>): TensorBatch {
  return {
    x: { data: inputs.x, shape: [BATCH, ROIS, FRAMES] },
    context: { data: inputs.context, shape: [BATCH, inputs.context.length / BATCH] },
    target: { data: inputs.target, shape: [BATCH, inputs.target.length / BATCH] },
  };
}

function rssPeakMiB(): number {
  return process.resourceUsage().maxRSS / 1024; // KiB on Linux
}

// ---- the child measurements ----

interface StepTiming {
  stepMs: number;
  steps: number;
  parameters: number;
  firstLoss: number;
  lastLoss: number;
  rssPeakMiB: number;
  threads: number;
  /** Data-parallel only: medians of the slowest shard's gradients, the update, the rest. */
  gradientsMs?: number;
  applyMs?: number;
  overheadMs?: number;
  profile?: string[];
}

/**
 * The rows [start, start + size) of a step batch (x, context and target lists), as its own batch.
 */
function sliceBatch(batch: TensorBatch, start: number, size: number): TensorBatch {
  const rows = (entry: { data: Float32Array | Int32Array; shape: number[] }) => {
    const per = entry.shape.slice(1).reduce((a, b) => a * b, 1);
    return { data: entry.data.subarray(start * per, (start + size) * per), shape: [size, ...entry.shape.slice(1)] };
  };
  return { x: rows(batch.x!), context: rows(batch.context!), target: rows(batch.target!) };
}

/**
 * One step of the whole batch in micro-batches of `micro` samples: the gradients of each
 * micro-batch's loss weighted by its share of the batch are summed, then one AdamW + EMA update.
 * The loss is a mean over samples (every sample has as many context and target tokens), so this is
 * the same step as one pass over the batch, with the activations of one micro-batch at a time.
 */
function microBatchStep(tf: Tfjs, replica: ReturnType<typeof createReplica>, batch: TensorBatch, micro: number): number {
  const total = batch.x!.shape[0]!;
  const variables = replica.params.trainableVariables();
  let loss = 0;
  let summed: Map<string, tfTypes.Tensor> | null = null;
  for (let start = 0; start < total; start += micro) {
    const size = Math.min(micro, total - start);
    const part = sliceBatch(batch, start, size);
    const { value, grads } = tf.variableGrads(() => tf.mul(replica.loss(part), size / total) as tfTypes.Scalar, variables);
    loss += value.dataSync()[0]!;
    value.dispose();
    const byName = replica.params.byName(grads);
    if (!summed) summed = byName;
    else {
      for (const [name, g] of byName) {
        const previous = summed.get(name)!;
        summed.set(name, tf.add(previous, g));
        previous.dispose();
        g.dispose();
      }
    }
  }
  replica.optimizer.update(summed!);
  for (const g of summed!.values()) g.dispose();
  return loss;
}

async function childStep(name: ConfigName, dir: string, subjects: number): Promise<StepTiming> {
  const tf = await activateBackend('wasm');
  const inputs = readInputs(dir, subjects);
  const replica = createReplica(tf, { model: modelConfig(name), gradients: inputs.gradients, seed: SEED });
  const batch = stepBatch(inputs);
  const micro = microBatch(name);
  const step = async (): Promise<number> =>
    micro < BATCH ? microBatchStep(tf, replica, batch, micro) : (await trainStepAsync(replica.optimizer, () => replica.loss(batch))).loss;
  const plan = PLAN[name];
  const firstLoss = await step();
  for (let i = 1; i < plan.warmup; i++) await step();
  const times: number[] = [];
  let lastLoss = firstLoss;
  for (let i = 0; i < plan.steps; i++) {
    const start = process.hrtime.bigint();
    lastLoss = await step();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  let profile: string[] | undefined;
  if (process.env.CAJAL_BENCH_JEPA_PROFILE === '1') {
    // Kernel time by op over one step (wasm times each kernel synchronously; the sum exceeds the
    // step time by the profiler's own overhead).
    const info = await tf.profile(async () => {
      await step();
    });
    // Op wrappers ("…__op") and custom-gradient scopes ("unnamed scope": the target pass, smooth-L1)
    // are listed beside the kernels they run, so they are left out of the sums.
    const byOp = new Map<string, { ms: number; count: number }>();
    const byShape = new Map<string, { ms: number; count: number }>();
    let total = 0;
    for (const k of info.kernels) {
      if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      const add = (map: Map<string, { ms: number; count: number }>, key: string): void => {
        const e = map.get(key) ?? { ms: 0, count: 0 };
        e.ms += ms;
        e.count++;
        map.set(key, e);
      };
      add(byOp, k.name);
      add(byShape, `${k.name} ${k.inputShapes.map((shape) => `[${shape?.join(',')}]`).join(' ')}`);
      total += ms;
    }
    const top = (map: Map<string, { ms: number; count: number }>, n: number): string[] =>
      [...map].sort((a, b) => b[1].ms - a[1].ms).slice(0, n).map(([key, e]) => `${key}: ${e.ms.toFixed(0)} ms in ${e.count} calls`);
    profile = [`${info.kernels.length} kernels (wrappers included), ${total.toFixed(0)} ms kernel time`, ...top(byOp, 10), ...top(byShape, 10).map((l) => `by shape: ${l}`)];
  }
  return {
    stepMs: median(times),
    steps: plan.steps,
    parameters: replica.params.count(true),
    firstLoss,
    lastLoss,
    rssPeakMiB: rssPeakMiB(),
    threads: wasmThreadsReport()?.threads ?? 1,
    ...(profile ? { profile } : {}),
  };
}

async function childParallel(name: ConfigName, dir: string, subjects: number, workers: number): Promise<StepTiming> {
  const inputs = readInputs(dir, subjects);
  const config: JepaReplicaConfig = { model: modelConfig(name), gradients: inputs.gradients, seed: SEED };
  const trainer = await createDataParallelTrainer({ replicaModule: new URL(import.meta.url), config, workers, backend: 'wasm' });
  try {
    const batch = stepBatch(inputs);
    const plan = PLAN[name];
    const firstLoss = (await trainer.step(batch)).loss;
    for (let i = 1; i < plan.warmup; i++) await trainer.step(batch);
    const times: number[] = [];
    const gradients: number[] = [];
    const applies: number[] = [];
    const overheads: number[] = [];
    let lastLoss = firstLoss;
    for (let i = 0; i < plan.steps; i++) {
      const start = process.hrtime.bigint();
      const { loss, timing } = await trainer.step(batch);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      lastLoss = loss;
      times.push(ms);
      gradients.push(timing.gradientsMs);
      applies.push(timing.applyMs);
      overheads.push(ms - timing.gradientsMs - timing.applyMs);
    }
    return {
      stepMs: median(times),
      steps: plan.steps,
      parameters: trainer.layout.reduce((n, e) => n + e.size, 0),
      firstLoss,
      lastLoss,
      rssPeakMiB: rssPeakMiB(),
      threads: workers,
      gradientsMs: median(gradients),
      applyMs: median(applies),
      overheadMs: median(overheads),
    };
  } finally {
    await trainer.dispose();
  }
}

interface FeatureTiming {
  subjectsPerS: number;
  passS: number;
  rssPeakMiB: number;
  threads: number;
}

async function childFeatures(name: ConfigName, dir: string, subjects: number): Promise<FeatureTiming> {
  const tf = await activateBackend('wasm');
  const inputs = readInputs(dir, subjects);
  const model = createJepaModel(tf, modelConfig(name), inputs.gradients, SEED);
  const perSubject = ROIS * FRAMES;
  const pooled = (start: number, size: number): Float32Array =>
    tf.tidy(() => model.pooled(tf.tensor3d(inputs.cohort.subarray(start * perSubject, (start + size) * perSubject), [size, ROIS, FRAMES])).dataSync() as Float32Array);
  pooled(0, Math.min(BATCH, subjects)); // warm-up batch
  const start = process.hrtime.bigint();
  for (let s = 0; s < subjects; s += BATCH) pooled(s, Math.min(BATCH, subjects - s));
  const passS = Number(process.hrtime.bigint() - start) / 1e9;
  model.dispose();
  return { subjectsPerS: subjects / passS, passS, rssPeakMiB: rssPeakMiB(), threads: wasmThreadsReport()?.threads ?? 1 };
}

// ---- the parent ----

function child<T>(mode: 'step' | 'parallel' | 'features', name: ConfigName, inputs: Inputs, extra: NodeJS.ProcessEnv = {}): T | string {
  return tsxChildJson<T>(fileURLToPath(import.meta.url), [], {
    timeoutMs: 1_800_000,
    env: {
      ...process.env,
      ...extra,
      CAJAL_BENCH_JEPA_CHILD: mode,
      CAJAL_BENCH_JEPA_CONFIG: name,
      CAJAL_BENCH_JEPA_DIR: inputs.dir,
      CAJAL_BENCH_JEPA_SUBJECTS: String(inputs.subjects),
    },
  });
}

interface TorchStep {
  stepMs: number;
  parameters: number;
  rssPeakMiB: number;
  torch: string;
  threads: number;
  firstLoss: number;
}
interface TorchFeatures {
  subjectsPerS: number;
  rssPeakMiB: number;
  torch: string;
  threads: number;
}

function torchConfig(c: JepaModelConfig): string {
  return JSON.stringify({
    rois: c.rois,
    frames: c.frames,
    patch_size: c.patchSize,
    embed_dim: c.embedDim,
    depth: c.depth,
    heads: c.heads,
    mlp_ratio: c.mlpRatio,
    predictor_dim: c.predictorDim,
    predictor_depth: c.predictorDepth,
    gradient_dims: c.gradientDims,
  });
}

function torchRun<T>(args: string[]): T | string {
  const run = spawnSync(PYTHON, [TORCH_SCRIPT, ...args], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '2' },
    timeout: 1_800_000,
  });
  if (run.status !== 0) return `jepa_step_torch.py failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}`;
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as T;
}

const mib = (v: number): string => `${v.toFixed(0)} MiB`;

export async function benchJepa(dir: string): Promise<BenchResult[]> {
  const inputs = await prepareInputs(join(dir, 'jepa-inputs'));
  console.log(`jepa: input ${BATCH} × ${ROIS} ROIs × ${FRAMES} frames (${(ROIS * FRAMES) / 16} tokens), ${inputs.source}; masks: ${inputs.context} context and ${inputs.targets} target tokens per sample`);
  let tfjsNode = 'installed';
  try {
    await import('@tensorflow/tfjs-node' as string);
  } catch (error) {
    tfjsNode = `not installed (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`;
  }
  console.log(`jepa: @tensorflow/tfjs-node ${tfjsNode}; CPU backend timed: wasm`);
  const results: BenchResult[] = [];
  const workers = Number(process.env.CAJAL_BENCH_DP_WORKERS ?? Math.min(2, os.availableParallelism()));
  const configs = (process.env.CAJAL_BENCH_JEPA_CONFIGS ?? 'tiny,small').split(',').filter(Boolean) as ConfigName[];
  for (const name of configs) {
    const config = modelConfig(name);
    const counts = parameterCounts(config);
    const plan = PLAN[name];
    const label = `jepa ${name} (D ${config.embedDim}×${config.depth}, predictor ${config.predictorDim}×${config.predictorDepth}, ${counts.encoder + counts.predictor} trainable)`;
    const torch = torchRun<TorchStep>([
      '--mode', 'step', '--dir', inputs.dir, '--config', torchConfig(config), '--batch', String(BATCH),
      '--context', String(inputs.context), '--targets', String(inputs.targets),
      '--warmup', String(plan.warmup + 1), '--steps', String(plan.steps), '--threads', '2',
    ]);
    let reference: BenchResult['reference'];
    if (typeof torch === 'string') console.log(`${label}: no PyTorch reference: ${torch}`);
    else {
      reference = { name: `PyTorch ${torch.torch} CPU (${torch.threads} threads)`, value: torch.stepMs };
      console.log(`${label}: PyTorch step ${torch.stepMs.toFixed(0)} ms, RSS peak ${mib(torch.rssPeakMiB)}, first loss ${torch.firstLoss.toFixed(4)}, ${torch.parameters} parameters`);
    }
    const runs: [string, StepTiming | string][] = [
      [
        `wasm, ${process.env.CAJAL_BENCH_JEPA_THREADS ?? '2'} XNNPACK thread(s), one process${microBatch(name) < BATCH ? ` (micro-batches of ${microBatch(name)})` : ''}`,
        child<StepTiming>('step', name, inputs, { CAJAL_WASM_THREADS: process.env.CAJAL_BENCH_JEPA_THREADS ?? '2' }),
      ],
      [`wasm data-parallel on ${workers} workers (1 wasm thread each)`, child<StepTiming>('parallel', name, inputs, { CAJAL_BENCH_DP_WORKERS: String(workers) })],
    ];
    for (const [what, timing] of runs) {
      if (typeof timing === 'string') {
        console.log(`${label}: ${what}: not measured: ${timing}`);
        continue;
      }
      if (typeof torch !== 'string' && torch.parameters !== timing.parameters) console.log(`${label}: parameter counts differ: tfjs ${timing.parameters}, PyTorch ${torch.parameters}`);
      const parts = timing.gradientsMs !== undefined ? `; gradients ${timing.gradientsMs.toFixed(0)} ms (slowest shard), update+EMA ${timing.applyMs!.toFixed(0)} ms, overhead ${timing.overheadMs!.toFixed(0)} ms` : '';
      console.log(`${label}: ${what}: RSS peak ${mib(timing.rssPeakMiB)}, first loss ${timing.firstLoss.toFixed(4)}${parts}`);
      for (const line of timing.profile ?? []) console.log(`${label}: profile: ${line}`);
      results.push({
        name: `${label}: training step, batch ${BATCH}, tfjs ${what} (median of ${timing.steps})`,
        value: timing.stepMs,
        unit: 'ms',
        ...(reference ? { reference } : {}),
      });
    }
  }

  // Feature extraction of the whole cohort with `small`: target encoder + token mean, batch 16.
  if (process.env.CAJAL_BENCH_JEPA_FEATURES === '0') return results;
  const small = modelConfig('small');
  const torchFeatures = torchRun<TorchFeatures>([
    '--mode', 'features', '--dir', inputs.dir, '--config', torchConfig(small), '--batch', String(BATCH), '--subjects', String(inputs.subjects), '--repeats', '1', '--threads', '2',
  ]);
  const ours = child<FeatureTiming>('features', 'small', inputs, { CAJAL_WASM_THREADS: '2' });
  if (typeof torchFeatures === 'string') console.log(`jepa small features: no PyTorch reference: ${torchFeatures}`);
  else console.log(`jepa small features: PyTorch ${torchFeatures.subjectsPerS.toFixed(2)} subjects/s, RSS peak ${mib(torchFeatures.rssPeakMiB)}`);
  if (typeof ours === 'string') console.log(`jepa small features: wasm: not measured: ${ours}`);
  else {
    console.log(`jepa small features: wasm, ${ours.threads} XNNPACK threads: ${ours.passS.toFixed(1)} s for ${inputs.subjects} subjects, RSS peak ${mib(ours.rssPeakMiB)}`);
    // Throughput: higher is better, so the printed ratio ours/PyTorch is a speed fraction here.
    results.push({
      name: `jepa small: feature extraction (target encoder + mean pooling, batch ${BATCH}) of ${inputs.subjects} subjects, tfjs wasm ${ours.threads} XNNPACK threads`,
      value: ours.subjectsPerS,
      unit: 'subjects/s',
      ...(typeof torchFeatures !== 'string' ? { reference: { name: `PyTorch ${torchFeatures.torch} CPU (${torchFeatures.threads} threads)`, value: torchFeatures.subjectsPerS } } : {}),
    });
  }

  const gpu = await searchWebGpuAdapters({ software: false });
  if (gpu.adapter && !gpu.adapter.software) console.log(`jepa: WebGPU adapter ${gpu.adapter.name} found but not timed by this bench (run the step with activateBackend('webgpu'))`);
  else console.log(`jepa: WebGPU not measured: no GPU adapter (${gpu.detail})`);
  return results;
}

const entry = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && isMainThread;
const childMode = process.env.CAJAL_BENCH_JEPA_CHILD;
if (entry && childMode) {
  const name = process.env.CAJAL_BENCH_JEPA_CONFIG as ConfigName;
  const dir = process.env.CAJAL_BENCH_JEPA_DIR!;
  const subjects = Number(process.env.CAJAL_BENCH_JEPA_SUBJECTS);
  const result =
    childMode === 'step'
      ? await childStep(name, dir, subjects)
      : childMode === 'parallel'
        ? await childParallel(name, dir, subjects, Number(process.env.CAJAL_BENCH_DP_WORKERS ?? 2))
        : await childFeatures(name, dir, subjects);
  console.log(JSON.stringify(result));
  process.exit(0);
} else if (entry) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const dir = mkdtempSync(join(os.tmpdir(), 'cajal-bench-jepa-'));
  try {
    for (const r of await benchJepa(dir)) {
      const ratio = r.reference ? ` = ${(r.value / r.reference.value).toFixed(2)}× ${r.reference.name} (${r.reference.value.toFixed(0)} ${r.unit})` : '';
      console.log(`${r.name}: ${r.value.toFixed(r.value < 10 ? 2 : 0)} ${r.unit}${ratio}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
