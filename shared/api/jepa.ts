/**
 * Brain-JEPA's stored results, as the renderer reads them: the probe evaluation of a cohort
 * (`jepa-probe` run, result key "evaluation").
 *
 * Brain-JEPA (issue #19): what the training-run view asks of the engine. `jepa.runs` lists the
 * pretraining runs (of one cohort or all) with their model; `jepa.training` gives a run's curves:
 * per epoch the train/validation loss and the feature rank, per iteration the loss, per optimizer
 * step the LR, weight decay and EMA momentum. While a run is going the per-epoch curves come from
 * its latest checkpoint; the per-iteration and per-step arrays are there once it has finished.
 * Arrays are typed (structured clone over IPC, binary frames on the bridge).
 */
import { z } from 'zod';
import { FoldScore } from './fmri.js';
import { domainApi } from './define.js';
import { RunStatus } from './domain.js';
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

export const JepaMetrics = z.object({ accuracy: z.number(), balancedAccuracy: z.number(), auroc: z.number() });
export type JepaMetrics = z.infer<typeof JepaMetrics>;

/** Where the probed features come from: the fold's pretrained encoder, the same one at random init, or #18's connectivity. */
export const JepaFeatureSource = z.enum(['pretrained', 'random-init', 'connectivity']);
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

export const jepaCalls = {
  'jepa.runs': { params: z.object({ recordingId: Id.optional() }).strict(), result: z.array(JepaRunSummary) },
  'jepa.training': { params: z.object({ runId: Id }).strict(), result: JepaTraining },
} as const;

export const jepaApi = domainApi('jepa', jepaCalls);
