/**
 * What Cajal adds to tfjs-backend-wasm so that models can be trained on it: the gradient kernels
 * it lacks, XNNPACK for transposed and batched matmuls, slices that copy only the slice, and an
 * Identity that shares instead of copying.
 * Threads (threads.ts) are separate: they must be chosen before the backend starts.
 */
import type { Tfjs } from '../types.js';
import { registerWasmGradientKernels } from './kernels/index.js';
import { registerSharedWasmIdentity } from './identity.js';
import { registerFastWasmMatMul } from './matmul.js';
import { registerFastWasmSlice } from './slice.js';

/** Registers every Cajal kernel for 'wasm' (idempotent; after tfjs-backend-wasm is imported). */
export function installWasmKernels(tf: Tfjs): void {
  registerWasmGradientKernels(tf);
  registerFastWasmMatMul(tf);
  registerFastWasmSlice(tf);
  registerSharedWasmIdentity(tf);
}
