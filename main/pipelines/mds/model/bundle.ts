/**
 * How a trained response model is stored: one `cajal-nn-v1` checkpoint bundle (main/compute/nn/
 * checkpoint.ts) whose parameters are every ensemble member's under `members.<i>.…` and whose
 * config is `MdsModelBundleConfig` (the architecture, the clip the model reads, the input
 * standardisation, the neurons, the seeds). Models rows have pipeline `mds-response-model`.
 */
import { z } from 'zod';
import { CHECKPOINT_FORMAT } from '../../../compute/nn/checkpoint.js';
import { FormatError } from '../../../errors.js';
import { MdsModelConfig } from './config.js';

export const MDS_MODEL_FORMAT = CHECKPOINT_FORMAT;
/** The `pipeline` of stored response models: what mds-cluster's `usesModel` looks for. */
export const MDS_MODEL_PIPELINE = 'mds-response-model';

export const StimulusStats = z
  .object({
    /** Per channel, over the training frames: the model standardises its input with mean and std. */
    mean: z.array(z.number()),
    std: z.array(z.number()),
    min: z.array(z.number()),
    max: z.array(z.number()),
    /** Mean L2 norm of a training clip (model frames × H × W × C, raw units, mean-subtracted): a default MDS norm. */
    clipNorm: z.number().nonnegative(),
  })
  .strict();
export type StimulusStats = z.infer<typeof StimulusStats>;

export const MdsModelBundleConfig = z
  .object({
    kind: z.literal('mds-response-model'),
    version: z.literal(1),
    model: MdsModelConfig,
    /** The clip ResponseModel.predict reads (frames = span + responseWindow). */
    stimulus: z.object({
      frames: z.number().int().positive(),
      height: z.number().int().positive(),
      width: z.number().int().positive(),
      channels: z.number().int().positive(),
      frameRateHz: z.number().positive(),
      channelNames: z.array(z.string()),
    }),
    stimulusStats: StimulusStats,
    neurons: z.number().int().positive(),
    unitIds: z.array(z.string()),
    cellTypes: z.array(z.string().nullable()),
    seeds: z.array(z.number().int()),
    recordingId: z.number().int().positive().nullable(),
  })
  .strict();
export type MdsModelBundleConfig = z.infer<typeof MdsModelBundleConfig>;

export function memberPrefix(i: number): string {
  return `members.${i}`;
}

export function parseBundleConfig(raw: unknown, source: string): MdsModelBundleConfig {
  const parsed = MdsModelBundleConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FormatError(source, `not an MDS response model: ${issue.message}`, ['config', ...issue.path.map(String)].join('.'));
  }
  return parsed.data;
}
