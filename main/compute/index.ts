export { BACKEND_CHAIN, type BackendCandidate, type ModuleImporter } from './chain.js';
export { classifyImportFailure } from './import-failure.js';
export { formatBackendReport, probeChain, selectBackend, type SelectOptions } from './select.js';
export { activateBackend, type Tfjs } from './activate.js';
