/**
 * Runs independent CP fits (the restarts of a rank sweep) on worker threads, so a sweep uses every
 * core: each restart is a separate optimisation, and its result depends only on (rank, seed), so the
 * sweep's numbers are the same whatever the number of threads. The tensor is copied once into shared
 * memory; fits come back as transferred factor buffers.
 */
import { Worker } from 'node:worker_threads';
import { siblingModuleUrl } from '../../../jobs/registry.js';
import type { CpFit, CpMethod, CpStart } from './fit.js';
import type { DenseTensor, KruskalTensor } from './ktensor.js';

export interface PoolWorkerData {
  shape: number[];
  tensor: SharedArrayBuffer;
  cancelFlag: SharedArrayBuffer;
  /** Set when running from TypeScript sources: the bootstrap loads this entry through tsx. */
  sourceEntry?: string;
}

export interface FitRequest {
  id: number;
  rank: number;
  seed: number;
  /** 'svd' for the deterministic NNDSVD start (the seed is then unused). */
  start?: CpStart;
  method?: CpMethod;
  maxIterations?: number;
  tolerance?: number;
  /** Start from these factors (a refinement) instead of a random draw. */
  init?: KruskalTensor;
  /** Start from these rank − 1 factors plus the NNDSVD's next component. */
  growFrom?: KruskalTensor;
}

export type FitReply =
  | { type: 'progress'; id: number; iteration: number }
  | { type: 'done'; id: number; factors: Float64Array[]; error: number; iterations: number; converged: boolean; errorHistory: number[]; durationMs: number }
  | { type: 'cancelled' | 'failed'; id: number; message: string };

interface Pending {
  resolve: (fit: CpFit) => void;
  reject: (error: Error) => void;
  rank: number;
  onIteration?: (iteration: number) => void;
}

export class FitPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: (() => void)[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly cancelFlag = new SharedArrayBuffer(4);
  private nextId = 1;
  private failure: Error | null = null;

  constructor(
    private readonly tensor: DenseTensor,
    threads: number,
  ) {
    const shared = new SharedArrayBuffer(tensor.data.byteLength);
    new Float64Array(shared).set(tensor.data);
    const entry = new URL(siblingModuleUrl(import.meta.url, './fit-worker'));
    const fromSource = entry.pathname.endsWith('.ts');
    const workerData: PoolWorkerData = { shape: [...tensor.shape], tensor: shared, cancelFlag: this.cancelFlag };
    for (let i = 0; i < Math.max(1, threads); i++) {
      const worker = fromSource
        ? new Worker(new URL('../../../jobs/source-worker.mjs', import.meta.url), { workerData: { ...workerData, sourceEntry: entry.href } })
        : new Worker(entry, { workerData });
      worker.on('message', (reply: FitReply) => this.onReply(worker, reply));
      worker.on('error', (error) => this.abort(error));
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** Fits one (rank, seed); resolves with the same result `fitNonnegativeCp` gives in this thread. */
  fit(request: Omit<FitRequest, 'id'>, onIteration?: (iteration: number) => void): Promise<CpFit> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<CpFit>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject, rank: request.rank, onIteration });
      const send = () => {
        this.idle.pop()!.postMessage({ ...request, id } satisfies FitRequest);
      };
      if (this.idle.length) send();
      else this.queue.push(send);
    });
  }

  /** Stops every running fit at its next iteration; pending fits reject. */
  cancel(): void {
    Atomics.store(new Int32Array(this.cancelFlag), 0, 1);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private onReply(worker: Worker, reply: FitReply): void {
    const job = this.pending.get(reply.id);
    if (!job) {
      if (reply.type !== 'progress') this.idle.push(worker);
      return;
    }
    if (reply.type === 'progress') {
      try {
        job.onIteration?.(reply.iteration);
      } catch (error) {
        // The caller asked to stop (e.g. the user cancelled): stop every fit, fail this one.
        this.cancel();
        this.pending.delete(reply.id);
        job.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return;
    }
    this.pending.delete(reply.id);
    this.idle.push(worker);
    this.queue.shift()?.();
    if (reply.type === 'done') {
      job.resolve({
        kruskal: { shape: [...this.tensor.shape], rank: job.rank, factors: reply.factors, weights: new Float64Array(job.rank).fill(1) },
        error: reply.error,
        iterations: reply.iterations,
        converged: reply.converged,
        errorHistory: reply.errorHistory,
        durationMs: reply.durationMs,
      });
    } else {
      job.reject(new Error(reply.type === 'cancelled' ? 'cancelled' : reply.message));
    }
  }

  private abort(error: Error): void {
    this.failure = error;
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }
}
