/**
 * One data-parallel replica: a single-threaded tfjs backend in a worker thread holding a full copy
 * of the model. It computes the gradients of its shard, and applies the summed gradient the main
 * thread sends back with the same optimiser update as every other replica, so the replicas stay
 * identical without any weight broadcast.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type * as tfTypes from '@tensorflow/tfjs';
import { activateBackend, type Tfjs } from '../activate.js';
import { decodeCheckpoint, encodeCheckpoint, restoreCheckpoint } from '../nn/checkpoint.js';
import { sizeOf } from '../nn/params.js';
import type { CreateReplica, LayoutEntry, Replica, WorkerInit, WorkerReply, WorkerRequest } from './protocol.js';

const init = workerData as WorkerInit;
const port = parentPort!;

function post(reply: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(reply, transfer);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** FNV-style checksum of the initial weights: the main thread refuses replicas that differ. */
function checksum(replica: Replica): number {
  let h = 0x811c9dc5;
  for (const entry of replica.params.list()) {
    const bits = new Uint32Array((entry.variable.dataSync() as Float32Array).slice().buffer);
    for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 0x01000193) >>> 0;
  }
  return h;
}

async function start(): Promise<{ tf: Tfjs; replica: Replica; layout: LayoutEntry[]; total: number }> {
  // One XNNPACK thread per replica whatever CAJAL_WASM_THREADS says: the parallelism is the workers.
  const tf = await activateBackend(init.backend, { wasmThreads: 1 });
  const module = (await import(init.replicaModule)) as { createReplica?: CreateReplica };
  if (typeof module.createReplica !== 'function') throw new Error(`${init.replicaModule} does not export createReplica`);
  const replica = await module.createReplica(tf, init.config, { worker: init.worker, workers: init.workers });
  if (replica.optimizer.params !== replica.params) throw new Error('createReplica: the optimizer must update replica.params');
  let offset = 0;
  const layout = replica.params.trainable().map((e) => {
    const size = sizeOf(e.shape);
    const entry = { name: e.name, shape: [...e.shape], offset, size };
    offset += size;
    return entry;
  });
  return { tf, replica, layout, total: offset };
}

let state: Awaited<ReturnType<typeof start>>;

function gradients(request: Extract<WorkerRequest, { type: 'grads' }>): void {
  const { tf, replica, layout, total } = state;
  const began = performance.now();
  const flat = new Float32Array(total);
  const present = new Uint8Array(layout.length);
  let loss = 0;
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () => tf.mul(replica.loss(request.batch), request.weight) as tfTypes.Scalar,
      replica.params.trainableVariables(),
    );
    const byName = replica.params.byName(grads);
    layout.forEach((entry, i) => {
      const g = byName.get(entry.name);
      if (!g) return;
      flat.set(g.dataSync() as Float32Array, entry.offset);
      present[i] = 1;
    });
    loss = value.dataSync()[0]!;
  });
  post({ type: 'grads', id: request.id, loss, grads: flat, present, ms: performance.now() - began }, [flat.buffer, present.buffer]);
}

function apply(request: Extract<WorkerRequest, { type: 'apply' }>): void {
  const { tf, replica, layout } = state;
  const began = performance.now();
  let gradNorm: number | undefined;
  tf.tidy(() => {
    const grads = new Map<string, tfTypes.Tensor>();
    layout.forEach((entry, i) => {
      if (request.present[i]) grads.set(entry.name, tf.tensor(request.grads.subarray(entry.offset, entry.offset + entry.size), entry.shape, 'float32'));
    });
    const result = replica.optimizer.update(grads, { lr: request.lr, clipNorm: request.clipNorm });
    if (result.gradNorm && request.readGradNorm) gradNorm = result.gradNorm.dataSync()[0]!;
  });
  post({ type: 'applied', id: request.id, ...(gradNorm !== undefined ? { gradNorm } : {}), ms: performance.now() - began });
}

function handle(request: WorkerRequest): void {
  const { replica } = state;
  switch (request.type) {
    case 'grads':
      return gradients(request);
    case 'apply':
      return apply(request);
    case 'snapshot':
      return post({ type: 'snapshot', id: request.id, snapshot: replica.params.snapshot() });
    case 'restore':
      replica.params.restore(request.snapshot);
      return post({ type: 'restored', id: request.id, step: replica.optimizer.step });
    case 'checkpoint': {
      const bytes = encodeCheckpoint({ params: replica.params, optimizer: replica.optimizer, config: request.config });
      return post({ type: 'checkpoint', id: request.id, bytes }, [bytes.buffer as ArrayBuffer]);
    }
    case 'restoreCheckpoint': {
      const header = restoreCheckpoint(decodeCheckpoint(request.bytes), { params: replica.params, optimizer: replica.optimizer });
      return post({ type: 'restored', id: request.id, step: header.step });
    }
  }
}

try {
  state = await start();
  port.on('message', (request: WorkerRequest) => {
    try {
      handle(request);
    } catch (error) {
      post({ type: 'failed', id: request.id, message: messageOf(error) });
    }
  });
  post({
    type: 'ready',
    layout: state.layout,
    total: state.total,
    parameters: state.replica.params.count(),
    checksum: checksum(state.replica),
    step: state.replica.optimizer.step,
  });
} catch (error) {
  post({ type: 'failed', message: messageOf(error) });
}
