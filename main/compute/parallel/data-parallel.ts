/**
 * Data-parallel training on worker threads. XNNPACK's own threads leave half of a training step
 * (elementwise ops, transposes, packing, small batched products) single-threaded, so on a small
 * machine the better split is by batch: each worker is a single-threaded replica of the model that
 * computes the gradients of a contiguous shard of the batch; the main thread sums them in a fixed
 * order and sends the sum back; every replica applies the same AdamW update. The replicas start
 * from the same seeded weights and apply identical updates, so they stay identical without ever
 * broadcasting weights, and a step equals single-process training on the whole batch up to float
 * rounding (the loss of shard k is weighted by its share of the batch; clipping sees the global
 * norm of the summed gradient).
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { siblingModuleUrl } from '../../jobs/registry.js';
import { ValidationError } from '../../errors.js';
import type { Store } from '../../store/index.js';
import { addCheckpointRow, decodeCheckpoint } from '../nn/checkpoint.js';
import { sizeOf, type ParamSnapshot } from '../nn/params.js';
import type { LayoutEntry, TensorBatch, WorkerInit, WorkerReply, WorkerRequest } from './protocol.js';

export type { CreateReplica, Replica, ReplicaContext, TensorBatch } from './protocol.js';

export interface DataParallelOptions {
  /** URL or path of a module exporting `createReplica(tf, config, context)` (.ts from sources, .js built). */
  replicaModule: string | URL;
  /** Passed to createReplica in every worker; structured-cloneable and deterministic (seeded). */
  config: unknown;
  /** Default min(2, os.availableParallelism()). */
  workers?: number;
  /** Default 'wasm' (one XNNPACK thread per worker); 'cpu' for tests. */
  backend?: 'wasm' | 'cpu';
}

export interface DataParallelStepOptions {
  lr?: number;
  clipNorm?: number;
  /** Read the pre-clip global gradient norm back (worker 0; only with clipNorm). */
  readGradNorm?: boolean;
}

export interface DataParallelStepResult {
  /** Mean loss over the whole batch (the shard means weighted by shard size). */
  loss: number;
  gradNorm?: number;
  /** Where the time went, for benchmarks: slowest shard's gradients, the sum, the slowest update (ms). */
  timing: { gradientsMs: number; reduceMs: number; applyMs: number; totalMs: number };
}

export interface DataParallelTrainer {
  readonly workers: number;
  /** Scalar parameters of the model (all, as Params.count()). */
  readonly parameters: number;
  /** Trainable parameters, in the flat gradient's order. */
  readonly layout: readonly LayoutEntry[];
  /**
   * One training step on `batch` (its arrays are copied, not transferred: the caller keeps them).
   * Rejects with a DataParallelWorkerError when a worker fails; the trainer is then closed.
   */
  step(batch: TensorBatch, options?: DataParallelStepOptions): Promise<DataParallelStepResult>;
  /** The weights of worker 0 (all replicas hold the same). */
  snapshot(): Promise<ParamSnapshot>;
  /** Writes the weights into every replica (optimiser state is kept). */
  restore(snapshot: ParamSnapshot): Promise<void>;
  /** A cajal-nn-v1 bundle (params, AdamW moments and step, `config`) encoded on worker 0. */
  checkpoint(config?: unknown): Promise<Uint8Array>;
  /** Loads a cajal-nn-v1 bundle (params and optimiser state) into every replica; returns its step. */
  restoreCheckpoint(bytes: Uint8Array): Promise<number>;
  /** Terminates the workers; idempotent. */
  dispose(): Promise<void>;
}

/** A replica worker failed (its createReplica, loss or update threw, or the thread died); names the worker. */
export class DataParallelWorkerError extends Error {
  constructor(
    readonly worker: number,
    readonly workers: number,
    readonly detail: string,
  ) {
    super(`data-parallel worker ${worker} of ${workers} failed: ${detail}`);
    this.name = 'DataParallelWorkerError';
  }
}

interface Pending {
  resolve: (reply: WorkerReply) => void;
  reject: (error: Error) => void;
}

/** Row ranges of `rows` split into `parts` contiguous shards, sizes as equal as possible (larger first). */
export function shardRanges(rows: number, parts: number): [number, number][] {
  const base = Math.floor(rows / parts);
  const extra = rows % parts;
  const out: [number, number][] = [];
  let start = 0;
  for (let k = 0; k < parts; k++) {
    const end = start + base + (k < extra ? 1 : 0);
    out.push([start, end]);
    start = end;
  }
  return out;
}

/** The rows [start, end) of every entry, as fresh (transferable) arrays. */
function shardOf(batch: TensorBatch, start: number, end: number): TensorBatch {
  const out: TensorBatch = {};
  for (const [name, t] of Object.entries(batch)) {
    const row = sizeOf(t.shape.slice(1));
    out[name] = { data: t.data.slice(start * row, end * row), shape: [end - start, ...t.shape.slice(1)] };
  }
  return out;
}

function batchRows(batch: TensorBatch): number {
  let rows: number | undefined;
  for (const [name, t] of Object.entries(batch)) {
    if (t.shape.length === 0) throw new ValidationError(name, 'a batch entry needs a batch axis');
    if (t.data.length !== sizeOf(t.shape)) throw new ValidationError(name, `${t.data.length} values for shape [${t.shape.join(', ')}]`);
    if (rows !== undefined && t.shape[0] !== rows) throw new ValidationError(name, `${t.shape[0]} rows, other entries have ${rows}`);
    rows = t.shape[0]!;
  }
  if (!rows) throw new ValidationError('batch', 'empty batch');
  return rows;
}

class Trainer implements DataParallelTrainer {
  readonly workers: number;
  parameters = 0;
  layout: LayoutEntry[] = [];
  private total = 0;
  private readonly threads: Worker[] = [];
  private readonly pending: Map<number, Pending>[] = [];
  private nextId = 1;
  private failure: Error | null = null;
  private disposed = false;
  private busy = false;

  constructor(
    private readonly options: Required<Omit<DataParallelOptions, 'replicaModule'>> & { replicaModule: string },
  ) {
    this.workers = options.workers;
  }

  async start(): Promise<void> {
    const entry = new URL(siblingModuleUrl(import.meta.url, './data-parallel-worker'));
    const fromSource = entry.pathname.endsWith('.ts');
    const ready: Promise<Extract<WorkerReply, { type: 'ready' }>>[] = [];
    for (let k = 0; k < this.workers; k++) {
      const init: WorkerInit = {
        replicaModule: this.options.replicaModule,
        config: this.options.config,
        backend: this.options.backend,
        worker: k,
        workers: this.workers,
      };
      const worker = fromSource
        ? new Worker(new URL('../../jobs/source-worker.mjs', import.meta.url), { workerData: { ...init, sourceEntry: entry.href } })
        : new Worker(entry, { workerData: init });
      const pending = new Map<number, Pending>();
      this.threads.push(worker);
      this.pending.push(pending);
      ready.push(
        new Promise((resolve, reject) => {
          pending.set(0, { resolve: (reply) => resolve(reply as Extract<WorkerReply, { type: 'ready' }>), reject });
        }),
      );
      worker.on('message', (reply: WorkerReply) => this.onReply(k, reply));
      worker.on('error', (error) => this.fail(k, error.message));
      worker.on('exit', (code) => {
        if (!this.disposed) this.fail(k, `exited unexpectedly (code ${code})`);
      });
    }
    let replies: Extract<WorkerReply, { type: 'ready' }>[];
    try {
      replies = await Promise.all(ready);
    } catch (error) {
      await this.dispose();
      throw error;
    }
    const first = replies[0]!;
    const differs = replies.findIndex((r) => r.checksum !== first.checksum || r.total !== first.total);
    if (differs > 0) {
      await this.dispose();
      throw new Error(`data-parallel: replica ${differs} starts from different weights than replica 0: createReplica must be deterministic (seeded)`);
    }
    this.layout = first.layout;
    this.total = first.total;
    this.parameters = first.parameters;
    this.updateRefs();
  }

  /** Workers keep the process alive only while a request is in flight, so a forgotten dispose() does not hang it. */
  private updateRefs(): void {
    this.threads.forEach((worker, k) => (this.pending[k]!.size > 0 ? worker.ref() : worker.unref()));
  }

  private onReply(k: number, reply: WorkerReply): void {
    if (reply.type === 'failed') return this.fail(k, reply.message);
    const id = reply.type === 'ready' ? 0 : reply.id;
    const job = this.pending[k]!.get(id);
    if (!job) return;
    this.pending[k]!.delete(id);
    job.resolve(reply);
    this.updateRefs();
  }

  /** A worker failed: every pending request rejects naming it, and the trainer is closed for good. */
  private fail(k: number, message: string): void {
    if (this.failure || this.disposed) return;
    this.failure = new DataParallelWorkerError(k, this.workers, message);
    for (const pending of this.pending) {
      for (const job of pending.values()) job.reject(this.failure);
      pending.clear();
    }
    void this.dispose();
  }

  private request<T extends WorkerReply['type']>(k: number, message: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<Extract<WorkerReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.pending[k]!.set(message.id, { resolve: (reply) => resolve(reply as Extract<WorkerReply, { type: T }>), reject });
      this.threads[k]!.ref();
      this.threads[k]!.postMessage(message, transfer);
    });
  }

  private usable(): void {
    if (this.failure) throw this.failure;
    if (this.disposed) throw new Error('data-parallel trainer: used after dispose()');
    if (this.busy) throw new Error('data-parallel trainer: one call at a time (await the previous step)');
  }

  /** Runs `body` as the only call in flight; a rejection from a failed worker carries its message. */
  private async exclusive<T>(body: () => Promise<T>): Promise<T> {
    this.usable();
    this.busy = true;
    try {
      return await body();
    } finally {
      this.busy = false;
    }
  }

  step(batch: TensorBatch, options: DataParallelStepOptions = {}): Promise<DataParallelStepResult> {
    return this.exclusive(async () => {
      const began = performance.now();
      const rows = batchRows(batch);
      const ranges = shardRanges(rows, this.workers);
      const asked = ranges.map(([start, end], k) => {
        if (end === start) return null;
        const shard = shardOf(batch, start, end);
        const transfer = Object.values(shard).map((t) => t.data.buffer as ArrayBuffer);
        return this.request<'grads'>(k, { type: 'grads', id: this.nextId++, batch: shard, weight: (end - start) / rows }, transfer);
      });
      const replies = await Promise.all(asked);
      const reduceStart = performance.now();
      // Fixed order (worker 0, 1, …) so the sum, and so the training, is deterministic.
      const sum = new Float32Array(this.total);
      const present = new Uint8Array(this.layout.length);
      let loss = 0;
      let first = true;
      for (const reply of replies) {
        if (!reply) continue;
        loss += reply.loss;
        for (let i = 0; i < present.length; i++) present[i]! |= reply.present[i]!;
        if (first) sum.set(reply.grads);
        else {
          const g = reply.grads;
          for (let i = 0; i < sum.length; i++) sum[i]! += g[i]!;
        }
        first = false;
      }
      const gradientsMs = Math.max(...replies.map((r) => r?.ms ?? 0));
      const reduceMs = performance.now() - reduceStart;
      const applied = await Promise.all(
        this.threads.map((_, k) => {
          // The last worker gets the buffers themselves; the others copies.
          const last = k === this.workers - 1;
          const grads = last ? sum : sum.slice();
          const mask = last ? present : present.slice();
          return this.request<'applied'>(
            k,
            { type: 'apply', id: this.nextId++, grads, present: mask, lr: options.lr, clipNorm: options.clipNorm, readGradNorm: k === 0 && !!options.readGradNorm },
            [grads.buffer, mask.buffer],
          );
        }),
      );
      const gradNorm = applied[0]!.gradNorm;
      return {
        loss,
        ...(gradNorm !== undefined ? { gradNorm } : {}),
        timing: { gradientsMs, reduceMs, applyMs: Math.max(...applied.map((a) => a.ms)), totalMs: performance.now() - began },
      };
    });
  }

  snapshot(): Promise<ParamSnapshot> {
    return this.exclusive(async () => (await this.request<'snapshot'>(0, { type: 'snapshot', id: this.nextId++ })).snapshot);
  }

  restore(snapshot: ParamSnapshot): Promise<void> {
    return this.exclusive(async () => {
      await Promise.all(this.threads.map((_, k) => this.request<'restored'>(k, { type: 'restore', id: this.nextId++, snapshot })));
    });
  }

  checkpoint(config?: unknown): Promise<Uint8Array> {
    return this.exclusive(async () => (await this.request<'checkpoint'>(0, { type: 'checkpoint', id: this.nextId++, config: config ?? null })).bytes);
  }

  restoreCheckpoint(bytes: Uint8Array): Promise<number> {
    return this.exclusive(async () => {
      const replies = await Promise.all(this.threads.map((_, k) => this.request<'restored'>(k, { type: 'restoreCheckpoint', id: this.nextId++, bytes })));
      return replies[0]!.step;
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const pending of this.pending) {
      for (const job of pending.values()) job.reject(this.failure ?? new Error('data-parallel trainer disposed'));
      pending.clear();
    }
    await Promise.all(this.threads.map((worker) => worker.terminate()));
  }
}

function moduleHref(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return /^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module) ? module : pathToFileURL(module).href;
}

/**
 * Starts the workers, builds a replica in each and checks they start from the same weights.
 * Rejects (after terminating the workers) if a replica cannot be built.
 */
export async function createDataParallelTrainer(options: DataParallelOptions): Promise<DataParallelTrainer> {
  const workers = options.workers ?? Math.min(2, os.availableParallelism());
  if (!Number.isInteger(workers) || workers < 1) throw new ValidationError('workers', `${workers} is not a positive integer`);
  const trainer = new Trainer({
    replicaModule: moduleHref(options.replicaModule),
    config: options.config,
    workers,
    backend: options.backend ?? 'wasm',
  });
  await trainer.start();
  return trainer;
}

export interface SaveTrainerCheckpointOptions {
  name: string;
  pipeline: string;
  runId?: number | null;
  /** The model's hyper-parameters, stored in the bundle and the row (as saveCheckpoint does). */
  config?: unknown;
  meta?: Record<string, unknown>;
}

/**
 * Stores the trainer's checkpoint as one `models` row, the same row saveCheckpoint writes for an
 * in-process model (format, meta.config, meta.step, meta.parameterCount), so loadCheckpoint reads it.
 */
export async function saveTrainerCheckpoint(store: Store, trainer: DataParallelTrainer, options: SaveTrainerCheckpointOptions): Promise<number> {
  const weights = await trainer.checkpoint(options.config);
  const { header } = decodeCheckpoint(weights, 'the trainer checkpoint');
  return addCheckpointRow(store, { ...options, step: header.step, parameterCount: trainer.parameters }, weights);
}
