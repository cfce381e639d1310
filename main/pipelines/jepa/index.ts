/**
 * Brain-JEPA pretraining on fMRI ROI time series (#19): architectures and the TensorFlow.js model.
 * Masks, data, gradients and training live beside these files (masks.ts, data.ts, gradients.ts,
 * train.ts) and are exported from here as they land.
 */
export {
  INIT_STD,
  JEPA_ARCHITECTURES,
  LN_EPS,
  REFERENCE_INPUT,
  TARGET_NORM_EPS,
  estimateMemory,
  jepaModelConfig,
  parameterCounts,
  timePatches,
  tokenCount,
  validateJepaConfig,
  type JepaArchitecture,
  type JepaArchitectureName,
  type JepaMemoryEstimate,
  type JepaModelConfig,
  type JepaParameterCounts,
} from './config.js';
export { createJepaModel, jepaDecayRule, type JepaMasks, type JepaModel } from './model.js';
export { DDP_PREFIX, fromReferenceValues, referenceKey, referenceShape, toReferenceEntry, type StateDict, type StateDictPart } from './model-state-dict.js';
export { timeSinCos } from './pos-embed.js';
