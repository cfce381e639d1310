/**
 * The compute backend chain of DESIGN.md, best first. Each entry says which npm package provides
 * the backend and how to find out, without activating anything, whether it can run here.
 */
import type { BackendName } from '../../shared/api/index.js';
import { classifyImportFailure } from './import-failure.js';
import type { ModuleImporter } from './types.js';
import { searchWebGpuAdapters, softwareRequestedByEnv } from './webgpu.js';

// Re-exported: select.ts and index.ts name it from here.
export type { ModuleImporter } from './types.js';

export interface ProbeOutcome {
  available: boolean;
  detail: string;
}

export interface BackendCandidate {
  name: BackendName;
  /** The npm package that provides the backend. */
  provider: string;
  probe(importModule: ModuleImporter, context?: ProbeContext): Promise<ProbeOutcome>;
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

/** What a probe may need beyond the importer. */
export interface ProbeContext {
  /** Allow a software WebGPU adapter (llvmpipe, lavapipe, SwiftShader); see webgpu.ts. */
  webgpuSoftware: boolean;
}

/**
 * Available only with a hardware GPU adapter, or a software one when it was asked for. Without a GPU
 * the detail still says whether a software adapter could be had, and how.
 */
async function probeWebGpu(importModule: ModuleImporter, context?: ProbeContext): Promise<ProbeOutcome> {
  const search = await searchWebGpuAdapters({ importModule, software: context?.webgpuSoftware ?? softwareRequestedByEnv() });
  return { available: search.adapter !== null, detail: search.detail };
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
