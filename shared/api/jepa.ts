/**
 * Brain-JEPA (issue #19): what the training-run view asks of the engine. `jepa.runs` lists the
 * pretraining runs (of one cohort or all) with their model; `jepa.training` gives a run's curves:
 * per epoch the train/validation loss and the feature rank, per iteration the loss, per optimizer
 * step the LR, weight decay and EMA momentum. While a run is going the per-epoch curves come from
 * its latest checkpoint; the per-iteration and per-step arrays are there once it has finished.
 * Arrays are typed (structured clone over IPC, binary frames on the bridge). The probe evaluation of a
 * cohort (`jepa-probe` run, result "evaluation") and the embedding scatter are stored as results.
 */
import { z } from 'zod';
import { domainApi } from './define.js';
import { RunStatus } from './domain.js';
import { FoldScore } from './fmri.js';
import { typedArray } from './typed-array.js';

const Id = z.number().int().positive();

export const JepaRunSummary = z.object({
  runId: Id,
  recordingId: Id.nullable(),
  status: RunStatus,
  createdAt: z.string(),
  /** tiny | small | base. */
  config: z.string(),
  epochs: z.number().int(),
  /** Epochs done (from the latest checkpoint while running). */
  epochsDone: z.number().int().nonnegative(),
  /** The run's model (final, or its last checkpoint); null before the first checkpoint. */
  model: z.object({ id: Id, status: z.string() }).nullable(),
});
export type JepaRunSummary = z.infer<typeof JepaRunSummary>;

export const JepaTraining = z.object({
  runId: Id,
  status: RunStatus,
  epochs: z.array(z.number().int().positive()),
  trainLoss: z.array(z.number()),
  validationLoss: z.array(z.number().nullable()),
  effectiveRank: z.array(z.number().nullable()),
  /** Of the features centred over the subjects. */
  effectiveRankCentred: z.array(z.number().nullable()),
  /** Per iteration of this run (empty until it has finished). */
  iterationLoss: typedArray('float32'),
  /** Per optimizer step of the whole run (empty until it has finished). */
  lr: typedArray('float64'),
  weightDecay: typedArray('float64'),
  momentum: typedArray('float64'),
});
export type JepaTraining = z.infer<typeof JepaTraining>;

/** The probe evaluation of a cohort, per target (`jepa-probe` run, result key "evaluation"). */
export const JepaMetrics = z.object({ accuracy: z.number(), balancedAccuracy: z.number(), auroc: z.number() });
export type JepaMetrics = z.infer<typeof JepaMetrics>;

/** Where the probed features come from: the fold's pretrained encoder, the same one at random init, or #18's connectivity. */
export const JepaFeatureSource = z.enum(['pretrained', 'pretrained-context', 'random-init', 'connectivity']);
export type JepaFeatureSource = z.infer<typeof JepaFeatureSource>;
export const JepaProbeKind = z.enum(['linear-probe', 'logistic-regression']);
export type JepaProbeKind = z.infer<typeof JepaProbeKind>;

export const JepaMethodReport = z.object({
  features: JepaFeatureSource,
  probe: JepaProbeKind,
  folds: z.array(FoldScore),
  mean: JepaMetrics,
  /** Sample standard deviation over the folds. */
  sd: JepaMetrics,
});
export type JepaMethodReport = z.infer<typeof JepaMethodReport>;

export const JepaTargetReport = z.object({
  target: z.enum(['diagnosis', 'sex']),
  classes: z.array(z.string()),
  subjectCount: z.number().int(),
  methods: z.array(JepaMethodReport),
});
export type JepaTargetReport = z.infer<typeof JepaTargetReport>;

/**
 * Which ROIs each fold's probe leans on (`jepa-probe` run, result key "roi-importance";
 * main/pipelines/jepa/importance.ts): per target, feature source and probe, each ROI's share of the
 * probe's score by first-order occlusion (|Σ gradient × input| over the ROI's frames, averaged over
 * the fold's held-out subjects), per fold and averaged, with how much the folds agree.
 */
export const JepaRoiImportanceMap = z.object({
  target: z.enum(['diagnosis', 'sex']),
  features: JepaFeatureSource,
  probe: JepaProbeKind,
  /** Mean share per ROI over the folds, in the cohort's region order (sums to 1; uniform is 1/R). */
  mean: z.array(z.number()),
  folds: z.array(z.array(z.number())),
  /** Mean pairwise Pearson correlation of the folds' maps; null with fewer than two folds. */
  agreement: z.number().nullable(),
  /** Held-out subjects the maps average over (each once). */
  subjects: z.number().int().nonnegative(),
});
export type JepaRoiImportanceMap = z.infer<typeof JepaRoiImportanceMap>;

export const JepaRoiImportance = z.object({
  /** How the maps were computed, in words. */
  method: z.string(),
  /** The cohort's region names, one per value of each map. */
  regions: z.array(z.string()),
  maps: z.array(JepaRoiImportanceMap),
});
export type JepaRoiImportance = z.infer<typeof JepaRoiImportance>;

/** Pooled features of every subject on their first two principal components (result key "embedding"). */
export const JepaEmbedding = z.object({
  /** Which encoder the features come from ("pretrained on all subjects", "random init"). */
  encoder: z.string(),
  explained: z.tuple([z.number(), z.number()]),
  points: z.array(
    z.object({
      subject: z.string(),
      x: z.number(),
      y: z.number(),
      /** The subject's labels (diagnosis, sex, site, …) as text; absent ones are left out. */
      labels: z.record(z.string(), z.string()),
    }),
  ),
});
export type JepaEmbedding = z.infer<typeof JepaEmbedding>;

/**
 * "Brain map of the model" (`jepa.maps`): per-ROI maps of a stored model on a cohort with the same
 * ROI count, in the cohort's region order, and the subjects' pooled features on their principal plane.
 */
export const JepaMaps = z.object({
  modelId: Id,
  recordingId: Id,
  /** The cohort's region names, one per value below. */
  regions: z.array(z.string()),
  /** Atlas label index of each region, where the cohort says (else the renderer matches by order). */
  regionIndices: z.array(z.number().int()).optional(),
  /** Mean L2 norm of the target encoder's output tokens of each ROI (over subjects and time patches). */
  embeddingNorm: typedArray('float64'),
  /**
   * The same before the encoder's final LayerNorm. embeddingNorm is ≈ ‖LN γ‖ for every token by
   * construction (nearly flat); this shows which ROIs' tokens the encoder makes large.
   */
  residualNorm: typedArray('float64'),
  /** Share of the last block's attention each ROI receives (heads, queries and subjects averaged; sums to 1). */
  attention: typedArray('float64'),
  /** Brain gradients 1–3 stored with the model (fewer if it has fewer). */
  gradients: z.array(typedArray('float64')).max(3),
  embedding: JepaEmbedding,
  /** Subjects read, and the centre crop they were cut to. */
  subjects: z.number().int().nonnegative(),
  crop: z.object({ frames: z.number().int().positive(), samplingRate: z.number().int().positive() }),
});
export type JepaMaps = z.infer<typeof JepaMaps>;

export const jepaCalls = {
  'jepa.runs': { params: z.object({ recordingId: Id.optional() }).strict(), result: z.array(JepaRunSummary) },
  'jepa.training': { params: z.object({ runId: Id }).strict(), result: JepaTraining },
  'jepa.maps': { params: z.object({ modelId: Id, recordingId: Id }).strict(), result: JepaMaps },
} as const;

export const jepaApi = domainApi('jepa', jepaCalls);
