/**
 * The fMRI pipelines' computation, for the domain and the CLI: ROI extraction (module A),
 * connectivity and the cohort classifier (module D). The pipeline definitions the runner loads are
 * the `*-pipeline.ts` modules beside this one.
 */
export { connectivity, connectivityFeatures, CONNECTIVITY_KINDS, type ConnectivityKind, type ConnectivityResult } from './connectivity.js';
export { classify } from './classify.js';
export { extractRoiSeries, type ExtractOptions, type ExtractedSeries } from './extract.js';
