/**
 * Model weights from other tools: PyTorch checkpoints (read) and safetensors (read and write).
 * See checkpoint.ts, safetensors.ts and pickle.ts for the formats and what is refused.
 */
export { readTorchCheckpoint, TorchCheckpoint, MAX_CHECKPOINT_BYTES, type CheckpointValue, type TorchCheckpointOptions } from './checkpoint.js';
export { readSafetensors, readSafetensorsWithMetadata, writeSafetensors, MAX_SAFETENSORS_HEADER } from './safetensors.js';
export type { NamedTensor, TorchDtype } from './tensor.js';
