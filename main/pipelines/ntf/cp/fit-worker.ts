/**
 * Worker-thread entry of the CP fit pool: holds the tensor (shared, never copied) and fits one
 * (rank, seed) at a time on request. See fit-pool.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fitNonnegativeCp } from './fit.js';
import type { FitReply, FitRequest, PoolWorkerData } from './fit-pool.js';

const data = workerData as PoolWorkerData;
const tensor = { shape: data.shape, data: new Float64Array(data.tensor) };
const cancelFlag = new Int32Array(data.cancelFlag);

class Cancelled extends Error {}

parentPort!.on('message', (request: FitRequest) => {
  try {
    const fit = fitNonnegativeCp(tensor, request.rank, {
      seed: request.seed,
      start: request.start,
      method: request.method,
      maxIterations: request.maxIterations,
      tolerance: request.tolerance,
      init: request.init,
      growFrom: request.growFrom,
      onIteration: (iteration) => {
        if (Atomics.load(cancelFlag, 0) === 1) throw new Cancelled();
        if (iteration % 10 === 0) parentPort!.postMessage({ type: 'progress', id: request.id, iteration } satisfies FitReply);
      },
    });
    const factors = fit.kruskal.factors;
    parentPort!.postMessage(
      { type: 'done', id: request.id, factors, error: fit.error, iterations: fit.iterations, converged: fit.converged, errorHistory: fit.errorHistory, durationMs: fit.durationMs } satisfies FitReply,
      factors.map((f) => f.buffer as ArrayBuffer),
    );
  } catch (error) {
    parentPort!.postMessage({
      type: error instanceof Cancelled ? 'cancelled' : 'failed',
      id: request.id,
      message: error instanceof Error ? error.message : String(error),
    } satisfies FitReply);
  }
});
