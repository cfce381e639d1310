/**
 * Surrogate long recordings for event scoring: real labelled segments of one collection
 * concatenated into a multi-hour single-channel recording with seizure events (./surrogate/build.ts),
 * written as EDF+ with annotations and an SzCORE events TSV (./surrogate/edf.ts), and scored per
 * detector with the project's SzCORE scorer (./surrogate/evaluate.ts).
 */
export * from './surrogate/types.js';
export { buildSurrogate, DEFAULT_SURROGATE_OPTIONS } from './surrogate/build.js';
export { edfRecordLayout, type EdfRecordLayout } from './surrogate/record-layout.js';
export {
  surrogateEdf,
  writeSurrogateEdf,
  writeSurrogateFiles,
  surrogateAnnotations,
  surrogateLayout,
  SURROGATE_SEIZURE_TEXT,
  SURROGATE_START,
  SURROGATE_CHANNEL,
  type SurrogateEdfOptions,
  type SurrogateFiles,
} from './surrogate/edf.js';
export { defaultSurrogateSources, makeSurrogates, prepareOutputFolder, type MadeSurrogate, type MakeSurrogatesOptions, type SurrogateSource } from './surrogate/make.js';
export { scoreDetectorOnSurrogates, scoreOnSurrogate, surrogateTable, type SurrogateDetector, type SurrogateRowNotRun, type SurrogateScore } from './surrogate/evaluate.js';
export { classicalPerChannel, detectSurrogateEvents, neuralPerChannel, STANDARD_MODE_NOT_APPLICABLE } from './surrogate/detectors.js';
