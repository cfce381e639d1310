/**
 * Types shared by the data-parallel trainer (main thread) and its workers: what a replica module
 * exports, the batch format, and the messages between the two sides. Everything here crosses a
 * worker boundary, so it is structured-cloneable (typed arrays, plain objects, Maps).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../activate.js';
import type { AdamW } from '../nn/optim.js';
import type { ParamSnapshot, Params } from '../nn/params.js';

/** One batch: every entry has the batch along axis 0 (same size for all entries). */
export type TensorBatch = Record<string, { data: Float32Array | Int32Array; shape: number[] }>;

/**
 * A model replica, built identically in every worker from the same seeded config: its weights, its
 * optimiser (over `params`) and its loss, the mean over the rows of the batch it is given.
 */
export interface Replica {
  params: Params;
  optimizer: AdamW;
  /** Mean loss over the rows of `batch` (a shard of the caller's batch). */
  loss(batch: TensorBatch): tfTypes.Scalar;
}

/** Where a replica runs: lets a replica seed per-worker streams (dropout) if it needs to. */
export interface ReplicaContext {
  worker: number;
  workers: number;
}

/** What a replica module exports: `createReplica(tf, config, context)` (may be async). */
export type CreateReplica<Config = unknown> = (tf: Tfjs, config: Config, context: ReplicaContext) => Replica | Promise<Replica>;

export interface WorkerInit {
  replicaModule: string;
  config: unknown;
  backend: 'wasm' | 'cpu';
  worker: number;
  workers: number;
  /** Set when running from TypeScript sources: main/jobs/source-worker.mjs loads this entry via tsx. */
  sourceEntry?: string;
}

/** One trainable parameter in the flat gradient: name, shape and offset (in floats). */
export interface LayoutEntry {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

export type WorkerRequest =
  | { type: 'grads'; id: number; batch: TensorBatch; weight: number }
  | { type: 'apply'; id: number; grads: Float32Array; present: Uint8Array; lr?: number; clipNorm?: number; readGradNorm: boolean }
  | { type: 'snapshot'; id: number }
  | { type: 'restore'; id: number; snapshot: ParamSnapshot }
  | { type: 'checkpoint'; id: number; config: unknown }
  | { type: 'restoreCheckpoint'; id: number; bytes: Uint8Array };

export type WorkerReply =
  | { type: 'ready'; layout: LayoutEntry[]; total: number; parameters: number; checksum: number; step: number }
  | { type: 'grads'; id: number; loss: number; grads: Float32Array; present: Uint8Array; ms: number }
  | { type: 'applied'; id: number; gradNorm?: number; ms: number }
  | { type: 'snapshot'; id: number; snapshot: ParamSnapshot }
  | { type: 'restored'; id: number; step: number }
  | { type: 'checkpoint'; id: number; bytes: Uint8Array }
  | { type: 'failed'; id?: number; message: string };
