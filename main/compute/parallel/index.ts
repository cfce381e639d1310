/** Training across worker threads (data parallelism over single-threaded replicas). */
export {
  DataParallelWorkerError,
  createDataParallelTrainer,
  saveTrainerCheckpoint,
  shardRanges,
  type DataParallelOptions,
  type DataParallelStepOptions,
  type DataParallelStepResult,
  type DataParallelTrainer,
  type SaveTrainerCheckpointOptions,
} from './data-parallel.js';
export type { CreateReplica, LayoutEntry, Replica, ReplicaContext, TensorBatch } from './protocol.js';
