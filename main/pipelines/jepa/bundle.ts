/**
 * The stored form of a Brain-JEPA model: one `cajal-nn-v1` checkpoint bundle (main/compute/nn/
 * checkpoint.ts) holding the three weight sets and what is needed to use them:
 *
 *   group 'param'   `encoder.<name>`, `predictor.<name>` (our parameter names; the reference's
 *                   state-dict names come from the model's stateDict), `data.gradients` [R, G]
 *                   (the brain gradients the positional embedding was built from)
 *   group 'ema'     `<name>`: the target encoder (EMA of the encoder)
 *   group 'adam.m', 'adam.v'  `encoder.<name>`, `predictor.<name>` (training checkpoints only)
 *   header step     AdamW steps taken; header config = JepaBundleConfig (architecture, masks,
 *                   robust scaler, where the gradients came from, training state)
 *
 * The checkpoint module encodes one collection (+ AdamW + EMA); a JEPA has two trainable
 * collections and a separate target, so they are presented to it as one collection under
 * prefixes. Decoding checks every name and shape before any weight is written.
 */
import type { Tfjs } from '../../compute/activate.js';
import { decodeCheckpoint, encodeCheckpointAsync, type AdamW, type CheckpointParts, type Params, type ParamSnapshot } from '../../compute/nn/index.js';
import { CHECKPOINT_FORMAT } from '../../compute/nn/index.js';
import { FormatError, ValidationError } from '../../errors.js';
import type { JepaModelConfig } from './config.js';
import type { JepaNormalisation } from './data.js';
import type { MaskConfig } from './masks.js';
import { createJepaModel, type JepaModel } from './model.js';

export const JEPA_BUNDLE_FORMAT = CHECKPOINT_FORMAT;
export const JEPA_BUNDLE_KIND = 'brain-jepa';
/** The `pipeline` of stored JEPA models: what the probe's `usesModel` looks for. */
export const JEPA_MODEL_PIPELINE = 'jepa';

export interface JepaGradientsInfo {
  /** 'computed': diffusion-map embedding of the training subjects' group connectivity; 'csv': a given file. */
  source: 'computed' | 'csv';
  components: number;
  /** The file (csv) or the subjects (computed) they came from. */
  from: string | string[];
  options?: Record<string, unknown>;
}

/** Where a training run stands; stored in every checkpoint so a run can resume from it. */
export interface JepaTrainingState {
  seed: number;
  /** Epochs completed. */
  epoch: number;
  /** Iterations (batches) completed. */
  iteration: number;
  /** Optimizer steps taken (= AdamW's t). */
  optimizerStep: number;
  trainSubjects: string[];
  validationSubjects: string[];
  rankSubjects: string[];
  history: JepaEpochRecord[];
}

export interface JepaEpochRecord {
  epoch: number;
  /** Mean smooth-L1 loss of the epoch's iterations (not divided by the accumulation steps). */
  trainLoss: number;
  /** Mean loss on the held-out subjects with fixed crops and masks; null without any. */
  validationLoss: number | null;
  /** Effective rank (RankMe: uncentred) of the target encoder's pooled features of the fixed rank subjects. */
  effectiveRank: number | null;
  /** The same of the features centred over the subjects (the spread between subjects). */
  effectiveRankCentred: number | null;
  /** The schedules at the epoch's last optimizer step. */
  lr: number;
  weightDecay: number;
  momentum: number;
  optimizerSteps: number;
  iterations: number;
  /** Mean wall time of a training iteration in this epoch (ms). */
  msPerIteration: number;
}

/** The header config of a JEPA bundle. */
export interface JepaBundleConfig {
  kind: typeof JEPA_BUNDLE_KIND;
  version: 1;
  model: JepaModelConfig;
  masks: MaskConfig;
  /** Per-ROI median and IQR over the training subjects' temporal means (ukbiobank_scale.py). */
  scaler: { median: number[]; iqr: number[] };
  gradients: JepaGradientsInfo;
  /** Crop (frames), temporal sampling and normalisation the model was trained with. */
  input: { frames: number; samplingRate: number; normalisation: JepaNormalisation };
  /** Absent in an exported model that carries no training state. */
  training?: JepaTrainingState;
}

export interface JepaOptimizers {
  encoder: AdamW;
  predictor: AdamW;
}

function prefixed(parts: Record<string, ParamSnapshot>): ParamSnapshot {
  const out: ParamSnapshot = new Map();
  for (const [prefix, snapshot] of Object.entries(parts)) for (const [name, t] of snapshot) out.set(`${prefix}.${name}`, t);
  return out;
}

function unprefixed(snapshot: ParamSnapshot | undefined, prefix: string): ParamSnapshot {
  const out: ParamSnapshot = new Map();
  for (const [name, t] of snapshot ?? []) if (name.startsWith(`${prefix}.`)) out.set(name.slice(prefix.length + 1), t);
  return out;
}

/** The bundle bytes of a model (and its optimisers for a resumable checkpoint); asynchronous reads (every backend). */
export async function encodeJepaBundle(model: JepaModel, gradients: Float64Array, config: JepaBundleConfig, optimizers?: JepaOptimizers): Promise<Uint8Array> {
  const rois = model.config.rois;
  const components = model.config.gradientDims;
  if (gradients.length !== rois * components) throw new ValidationError('gradients', `${gradients.length} values for ${rois} ROIs × ${components} components`);
  if (optimizers && optimizers.encoder.step !== optimizers.predictor.step) {
    throw new ValidationError('optimizers', `encoder and predictor optimisers are at different steps (${optimizers.encoder.step}, ${optimizers.predictor.step})`);
  }
  const data: ParamSnapshot = new Map([['gradients', { shape: [rois, components], values: Float32Array.from(gradients) }]]);
  // The checkpoint encoder reads snapshots through these methods only (see the module comment).
  const params = {
    snapshotAsync: async () => prefixed({ encoder: await model.encoder.snapshotAsync(), predictor: await model.predictor.snapshotAsync(), data }),
    count: () => model.encoder.count() + model.predictor.count(),
  };
  const optimizer = optimizers && {
    step: optimizers.encoder.step,
    momentsAsync: async () => {
      const encoder = await optimizers.encoder.momentsAsync();
      const predictor = await optimizers.predictor.momentsAsync();
      return { m: prefixed({ encoder: encoder.m, predictor: predictor.m }), v: prefixed({ encoder: encoder.v, predictor: predictor.v }) };
    },
  };
  const ema = { updates: optimizers?.encoder.step ?? 0, shadow: { snapshotAsync: () => model.target.snapshotAsync() } };
  const parts = { params, ema, config, ...(optimizer ? { optimizer } : {}) } as unknown as CheckpointParts;
  return encodeCheckpointAsync(parts);
}

export interface DecodedJepaBundle {
  config: JepaBundleConfig;
  /** AdamW steps taken. */
  step: number;
  gradients: Float64Array;
  encoder: ParamSnapshot;
  predictor: ParamSnapshot;
  target: ParamSnapshot;
  /** The optimiser moments, where the bundle is a training checkpoint. */
  adam: { encoder: { m: ParamSnapshot; v: ParamSnapshot }; predictor: { m: ParamSnapshot; v: ParamSnapshot } } | null;
}

export function decodeJepaBundle(bytes: Uint8Array, source: string): DecodedJepaBundle {
  const { header, groups } = decodeCheckpoint(bytes, source);
  const config = header.config as Partial<JepaBundleConfig> | null;
  if (!config || config.kind !== JEPA_BUNDLE_KIND || config.version !== 1 || !config.model || !config.scaler || !config.masks) {
    throw new FormatError(source, `not a Brain-JEPA model bundle (config kind ${JSON.stringify(config?.kind ?? null)})`, 'header.config');
  }
  const params = groups.get('param');
  const gradients = params?.get('data.gradients');
  if (!gradients) throw new FormatError(source, 'the bundle holds no brain gradients (data.gradients)', 'data.gradients');
  const m = groups.get('adam.m');
  const v = groups.get('adam.v');
  return {
    config: config as JepaBundleConfig,
    step: header.step,
    gradients: Float64Array.from(gradients.values),
    encoder: unprefixed(params, 'encoder'),
    predictor: unprefixed(params, 'predictor'),
    target: groups.get('ema') ?? new Map(),
    adam: m && v ? { encoder: { m: unprefixed(m, 'encoder'), v: unprefixed(v, 'encoder') }, predictor: { m: unprefixed(m, 'predictor'), v: unprefixed(v, 'predictor') } } : null,
  };
}

/** Writes the decoded weights into a model built from the same config (each collection checked first). */
export function restoreJepaWeights(model: JepaModel, bundle: DecodedJepaBundle): void {
  const check = (params: Params, saved: ParamSnapshot, part: string) => {
    for (const e of params.list()) {
      const t = saved.get(e.name);
      if (!t) throw new ValidationError(`${part}.${e.name}`, 'missing from the bundle');
      if (t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i])) {
        throw new ValidationError(`${part}.${e.name}`, `shape [${t.shape.join(', ')}] in the bundle, [${e.shape.join(', ')}] in the model`);
      }
    }
  };
  check(model.encoder, bundle.encoder, 'encoder');
  check(model.predictor, bundle.predictor, 'predictor');
  check(model.target, bundle.target, 'target');
  model.encoder.restore(bundle.encoder);
  model.predictor.restore(bundle.predictor);
  model.target.restore(bundle.target);
}

/** A model from a bundle's bytes: built from its config and gradients, then its weights restored. */
export function loadJepaModel(tf: Tfjs, bytes: Uint8Array, source: string): { model: JepaModel; bundle: DecodedJepaBundle } {
  const bundle = decodeJepaBundle(bytes, source);
  const model = createJepaModel(tf, bundle.config.model, bundle.gradients, bundle.config.training?.seed ?? 0);
  try {
    restoreJepaWeights(model, bundle);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, bundle };
}
