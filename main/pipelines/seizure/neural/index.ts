/**
 * A trainable neural seizure detector (TensorFlow.js): per-second spectral feature maps of the
 * SzCORE standard input, a small channel-shared network pooled over channels, a 1 Hz probability
 * trace and events through the classical detector's hysteresis. See features.ts (why features),
 * model.ts (architecture, TF.js files), train.ts (labels, balancing, early stopping) and
 * evaluate.ts (leave-one-recording-out SzCORE scores).
 */
import type { Tfjs } from '../../../compute/index.js';
import { NotFoundError, ValidationError } from '../../../errors.js';
import type { Store } from '../../../store/index.js';
import { MODEL_FORMAT, MODEL_PIPELINE, modelFromBundle, modelToBundle, type NeuralSeizureModel } from './model.js';

export { FEATURE_COUNT, FEATURE_NAMES, FEATURE_VERSION, FEATURE_WINDOW_S, FeatureExtractor } from './features.js';
export {
  buildModel,
  checkModelFolder,
  exportModel,
  filesToBundle,
  importModel,
  inputWidth,
  MODEL_FORMAT,
  MODEL_JSON,
  MODEL_PIPELINE,
  WEIGHTS_FILE,
  modelFromBundle,
  modelFromFiles,
  modelToBundle,
  modelToFiles,
  NeuralModelConfig,
  readModelFiles,
  untrainedConfig,
  type ModelFiles,
  type NeuralSeizureModel,
} from './model.js';
export { CHUNK_S, detectNeural, hysteresisEvents, NeuralDetectionParams, predictSpan, streamFeatureFrames, type StreamInfo, type StreamOptions } from './detect.js';
export {
  DEFAULT_LAGS_S,
  NeuralTrainOptions,
  recordingFeatures,
  tfFor,
  trainingFeatures,
  trainNeural,
  trainOnFeatures,
  windowLabel,
  type EpochRecord,
  type NeuralTrainOptionsInput,
  type RecordingFeatures,
  type TrainControl,
  type TrainingRecording,
  type TrainProgress,
  type TrainResult,
} from './train.js';
export { segmentFeatures } from './segment-features.js';
export { recordingWindowFeatures } from './recording-window-features.js';
export { CARD_FILE, DEFAULT_MODEL_NAME, defaultModelDir, defaultSeizureModelRecord, hasDefaultSeizureModel, loadDefaultSeizureModel, readDefaultModelCard } from './default-model.js';
export {
  classificationScore,
  evaluateNeuralLoro,
  labelledScores,
  scoreWindows,
  type ClassificationScore,
  type LoroProgress,
  type LoroRecordingResult,
  type LoroResult,
  type ScoredRecording,
} from './evaluate.js';
export { eventsTsvCandidates, isSeizureText, recordingSeizures, type RecordingSeizures } from './annotations.js';

/** Stores the model's weights in the project's models table (TF.js bundle); returns its id. */
export async function saveNeuralModel(store: Store, neural: NeuralSeizureModel, name: string, runId: number | null = null): Promise<number> {
  const weights = await modelToBundle(neural);
  const { training, ...rest } = neural.config;
  return store.models.add({ name, pipeline: MODEL_PIPELINE, runId, format: MODEL_FORMAT, meta: { input: rest.input, lagsS: rest.lagsS, hiddenUnits: rest.hiddenUnits, seed: rest.seed, featureVersion: rest.featureVersion, training }, weights });
}

/** Loads a model stored by saveNeuralModel. */
export async function loadNeuralModel(tf: Tfjs, store: Store, id: number): Promise<NeuralSeizureModel> {
  const record = store.models.get(id);
  if (!record) throw new NotFoundError(`model #${id}`);
  if (record.pipeline !== MODEL_PIPELINE || record.format !== MODEL_FORMAT) {
    throw new ValidationError('model', `model #${id} is a ${record.pipeline} model in ${record.format} format, not a ${MODEL_PIPELINE} ${MODEL_FORMAT} model`);
  }
  return modelFromBundle(tf, record.weights, `model #${id}`);
}
