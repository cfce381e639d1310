/**
 * Brain-JEPA (Dong et al., NeurIPS 2024) in TensorFlow.js on main/compute/nn, transcribed from the
 * reference (Eric-LRL/Brain-JEPA b1dfa93: src/models/vision_transformer.py, src/train.py,
 * src/helper.py init_model). Input x [B, R, T] (R ROIs, T = n·P frames); token k = roi·n + t.
 *
 *   encoder    patches [P frames] → Linear(P → D) (the reference's Conv2d(1, D, (1, P), stride P))
 *              + gradient positions (pos-embed.ts) → gather the context tokens → ViT pre-LN blocks
 *              (LN eps 1e-6, qkv bias, exact GELU, MLP 4×) → LN. No CLS token.
 *   predictor  Linear(D → Dp) + its own positions at the context indices; queries = mask token +
 *              positions at the target indices; [context; queries] → blocks → LN → the queries →
 *              Linear(Dp → D).
 *   target     the same encoder with EMA weights on the whole unmasked input → layer_norm without
 *              affine (eps 1e-5) → the target tokens.
 *   loss       smooth-L1 (β = 1, mean) between the predictions and those targets.
 * Parameters are named as the reference's state dict (model-state-dict.ts maps the few block names
 * main/compute/nn spells differently, and the torch layouts).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../compute/index.js';
import { withCustomGrad } from '../../compute/nn/grad.js';
import { paramSeed } from '../../compute/nn/init.js';
import { createLinear, type Linear } from '../../compute/nn/linear.js';
import { createLayerNorm, type LayerNorm } from '../../compute/nn/norm.js';
import { lerpVariables, type DecayRule } from '../../compute/nn/optim.js';
import { Params, type ForwardOptions, type ParamEntry } from '../../compute/nn/params.js';
import { smoothL1Loss } from '../../compute/nn/smooth-l1.js';
import { createTransformerBlock, type TransformerBlock } from '../../compute/nn/transformer.js';
import { ValidationError } from '../../errors.js';
import { seededRandom } from '../../../shared/random.js';
import { INIT_STD, LN_EPS, TARGET_NORM_EPS, fullPassChunk, timePatches, tokenCount, validateJepaConfig, type JepaModelConfig } from './config.js';
import { loadFromStateDict, toStateDict, toStateDictAsync, type StateDict, type StateDictPart } from './model-state-dict.js';
import { createGradientPositions, type GradientPositions } from './pos-embed.js';

export type { StateDict, StateDictPart } from './model-state-dict.js';

/**
 * Context and target token indices per sample (masks.ts BatchMasks has this shape): every context
 * list one length, every target list one length (the reference truncates to the batch minimum).
 */
export interface JepaMasks {
  readonly context: readonly Int32Array[];
  readonly target: readonly Int32Array[];
}

export interface JepaModel {
  readonly config: JepaModelConfig;
  readonly encoder: Params;
  readonly predictor: Params;
  /** EMA copy of the encoder (not trainable). */
  readonly target: Params;
  /** Smooth-L1 JEPA loss of a batch; differentiable w.r.t. encoder and predictor variables. */
  loss(x: tfTypes.Tensor3D, masks: JepaMasks): tfTypes.Scalar;
  /** Features of the full input [B, R·n, D] after the final LN (target encoder by default). */
  features(x: tfTypes.Tensor3D, which?: 'target' | 'encoder'): tfTypes.Tensor3D;
  /** Mean over tokens of the target encoder's features: [B, D] (the probe's input). */
  pooled(x: tfTypes.Tensor3D): tfTypes.Tensor2D;
  /** EMA: target ← m·target + (1 − m)·encoder (every tensor, as the reference's zip over parameters). */
  updateTarget(momentum: number): void;
  /** A part's weights under the reference's state-dict keys, torch layouts; `prefix` e.g. "module." as DDP checkpoints. */
  stateDict(part: StateDictPart, options?: { prefix?: string }): StateDict;
  /** stateDict with asynchronous reads: every backend (the synchronous one reads cpu and wasm only). */
  stateDictAsync(part: StateDictPart, options?: { prefix?: string }): Promise<StateDict>;
  /** Loads a part from reference keys (with or without "module."): all or nothing, errors name every bad key. */
  loadStateDict(part: StateDictPart, tensors: StateDict, source: string): void;
  dispose(): void;
}

/**
 * The reference's weight-decay groups (src/helper.py init_opt): decay every parameter whose name
 * has no "bias" and whose shape is not 1-D — Linear and patch kernels and the predictor's mask
 * token [1, 1, Dp]; not biases nor LayerNorm gains. Pass as AdamW's `decay`. (Equal to
 * main/compute/nn's decayWeightsOnly here, since the mask token has role 'weight'; spelled out so it
 * stays the reference's rule.)
 */
export const jepaDecayRule: DecayRule = (entry: ParamEntry) => !entry.name.includes('bias') && entry.shape.length !== 1;

/** torch's nn.init.trunc_normal_(std=0.02) with its default absolute bounds ±2 (= ±100σ): a plain normal. */
function referenceTruncNormal(size: number, seed: number, std: number): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    let v: number;
    do {
      let u = random();
      while (u <= 0) u = random();
      v = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random()) * std;
    } while (v < -2 || v > 2);
    out[i] = v;
  }
  return out;
}

/**
 * The reference init (init_model): every Linear/Conv kernel and the mask token ~ trunc_normal_(0.02),
 * biases 0, LayerNorm 1/0. main/compute/nn already gives biases and norms that; its kernels are
 * truncated at ±2σ where torch's trunc_normal_ bounds are ±2 absolute, so the kernels are redrawn.
 * (The constructors' fix_init_weight depth rescaling is overwritten by init_model in the
 * reference, so it is not applied.)
 */
function referenceInit(params: Params, seed: number): void {
  const tf = params.tf;
  for (const entry of params.trainable()) {
    if (entry.role !== 'weight') continue;
    const values = tf.tensor(referenceTruncNormal(entry.variable.size, paramSeed(seed, `ref-init/${entry.name}`), INIT_STD), entry.shape as number[]);
    entry.variable.assign(values);
    values.dispose();
  }
}

interface Encoder {
  patch: Linear;
  positions: GradientPositions;
  blocks: TransformerBlock[];
  norm: LayerNorm;
}

function buildEncoder(params: Params, config: JepaModelConfig, seed: number): Encoder {
  const n = timePatches(config);
  const d = config.embedDim;
  const patch = createLinear(params, 'patch_embed.proj', { inFeatures: config.patchSize, outFeatures: d, seed });
  const positions = createGradientPositions(params, 'pos_embed_proj', { rois: config.rois, nPatches: n, width: d, gradientDims: config.gradientDims, seed });
  const blocks = Array.from({ length: config.depth }, (_, i) =>
    createTransformerBlock(params, `blocks.${i}`, { dim: d, heads: config.heads, mlpRatio: config.mlpRatio, activation: 'gelu', eps: LN_EPS, seed }),
  );
  const norm = createLayerNorm(params, 'norm', { dim: d, eps: LN_EPS });
  return { patch, positions, blocks, norm };
}

interface Predictor {
  embed: Linear;
  positions: GradientPositions;
  blocks: TransformerBlock[];
  norm: LayerNorm;
  proj: Linear;
}

function buildPredictor(params: Params, config: JepaModelConfig, seed: number): Predictor {
  const dp = config.predictorDim;
  // Registered first, as the reference's state dict lists the module's own parameter first.
  params.add('mask_token', [1, 1, dp], new Float32Array(dp), { role: 'weight' });
  const embed = createLinear(params, 'predictor_embed', { inFeatures: config.embedDim, outFeatures: dp, seed });
  const positions = createGradientPositions(params, 'predictor_2dpe_proj', {
    rois: config.rois,
    nPatches: timePatches(config),
    width: dp,
    gradientDims: config.gradientDims,
    seed,
  });
  const blocks = Array.from({ length: config.predictorDepth }, (_, i) =>
    createTransformerBlock(params, `predictor_blocks.${i}`, { dim: dp, heads: config.heads, mlpRatio: config.mlpRatio, activation: 'gelu', eps: LN_EPS, seed }),
  );
  const norm = createLayerNorm(params, 'predictor_norm', { dim: dp, eps: LN_EPS });
  const proj = createLinear(params, 'predictor_proj', { inFeatures: dp, outFeatures: config.embedDim, seed });
  return { embed, positions, blocks, norm, proj };
}

/**
 * A Brain-JEPA model with seeded reference initialisation. `gradients` is the R × gradientDims
 * group gradient matrix (row-major), shared by every sample, as the reference's CSV.
 */
export function createJepaModel(tf: Tfjs, config: JepaModelConfig, gradients: Float64Array, seed: number): JepaModel {
  validateJepaConfig(config);
  const { rois, frames, patchSize, embedDim: d, gradientDims } = config;
  if (gradients.length !== rois * gradientDims) {
    throw new ValidationError('gradients', `${gradients.length} values, expected ${rois} ROIs × ${gradientDims} components`);
  }
  for (let i = 0; i < gradients.length; i++) {
    if (!Number.isFinite(gradients[i]!)) throw new ValidationError('gradients', `value ${i} (ROI ${Math.floor(i / gradientDims)}) is not finite`);
  }
  const n = timePatches(config);
  const tokens = tokenCount(config);

  const encoder = new Params(tf);
  const predictor = new Params(tf);
  const enc = buildEncoder(encoder, config, seed);
  const pred = buildPredictor(predictor, config, seed);
  referenceInit(encoder, seed);
  referenceInit(predictor, seed);
  // The reference deep-copies the encoder after init (train.py: target_encoder = copy.deepcopy(encoder)).
  const target = encoder.clone({ trainable: false });
  const gradientTensor = tf.tensor2d(Float32Array.from(gradients), [rois, gradientDims], 'float32');
  let disposed = false;

  function checkInput(x: tfTypes.Tensor3D): number {
    if (disposed) throw new ValidationError('model', 'the JEPA model was disposed');
    if (x.rank !== 3 || x.shape[1] !== rois || x.shape[2] !== frames) {
      throw new ValidationError('x', `shape [${x.shape.join(', ')}] is not [batch, ${rois} ROIs, ${frames} frames]`);
    }
    return x.shape[0];
  }

  /** Patch embedding + positions of every token: rows [B·N, D]. */
  function embed(x: tfTypes.Tensor3D, p: Params): tfTypes.Tensor2D {
    const batch = x.shape[0];
    const options: ForwardOptions = { params: p };
    const patches = tf.reshape(x, [batch * tokens, patchSize]) as tfTypes.Tensor2D; // ROI-major: row = b·N + roi·n + t
    const embedded = tf.reshape(enc.patch.apply(patches, options), [batch, tokens, d]);
    const withPositions = tf.add(embedded, enc.positions.apply(gradientTensor, options));
    return tf.reshape(withPositions, [batch * tokens, d]);
  }

  /**
   * Blocks and final LN over rows [B·T, D]. Each block in its own tidy: without a gradient tape
   * (the target pass, features) a block's score tables are freed as soon as it returns, so the
   * peak is one layer's, not the sum over the depth; under a tape the engine keeps what the
   * backward pass saves, so training is unchanged.
   */
  function encodeRows(rows: tfTypes.Tensor2D, batch: number, seqLen: number, p: Params): tfTypes.Tensor2D {
    let h = rows;
    for (const block of enc.blocks) {
      const input = h;
      h = tf.tidy(() => block.applyRows(input, batch, seqLen, { params: p }));
    }
    return enc.norm.apply(h, { params: p });
  }

  /** The encoder on the whole input, in sample chunks (attention over all N tokens is the peak): [B·N, D]. */
  function encodeFull(x: tfTypes.Tensor3D, p: Params): tfTypes.Tensor2D {
    const batch = x.shape[0];
    const chunk = fullPassChunk(config, batch);
    if (chunk >= batch) return encodeRows(embed(x, p), batch, tokens, p);
    const parts: tfTypes.Tensor2D[] = [];
    for (let start = 0; start < batch; start += chunk) {
      const size = Math.min(chunk, batch - start);
      parts.push(tf.tidy(() => encodeRows(embed(tf.slice(x, [start, 0, 0], [size, rois, frames]), p), size, tokens, p)));
    }
    const out = tf.concat(parts, 0);
    for (const t of parts) t.dispose();
    return out;
  }

  /** Per-sample index lists → one int32 tensor of rows: b·N + index when `offset`, else index. */
  function flatIndices(lists: readonly Int32Array[], batch: number, what: 'context' | 'target', offset: boolean): { indices: tfTypes.Tensor1D; length: number } {
    if (lists.length !== batch) throw new ValidationError(`masks.${what}`, `${lists.length} lists for a batch of ${batch}`);
    const length = lists[0]!.length;
    if (length === 0) throw new ValidationError(`masks.${what}`, 'empty index list');
    const flat = new Int32Array(batch * length);
    lists.forEach((list, b) => {
      if (list.length !== length) throw new ValidationError(`masks.${what}`, `sample ${b} has ${list.length} indices, sample 0 has ${length} (truncate to the batch minimum)`);
      for (let i = 0; i < length; i++) {
        const k = list[i]!;
        if (!(k >= 0 && k < tokens)) throw new ValidationError(`masks.${what}`, `sample ${b} index ${k} is outside [0, ${tokens})`);
        flat[b * length + i] = offset ? b * tokens + k : k;
      }
    });
    return { indices: tf.tensor1d(flat, 'int32'), length };
  }

  /**
   * The targets (no gradient): the target encoder on the whole input, layer_norm without affine,
   * the target rows. Run as the forward of a custom-gradient op: tfjs does not record the ops
   * inside one, so none of the target pass's activations are kept for a backward pass.
   */
  function targets(x: tfTypes.Tensor3D, targetRows: tfTypes.Tensor1D): tfTypes.Tensor2D {
    return withCustomGrad(tf, [x], ([input], save) => {
      save([]);
      const value = tf.tidy(() => {
        const h = encodeFull(input as tfTypes.Tensor3D, target);
        const { mean, variance } = tf.moments(h, 1, true);
        const normed = tf.mul(tf.sub(h, mean), tf.rsqrt(tf.add(variance, TARGET_NORM_EPS)));
        return tf.gather(normed, targetRows);
      });
      return { value, gradFunc: () => [tf.zerosLike(x)] };
    }) as tfTypes.Tensor2D;
  }

  function loss(x: tfTypes.Tensor3D, masks: JepaMasks): tfTypes.Scalar {
    const batch = checkInput(x);
    return tf.tidy(() => {
      const ctxRows = flatIndices(masks.context, batch, 'context', true);
      const tgtRows = flatIndices(masks.target, batch, 'target', true);
      const ctxPos = flatIndices(masks.context, batch, 'context', false).indices;
      const tgtPos = flatIndices(masks.target, batch, 'target', false).indices;
      const k = ctxRows.length;
      const m = tgtRows.length;
      const dp = config.predictorDim;
      const h = targets(x, tgtRows.indices);

      // Context encoder: positions are added to every token, then the context tokens gathered.
      const z = encodeRows(tf.gather(embed(x, encoder), ctxRows.indices), batch, k, encoder);

      // Predictor.
      const popts: ForwardOptions = { params: predictor };
      const pos = pred.positions.apply(gradientTensor, popts); // [N, Dp]
      const context = tf.add(pred.embed.apply(z, popts), tf.gather(pos, ctxPos)); // [B·K, Dp]
      const queries = tf.add(tf.reshape(predictor.get('mask_token'), [1, dp]), tf.gather(pos, tgtPos)); // [B·M, Dp]
      const joined = tf.concat([tf.reshape(context, [batch, k, dp]), tf.reshape(queries, [batch, m, dp])], 1);
      let rows = tf.reshape(joined, [batch * (k + m), dp]) as tfTypes.Tensor2D;
      for (const block of pred.blocks) rows = block.applyRows(rows, batch, k + m, popts);
      rows = pred.norm.apply(rows, popts);
      const predicted = tf.reshape(tf.slice(tf.reshape(rows, [batch, k + m, dp]), [0, k, 0], [batch, m, dp]), [batch * m, dp]) as tfTypes.Tensor2D;
      return smoothL1Loss(tf, pred.proj.apply(predicted, popts), h);
    });
  }

  function features(x: tfTypes.Tensor3D, which: 'target' | 'encoder' = 'target'): tfTypes.Tensor3D {
    const batch = checkInput(x);
    return tf.tidy(() => tf.reshape(encodeFull(x, which === 'target' ? target : encoder), [batch, tokens, d]));
  }

  return {
    config,
    encoder,
    predictor,
    target,
    loss,
    features,
    pooled(x) {
      return tf.tidy(() => tf.mean(features(x, 'target'), 1) as tfTypes.Tensor2D);
    },
    updateTarget(momentum) {
      if (!(momentum >= 0 && momentum <= 1)) throw new ValidationError('momentum', `${momentum} is not in [0, 1]`);
      // param_k.mul_(m).add_((1 − m)·param_q) as src/train.py, written target + (1 − m)(encoder − target):
      // one fused pass over all tensors on wasm and cpu (the op form held 3 copies of the encoder).
      lerpVariables(tf, target.list().map((entry) => [entry.variable, encoder.get(entry.name)] as const), 1 - momentum);
    },
    stateDict(part, options = {}) {
      return toStateDict(paramsOf(part), options.prefix ?? '');
    },
    stateDictAsync(part, options = {}) {
      return toStateDictAsync(paramsOf(part), options.prefix ?? '');
    },
    loadStateDict(part, tensors, source) {
      loadFromStateDict(paramsOf(part), tensors, part, source);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      encoder.dispose();
      predictor.dispose();
      target.dispose();
      gradientTensor.dispose();
    },
  };

  function paramsOf(part: StateDictPart): Params {
    if (disposed) throw new ValidationError('model', 'the JEPA model was disposed');
    switch (part) {
      case 'encoder':
        return encoder;
      case 'predictor':
        return predictor;
      case 'target_encoder':
        return target;
      default:
        throw new ValidationError('part', `${String(part)} is not encoder, predictor or target_encoder`);
    }
  }
}
