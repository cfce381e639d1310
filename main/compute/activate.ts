/**
 * Makes a probed backend the active tfjs backend in this thread (main or a pipeline worker).
 * Each worker thread has its own tfjs instance, so a pipeline calls this at the start of its step.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BackendName } from '../../shared/api/index.js';
import { installFrugalGradients } from './gradients.js';
import { installWasmKernels } from './wasm/index.js';
import { enableWasmThreads, type WasmThreadsResult } from './wasm/threads.js';
import { installWebGpu, type WebGpuOptions } from './webgpu.js';
import type { Tfjs } from './types.js';

// Re-exported: nn/*, parallel/*, tests and benches name it from here.
export type { Tfjs } from './types.js';

const require = createRequire(import.meta.url);

/** Directory of the wasm binaries; tfjs-backend-wasm reads them with fs in Node. */
function wasmDirectory(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + path.sep + 'dist' + path.sep;
}

/** The tfjs backend registry name of each chain entry. */
const TFJS_NAME: Record<BackendName, string> = {
  'tensorflow-gpu': 'tensorflow',
  webgpu: 'webgpu',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

async function registerProvider(backend: BackendName, options: ActivateOptions): Promise<void> {
  switch (backend) {
    case 'tensorflow-gpu':
      await import('@tensorflow/tfjs-node-gpu' as string);
      return;
    case 'tensorflow':
      await import('@tensorflow/tfjs-node' as string);
      return;
    case 'webgpu':
      // Binds tfjs-backend-webgpu to the adapter Cajal's policy allows (hardware, or software on request).
      await installWebGpu(options.webgpu ?? {});
      return;
    case 'wasm': {
      // Threads are fixed when the wasm module starts, so they are asked for before anything else.
      const threads = options.wasmThreads ?? wasmThreadsFromEnv();
      if (threads > 1 && wasmThreads === null) wasmThreads = await enableWasmThreads(threads);
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(wasmDirectory());
      return;
    }
    case 'cpu':
      return;
  }
}

export interface ActivateOptions {
  /**
   * WebGPU adapter policy; `software` defaults to `CAJAL_WEBGPU=software`. `cpuForward: false`
   * turns off tfjs's WEBGPU_CPU_FORWARD, which runs small ops whose inputs are still on the CPU
   * with the CPU kernels: off, every op runs on the GPU (what a comparison with `cpu` needs).
   */
  webgpu?: Pick<WebGpuOptions, 'software'> & { cpuForward?: boolean };
  /**
   * XNNPACK threads for `wasm` (tfjs's threaded SIMD build); defaults to `CAJAL_WASM_THREADS`,
   * else 1. Fixed by the first activation of wasm in a thread; later values are ignored.
   */
  wasmThreads?: number;
}

/** What the first multi-threaded wasm activation in this thread got; null when none was asked for. */
let wasmThreads: WasmThreadsResult | null = null;

export function wasmThreadsReport(): WasmThreadsResult | null {
  return wasmThreads;
}

/** The XNNPACK threads `CAJAL_WASM_THREADS` asks for (1 when unset or not a positive integer). */
export function wasmThreadsFromEnv(): number {
  const value = Number(process.env.CAJAL_WASM_THREADS ?? '1');
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

/**
 * Loads tfjs, registers and activates `backend`, and returns tfjs ready for use. After `webgpu`,
 * call `releaseWebGpu()` when done so the Dawn instance does not outlive the work.
 */
export async function activateBackend(backend: BackendName, options: ActivateOptions = {}): Promise<Tfjs> {
  const tf = await import('@tensorflow/tfjs');
  await registerProvider(backend, options);
  const ok = await tf.setBackend(TFJS_NAME[backend]);
  if (!ok) throw new Error(`the ${backend} compute backend failed to initialise`);
  await tf.ready();
  // Every backend: the backward pass frees saved tensors and gradients as soon as they are dead.
  installFrugalGradients(tf);
  if (backend === 'wasm') {
    // tfjs-backend-wasm cannot train without these (gradient kernels it lacks, XNNPACK for the
    // transposed and batched products of every backward pass); idempotent.
    installWasmKernels(tf);
  }
  // The flag exists once tfjs-backend-webgpu is loaded.
  if (backend === 'webgpu' && options.webgpu?.cpuForward !== undefined) tf.env().set('WEBGPU_CPU_FORWARD', options.webgpu.cpuForward);
  return tf;
}
