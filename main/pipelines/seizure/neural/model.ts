/**
 * The neural seizure model (TensorFlow.js layers) and its TF.js serialisation.
 *
 * Architecture, for one window (the second t and its lags):
 *   input [channels, FEATURE_COUNT × lags]: each channel's feature frames at t − lag, standardised;
 *   per channel, with weights shared by all channels (so any channel count works):
 *     Dense(16, relu) → Dense(8, relu) → Dense(1) = the channel's logit z_c;
 *   pooling over channels: [max_c z_c, mean_c z_c] (max finds focal seizures, mean generalised);
 *   Dense(1, sigmoid) = the window's seizure probability.
 * A channel's vote is the window probability if every channel looked like it: sigmoid((a + b)·z_c + c)
 * with [a, b] and c the last layer's kernel and bias.
 *
 * Files: the TF.js layers format — `model.json` (topology, weights manifest, and the feature
 * configuration and standardisation in `userDefinedMetadata.cajalSeizureNeural`) and one binary
 * weights shard. In the project store the two are one byte bundle (format "tfjs-layers"):
 * uint32 LE length of model.json, model.json in UTF-8, then the weight bytes.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { z } from 'zod';
import { FileAccessError, FormatError, ValidationError, fileAccessError } from '../../../errors.js';
import { checkWriteTarget, writeFileAtomically, type WriteTargetOptions } from '../../../io/write-target.js';
import type { Tfjs } from '../../../compute/index.js';
import { WINDOW_FEATURE_COUNT, WINDOW_FEATURE_NAMES, WINDOW_FEATURE_VERSION } from '../channel/feature-set.js';
import { FEATURE_COUNT, FEATURE_NAMES, FEATURE_VERSION, FEATURE_WINDOW_S } from './features.js';

export const MODEL_FORMAT = 'tfjs-layers';
export const MODEL_PIPELINE = 'seizure-neural';
export const MODEL_JSON = 'model.json';
export const WEIGHTS_FILE = 'group1-shard1of1.bin';
const METADATA_KEY = 'cajalSeizureNeural';

export const NeuralModelConfig = z
  .object({
    /**
     * 'standard': one window sees all channels of the SzCORE standard input (19 electrodes,
     * average reference) with background-relative features; 'per-channel': every channel of any
     * montage and rate is scored on its own from window features (../channel/feature-set.ts).
     */
    input: z.enum(['standard', 'per-channel']).default('standard'),
    featureVersion: z.enum([FEATURE_VERSION, WINDOW_FEATURE_VERSION]),
    featureNames: z.array(z.string()).min(1),
    windowS: z.literal(FEATURE_WINDOW_S),
    /** Seconds back of each frame stacked into a window's input (0 = the current second). */
    lagsS: z.array(z.number().int().min(0).max(60)).min(1),
    /** Per input column (FEATURE_COUNT × lags), the training mean and standard deviation. */
    featureMean: z.array(z.number()),
    featureStd: z.array(z.number().positive()),
    hiddenUnits: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    seed: z.number().int(),
    /** Free-form provenance: recordings, epochs, losses. */
    training: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .refine((c) => c.featureNames.length === (c.featureVersion === FEATURE_VERSION ? FEATURE_COUNT : WINDOW_FEATURE_COUNT), {
    message: 'featureNames do not match featureVersion',
  })
  .refine((c) => (c.input === 'standard') === (c.featureVersion === FEATURE_VERSION), {
    message: 'standard input takes the standard features, per-channel input the window features',
  })
  .refine((c) => c.featureMean.length === c.featureNames.length * c.lagsS.length && c.featureStd.length === c.featureMean.length, {
    message: 'featureMean and featureStd need one entry per feature and lag',
  });
export type NeuralModelConfig = z.infer<typeof NeuralModelConfig>;

/** A loaded model: the tfjs layers model, its configuration, and the per-channel view used for votes. */
export interface NeuralSeizureModel {
  tf: Tfjs;
  model: tfTypes.LayersModel;
  config: NeuralModelConfig;
}

/** Numbers per channel in one window's input: the features of every lag. */
export function inputWidth(config: Pick<NeuralModelConfig, 'lagsS' | 'featureNames'>): number {
  return config.featureNames.length * config.lagsS.length;
}

/**
 * The configuration of a model before training: identity feature normalisation, the default
 * layer sizes. Used by tests and benchmarks that need a model without training one.
 */
export function untrainedConfig(lagsS: number[], seed: number, input: NeuralModelConfig['input'] = 'standard'): NeuralModelConfig {
  const featureNames = input === 'per-channel' ? [...WINDOW_FEATURE_NAMES] : [...FEATURE_NAMES];
  return {
    input,
    featureVersion: input === 'per-channel' ? WINDOW_FEATURE_VERSION : FEATURE_VERSION,
    featureNames,
    windowS: 4,
    lagsS,
    featureMean: new Array<number>(featureNames.length * lagsS.length).fill(0),
    featureStd: new Array<number>(featureNames.length * lagsS.length).fill(1),
    hiddenUnits: [16, 8],
    seed,
    training: {},
  };
}

/** A fresh, seeded model (the same seed gives the same initial weights). */
export function buildModel(tf: Tfjs, config: NeuralModelConfig): NeuralSeizureModel {
  const [h1, h2] = config.hiddenUnits;
  const init = (k: number) => tf.initializers.glorotUniform({ seed: config.seed * 7 + k });
  const input = tf.input({ shape: [null, inputWidth(config)], name: 'channel_features' });
  let x = tf.layers.dense({ units: h1, activation: 'relu', kernelInitializer: init(1), name: 'channel_dense1' }).apply(input) as tfTypes.SymbolicTensor;
  x = tf.layers.dense({ units: h2, activation: 'relu', kernelInitializer: init(2), name: 'channel_dense2' }).apply(x) as tfTypes.SymbolicTensor;
  const logit = tf.layers.dense({ units: 1, kernelInitializer: init(3), name: 'channel_logit' }).apply(x) as tfTypes.SymbolicTensor;
  const maxPool = tf.layers.globalMaxPooling1d({ name: 'channel_max' }).apply(logit) as tfTypes.SymbolicTensor;
  const meanPool = tf.layers.globalAveragePooling1d({ name: 'channel_mean' }).apply(logit) as tfTypes.SymbolicTensor;
  const pooled = tf.layers.concatenate({ name: 'pooled' }).apply([maxPool, meanPool]) as tfTypes.SymbolicTensor;
  const output = tf.layers
    .dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.constant({ value: 0.5 }), name: 'window_probability' })
    .apply(pooled) as tfTypes.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: 'cajal_seizure_neural' });
  return { tf, model, config };
}

// ---------------------------------------------------------------------------------------------
// Serialisation

/** model.json as TF.js writes it (the fields we read; others are kept as they are). */
const ModelJson = z
  .object({
    modelTopology: z.record(z.string(), z.unknown()),
    format: z.string().optional(),
    generatedBy: z.string().optional(),
    convertedBy: z.string().nullable().optional(),
    weightsManifest: z.array(
      z.object({
        paths: z.array(z.string()),
        weights: z.array(z.object({ name: z.string(), shape: z.array(z.number()), dtype: z.string() }).passthrough()),
      }),
    ),
    userDefinedMetadata: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();
type ModelJson = z.infer<typeof ModelJson>;

export interface ModelFiles {
  modelJson: ModelJson;
  weights: Uint8Array;
}

function toBytes(data: ArrayBuffer | ArrayBuffer[] | undefined, tf: Tfjs): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
}

/** The model as TF.js files (model.json content and the weight shard), through an in-memory IOHandler. */
export async function modelToFiles(neural: NeuralSeizureModel): Promise<ModelFiles> {
  const { tf, model, config } = neural;
  let files: ModelFiles | null = null;
  await model.save({
    save: async (artifacts) => {
      const weights = toBytes(artifacts.weightData, tf);
      files = {
        modelJson: {
          modelTopology: artifacts.modelTopology as Record<string, unknown>,
          format: artifacts.format ?? 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: (artifacts.weightSpecs ?? []) as ModelJson['weightsManifest'][number]['weights'] }],
          userDefinedMetadata: { [METADATA_KEY]: config },
        },
        weights,
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    },
  });
  if (!files) throw new Error('the model was not saved');
  return files;
}

/** Loads TF.js files (model.json + concatenated weight shards) through an in-memory IOHandler. */
export async function modelFromFiles(tf: Tfjs, files: ModelFiles, source: string): Promise<NeuralSeizureModel> {
  const parsed = ModelJson.safeParse(files.modelJson);
  if (!parsed.success) throw new FormatError(source, `not a TF.js layers model.json (${parsed.error.issues[0]?.message ?? 'invalid'})`, MODEL_JSON);
  const json = parsed.data;
  const rawConfig = json.userDefinedMetadata?.[METADATA_KEY];
  if (rawConfig === undefined) {
    throw new ValidationError('model', `${source}: model.json has no userDefinedMetadata.${METADATA_KEY}; it was not trained for Cajal's seizure features`);
  }
  const config = NeuralModelConfig.safeParse(rawConfig);
  if (!config.success) {
    const issue = config.error.issues[0]!;
    throw new ValidationError('model', `${source}: userDefinedMetadata.${METADATA_KEY}.${issue.path.join('.')}: ${issue.message}`);
  }
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights) as tfTypes.io.WeightsManifestEntry[];
  const expectedBytes = weightSpecs.reduce((sum, spec) => sum + 4 * spec.shape.reduce((a, b) => a * b, 1), 0);
  if (files.weights.byteLength !== expectedBytes) {
    throw new FormatError(source, `the weights hold ${files.weights.byteLength} bytes but model.json describes ${expectedBytes}`, WEIGHTS_FILE);
  }
  // A copy of exactly these bytes (a Buffer's slice() shares memory, and its .buffer may be a pool).
  const weightData = new Uint8Array(files.weights).buffer;
  const model = await tf.loadLayersModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      format: json.format ?? 'layers-model',
      ...(json.generatedBy !== undefined ? { generatedBy: json.generatedBy } : {}),
      weightSpecs,
      weightData,
    }),
  });
  const width = inputWidth(config.data);
  const inputShape = model.inputs[0]?.shape;
  if (model.inputs.length !== 1 || inputShape?.length !== 3 || inputShape[2] !== width) {
    throw new ValidationError('model', `${source}: the model's input is ${JSON.stringify(model.inputs.map((i) => i.shape))}, expected [batch, channels, ${width}]`);
  }
  return { tf, model, config: config.data };
}

/** One byte bundle (for the project store or any Buffer): uint32 LE json length, model.json, weights. */
export async function modelToBundle(neural: NeuralSeizureModel): Promise<Uint8Array> {
  return filesToBundle(await modelToFiles(neural));
}

/** The bundle of TF.js files already in memory (read from a folder without loading tfjs). */
export function filesToBundle({ modelJson, weights }: { modelJson: unknown; weights: Uint8Array }): Uint8Array {
  const json = Buffer.from(JSON.stringify(modelJson), 'utf8');
  const bundle = Buffer.alloc(4 + json.length + weights.byteLength);
  bundle.writeUInt32LE(json.length, 0);
  json.copy(bundle, 4);
  bundle.set(weights, 4 + json.length);
  return new Uint8Array(bundle.buffer, bundle.byteOffset, bundle.byteLength);
}

export async function modelFromBundle(tf: Tfjs, bundle: Uint8Array, source = 'model bundle'): Promise<NeuralSeizureModel> {
  const bytes = Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  if (bytes.length < 4) throw new FormatError(source, 'too short to be a model bundle', 'length', 0);
  const length = bytes.readUInt32LE(0);
  if (4 + length > bytes.length) throw new FormatError(source, `model.json length ${length} runs past the end (${bytes.length} bytes)`, 'length', 0);
  let modelJson: unknown;
  try {
    modelJson = JSON.parse(bytes.subarray(4, 4 + length).toString('utf8'));
  } catch (error) {
    throw new FormatError(source, `model.json is not JSON (${error instanceof Error ? error.message : String(error)})`, MODEL_JSON, 4);
  }
  return modelFromFiles(tf, { modelJson: modelJson as ModelJson, weights: bytes.subarray(4 + length) }, source);
}

/**
 * Checks that the TF.js files may be written into `folder` (io/write-target's rules for each file;
 * a missing folder may be created when its parent exists). Returns the absolute folder and files.
 */
export function checkModelFolder(folder: string, options: WriteTargetOptions = {}): { dir: string; files: [string, string] } {
  const dir = resolve(folder);
  const files: [string, string] = [join(dir, MODEL_JSON), join(dir, WEIGHTS_FILE)];
  let stat;
  try {
    stat = statSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    throw fileAccessError(dir, error);
  }
  if (!stat) {
    // The folder itself is checked as a new file would be: its parent exists, it is no project, no
    // source, nothing under /proc, /sys, /dev.
    checkWriteTarget(dir, { ...options, overwrite: false });
  } else {
    if (!stat.isDirectory()) throw new FileAccessError(dir, 'is not a folder (the model is written as model.json and a weights file into a folder)');
    for (const file of files) checkWriteTarget(file, options);
  }
  return { dir, files };
}

/**
 * Writes the model as TF.js files into `folder` (created if missing, when its parent exists):
 * model.json + one weight shard, each checked and written atomically (io/write-target); an
 * existing model is replaced only with `options.overwrite`.
 */
export async function exportModel(neural: NeuralSeizureModel, folder: string, options: WriteTargetOptions = {}): Promise<string[]> {
  const { modelJson, weights } = await modelToFiles(neural);
  const { dir, files } = checkModelFolder(folder, options);
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fileAccessError(dir, error);
  }
  const [jsonPath, weightsPath] = files;
  writeFileAtomically(jsonPath, JSON.stringify(modelJson, null, 1), options);
  writeFileAtomically(weightsPath, weights, options);
  return [jsonPath, weightsPath];
}

/** Reads TF.js files: `path` is a folder holding model.json, or the model.json itself. */
export async function importModel(tf: Tfjs, path: string): Promise<NeuralSeizureModel> {
  const { files, jsonPath } = readModelFiles(path);
  return modelFromFiles(tf, files, jsonPath);
}

/**
 * The TF.js files of a folder (or of a model.json) in memory, checked to be a layers model.json
 * with its weight shards, not yet loaded (no tfjs needed: the runner stores shipped models so).
 */
export function readModelFiles(path: string): { files: ModelFiles; jsonPath: string } {
  const jsonPath = path.endsWith('.json') ? resolve(path) : join(resolve(path), MODEL_JSON);
  let text: string;
  try {
    text = readFileSync(jsonPath, 'utf8');
  } catch (error) {
    throw fileAccessError(jsonPath, error);
  }
  let modelJson: unknown;
  try {
    modelJson = JSON.parse(text);
  } catch (error) {
    throw new FormatError(jsonPath, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const manifest = ModelJson.safeParse(modelJson);
  if (!manifest.success) throw new FormatError(jsonPath, `not a TF.js layers model.json (${manifest.error.issues[0]?.message ?? 'invalid'})`);
  const shards = manifest.data.weightsManifest.flatMap((group) => group.paths).map((p) => {
    const shardPath = resolve(dirname(jsonPath), p);
    try {
      return readFileSync(shardPath);
    } catch (error) {
      throw fileAccessError(shardPath, error);
    }
  });
  return { files: { modelJson: manifest.data, weights: new Uint8Array(Buffer.concat(shards)) }, jsonPath };
}

export { FEATURE_NAMES };
