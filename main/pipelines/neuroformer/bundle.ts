/**
 * The stored form of a Neuroformer model: one `cajal-nn-v1` checkpoint bundle (main/compute/nn/
 * checkpoint.ts) — group 'param' the weights under the reference's state-dict names, 'adam.m'/'adam.v'
 * the AdamW moments (training checkpoints), header step = AdamW steps, header config =
 * NeuroformerBundleConfig: the architecture, the stimulus definition, the time-block split (so the
 * evaluation scores exactly the blocks the model never saw) and the training state.
 */
import type { Tfjs } from '../../compute/activate.js';
import { AdamW, decodeCheckpoint, encodeCheckpointAsync, type CheckpointParts, type ParamSnapshot } from '../../compute/nn/index.js';
import { CHECKPOINT_FORMAT } from '../../compute/nn/index.js';
import { FormatError, ValidationError } from '../../errors.js';
import type { NeuroformerConfig } from './config.js';
import { createNeuroformer, type NeuroformerModel } from './model.js';
import type { BlockSplit, StimulusSpec } from './split.js';

export const NF_BUNDLE_FORMAT = CHECKPOINT_FORMAT;
export const NF_BUNDLE_KIND = 'neuroformer';
/** The `pipeline` of stored Neuroformer models: what generate/connectivity/evaluate's `usesModel` look for. */
export const NF_MODEL_PIPELINE = 'neuroformer';

export interface NfEpochRecord {
  epoch: number;
  trainLoss: number;
  /** Per-head cross-entropies on the training steps (epoch means, dropout on); absent in older bundles. */
  trainCeId?: number;
  trainCeDt?: number;
  validationLoss: number | null;
  validationCeId: number | null;
  validationCeDt: number | null;
  /** Teacher-forced top-1 F1 of the next neuron id (compute_scores over validation windows). */
  validationF1: number | null;
  lr: number;
  optimizerSteps: number;
  msPerStep: number;
}

export interface NfTrainingState {
  seed: number;
  epoch: number;
  optimizerStep: number;
  /** Target tokens seen (the reference's LR-schedule counter: every target position, PAD included). */
  tokens: number;
  history: NfEpochRecord[];
}

export interface NeuroformerBundleConfig {
  kind: typeof NF_BUNDLE_KIND;
  version: 1;
  model: NeuroformerConfig;
  /** How the stimulus tokens are made (split.ts). */
  stimulus: StimulusSpec;
  /** The count matrix's origin (recording seconds of bin 0) and the held-out blocks. */
  data: { originS: number; endS: number; split: BlockSplit; unitIds: string[]; cellTypes: (string | null)[] };
  training?: NfTrainingState;
}

export async function encodeNfBundle(model: NeuroformerModel, config: NeuroformerBundleConfig, optimizer?: AdamW): Promise<Uint8Array> {
  const parts = { params: model.params, config, ...(optimizer ? { optimizer } : {}) } as CheckpointParts;
  return encodeCheckpointAsync(parts);
}

export interface DecodedNfBundle {
  config: NeuroformerBundleConfig;
  step: number;
  params: ParamSnapshot;
  adam: { m: ParamSnapshot; v: ParamSnapshot } | null;
}

export function decodeNfBundle(bytes: Uint8Array, source: string): DecodedNfBundle {
  const { header, groups } = decodeCheckpoint(bytes, source);
  const config = header.config as Partial<NeuroformerBundleConfig> | null;
  if (!config || config.kind !== NF_BUNDLE_KIND || config.version !== 1 || !config.model || !config.data) {
    throw new FormatError(source, `not a Neuroformer model bundle (config kind ${JSON.stringify(config?.kind ?? null)})`, 'header.config');
  }
  const m = groups.get('adam.m');
  const v = groups.get('adam.v');
  return { config: config as NeuroformerBundleConfig, step: header.step, params: groups.get('param') ?? new Map(), adam: m && v ? { m, v } : null };
}

/** Writes the bundle's weights into a model of the same config (every name and shape checked first). */
export function restoreNfWeights(model: NeuroformerModel, bundle: DecodedNfBundle): void {
  for (const e of model.params.list()) {
    const t = bundle.params.get(e.name);
    if (!t) throw new ValidationError(e.name, 'missing from the Neuroformer bundle');
    if (t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i])) {
      throw new ValidationError(e.name, `shape [${t.shape.join(', ')}] in the bundle, [${e.shape.join(', ')}] in the model`);
    }
  }
  model.params.restore(bundle.params);
}

/** A model from a bundle's bytes; `randomInit` keeps the seeded initial weights (the untrained control). */
export function loadNeuroformer(tf: Tfjs, bytes: Uint8Array, source: string, options: { randomInit?: boolean } = {}): { model: NeuroformerModel; bundle: DecodedNfBundle } {
  const bundle = decodeNfBundle(bytes, source);
  const model = createNeuroformer(tf, bundle.config.model, bundle.config.training?.seed ?? 0);
  if (!options.randomInit) {
    try {
      restoreNfWeights(model, bundle);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }
  return { model, bundle };
}
