/**
 * The compute backend chain of DESIGN.md, best first. Each entry says which npm package provides
 * the backend and how to find out, without activating anything, whether it can run here.
 */
import type { BackendName } from '../../shared/api/index.js';
import { classifyImportFailure, firstLine } from './import-failure.js';

/** Loads a module by specifier; injectable so tests can simulate every failure shape. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

export interface ProbeOutcome {
  available: boolean;
  detail: string;
}

export interface BackendCandidate {
  name: BackendName;
  /** The npm package that provides the backend. */
  provider: string;
  probe(importModule: ModuleImporter): Promise<ProbeOutcome>;
}

/** A probe that only needs the provider package to load (tfjs-node, tfjs-node-gpu, wasm). */
function loadsPackage(provider: string, detailWhenLoaded: string): BackendCandidate['probe'] {
  return async (importModule) => {
    try {
      await importModule(provider);
      return { available: true, detail: detailWhenLoaded };
    } catch (error) {
      return { available: false, detail: classifyImportFailure(provider, error) };
    }
  };
}

/** Minimal view of the `webgpu` (Dawn) package's exports we rely on. */
interface DawnModule {
  create(options: string[]): { requestAdapter(): Promise<unknown> };
}

const ADAPTER_TIMEOUT_MS = 10_000;

async function probeWebGpu(importModule: ModuleImporter): Promise<ProbeOutcome> {
  let dawn: DawnModule;
  try {
    dawn = (await importModule('webgpu')) as DawnModule;
  } catch (error) {
    return { available: false, detail: classifyImportFailure('webgpu', error) };
  }
  try {
    const gpu = dawn.create([]);
    // A driver that hangs must not hang start-up: give up after a bounded wait.
    const adapter = await Promise.race([
      gpu.requestAdapter(),
      new Promise((resolve) => setTimeout(() => resolve('timeout'), ADAPTER_TIMEOUT_MS).unref()),
    ]);
    if (adapter === 'timeout') return { available: false, detail: `no GPU adapter answered within ${ADAPTER_TIMEOUT_MS / 1000} s` };
    if (adapter === null || adapter === undefined) {
      return { available: false, detail: 'no GPU adapter found (Dawn sees no Vulkan/Metal/D3D12 device)' };
    }
    return { available: true, detail: 'GPU adapter found through Dawn' };
  } catch (error) {
    return { available: false, detail: `Dawn failed to start: ${firstLine(error)}` };
  }
}

export const BACKEND_CHAIN: readonly BackendCandidate[] = [
  {
    name: 'tensorflow-gpu',
    provider: '@tensorflow/tfjs-node-gpu',
    probe: loadsPackage('@tensorflow/tfjs-node-gpu', 'libtensorflow with CUDA loaded'),
  },
  { name: 'webgpu', provider: '@tensorflow/tfjs-backend-webgpu + webgpu', probe: probeWebGpu },
  {
    name: 'tensorflow',
    provider: '@tensorflow/tfjs-node',
    probe: loadsPackage('@tensorflow/tfjs-node', 'libtensorflow (native CPU) loaded'),
  },
  {
    name: 'wasm',
    provider: '@tensorflow/tfjs-backend-wasm',
    probe: loadsPackage('@tensorflow/tfjs-backend-wasm', 'WebAssembly backend loaded'),
  },
  {
    name: 'cpu',
    provider: '@tensorflow/tfjs',
    probe: async () => ({ available: true, detail: 'plain JavaScript, always available' }),
  },
];
