/**
 * Brain-JEPA's stored results, as the renderer reads them: the probe evaluation of a cohort
 * (`jepa-probe` run, result key "evaluation").
 */
import { z } from 'zod';
import { FoldScore } from './fmri.js';

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
