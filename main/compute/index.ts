export { BACKEND_CHAIN, type BackendCandidate, type ModuleImporter, type ProbeContext } from './chain.js';
export { classifyImportFailure } from './import-failure.js';
export { formatBackendReport, probeChain, selectBackend, type SelectOptions } from './select.js';
export { activateBackend, wasmThreadsFromEnv, wasmThreadsReport, type ActivateOptions, type Tfjs } from './activate.js';
export {
  adapterSummary,
  findWebGpuAdapter,
  formatWebGpuLimits,
  installedWebGpuAdapter,
  installWebGpu,
  releaseWebGpu,
  searchWebGpuAdapters,
  softwareRequestedByEnv,
  WebGpuUnavailableError,
  type WebGpuAdapterReport,
  type WebGpuLimits,
  type WebGpuOptions,
  type WebGpuSearch,
} from './webgpu.js';
