/**
 * Brain-JEPA architectures (Dong et al., NeurIPS 2024; reference code Eric-LRL/Brain-JEPA at
 * b1dfa93, src/models/vision_transformer.py and src/helper.py init_model) and what they cost.
 *
 * Shapes, for R ROIs, T frames, P = patchSize, n = T/P time patches, N = R·n tokens (ROI-major:
 * token k = roi·n + t), G = gradientDims, D = embedDim, Dp = predictorDim:
 *   encoder   patch_embed  Conv2d(1, D, (1, P), stride (1, P))        P·D + D
 *             pos_embed_proj.predictor_pos_embed_proj  Linear(G, D/2)  G·D/2 + D/2
 *             pos_embed_proj.emb_h  fixed sin/cos of the time patch   N·D/2 (not trainable, but in the state dict)
 *             depth × Block(D): LN, qkv (bias), proj, LN, fc1 (4D), fc2   12·D² + 13·D each
 *             norm (LN)                                               2·D
 *   predictor predictor_embed Linear(D, Dp), mask_token [1, 1, Dp],
 *             predictor_2dpe_proj (its own Linear(G, Dp/2) and emb_h [N, Dp/2]),
 *             predictorDepth × Block(Dp) with `heads` heads (the reference passes the encoder's
 *             head count), predictor_norm, predictor_proj Linear(Dp, D)
 *   target    a copy of the encoder (EMA, not trainable).
 * ViT-S and ViT-B are the reference's vit_small / vit_base; the predictor is the reference
 * config's (configs/ukb_vitb_ep300.yaml: pred_emb_dim 384, pred_depth 6) for both.
 */
import { ValidationError } from '../../errors.js';

export interface JepaArchitecture {
  embedDim: number;
  depth: number;
  heads: number;
  mlpRatio: number;
  predictorDim: number;
  predictorDepth: number;
  patchSize: number;
  gradientDims: number;
}

export type JepaArchitectureName = 'tiny' | 'small' | 'base';

/**
 * Parameter counts with the reference input (450 ROIs, 160 frames, 30 gradient components),
 * trainable parameters only (the fixed emb_h tables excluded; see parameterCounts):
 *   tiny   encoder 0.10 M (102 176)      predictor 0.03 M (30 192)      — minutes on 2 cores
 *   small  encoder 21.31 M (21 306 816)  predictor 10.95 M (10 949 568)  (reference ≈21.3 M)
 *   base   encoder 85.08 M (85 080 960)  predictor 11.24 M (11 244 864)  (reference ≈85.1 M)
 * test/unit/jepa-model.test.ts checks these numbers against the built models.
 */
export const JEPA_ARCHITECTURES: Record<JepaArchitectureName, JepaArchitecture> = {
  // Small enough that a training step over ABIDE-sized input (116 ROIs × 10 patches) takes about a
  // second on two CPU cores; 4 heads of 16 in the encoder, 4 of 8 in the predictor.
  tiny: { embedDim: 64, depth: 2, heads: 4, mlpRatio: 4, predictorDim: 32, predictorDepth: 2, patchSize: 16, gradientDims: 30 },
  small: { embedDim: 384, depth: 12, heads: 6, mlpRatio: 4, predictorDim: 384, predictorDepth: 6, patchSize: 16, gradientDims: 30 },
  base: { embedDim: 768, depth: 12, heads: 12, mlpRatio: 4, predictorDim: 384, predictorDepth: 6, patchSize: 16, gradientDims: 30 },
};

export interface JepaModelConfig extends JepaArchitecture {
  rois: number;
  frames: number;
  name: JepaArchitectureName | 'custom';
}

/** LayerNorm eps of every block and final norm (the reference's partial(nn.LayerNorm, eps=1e-6)). */
export const LN_EPS = 1e-6;
/**
 * eps of the target's extra F.layer_norm (no affine) before the loss: torch's default 1e-5, not
 * LN_EPS (src/train.py forward_target calls F.layer_norm(h, (h.size(-1),)) without eps).
 */
export const TARGET_NORM_EPS = 1e-5;
/** Std of the truncated-normal init of Linear/Conv weights and the mask token (init_model, init_std). */
export const INIT_STD = 0.02;

/** The reference pretraining input: 450 ROIs (Tian S3 + Schaefer-400), 160 frames. */
export const REFERENCE_INPUT = { rois: 450, frames: 160 } as const;

/** A model config from a named architecture and the data's shape. */
export function jepaModelConfig(name: JepaArchitectureName, rois: number, frames: number, overrides: Partial<JepaArchitecture> = {}): JepaModelConfig {
  const config: JepaModelConfig = { ...JEPA_ARCHITECTURES[name], ...overrides, rois, frames, name: Object.keys(overrides).length > 0 ? 'custom' : name };
  validateJepaConfig(config);
  return config;
}

/** Time patches per ROI (frames / patchSize). */
export function timePatches(config: Pick<JepaModelConfig, 'frames' | 'patchSize'>): number {
  return config.frames / config.patchSize;
}

/** Tokens per sample (rois · frames / patchSize). */
export function tokenCount(config: Pick<JepaModelConfig, 'rois' | 'frames' | 'patchSize'>): number {
  return config.rois * timePatches(config);
}

/** Throws a ValidationError naming the first inconsistent field. */
export function validateJepaConfig(config: JepaModelConfig): void {
  const positive = (field: keyof JepaModelConfig): void => {
    const v = config[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ValidationError(field, `${String(v)} is not a positive integer`);
  };
  for (const f of ['embedDim', 'depth', 'heads', 'predictorDim', 'predictorDepth', 'patchSize', 'gradientDims', 'rois', 'frames'] as const) positive(f);
  if (!(config.mlpRatio > 0)) throw new ValidationError('mlpRatio', `${config.mlpRatio} is not positive`);
  if (config.frames % config.patchSize !== 0) {
    throw new ValidationError('frames', `${config.frames} frames are not a whole number of ${config.patchSize}-frame patches`);
  }
  // Each positional embedding is [time sin/cos (D/2) | gradient (D/2)], and the time half is
  // [sin (D/4) | cos (D/4)]: both widths must divide by 4.
  for (const f of ['embedDim', 'predictorDim'] as const) {
    if (config[f] % 4 !== 0) throw new ValidationError(f, `${config[f]} is not a multiple of 4 (the positional embedding splits it in quarters)`);
  }
  if (config.embedDim % config.heads !== 0) throw new ValidationError('heads', `${config.heads} heads do not divide embedDim ${config.embedDim}`);
  if (config.predictorDim % config.heads !== 0) {
    throw new ValidationError('heads', `${config.heads} heads do not divide predictorDim ${config.predictorDim} (the predictor uses the encoder's head count, as the reference)`);
  }
}

export interface JepaParameterCounts {
  /** Trainable encoder parameters (= the target encoder's). */
  encoder: number;
  /** Trainable predictor parameters. */
  predictor: number;
  /** The fixed sin/cos tables (emb_h) the reference keeps as non-trainable parameters, encoder + predictor. */
  fixed: number;
}

function blockParams(dim: number, mlpRatio: number): number {
  const hidden = Math.round(dim * mlpRatio);
  return 4 * dim /* two LNs */ + 3 * dim * dim + 3 * dim /* qkv */ + dim * dim + dim /* proj */ + dim * hidden + hidden + hidden * dim + dim;
}

/** Parameter counts of a config (what createJepaModel allocates). */
export function parameterCounts(config: JepaModelConfig): JepaParameterCounts {
  const { embedDim: d, predictorDim: dp, patchSize: p, gradientDims: g } = config;
  const n = tokenCount(config);
  const encoder = p * d + d + g * (d / 2) + d / 2 + config.depth * blockParams(d, config.mlpRatio) + 2 * d;
  const predictor = d * dp + dp + dp + g * (dp / 2) + dp / 2 + config.predictorDepth * blockParams(dp, config.mlpRatio) + 2 * dp + dp * d + d;
  return { encoder, predictor, fixed: n * (d / 2) + n * (dp / 2) };
}

export interface JepaMemoryEstimate {
  /** Encoder, target, predictor, fixed tables and the AdamW moments (float32). */
  weightsBytes: number;
  /** Peak activations of one training step (forward kept for the backward pass), float32. */
  activationBytes: number;
  totalBytes: number;
}

/**
 * A rough float32 memory estimate of one training step, for choosing a config and batch size:
 * weights = (encoder · 4 [weights, target, Adam m, v] + predictor · 3) + fixed tables; activations
 * = the context encoder and predictor kept for the backward pass (per layer ≈ 16 token×width
 * tensors for the residual stream, LNs, qkv, MLP hidden (4×), GELU, plus 2 score tables per head)
 * and the transient largest layer of the target encoder over all N tokens of one sample (scores H·N²).
 * With the reference's masks the context holds ≈18 % and the targets ≈19 % of the tokens.
 * Examples (B 16, reference masks): tiny on 116 ROIs × 160 frames ≈ 0.34 GB, on 450 × 160 ≈ 4.4 GB;
 * small on 116 × 160 ≈ 3.8 GB, on 450 × 160 ≈ 28 GB; base on 116 × 160 ≈ 7.1 GB, on 450 × 160
 * ≈ 53 GB. The kept attention tables (B·H·(K+M)² in the predictor) dominate: the reference
 * trains ViT-B with flash attention and bf16 on 4 GPUs; here use a smaller batch or fewer ROIs.
 */
export function estimateMemory(config: JepaModelConfig, batch: number, contextFraction = 0.18, targetFraction = 0.19): JepaMemoryEstimate {
  const counts = parameterCounts(config);
  const weightsBytes = 4 * (4 * counts.encoder + 3 * counts.predictor + counts.fixed);
  const n = tokenCount(config);
  const k = Math.max(1, Math.round(n * contextFraction));
  const m = Math.max(1, Math.round(n * targetFraction));
  const layer = (tokens: number, width: number): number => batch * (tokens * width * 16 + 2 * config.heads * tokens * tokens);
  const kept = config.depth * layer(k, config.embedDim) + config.predictorDepth * layer(k + m, config.predictorDim);
  // The target encoder runs one sample at a time (no gradient, nothing kept), so its transient
  // peak does not grow with the batch.
  const target = n * config.embedDim * 8 + config.heads * n * n * 2;
  const activationBytes = 4 * (kept + target);
  return { weightsBytes, activationBytes, totalBytes: weightsBytes + activationBytes };
}
