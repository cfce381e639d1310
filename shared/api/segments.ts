/**
 * Labelled-segment datasets of a project (issue #22): what the store lists and the seizure API's
 * `seizure.segmentDatasets` returns. A dataset is a folder of short single-channel segments, each
 * wholly one class (Bonn, New Delhi, a lab's labels.csv), imported whole; samples are not listed.
 */
import { z } from 'zod';

export const SegmentFormatName = z.enum(['bonn', 'delhi', 'labels-csv']);

export const SegmentDatasetSummary = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  format: SegmentFormatName,
  /** The folder it was imported from, absolute (the segments' samples are in the project). */
  sourcePath: z.string(),
  /** Every label present, sorted. */
  labels: z.array(z.string()),
  /** Segments per label. */
  counts: z.record(z.string(), z.number().int().nonnegative()),
  segmentCount: z.number().int().nonnegative(),
  /** Total duration of its segments, seconds. */
  durationS: z.number().nonnegative(),
  /** Sampling rates present, Hz, ascending. */
  ratesHz: z.array(z.number().positive()),
  /** What the reader assumed (unit, rate) that the files do not say. */
  notes: z.array(z.string()),
  createdAt: z.string(),
});
export type SegmentDatasetSummary = z.infer<typeof SegmentDatasetSummary>;

/** The calls, merged into the seizure domain's table (shared/api/seizure.ts). */
export const segmentDatasetCalls = {
  'seizure.segmentDatasets': {
    params: z.object({}).strict(),
    result: z.array(SegmentDatasetSummary),
  },
} as const;
