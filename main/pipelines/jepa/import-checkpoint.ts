/**
 * Brain-JEPA weights from outside the project, and out of it (issue #19, "Checkpoints").
 *
 * In: a PyTorch checkpoint of the official code (Eric-LRL/Brain-JEPA src/train.py save_checkpoint:
 * torch.save of {'encoder', 'predictor', 'target_encoder' state dicts (DDP "module." keys), 'opt',
 * 'scaler' (the AMP GradScaler, not a data scaler), 'epoch', 'loss', 'batch_size', 'world_size',
 * 'lr'}), or a safetensors file whose keys are `encoder.<k>`, `predictor.<k>`, `target_encoder.<k>`
 * with the reference's names and torch layouts (ours, written by exportJepaSafetensors, adds
 * `gradients` [R, G] and the config as `__metadata__`). It becomes one JEPA model bundle (bundle.ts).
 *
 * What the file says and what it cannot:
 * - Shapes give the architecture: D and P from patch_embed.proj.weight [D, 1, 1, P], G from
 *   pos_embed_proj.predictor_pos_embed_proj.weight [D/2, G], depth and predictor depth from the block
 *   indices, the MLP ratio from blocks.0.mlp.fc1.weight [rD, D], Dp from predictor_embed.weight [Dp, D].
 * - Tokens N from emb_h [N, D/2]; its content splits them: emb_h is the fixed sin/cos of the time
 *   patch t = k mod n (token k = roi·n + t), so its rows repeat every n tokens. That gives the time
 *   patches n, frames n·P and ROIs R = N / n, and the whole table is checked against ours. The
 *   gradients (a CSV the user names, or our file's `gradients` tensor) must have R rows: a CSV of
 *   another parcellation is refused rather than silently splitting N another way.
 * - Heads cannot be read from any shape (qkv is [3D, D] whatever the head count): they come from our
 *   metadata or a config the checkpoint saved (num_heads, or model_name vit_small/vit_base…), from
 *   the user (--heads; refused if it contradicts the file), or from the named architecture
 *   (tiny/small/base) whose every other dimension matches; otherwise the import is refused rather
 *   than guessed.
 * - The official checkpoints carry no data scaler: the reference scales each dataset with a robust
 *   scaler fitted on its own subjects (ukbiobank_scale.py), which a lab's UKB scaler would not fit
 *   to another cohort anyway. The imported bundle stores an empty scaler (median = iqr = []), which
 *   means "not fitted": `jepa-pretrain` started from such a model fits it on its training subjects,
 *   and a probe must fit it on each fold's training subjects (isScalerFitted says which case).
 * - The optimizer state ('opt') is not imported: a run started from an imported model begins with
 *   fresh AdamW moments at step 0 (see pretrain-pipeline.ts; the reason is there).
 * Every mismatch is an error naming the file and the key (loadStateDict lists all bad keys at once).
 */
import { open, readFile } from 'node:fs/promises';
import type { Tfjs } from '../../compute/activate.js';
import { readSafetensorsWithMetadata, readTorchCheckpoint, type CheckpointValue, type NamedTensor } from '../../io/torch/index.js';
import { FormatError, ValidationError, fileAccessError } from '../../errors.js';
import { decodeJepaBundle, encodeJepaBundle, JEPA_BUNDLE_KIND, type JepaBundleConfig, type JepaGradientsInfo } from './bundle.js';
import { JEPA_ARCHITECTURES, validateJepaConfig, type JepaArchitectureName, type JepaModelConfig } from './config.js';
import { readGradientCsv } from './gradients.js';
import { REFERENCE_MASK_CONFIG, type MaskConfig } from './masks.js';
import { createJepaModel } from './model.js';
import { timeSinCos } from './pos-embed.js';
import { DDP_PREFIX, toReferenceEntry, type StateDict, type StateDictPart } from './model-state-dict.js';

export const JEPA_PARTS: readonly StateDictPart[] = ['encoder', 'predictor', 'target_encoder'];
/** `format` in the metadata of the safetensors files we write. */
export const JEPA_SAFETENSORS_FORMAT = 'cajal-brain-jepa';
/** Key of the brain gradients [R, G] in our safetensors files (outside every part prefix, so a strict torch load of a part ignores it). */
export const GRADIENTS_KEY = 'gradients';

export interface JepaImportOptions {
  /** Gradient CSV (gradient_mapping_450.csv layout); needed unless the file holds `gradients`. */
  gradientCsv?: string;
  /** Attention heads, where no metadata or named architecture says. */
  heads?: number;
}

/** The three state dicts of a file (reference keys, torch layouts, "module." removed) and what else it said. */
export interface JepaWeightsFile {
  file: string;
  format: 'torch' | 'safetensors';
  parts: Record<StateDictPart, StateDict>;
  /** Our safetensors metadata, parsed; null for other files. */
  cajal: CajalSafetensorsMetadata | null;
  /** The `gradients` tensor of our safetensors files. */
  gradients: { rois: number; components: number; values: Float64Array } | null;
  /** Plain values of a torch checkpoint (epoch, loss, lr, batch_size, world_size). */
  checkpoint: Record<string, number | string>;
  /** A head count the checkpoint itself states (a saved args/config dict: num_heads, or model_name vit_*). */
  declaredHeads: { heads: number; embedDim: number | null; from: string } | null;
  notes: string[];
}

export interface CajalSafetensorsMetadata {
  model: JepaModelConfig;
  masks?: MaskConfig;
  scaler?: { median: number[]; iqr: number[] };
  gradients?: JepaGradientsInfo;
  /** normalisation absent in files written before it existed. */
  input?: Omit<JepaBundleConfig['input'], 'normalisation'> & { normalisation?: JepaBundleConfig['input']['normalisation'] };
}

/** False for an imported model whose robust scaler is still to be fitted on a cohort (see the file comment). */
export function isScalerFitted(config: Pick<JepaBundleConfig, 'scaler' | 'model'>): boolean {
  return config.scaler.median.length === config.model.rois && config.scaler.iqr.length === config.model.rois;
}

const FLOAT_DTYPES = new Set(['float32', 'float64', 'float16', 'bfloat16']);

function asStateDict(file: string, part: string, tensors: Iterable<[string, NamedTensor]>): StateDict {
  const out: StateDict = new Map();
  for (const [key, t] of tensors) {
    if (!FLOAT_DTYPES.has(t.dtype)) throw new FormatError(file, `${part}.${key} is ${t.dtype}; Brain-JEPA weights are floating point`, `${part}.${key}`);
    out.set(key.startsWith(DDP_PREFIX) ? key.slice(DDP_PREFIX.length) : key, { shape: [...t.shape], data: t.data });
  }
  return out;
}

function isSafetensors(head: Uint8Array): boolean {
  // u64 little-endian header length, then the JSON header's "{".
  return head.length > 8 && head[8] === 0x7b && head[6] === 0 && head[7] === 0;
}

function parseMetadata(file: string, metadata: Record<string, string>): CajalSafetensorsMetadata | null {
  if (metadata.format !== JEPA_SAFETENSORS_FORMAT) return null;
  const json = <T>(key: string): T | undefined => {
    if (metadata[key] === undefined) return undefined;
    try {
      return JSON.parse(metadata[key]!) as T;
    } catch {
      throw new FormatError(file, `__metadata__.${key} is not JSON`, `__metadata__.${key}`);
    }
  };
  const model = json<JepaModelConfig>('config');
  if (!model || typeof model !== 'object') throw new FormatError(file, `a ${JEPA_SAFETENSORS_FORMAT} file without its config`, '__metadata__.config');
  const out: CajalSafetensorsMetadata = { model };
  const masks = json<MaskConfig>('masks');
  const scaler = json<{ median: number[]; iqr: number[] }>('scaler');
  const gradients = json<JepaGradientsInfo>('gradients');
  const input = json<NonNullable<CajalSafetensorsMetadata['input']>>('input');
  if (masks) out.masks = masks;
  if (scaler) out.scaler = scaler;
  if (gradients) out.gradients = gradients;
  if (input) out.input = input;
  return out;
}

/** Reads the three state dicts of a .pth/.pth.tar/.pt or .safetensors file (sniffed by content). */
export async function readJepaWeights(file: string): Promise<JepaWeightsFile> {
  let head: Uint8Array;
  try {
    const handle = await open(file, 'r');
    try {
      head = new Uint8Array(16);
      const { bytesRead } = await handle.read(head, 0, 16, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fileAccessError(file, error);
  }
  const notes: string[] = [];
  const parts = {} as Record<StateDictPart, StateDict>;
  if (isSafetensors(head)) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw fileAccessError(file, error);
    }
    const { tensors, metadata } = readSafetensorsWithMetadata(bytes, file);
    const grouped = new Map<StateDictPart, [string, NamedTensor][]>(JEPA_PARTS.map((p) => [p, []]));
    const other: string[] = [];
    let gradients: JepaWeightsFile['gradients'] = null;
    for (const [key, t] of tensors) {
      // "target_encoder." before "encoder." cannot clash: a prefix match needs the dot.
      const part = JEPA_PARTS.find((p) => key.startsWith(`${p}.`));
      if (part) grouped.get(part)!.push([key.slice(part.length + 1), t]);
      else if (key === GRADIENTS_KEY) {
        if (t.shape.length !== 2) throw new FormatError(file, `gradients is [${t.shape.join(', ')}], expected [ROIs, components]`, GRADIENTS_KEY);
        gradients = { rois: t.shape[0]!, components: t.shape[1]!, values: Float64Array.from(t.data) };
      } else other.push(key);
    }
    if (other.length) {
      throw new FormatError(file, `keys outside encoder./predictor./target_encoder. (and gradients): ${other.slice(0, 8).join(', ')}${other.length > 8 ? ` and ${other.length - 8} more` : ''} — not a Brain-JEPA checkpoint in the reference layout`);
    }
    for (const p of JEPA_PARTS) {
      if (grouped.get(p)!.length === 0) throw new FormatError(file, `no "${p}." tensors: a Brain-JEPA checkpoint needs encoder, predictor and target_encoder`, `${p}.`);
      parts[p] = asStateDict(file, p, grouped.get(p)!);
    }
    const cajal = parseMetadata(file, metadata);
    return { file, format: 'safetensors', parts, cajal, gradients, checkpoint: {}, declaredHeads: cajal ? { heads: cajal.model.heads, embedDim: cajal.model.embedDim, from: 'the file’s metadata' } : null, notes };
  }
  const ckpt = await readTorchCheckpoint(file, { parts: JEPA_PARTS });
  for (const p of JEPA_PARTS) {
    const tensors = ckpt.get(p);
    if (!tensors || tensors.size === 0) {
      throw new FormatError(file, `no "${p}" state dict (top-level keys with tensors: ${[...ckpt.keys(), ...ckpt.skipped].join(', ') || 'none'}); a Brain-JEPA checkpoint of the official code holds encoder, predictor and target_encoder`, p);
    }
    parts[p] = asStateDict(file, p, tensors);
  }
  notes.push(...ckpt.notes);
  if (ckpt.skipped.includes('opt')) notes.push('the optimizer state ("opt") is not imported: training from this model starts with fresh AdamW moments at step 0');
  const checkpoint: Record<string, number | string> = {};
  for (const key of ['epoch', 'loss', 'lr', 'batch_size', 'world_size']) {
    const v = ckpt.meta.get(key);
    if (typeof v === 'number' || typeof v === 'string') checkpoint[key] = v;
    else if (typeof v === 'bigint') checkpoint[key] = Number(v);
  }
  return { file, format: 'torch', parts, cajal: null, gradients: null, checkpoint, declaredHeads: declaredHeads(ckpt.meta), notes };
}

/** The reference's ViT sizes (src/models/vision_transformer.py vit_*): embed dim and heads. */
const VIT_SIZES: Record<string, { embedDim: number; heads: number }> = {
  vit_tiny: { embedDim: 192, heads: 3 },
  vit_small: { embedDim: 384, heads: 6 },
  vit_base: { embedDim: 768, heads: 12 },
  vit_large: { embedDim: 1024, heads: 16 },
  vit_huge: { embedDim: 1280, heads: 16 },
  vit_giant: { embedDim: 1408, heads: 16 },
};

/**
 * Official checkpoints hold no config, but a lab's may (an `args` or `config` dict saved beside the
 * weights, the yaml's meta.model_name): a num_heads / heads number, or a model_name vit_*.
 */
function declaredHeads(meta: ReadonlyMap<string, CheckpointValue>): JepaWeightsFile['declaredHeads'] {
  let found: JepaWeightsFile['declaredHeads'] = null;
  const visit = (value: CheckpointValue, path: string, depth: number): void => {
    if (found || depth > 6 || !(value instanceof Map)) return;
    for (const [k, v] of value) {
      const here = path ? `${path}.${String(k)}` : String(k);
      // Nested dicts may come as Maps or as dotted keys (checkpoint.ts flattens inside tensor parts).
      const last = String(k).split('.').pop();
      if ((last === 'num_heads' || last === 'heads') && typeof v === 'number' && Number.isInteger(v) && v > 0) found = { heads: v, embedDim: null, from: `the checkpoint's ${here}` };
      else if (last === 'model_name' && typeof v === 'string' && VIT_SIZES[v]) found = { ...VIT_SIZES[v]!, from: `the checkpoint's ${here} (${v})` };
      else visit(v, here, depth + 1);
      if (found) return;
    }
  };
  visit(new Map([...meta].filter(([k]) => !k.startsWith('opt'))), '', 0);
  return found;
}

function shapeOf(file: string, dict: StateDict, part: StateDictPart, key: string, rank: number): number[] {
  const t = dict.get(key);
  if (!t) throw new FormatError(file, `${part} has no ${key} (is this a Brain-JEPA checkpoint?)`, `${part}.${key}`);
  if (t.shape.length !== rank) throw new FormatError(file, `${part}.${key} is [${t.shape.join(', ')}], expected ${rank} dimensions`, `${part}.${key}`);
  return t.shape;
}

/**
 * Time patches of an emb_h table [N, w/2]: the period of its rows (row n is t = 0 again), checked
 * against the sin/cos table those n patches give (pos-embed.ts timeSinCos).
 */
export function timePatchesOfTable(file: string, key: string, table: { shape: number[]; data: Float32Array }, width: number): number {
  const [tokens, half] = table.shape as [number, number];
  if (half * 2 !== width) throw new FormatError(file, `${key} is [${tokens}, ${half}], expected [N, ${width / 2}] for width ${width}`, key);
  const rowEquals = (k: number): boolean => {
    for (let j = 0; j < half; j++) if (Math.abs(table.data[k * half + j]! - table.data[j]!) > 1e-6) return false;
    return true;
  };
  let n = tokens;
  for (let k = 1; k < tokens; k++) {
    if (tokens % k === 0 && rowEquals(k)) {
      n = k;
      break;
    }
  }
  const expected = timeSinCos(tokens / n, n, width);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i]! - table.data[i]!));
  if (worst > 1e-4) {
    throw new FormatError(file, `${key} is not Brain-JEPA's fixed time sin/cos table (${tokens} tokens read as ${tokens / n} ROIs × ${n} time patches differ from it by ${worst.toExponential(2)})`, key);
  }
  return n;
}

function blockCount(dict: StateDict, prefix: string): number {
  let n = 0;
  const pattern = new RegExp(`^${prefix}\\.(\\d+)\\.`);
  for (const key of dict.keys()) {
    const m = pattern.exec(key);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return n;
}

export interface InferredConfig {
  config: JepaModelConfig;
  /** Where the head count came from, for the log. */
  headsFrom: string;
}

/** The model config the state dicts imply (see the file comment); `heads` where nothing else says. */
export function inferJepaConfig(weights: Pick<JepaWeightsFile, 'file' | 'parts' | 'declaredHeads'>, heads?: number): InferredConfig {
  const { file, parts } = weights;
  const enc = parts.encoder;
  const pred = parts.predictor;
  const [d, c1, c2, p] = shapeOf(file, enc, 'encoder', 'patch_embed.proj.weight', 4) as [number, number, number, number];
  if (c1 !== 1 || c2 !== 1) throw new FormatError(file, `encoder.patch_embed.proj.weight is [${d}, ${c1}, ${c2}, ${p}], expected [D, 1, 1, P] (one input channel, one ROI per patch)`, 'encoder.patch_embed.proj.weight');
  const [half, g] = shapeOf(file, enc, 'encoder', 'pos_embed_proj.predictor_pos_embed_proj.weight', 2) as [number, number];
  if (half * 2 !== d) throw new FormatError(file, `encoder.pos_embed_proj.predictor_pos_embed_proj.weight is [${half}, ${g}], expected [${d / 2}, G] for embedding width ${d}`, 'encoder.pos_embed_proj.predictor_pos_embed_proj.weight');
  shapeOf(file, enc, 'encoder', 'pos_embed_proj.emb_h', 2);
  const tokens = enc.get('pos_embed_proj.emb_h')!.shape[0]!;
  const patches = timePatchesOfTable(file, 'encoder.pos_embed_proj.emb_h', enc.get('pos_embed_proj.emb_h')!, d);
  const depth = blockCount(enc, 'blocks');
  if (depth === 0) throw new FormatError(file, 'the encoder has no blocks.N.* keys', 'encoder.blocks');
  const [hidden] = shapeOf(file, enc, 'encoder', 'blocks.0.mlp.fc1.weight', 2) as [number];
  const [dp] = shapeOf(file, pred, 'predictor', 'predictor_embed.weight', 2) as [number];
  const predictorDepth = blockCount(pred, 'predictor_blocks');
  if (predictorDepth === 0) throw new FormatError(file, 'the predictor has no predictor_blocks.N.* keys', 'predictor.predictor_blocks');
  const [predTokens] = shapeOf(file, pred, 'predictor', 'predictor_2dpe_proj.emb_h', 2) as [number];
  if (predTokens !== tokens) throw new FormatError(file, `predictor.predictor_2dpe_proj.emb_h has ${predTokens} tokens, encoder.pos_embed_proj.emb_h ${tokens}`, 'predictor.predictor_2dpe_proj.emb_h');
  const predPatches = timePatchesOfTable(file, 'predictor.predictor_2dpe_proj.emb_h', pred.get('predictor_2dpe_proj.emb_h')!, dp);
  if (predPatches !== patches) throw new FormatError(file, `the predictor's time table has ${predPatches} time patches, the encoder's ${patches}`, 'predictor.predictor_2dpe_proj.emb_h');
  const rois = tokens / patches;
  const frames = patches * p;
  const arch = { embedDim: d, depth, mlpRatio: hidden / d, predictorDim: dp, predictorDepth, patchSize: p, gradientDims: g };

  const candidates: { heads: number; from: string }[] = [];
  const declared = weights.declaredHeads;
  if (declared) {
    if (declared.embedDim !== null && declared.embedDim !== d) throw new FormatError(file, `${declared.from} says ${declared.embedDim} wide, the encoder's weights are ${d} wide`);
    candidates.push({ heads: declared.heads, from: declared.from });
  }
  if (heads !== undefined) candidates.push({ heads, from: 'the heads given' });
  const named = (Object.keys(JEPA_ARCHITECTURES) as JepaArchitectureName[]).find((name) => {
    const a = JEPA_ARCHITECTURES[name];
    return a.embedDim === d && a.depth === depth && a.mlpRatio === arch.mlpRatio && a.predictorDim === dp && a.predictorDepth === predictorDepth && a.patchSize === p && a.gradientDims === g;
  });
  if (named) candidates.push({ heads: JEPA_ARCHITECTURES[named].heads, from: `the ${named} architecture (same widths and depths)` });
  if (candidates.length === 0) {
    throw new ValidationError('heads', `${file}: an encoder ${d} wide and ${depth} deep (predictor ${dp} × ${predictorDepth}) matches no named architecture and the head count cannot be read from the weights; give it (--heads N; the reference's ViT-S has 6, ViT-B 12)`);
  }
  const chosen = heads !== undefined ? candidates.find((c) => c.from === 'the heads given')! : candidates[0]!;
  if (declared && heads !== undefined && declared.heads !== heads) throw new ValidationError('heads', `${file}: ${heads} heads given, ${declared.from} says ${declared.heads}`);
  const config: JepaModelConfig = { ...arch, heads: chosen.heads, rois, frames, name: named && chosen.heads === JEPA_ARCHITECTURES[named].heads ? named : 'custom' };
  try {
    validateJepaConfig(config);
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(error.field, `${file}: ${error.message}`);
    throw error;
  }
  return { config, headsFrom: chosen.from };
}

export interface ImportedJepa {
  /** The JEPA bundle (bundle.ts) to store as a model. */
  bytes: Uint8Array;
  config: JepaBundleConfig;
  /** For the models row's meta and the run's result. */
  summary: Record<string, unknown>;
  notes: string[];
}

/** A weights file → a JEPA bundle (see the file comment); every part loaded and checked through the model. */
export async function importJepaCheckpoint(tf: Tfjs, file: string, options: JepaImportOptions = {}): Promise<ImportedJepa> {
  const weights = await readJepaWeights(file);
  const notes = [...weights.notes];
  let gradients: { rois: number; components: number; values: Float64Array };
  let gradientsInfo: JepaGradientsInfo;
  if (options.gradientCsv) {
    gradients = await readGradientCsv(options.gradientCsv);
    gradientsInfo = { source: 'csv', components: 0, from: options.gradientCsv };
  } else if (weights.gradients) {
    gradients = weights.gradients;
    gradientsInfo = weights.cajal?.gradients ?? { source: 'csv', components: 0, from: `${file} (gradients tensor)` };
  } else {
    throw new ValidationError('gradients', `${file} holds no brain gradients (official checkpoints do not): name the CSV the model was trained with (--gradients; the reference's 450-ROI models use gradient_mapping_450.csv)`);
  }
  const { config, headsFrom } = inferJepaConfig(weights, options.heads);
  if (gradients.rois !== config.rois) {
    throw new ValidationError('gradients', `${options.gradientCsv ?? file} has gradients for ${gradients.rois} ROIs; ${file} was trained on ${config.rois} ROIs (${config.rois * (config.frames / config.patchSize)} tokens = ${config.rois} ROIs × ${config.frames / config.patchSize} time patches)`);
  }
  if (weights.cajal) {
    // Our own file: its stored config must be what its shapes say.
    for (const key of ['rois', 'frames', 'embedDim', 'depth', 'heads', 'mlpRatio', 'predictorDim', 'predictorDepth', 'patchSize', 'gradientDims'] as const) {
      if (weights.cajal.model[key] !== config[key]) throw new FormatError(file, `__metadata__.config says ${key} ${weights.cajal.model[key]}, the tensors ${config[key]}`, '__metadata__.config');
    }
    config.name = weights.cajal.model.name;
  }
  const g = config.gradientDims;
  if (gradients.components < g) {
    throw new ValidationError('gradients', `${options.gradientCsv ?? file}: ${gradients.components} gradient components, the checkpoint's gradient projection takes ${g}`);
  }
  // The reference keeps the first G columns of its CSV (as pretrain-pipeline.ts does).
  const values = new Float64Array(gradients.rois * g);
  for (let r = 0; r < gradients.rois; r++) for (let c = 0; c < g; c++) values[r * g + c] = gradients.values[r * gradients.components + c]!;
  gradientsInfo = { ...gradientsInfo, components: g };

  const model = createJepaModel(tf, config, values, 0);
  try {
    // Every part is checked before failing, so one error names every bad key of the file.
    const problems: string[] = [];
    for (const part of JEPA_PARTS) {
      try {
        model.loadStateDict(part, weights.parts[part], file);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        problems.push(error.message);
      }
    }
    if (problems.length > 0) throw new ValidationError('checkpoint', problems.join('\n'));
    const cajal = weights.cajal;
    const scaler = cajal?.scaler ?? { median: [], iqr: [] };
    if (!isScalerFitted({ scaler, model: config })) notes.push('no data scaler in the file: it is fitted on the training subjects of the run or probe that uses this model (the reference fits one per dataset)');
    const bundleConfig: JepaBundleConfig = {
      kind: JEPA_BUNDLE_KIND,
      version: 1,
      model: config,
      masks: cajal?.masks ?? REFERENCE_MASK_CONFIG,
      scaler,
      gradients: gradientsInfo,
      // The sampling rate is unknown for an official checkpoint (the reference took every 3rd frame
      // of UKB's 0.735 s TR) and a run started from this model chooses its own (pretrain-pipeline.ts);
      // the reference pretrains on robust-scaled input. An export of ours from before the
      // normalisation field was added read as robust too, what those models were trained with.
      input: cajal?.input ? { ...cajal.input, normalisation: cajal.input.normalisation ?? 'robust' } : { frames: config.frames, samplingRate: 1, normalisation: 'robust' },
    };
    const bytes = await encodeJepaBundle(model, values, bundleConfig);
    const summary = {
      imported: { file, format: weights.format, headsFrom, checkpoint: weights.checkpoint, scalerFitted: isScalerFitted(bundleConfig), gradients: gradientsInfo.from },
      architecture: config,
    };
    return { bytes, config: bundleConfig, summary, notes };
  } finally {
    model.dispose();
  }
}

/**
 * A stored JEPA bundle as safetensors: `encoder.<k>`, `predictor.<k>`, `target_encoder.<k>` (the
 * reference's keys and torch layouts, so `{k: v for k in … if k.startswith('encoder.')}` loads into
 * the official modules), `gradients` [R, G], and the config as `__metadata__` JSON strings. No
 * optimiser moments nor training state: an export is a model, not a training checkpoint.
 */
export function exportJepaSafetensors(bundleBytes: Uint8Array, source: string, extra: Record<string, string> = {}): { tensors: StateDict; metadata: Record<string, string> } {
  const bundle = decodeJepaBundle(bundleBytes, source);
  const tensors: StateDict = new Map();
  const parts: [StateDictPart, typeof bundle.encoder][] = [
    ['encoder', bundle.encoder],
    ['predictor', bundle.predictor],
    ['target_encoder', bundle.target],
  ];
  for (const [part, snapshot] of parts) {
    if (snapshot.size === 0) throw new FormatError(source, `the bundle holds no ${part} weights`, part);
    for (const [name, { shape, values }] of snapshot) {
      const entry = toReferenceEntry(name, shape, values);
      tensors.set(`${part}.${entry.key}`, { shape: entry.shape, data: entry.data });
    }
  }
  const { model, masks, scaler, gradients, input } = bundle.config;
  tensors.set(GRADIENTS_KEY, { shape: [model.rois, model.gradientDims], data: Float32Array.from(bundle.gradients) });
  const metadata: Record<string, string> = {
    ...extra,
    format: JEPA_SAFETENSORS_FORMAT,
    version: '1',
    config: JSON.stringify(model),
    masks: JSON.stringify(masks),
    scaler: JSON.stringify(scaler),
    gradients: JSON.stringify(gradients),
    input: JSON.stringify(input),
  };
  if (bundle.config.training) metadata.trained = JSON.stringify({ epochs: bundle.config.training.epoch, optimizerSteps: bundle.config.training.optimizerStep });
  return { tensors, metadata };
}

