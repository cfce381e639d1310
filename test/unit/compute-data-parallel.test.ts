/**
 * Data-parallel training (main/compute/parallel): two worker replicas against one process on the
 * whole batch, same seeds, on cpu and wasm. Tolerances: the shard gradients are summed in a
 * different order than one full-batch backward pass, so they agree to float32 rounding (~1e-7
 * relative); AdamW divides by √v, which amplifies that slightly over a few steps. Losses must agree
 * to 1e-5 relative, weights to 2e-5 absolute + 1e-4 relative (the weights are O(0.1–1)).
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { activateBackend } from '../../main/compute/activate.js';
import { join } from 'node:path';
import { decodeCheckpoint, loadCheckpoint } from '../../main/compute/nn/checkpoint.js';
import { createReplica as createLmReplica, type LMReplicaConfig } from '../../main/compute/nn/lm-replica.js';
import { trainStep } from '../../main/compute/nn/optim.js';
import type { ParamSnapshot } from '../../main/compute/nn/params.js';
import { Store } from '../../main/store/index.js';
import { runTsxChild } from '../helpers/child.js';
import { tempDir } from '../helpers/tmp.js';
import { DataParallelWorkerError, createDataParallelTrainer, saveTrainerCheckpoint, shardRanges, type DataParallelTrainer, type TensorBatch } from '../../main/compute/parallel/index.js';
import type { CreateReplica } from '../../main/compute/parallel/protocol.js';
import { seededRandom } from '../../shared/random.js';
import { POISON, createReplica as createMlpReplica, type MlpReplicaConfig } from '../fixtures/parallel/mlp-replica.js';

const root = path.resolve(import.meta.dirname, '../..');
const MLP_MODULE = path.join(root, 'test/fixtures/parallel/mlp-replica.ts');
const LM_MODULE = path.join(root, 'main/compute/nn/lm-replica.ts');
const MLP: MlpReplicaConfig = { seed: 3, hidden: 16, lr: 0.05 };
const LM: LMReplicaConfig = {
  model: { vocabSize: 16, maxLength: 8, layers: 1, dim: 16, heads: 2, seed: 5 },
  optimizer: { lr: 0.01, weightDecay: 0.01 },
};
const STEPS = 4;
const CLIP = 0.2;
const LOSS_RTOL = 1e-5;
const WEIGHT_ATOL = 2e-5;
const WEIGHT_RTOL = 1e-4;

const open: DataParallelTrainer[] = [];
const tmp = tempDir();
afterAll(async () => {
  await Promise.all(open.map((t) => t.dispose()));
  tmp.cleanup();
});

function mlpBatches(rows: number): TensorBatch[] {
  const random = seededRandom(11);
  return Array.from({ length: STEPS }, () => {
    const x = Float32Array.from({ length: rows * 6 }, () => random() * 2 - 1);
    const y = Float32Array.from({ length: rows * 2 }, () => random() * 4 - 2);
    return { x: { data: x, shape: [rows, 6] }, y: { data: y, shape: [rows, 2] } };
  });
}

function lmBatches(rows: number): TensorBatch[] {
  const random = seededRandom(12);
  const T = LM.model.maxLength;
  return Array.from({ length: STEPS }, () => {
    const tokens = Int32Array.from({ length: rows * (T + 1) }, () => Math.floor(random() * LM.model.vocabSize));
    const inputs = new Int32Array(rows * T);
    const targets = new Int32Array(rows * T);
    for (let r = 0; r < rows; r++) {
      inputs.set(tokens.subarray(r * (T + 1), r * (T + 1) + T), r * T);
      targets.set(tokens.subarray(r * (T + 1) + 1, (r + 1) * (T + 1)), r * T);
    }
    return { inputs: { data: inputs, shape: [rows, T] }, targets: { data: targets, shape: [rows, T] } };
  });
}

/** One process, the whole batch: the reference. */
async function reference<C>(backend: 'cpu' | 'wasm', create: CreateReplica<C>, config: C, batches: TensorBatch[]): Promise<{ losses: number[]; weights: ParamSnapshot }> {
  const tf = await activateBackend(backend);
  const replica = await create(tf, config, { worker: 0, workers: 1 });
  const initial = replica.params.snapshot();
  const losses = batches.map((batch) => trainStep(replica.optimizer, () => replica.loss(batch), { clipNorm: CLIP }).loss);
  const weights = replica.params.snapshot();
  // Training moved every parameter well beyond the tolerance: the comparison is not between two inits.
  for (const [name, { values }] of weights) {
    const before = initial.get(name)!.values;
    expect(Math.max(...values.map((v, i) => Math.abs(v - before[i]!))), name).toBeGreaterThan(100 * WEIGHT_ATOL);
  }
  replica.optimizer.dispose();
  replica.params.dispose();
  return { losses, weights };
}

async function parallel(backend: 'cpu' | 'wasm', module: string, config: unknown, batches: TensorBatch[]): Promise<{ losses: number[]; weights: ParamSnapshot; trainer: DataParallelTrainer }> {
  const trainer = await createDataParallelTrainer({ replicaModule: module, config, workers: 2, backend });
  open.push(trainer);
  const losses: number[] = [];
  for (const batch of batches) {
    const result = await trainer.step(batch, { clipNorm: CLIP, readGradNorm: true });
    losses.push(result.loss);
    // Clipping is really exercised: the global norm of the summed gradient exceeds the threshold.
    if (losses.length === 1) expect(result.gradNorm).toBeGreaterThan(CLIP);
  }
  return { losses, weights: await trainer.snapshot(), trainer };
}

function expectClose(actual: { losses: number[]; weights: ParamSnapshot }, expected: { losses: number[]; weights: ParamSnapshot }): void {
  actual.losses.forEach((loss, i) => expect(Math.abs(loss - expected.losses[i]!), `loss ${i}: ${loss} vs ${expected.losses[i]}`).toBeLessThanOrEqual(LOSS_RTOL * Math.abs(expected.losses[i]!)));
  expect([...actual.weights.keys()]).toEqual([...expected.weights.keys()]);
  let worst = 0;
  let largest = 0;
  for (const [name, { values }] of expected.weights) {
    const got = actual.weights.get(name)!.values;
    for (let i = 0; i < values.length; i++) {
      worst = Math.max(worst, Math.abs(got[i]! - values[i]!) - WEIGHT_RTOL * Math.abs(values[i]!));
      largest = Math.max(largest, Math.abs(got[i]! - values[i]!));
    }
  }
  expect(worst, `weights differ by up to ${worst} beyond the relative tolerance`).toBeLessThanOrEqual(WEIGHT_ATOL);
  if (process.env.CAJAL_TEST_VERBOSE) console.log(`largest weight difference ${largest}, loss differences ${actual.losses.map((l, i) => l - expected.losses[i]!).join(', ')}`);
}

describe('data-parallel training', () => {
  it('splits rows into contiguous shards as equal as possible', () => {
    expect(shardRanges(5, 2)).toEqual([[0, 3], [3, 5]]);
    expect(shardRanges(7, 3)).toEqual([[0, 3], [3, 5], [5, 7]]);
    expect(shardRanges(1, 2)).toEqual([[0, 1], [1, 1]]);
  });

  it('2 workers on cpu equal one process on the whole batch (MLP, shards 3+2, clipped AdamW)', async () => {
    const batches = mlpBatches(5);
    const expected = await reference('cpu', createMlpReplica, MLP, batches);
    const actual = await parallel('cpu', MLP_MODULE, MLP, batches);
    expectClose(actual, expected);
  }, 30_000);

  it('2 workers on wasm equal one process on the whole batch (transformer LM, shards 3+2)', async () => {
    const batches = lmBatches(5);
    const expected = await reference('wasm', createLmReplica, LM, batches);
    const actual = await parallel('wasm', LM_MODULE, LM, batches);
    expectClose(actual, expected);

    // A checkpoint from worker 0 holds the weights and the optimiser step; restoring it elsewhere gives the same weights.
    const bytes = await actual.trainer.checkpoint(LM);
    const decoded = decodeCheckpoint(bytes);
    expect(decoded.header.step).toBe(STEPS);
    expect(decoded.header.config).toEqual(LM);
    for (const [name, t] of actual.weights) expect(decoded.groups.get('param')!.get(name)!.values).toEqual(t.values);
    const other = await createDataParallelTrainer({ replicaModule: LM_MODULE, config: LM, workers: 1, backend: 'wasm' });
    open.push(other);
    expect(await other.restoreCheckpoint(bytes)).toBe(STEPS);
    const restored = await other.snapshot();
    for (const [name, t] of actual.weights) expect(restored.get(name)!.values).toEqual(t.values);
    // Stored as saveCheckpoint stores an in-process model: loadCheckpoint reads it into one.
    const store = Store.open(join(tmp.dir, 'dp.cajal'));
    const id = await saveTrainerCheckpoint(store, actual.trainer, { name: 'lm', pipeline: 'test', config: LM });
    expect(store.models.get(id)!.meta).toMatchObject({ step: STEPS, parameterCount: actual.trainer.parameters, config: LM });
    const tf = await activateBackend('wasm');
    const local = createLmReplica(tf, LM);
    expect(loadCheckpoint(store, id, { params: local.params, optimizer: local.optimizer }).step).toBe(STEPS);
    for (const [name, t] of local.params.snapshot()) expect(t.values).toEqual(actual.weights.get(name)!.values);
    local.optimizer.dispose();
    local.params.dispose();
    store.close();
    // restore() writes plain weights into every replica.
    await actual.trainer.restore(await other.snapshot());
    await other.dispose();
    await other.dispose();
  }, 30_000);

  it('2 workers on cpu equal one process for the transformer LM too (odd batch 3+2)', async () => {
    const batches = lmBatches(5);
    expectClose(await parallel('cpu', LM_MODULE, LM, batches), await reference('cpu', createLmReplica, LM, batches));
  }, 30_000);

  it('a batch with fewer rows than workers leaves a worker without a shard and still equals one process', async () => {
    const batches = mlpBatches(1);
    expectClose(await parallel('cpu', MLP_MODULE, MLP, batches), await reference('cpu', createMlpReplica, MLP, batches));
  }, 30_000);

  it('a worker that throws rejects the step with its message, and the trainer stays closed', async () => {
    const trainer = await createDataParallelTrainer({ replicaModule: MLP_MODULE, config: MLP, workers: 2, backend: 'cpu' });
    open.push(trainer);
    const batch = mlpBatches(5)[0]!;
    batch.x!.data[4 * 6] = POISON; // row 4: worker 1's shard [3, 5)
    const failure = await trainer.step(batch).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DataParallelWorkerError);
    expect((failure as DataParallelWorkerError).worker).toBe(1);
    expect((failure as Error).message).toMatch(/worker 1 of 2 failed: mlp-replica: poisoned row/);
    await expect(trainer.step(mlpBatches(5)[0]!)).rejects.toThrow(/worker 1 of 2 failed/);
    await trainer.dispose();
    await trainer.dispose();
  }, 30_000);

  it('a module without createReplica fails at creation with a clear error', async () => {
    await expect(createDataParallelTrainer({ replicaModule: path.join(root, 'shared/random.ts'), config: {}, workers: 1, backend: 'cpu' })).rejects.toThrow(
      /worker 0 of 1 failed: .*does not export createReplica/,
    );
  }, 30_000);

  it('lets the process exit by itself after dispose()', async () => {
    const result = await runTsxChild('test/fixtures/parallel/dispose-child.ts', [], 30_000);
    expect(result.exitedAlone, `the child did not exit within 30 s\n${result.stderr}`).toBe(true);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/loss \d/);
  }, 40_000);
});
