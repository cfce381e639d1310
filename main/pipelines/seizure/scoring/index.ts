/**
 * SzCORE seizure-detection scoring, number for number identical to the reference Python
 * libraries: timescoring 0.0.7 (sample and event scoring), epilepsy2bids 0.0.7 (the HED-SCORE /
 * SzCORE annotation TSV) and szcore-evaluation (per-subject and dataset aggregation).
 */
export * from './annotation.js';
export * from './metrics.js';
export * from './inputs.js';
export * from './sample-scoring.js';
export * from './event-scoring.js';
export { pyRound, pyInt, pySlice, pyFormat2f, npSum, npNanMean, npNanStd } from './python-compat.js';
export * from './event-types.js';
export * from './tsv.js';
export * from './evaluation.js';
