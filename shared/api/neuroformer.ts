/**
 * Neuroformer (issue #20): what the Neuroformer views ask of the engine. Three runs work on a `spikes`
 * recording: `neuroformer-train` (a model with per-epoch curves; held-out time blocks are never
 * trained on), `neuroformer-generate` (a stored model rolled out window after window, feeding its own
 * spikes back as the past; generated spike trains stored with the run) and `neuroformer-connectivity`
 * (attention rollout over the state-history cross-attention → a directed neuron × neuron matrix).
 * `neuroformer-evaluate` writes the evaluation tables (spike-prediction F1 on held-out blocks, PSTH
 * correlation against the reliability ceiling, connectivity AUROC/AUPRC on simulated wiring).
 * Arrays are typed (structured clone over IPC, binary frames on the bridge).
 */
import { z } from 'zod';
import { domainApi } from './define.js';
import { RunStatus } from './domain.js';
import { typedArray } from './typed-array.js';

const Id = z.number().int().positive();

/** At most this many seconds of recorded-vs-generated raster in one request. */
export const NEUROFORMER_MAX_RASTER_S = 600;

export const NeuroformerRunKind = z.enum(['train', 'generate', 'connectivity', 'evaluate']);
export type NeuroformerRunKind = z.infer<typeof NeuroformerRunKind>;

export const NeuroformerRunSummary = z.object({
  runId: Id,
  kind: NeuroformerRunKind,
  recordingId: Id.nullable(),
  status: RunStatus,
  createdAt: z.string(),
  /** Preset name (tiny | paper) of the model trained or used. */
  config: z.string(),
  /** train: the run's model (final or last checkpoint); generate/connectivity/evaluate: the model used. Null before one exists. */
  model: z.object({ id: Id, status: z.string() }).nullable(),
  epochs: z.number().int().nonnegative(),
  epochsDone: z.number().int().nonnegative(),
});
export type NeuroformerRunSummary = z.infer<typeof NeuroformerRunSummary>;

/** A train run's curves (per epoch; per step once finished). */
export const NeuroformerTraining = z.object({
  runId: Id,
  status: RunStatus,
  epochs: z.array(z.number().int().positive()),
  /** Total loss (0.45·CE_id + 0.30·CE_dt, the released weights) on the training windows. */
  trainLoss: z.array(z.number()),
  /** The same on the validation windows (a held-out time block), null where not measured. */
  validationLoss: z.array(z.number().nullable()),
  validationCeId: z.array(z.number().nullable()),
  validationCeDt: z.array(z.number().nullable()),
  /** Teacher-forced top-1 F1 of the next neuron id on the validation windows (the trainer's metric). */
  validationF1: z.array(z.number().nullable()),
  /**
   * Per-head cross-entropies of the training windows (mean over the epoch's steps, dropout on as in
   * training); null for epochs recorded before they were kept. Optional: older servers omit them.
   */
  trainCeId: z.array(z.number().nullable()).optional(),
  trainCeDt: z.array(z.number().nullable()).optional(),
  /** Per optimizer step (empty until the run has finished). */
  stepLoss: typedArray('float32'),
  lr: typedArray('float64'),
});
export type NeuroformerTraining = z.infer<typeof NeuroformerTraining>;

/** Recorded and generated spikes of every unit over [startS, endS) of a generate run's span. */
export const NeuroformerRaster = z.object({
  runId: Id,
  recordingId: Id,
  startS: z.number(),
  endS: z.number(),
  unitIds: z.array(z.string()),
  cellTypes: z.array(z.string().nullable()),
  /** Row (unit index) and time (s after startS) of each recorded spike in the window. */
  recordedRow: typedArray('int32'),
  recordedTime: typedArray('float32'),
  /** The same for the model's generated spikes. */
  generatedRow: typedArray('int32'),
  generatedTime: typedArray('float32'),
  /** The span the run generated (where generated spikes can be), seconds on the recording's clock. */
  generatedStartS: z.number(),
  generatedEndS: z.number(),
  /** Every span the run generated, [start, end) seconds on the recording's clock, in time order (optional: older servers omit it). */
  spans: z.array(z.tuple([z.number(), z.number()])).optional(),
});
export type NeuroformerRaster = z.infer<typeof NeuroformerRaster>;

/** Ground truth of a simulated network, when the recording came from `cajal neuroformer simulate`. */
export const NeuroformerTruth = z.object({
  /** W[post, pre], row-major units × units (0 = no edge). */
  weights: typedArray('float32'),
  /** Per unit: 'E' | 'I' and whether it is a hub. */
  excitatory: z.array(z.boolean()),
  hubs: z.array(z.number().int().nonnegative()),
});
export type NeuroformerTruth = z.infer<typeof NeuroformerTruth>;

export const NeuroformerConnectivityScores = z.object({
  method: z.string(),
  auroc: z.number(),
  auprc: z.number(),
  /** Edge density (AUPRC of chance). */
  prevalence: z.number(),
  /** Spearman rank correlation of the inferred out-degree (column sums) with the true out-degree. */
  hubSpearman: z.number().nullable(),
  /** AUROC of telling W from Wᵀ on asymmetric pairs. */
  directionAuroc: z.number().nullable(),
});
export type NeuroformerConnectivityScores = z.infer<typeof NeuroformerConnectivityScores>;

/** A connectivity run's matrix: row = predicted (post) neuron, column = attended past (pre) neuron. */
export const NeuroformerConnectivity = z.object({
  runId: Id,
  recordingId: Id,
  unitIds: z.array(z.string()),
  cellTypes: z.array(z.string().nullable()),
  /**
   * units × units, row-major: rollout attention (max over heads, row-normalised, mean over layers)
   * per prediction of the row neuron, divided by the column neuron's relative frequency in the
   * previous windows (so a busy neuron does not collect attention for being frequent). Diagonal 0.
   */
  matrix: typedArray('float32'),
  windows: z.number().int().nonnegative(),
  truth: NeuroformerTruth.nullable(),
  /** With truth: the attention and the baselines (CCG, GLM) scored against it. */
  scores: z.array(NeuroformerConnectivityScores),
});
export type NeuroformerConnectivity = z.infer<typeof NeuroformerConnectivity>;

/** One row of the spike-prediction table (compute_scores on held-out windows). */
export const NeuroformerPredictionRow = z.object({
  /** 'neuroformer' | 'neuroformer (random init)' | 'poisson-glm' | … */
  method: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  windows: z.number().int().nonnegative(),
  /**
   * The same windows scored with the textbook ratios (precision TP/(TP+FP), recall TP/(TP+FN) in
   * every window): compute_scores counts a window with no false positive (or no miss) as precision
   * and recall 1, which rewards over-prediction. Absent in runs made before it was computed.
   */
  corrected: z.object({ precision: z.number(), recall: z.number(), f1: z.number() }).optional(),
});
export type NeuroformerPredictionRow = z.infer<typeof NeuroformerPredictionRow>;

export const NeuroformerPsthRow = z.object({
  method: z.string(),
  /** Mean over units of Pearson r between the method's PSTH and the recorded PSTH (held-out trials). */
  meanR: z.number(),
  /** Per unit r, NaN where a PSTH is flat. */
  perUnit: typedArray('float64'),
});
export type NeuroformerPsthRow = z.infer<typeof NeuroformerPsthRow>;

/** An evaluate run's tables (result key "evaluation"). */
export const NeuroformerEvaluation = z.object({
  runId: Id,
  recordingId: Id,
  modelId: Id.nullable(),
  /** Held-out blocks the scores come from, seconds on the recording's clock. */
  testBlocks: z.array(z.tuple([z.number(), z.number()])),
  windowS: z.number(),
  prediction: z.array(NeuroformerPredictionRow),
  /** PSTH aligned to the named event set; the reliability ceiling is split-half of recorded trials. */
  psth: z
    .object({
      eventSet: z.string(),
      binS: z.number(),
      trials: z.number().int().nonnegative(),
      ceilingMeanR: z.number(),
      ceilingPerUnit: typedArray('float64'),
      rows: z.array(NeuroformerPsthRow),
      /**
       * The PSTH curves the correlations come from: spikes/s per unit and bin after the event,
       * row-major units × bins (bin k = [k·binS, (k+1)·binS) after the event), over the same trials.
       * Absent in runs made before they were stored.
       */
      curves: z
        .object({
          bins: z.number().int().positive(),
          recorded: typedArray('float64'),
          generated: typedArray('float64'),
          /** The units' ids and cell types, in row order. */
          unitIds: z.array(z.string()),
          cellTypes: z.array(z.string().nullable()),
        })
        .optional(),
    })
    .nullable(),
  connectivity: z.array(NeuroformerConnectivityScores),
  notes: z.array(z.string()),
});
export type NeuroformerEvaluation = z.infer<typeof NeuroformerEvaluation>;

export const neuroformerCalls = {
  'neuroformer.runs': { params: z.object({ recordingId: Id.optional() }).strict(), result: z.array(NeuroformerRunSummary) },
  'neuroformer.training': { params: z.object({ runId: Id }).strict(), result: NeuroformerTraining },
  'neuroformer.raster': {
    params: z.object({ runId: Id, startS: z.number(), endS: z.number() }).strict(),
    result: NeuroformerRaster,
  },
  'neuroformer.connectivity': { params: z.object({ runId: Id }).strict(), result: NeuroformerConnectivity },
  'neuroformer.evaluation': { params: z.object({ runId: Id }).strict(), result: NeuroformerEvaluation },
} as const;

export const neuroformerApi = domainApi('neuroformer', neuroformerCalls);
