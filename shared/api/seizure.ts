/**
 * Seizure triage: the events a detection run found, the clinician's decisions on them (stored as
 * append-only annotations with author and time), and exports of the reviewed events.
 */
import { segmentDatasetCalls } from './segments.js';
import { z } from 'zod';
import { domainApi } from './define.js';
import { Run, RunStatus } from './domain.js';

export const TriageDecision = z.object({
  status: z.enum(['accepted', 'rejected']),
  /** The onset/duration the reviewer settled on (adjusted or as detected). */
  onsetS: z.number(),
  durationS: z.number(),
  author: z.string(),
  createdAt: z.string(),
  annotationId: z.number().int(),
});
export type TriageDecision = z.infer<typeof TriageDecision>;

export const TriageEvent = z.object({
  index: z.number().int().nonnegative(),
  onsetS: z.number(),
  durationS: z.number(),
  confidence: z.number(),
  channels: z.array(z.string()),
  decision: TriageDecision.nullable(),
});
export type TriageEvent = z.infer<typeof TriageEvent>;

export const DetectionRunSummary = z.object({
  runId: z.number().int(),
  recordingId: z.number().int(),
  pipeline: z.string(),
  createdAt: z.string(),
  eventCount: z.number().int(),
  reviewedCount: z.number().int(),
});
export type DetectionRunSummary = z.infer<typeof DetectionRunSummary>;

export const TriageReview = z.object({
  runId: z.number().int(),
  recordingId: z.number().int(),
  pipeline: z.string(),
  params: z.record(z.string(), z.unknown()),
  electrodes: z.array(z.string()),
  /** 1 Hz probability trace: value i covers the window ending at i + 1 s. */
  probability: z.array(z.number()),
  events: z.array(TriageEvent),
  reviewedCount: z.number().int(),
  recordingDurationS: z.number(),
});
export type TriageReview = z.infer<typeof TriageReview>;

const RunId = z.number().int().positive();

/**
 * A fine-tune of the neural detector from triage decisions ("Improve detector from my reviews"):
 * the run, the model it produced once it succeeded, and its verdict and false alarms per 24 h
 * before and after (on every reviewed recording of the run).
 */
export const Improvement = z.object({
  runId: z.number().int(),
  status: RunStatus,
  progress: z.number(),
  progressMessage: z.string(),
  error: z.string().nullable(),
  recordingIds: z.array(z.number().int()),
  baseModelId: z.number().int().nullable(),
  /** The new model (null until the run succeeds). */
  modelId: z.number().int().nullable(),
  verdict: z.string().nullable(),
  falseAlarmsPer24hBefore: z.number().nullable(),
  falseAlarmsPer24hAfter: z.number().nullable(),
});
export type Improvement = z.infer<typeof Improvement>;

/**
 * How one model's events on reviewed recordings read against the reviewer's decisions: the
 * before/after figures of a seizure-neural-finetune run (its `finetune` result, the CLI, Runs).
 */
export interface DetectionFigures {
  events: number;
  /** Events that overlap no accepted seizure. */
  falseAlarms: number;
  falseAlarmsPer24h: number;
  accepted: number;
  acceptedFound: number;
  rejected: number;
  /** Rejected events the model still raises. */
  rejectedAlarmed: number;
}

/** The before/after totals a fine-tune run stores (held-out figures when decisions were held out). */
export interface FinetuneTotals {
  before: DetectionFigures;
  after: DetectionFigures;
  heldOutBefore: DetectionFigures | null;
  heldOutAfter: DetectionFigures | null;
}

export const seizureCalls = {
  'seizure.runs': {
    params: z.object({ recordingId: z.number().int().positive() }).strict(),
    result: z.array(DetectionRunSummary),
  },
  'seizure.review': {
    params: z.object({ runId: RunId }).strict(),
    result: TriageReview,
  },
  'seizure.decide': {
    params: z
      .object({
        runId: RunId,
        eventIndex: z.number().int().nonnegative(),
        status: z.enum(['accepted', 'rejected']),
        /** Adjusted bounds; omitted = as detected (or as last adjusted). */
        onsetS: z.number().min(0).optional(),
        durationS: z.number().positive().optional(),
      })
      .strict(),
    result: TriageEvent,
  },
  'seizure.export': {
    params: z
      .object({
        runId: RunId,
        format: z.enum(['szcore-tsv', 'bids-events']),
        /** Absolute. Never a project file or a source recording; an existing file only with overwrite. */
        path: z.string().min(1).max(4096),
        /** The user chose to replace an existing file (the UI asks first; a 'conflict' error says it exists). */
        overwrite: z.boolean().default(false),
      })
      .strict(),
    result: z.object({ path: z.string(), count: z.number().int() }),
  },
  /**
   * Starts a fine-tune of the model a neural detection run used, on the reviewed events: of that
   * run's recording ('recording'), of the named recordings of one patient ('patient'), or of every
   * recording of the project with decisions ('site'). Needs ≥ 1 accepted and ≥ 1 rejected event.
   */
  'seizure.improve': {
    params: z
      .object({
        runId: RunId,
        scope: z.enum(['recording', 'patient', 'site']).default('recording'),
        /** For 'patient': the patient's recordings (the run's own is always included). */
        recordingIds: z.array(z.number().int().positive()).max(1000).optional(),
      })
      .strict(),
    result: Run,
  },
  /** The fine-tunes that learnt from this recording's reviews, newest first. */
  'seizure.improvements': {
    params: z.object({ recordingId: z.number().int().positive() }).strict(),
    result: z.array(Improvement),
  },
  /** Detects again on a recording with the model a succeeded fine-tune produced (its thresholds). */
  'seizure.redetect': {
    params: z.object({ finetuneRunId: RunId, recordingId: z.number().int().positive() }).strict(),
    result: Run,
  },
} as const;

// With the project's labelled-segment datasets (#22, ./segments.ts): listed, without samples.
export const seizureApi = domainApi('seizure', { ...seizureCalls, ...segmentDatasetCalls });
