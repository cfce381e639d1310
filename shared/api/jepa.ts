/**
 * Brain-JEPA (issue #19): what the training-run view asks of the engine. `jepa.runs` lists the
 * pretraining runs (of one cohort or all) with their model; `jepa.training` gives a run's curves:
 * per epoch the train/validation loss and the feature rank, per iteration the loss, per optimizer
 * step the LR, weight decay and EMA momentum. While a run is going the per-epoch curves come from
 * its latest checkpoint; the per-iteration and per-step arrays are there once it has finished.
 * Arrays are typed (structured clone over IPC, binary frames on the bridge).
 */
import { z } from 'zod';
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

export const jepaCalls = {
  'jepa.runs': { params: z.object({ recordingId: Id.optional() }).strict(), result: z.array(JepaRunSummary) },
  'jepa.training': { params: z.object({ runId: Id }).strict(), result: JepaTraining },
} as const;

export const jepaApi = domainApi('jepa', jepaCalls);
