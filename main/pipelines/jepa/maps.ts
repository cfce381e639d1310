/**
 * "Brain map of the model" (#19 Views): per-ROI maps of a stored Brain-JEPA model on a cohort, and
 * the subjects' pooled features on their principal plane.
 *
 *   embedding norm   mean over subjects and the ROI's time patches of ‖target encoder output token‖₂
 *                    (after the final LN, as model.features()).
 *   residual norm    the same before the final LayerNorm (the output norm is ≈ ‖γ‖ for every token,
 *                    so nearly flat; this one shows which ROIs' tokens the encoder makes large).
 *   attention        the last block of the target encoder: softmax probabilities averaged over heads,
 *                    query tokens and subjects, summed over the ROI's n time-patch tokens — the share
 *                    of the block's attention the ROI receives (the ROIs sum to 1; uniform is 1/R).
 *   gradients        the brain gradients 1–3 stored with the model (its positional embedding's input).
 *   embedding        pooled target features (the probe's input) of every subject on their first two
 *                    principal components, with diagnosis / sex / site.
 *
 * Input: every subject's deterministic centre crop (data.ts, mode 'centre') at the model's crop and
 * sampling rate, normalised as the model was trained (robust with its scaler, or per-sample z-score), batched in chunks
 * so the H·N² attention table stays under config.ts's full-pass budget.
 */
import type { JepaEmbedding } from '../../../shared/api/index.js';
import type { Tfjs } from '../../compute/activate.js';
import { ValidationError } from '../../errors.js';
import { JEPA_BUNDLE_FORMAT, loadJepaModel } from './bundle.js';
import { fullPassChunk, timePatches, tokenCount } from './config.js';
import type { JepaSeries } from './data.js';
import { forEachCentreBatch } from './features.js';
import { principalPlane } from './embedding.js';
import { inspectTarget } from './target-pass.js';

/** Labels the scatter can be coloured by, in this order. */
export const MAP_LABELS = ['diagnosis', 'sex', 'site'] as const;

/**
 * Bound on the work of one maps request: subjects × heads × depth × N² attention scores. 2^36 is
 * ~1000 ABIDE subjects with `small` (116 ROIs × 160 frames) or the whole ABIDE cohort with `base`
 * on 450 ROIs; a minute or two of wasm per 2^33.
 */
export const MAP_SCORE_BUDGET = 2 ** 36;
export const MAP_MAX_SUBJECTS = 5000;

export interface MapSubject {
  id: string;
  series: JepaSeries;
  /** The cohort's labels (CohortSubject.labels); only diagnosis, sex and site are kept. */
  labels: Record<string, string | number | boolean | null | undefined>;
}

export interface JepaMaps {
  rois: number;
  subjects: number;
  embeddingNorm: Float64Array;
  residualNorm: Float64Array;
  attention: Float64Array;
  /** Gradients 1, 2, 3 (fewer when the model has fewer components). */
  gradients: Float64Array[];
  embedding: JepaEmbedding;
  /** What the subjects were cut to. */
  crop: { frames: number; samplingRate: number };
}

export interface MapOptions {
  /** Subjects per forward pass (default: config.ts's full-pass chunk). */
  batchSize?: number;
  /** Named in the scatter's caption, e.g. "model #3 (tiny, 2 epochs)". */
  encoderName?: string;
  /** Checked between batches. */
  signal?: { readonly aborted: boolean };
  /** Called after each batch with the share done. */
  onProgress?: (fraction: number) => void;
}

function labelText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  return String(value);
}

/** Lets the event loop run between batches, so the engine keeps answering while a map is computed. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The maps of a stored model (`format` must be the JEPA bundle's) on the given subjects. */
export async function computeJepaMaps(tf: Tfjs, model: { id: number; format: string; weights: Uint8Array }, subjects: readonly MapSubject[], options: MapOptions = {}): Promise<JepaMaps> {
  if (model.format !== JEPA_BUNDLE_FORMAT) throw new ValidationError('modelId', `model #${model.id} is in ${model.format} format, not a Brain-JEPA bundle`);
  if (subjects.length < 2) throw new ValidationError('recordingId', `the maps need at least 2 subjects (the cohort has ${subjects.length})`);
  if (subjects.length > MAP_MAX_SUBJECTS) throw new ValidationError('recordingId', `${subjects.length} subjects; the maps read at most ${MAP_MAX_SUBJECTS}`);
  const { model: jepa, bundle } = loadJepaModel(tf, model.weights, `model #${model.id}`);
  const inspector = (() => {
    try {
      return inspectTarget(tf, jepa, bundle.gradients);
    } catch (error) {
      jepa.dispose();
      throw error;
    }
  })();
  try {
    const config = jepa.config;
    const rois = config.rois;
    const regions = subjects[0]!.series.regions ?? subjects[0]!.series.regionCount;
    if (regions !== rois) {
      throw new ValidationError('recordingId', `model #${model.id} was trained on ${rois} ROIs; this cohort has ${regions} — pick a model pretrained on a cohort of the same atlas`);
    }
    const n = timePatches(config);
    const tokens = tokenCount(config);
    const scores = subjects.length * config.heads * config.depth * tokens * tokens;
    if (scores > MAP_SCORE_BUDGET) {
      throw new ValidationError('recordingId', `${subjects.length} subjects × ${tokens} tokens on a ${config.depth}-block, ${config.heads}-head encoder is ${scores.toExponential(1)} attention scores, over the ${MAP_SCORE_BUDGET.toExponential(1)} a map request may compute`);
    }
    const crop = { frames: bundle.config.input.frames, samplingRate: bundle.config.input.samplingRate };
    if (crop.frames !== config.frames) throw new ValidationError('modelId', `model #${model.id}'s crop (${crop.frames} frames) differs from its architecture's ${config.frames}`);
    // The model's own input scaling (bundles written before `normalisation` existed were all robust).
    const normalisation = bundle.config.input.normalisation ?? 'robust';
    const scaler = normalisation === 'robust' ? { median: Float64Array.from(bundle.config.scaler.median), iqr: Float64Array.from(bundle.config.scaler.iqr) } : null;
    const series = subjects.map((s) => s.series);
    const chunk = Math.max(1, Math.min(options.batchSize ?? fullPassChunk(config, 16), subjects.length));

    const normSum = new Float64Array(rois);
    const residualSum = new Float64Array(rois);
    const attentionSum = new Float64Array(rois);
    const pooled = new Float64Array(subjects.length * config.embedDim);
    await forEachCentreBatch(tf, series, { spec: crop, normalisation, scaler }, config, chunk, async (x, start) => {
      if (options.signal?.aborted) throw new ValidationError('maps', 'cancelled');
      const batch = x.shape[0];
      let pass: ReturnType<typeof inspector.run> | null = null;
      try {
        pass = inspector.run(x);
        const [norms, residuals, received, features] = await Promise.all([pass.tokenNorm.data(), pass.residualNorm.data(), pass.attentionReceived.data(), pass.pooled.data()]);
        for (let b = 0; b < batch; b++) {
          for (let k = 0; k < tokens; k++) {
            const r = Math.floor(k / n); // tokens are ROI-major: k = roi·n + t
            normSum[r] = normSum[r]! + norms[b * tokens + k]!;
            residualSum[r] = residualSum[r]! + residuals[b * tokens + k]!;
            attentionSum[r] = attentionSum[r]! + received[b * tokens + k]!;
          }
        }
        pooled.set(features, start * config.embedDim);
      } finally {
        if (pass) for (const t of Object.values(pass)) t.dispose();
      }
      options.onProgress?.((start + batch) / subjects.length);
      await yieldToLoop();
    });
    const s = subjects.length;
    const embeddingNorm = Float64Array.from(normSum, (v) => v / (s * n));
    const residualNorm = Float64Array.from(residualSum, (v) => v / (s * n));
    const attention = Float64Array.from(attentionSum, (v) => v / s);
    const g = config.gradientDims;
    const gradients = Array.from({ length: Math.min(3, g) }, (_, c) => Float64Array.from({ length: rois }, (_, r) => bundle.gradients[r * g + c]!));
    const plane = principalPlane(pooled, s, config.embedDim);
    const embedding: JepaEmbedding = {
      encoder: options.encoderName ?? `model #${model.id}`,
      explained: plane.explained,
      points: subjects.map((subject, i) => {
        const labels: Record<string, string> = {};
        for (const key of MAP_LABELS) {
          const text = labelText(subject.labels[key]);
          if (text !== null) labels[key] = text;
        }
        return { subject: subject.id, x: plane.points[2 * i]!, y: plane.points[2 * i + 1]!, labels };
      }),
    };
    return { rois, subjects: s, embeddingNorm, residualNorm, attention, gradients, embedding, crop };
  } finally {
    inspector.dispose();
    jepa.dispose();
  }
}
