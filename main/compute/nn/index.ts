/**
 * Neural-network building blocks shared by the deep pipelines (JEPA, Neuroformer, MDS, seizure):
 * functional layers over a named parameter collection, written with tfjs ops and tf.Variables
 * (not the Layers API) so custom loops with masks, EMA targets and clipping stay simple.
 * Every initialiser is seeded from shared/random.ts; pass `tf` from activateBackend().
 */
export { Params, joinName, sizeOf, type AddParamOptions, type ForwardOptions, type ParamEntry, type ParamRole, type ParamSnapshot } from './params.js';
export { heNormal, initKernel, ones, paramSeed, truncatedNormal, xavierUniform, zeros, type KernelInit } from './init.js';
export { createLinear, dense, type FusedActivation, type Linear, type LinearConfig } from './linear.js';
export {
  createEmbedding,
  createPositionalEmbedding,
  type Embedding,
  type EmbeddingConfig,
  type PositionalEmbedding,
  type PositionalEmbeddingConfig,
} from './embedding.js';
export { LAYER_NORM_EPS, createLayerNorm, layerNorm, type LayerNorm, type LayerNormConfig } from './norm.js';
export { activate, gelu, geluTanh, type Activation } from './activations.js';
export { dropout, dropoutMask } from './dropout.js';
export { columnSum, withCustomGrad, type CustomGradResult } from './grad.js';
export {
  MASKED,
  attentionBias,
  causalBias,
  createAttention,
  type Attention,
  type AttentionConfig,
  type AttentionForward,
  type AttentionMask,
} from './attention.js';
export {
  createTransformer,
  createTransformerBlock,
  type Transformer,
  type TransformerBlock,
  type TransformerBlockConfig,
  type TransformerConfig,
} from './transformer.js';
export { createConvBlock1d, createConvBlock2d, type ConvBlock1d, type ConvBlock2d, type ConvBlockConfig } from './conv.js';
export { softmaxCrossEntropy } from './loss.js';
export {
  AdamW,
  Ema,
  clipGradNorm,
  cosineSchedule,
  lerpVariables,
  decayWeightsOnly,
  scaleGrads,
  trainStep,
  trainStepAsync,
  trainStepTensors,
  type AdamWConfig,
  type AdamWStepResult,
  type AdamWStepOptions,
  type ClipResult,
  type CosineScheduleConfig,
  type DecayRule,
  type EmaConfig,
  type TrainStepOptions,
  type TrainStepResult,
} from './optim.js';
export {
  CHECKPOINT_FORMAT,
  decodeCheckpoint,
  encodeCheckpoint,
  encodeCheckpointAsync,
  loadCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
  saveCheckpointAsync,
  type CheckpointHeader,
  type CheckpointParts,
  type DecodedCheckpoint,
  type SaveCheckpointOptions,
  type TensorGroup,
} from './checkpoint.js';
export { createTransformerLM, type TransformerLM, type TransformerLMConfig } from './lm.js';
