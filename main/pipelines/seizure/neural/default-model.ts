/**
 * The default neural seizure detector shipped with Cajal: per-channel window features, trained on
 * real seizures by `npm run train:seizure-default` (scripts/train-seizure-default.ts) and committed
 * in assets/seizure/default/ — the TF.js files (model.json, group1-shard1of1.bin) and card.json
 * (training data, parameters, code version, held-out metrics). The seizure-neural pipeline names
 * `defaultSeizureModelRecord` as its `defaultModel`, so the job runner stores it in a project the
 * first time a detection finds no model there; a model trained or imported later replaces it as
 * the default choice.
 *
 * The folder is found from the package root (main/version.ts): the repository in a checkout, in
 * tests and from the CLI, and the app archive in the packaged app (electron-builder.yml ships
 * assets/seizure/ beside dist/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tfjs } from '../../../compute/index.js';
import { fileAccessError, FormatError, ValidationError } from '../../../errors.js';
import type { ProducedModel } from '../../../jobs/pipeline.js';
import { packageRoot } from '../../../version.js';
import { filesToBundle, MODEL_FORMAT, MODEL_JSON, modelFromFiles, NeuralModelConfig, readModelFiles, WEIGHTS_FILE, type NeuralSeizureModel } from './model.js';

export const DEFAULT_MODEL_NAME = 'default seizure detector (shipped with Cajal)';
export const CARD_FILE = 'card.json';
const METADATA_KEY = 'cajalSeizureNeural';

/** assets/seizure/default of this installation. */
export function defaultModelDir(): string {
  return join(packageRoot(), 'assets', 'seizure', 'default');
}

/** True when this installation has the shipped model's files. */
export function hasDefaultSeizureModel(dir = defaultModelDir()): boolean {
  return [MODEL_JSON, WEIGHTS_FILE, CARD_FILE].every((f) => existsSync(join(dir, f)));
}

/** The model card (card.json) as written by the training script. */
export function readDefaultModelCard(dir = defaultModelDir()): Record<string, unknown> {
  const path = join(dir, CARD_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fileAccessError(path, error);
  }
  try {
    const card = JSON.parse(text) as unknown;
    if (typeof card !== 'object' || card === null || Array.isArray(card)) throw new Error('not a JSON object');
    return card as Record<string, unknown>;
  } catch (error) {
    throw new FormatError(path, `not a model card (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * The shipped model as a models-table entry (the runner adds pipeline and run): its TF.js bundle,
 * and in `meta` what saveNeuralModel records (input, lags, layers, seed, feature version, training)
 * plus the card, so a project says where its default model came from and how well it did.
 */
export function defaultSeizureModelRecord(dir = defaultModelDir()): ProducedModel {
  const { files, jsonPath } = readModelFiles(dir);
  const raw = (files.modelJson.userDefinedMetadata ?? {})[METADATA_KEY];
  const config = NeuralModelConfig.safeParse(raw);
  if (!config.success) throw new ValidationError('model', `${jsonPath}: userDefinedMetadata.${METADATA_KEY} is not a seizure model configuration (${config.error.issues[0]?.message ?? 'invalid'})`);
  const { input, lagsS, hiddenUnits, seed, featureVersion, training } = config.data;
  return {
    name: DEFAULT_MODEL_NAME,
    format: MODEL_FORMAT,
    meta: { input, lagsS, hiddenUnits, seed, featureVersion, training, card: readDefaultModelCard(dir), source: 'assets/seizure/default' },
    weights: filesToBundle(files),
  };
}

/** Loads the shipped model (tests, scripts and the evaluation of its card). */
export async function loadDefaultSeizureModel(tf: Tfjs, dir = defaultModelDir()): Promise<NeuralSeizureModel> {
  const { files, jsonPath } = readModelFiles(dir);
  return modelFromFiles(tf, files, jsonPath);
}
