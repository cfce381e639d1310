/**
 * Scoring annotation files the way the SzCORE benchmark does (szcore-evaluation's
 * `evaluate_dataset`, the version built on timescoring 0.0.7), and summing recordings into subject
 * and dataset scores.
 *
 * Per recording (matched behaviour):
 *  - both files are rasterised at 1 Hz with epilepsy2bids' `getMask`: length
 *    `int(recordingDuration * 1)` taken from the FIRST row, seizure rows set
 *    `mask[int(onset) : int(onset + duration)]` — truncation, not rounding, so a seizure at
 *    [36.89, 237.21) covers seconds 36..236; `bckg` rows are ignored;
 *  - the reference and hypothesis are then `Annotation(mask, 1)`: the scorers see whole seconds;
 *  - sample scoring at 1 Hz and event scoring with the default parameters (30/60 s tolerance, any
 *    overlap, 300 s split, 90 s merge) on those;
 *  - a missing hypothesis file, an empty one (header only: `getMask` fails on `events[0]`), or one
 *    whose 1 Hz length differs from the reference's by more than `durationToleranceS` (0 by
 *    default: any difference) is scored as an all-zero hypothesis — the reference prints a message
 *    and carries on; we return the message in `warnings`. Within the tolerance the hypothesis is
 *    zero-padded or truncated to the reference length (szcore-evaluation's later option).
 *  - extension: a hypothesis without a recording duration (BIDS events.tsv, or `n/a`) is laid on
 *    the reference's length; a reference without one needs `durationS`.
 *
 * Aggregation (matched behaviour): for each subject, tp, fp, refTrue and numSamples are SUMMED over
 * its recordings and the metrics computed once from the sums (not averaged per recording). The
 * dataset score is then, by default (`avgPerSubject`), the NaN-ignoring mean of the subjects'
 * metrics with their NaN-ignoring population standard deviation (`np.nanmean` / `np.nanstd`,
 * pairwise summation, subjects in first-appearance order); a metric NaN for every subject stays
 * NaN. With `avgPerSubject: false` all subjects' sums are added and the metrics computed once.
 * (The reference adds its "cumulated" entry to itself in that loop, doubling every count; doubling
 * is exact in floating point and cancels in every ratio, so the metrics are unaffected and we do
 * not reproduce it.)
 */
import { ValidationError } from '../../../errors.js';
import { annotationFromMask, type TimeEvent } from './annotation.js';
import { scoreEvents, type EventScores } from './event-scoring.js';
import { isSeizureType } from './event-types.js';
import { computeMetrics, type ScoringCounts, type ScoringMetrics } from './metrics.js';
import { npNanMean, npNanStd, pyInt, pySlice } from './python-compat.js';
import { scoreSamples, type SampleScores } from './sample-scoring.js';
import type { SeizureAnnotations } from './tsv.js';

/** SzCORE scores recordings on a 1 Hz grid. */
export const SZCORE_SCORING_FS = 1;

/** epilepsy2bids `getEvents`: `[onset, onset + duration)` of every seizure row, in file order. */
export function seizureEvents(annotations: SeizureAnnotations): TimeEvent[] {
  return annotations.events.filter((e) => isSeizureType(e.eventType) && e.onsetS !== null && e.durationS !== null).map((e) => [e.onsetS!, e.onsetS! + e.durationS!] as const);
}

/** The recording duration stated by the first row, as epilepsy2bids reads it (null if none). */
export function recordingDurationS(annotations: SeizureAnnotations): number | null {
  return annotations.events[0]?.recordingDurationS ?? null;
}

/**
 * epilepsy2bids `getMask(fs)`: `int(duration * fs)` samples, seizure rows set from `int(onset*fs)`
 * to `int((onset + duration) * fs)` (Python truncation and slicing). `durationS` defaults to the
 * first row's recording duration.
 */
export function seizureMask(annotations: SeizureAnnotations, fs: number, durationS: number | null = recordingDurationS(annotations)): Uint8Array {
  if (durationS === null) throw new ValidationError('recordingDuration', `${annotations.file ?? 'annotations'}: the recording duration is not given (first row's recordingDuration is n/a or there is no row)`);
  const mask = new Uint8Array(pyInt(durationS * fs));
  for (const e of annotations.events) {
    if (!isSeizureType(e.eventType) || e.onsetS === null || e.durationS === null) continue;
    const [lo, hi] = pySlice(mask.length, pyInt(e.onsetS * fs), pyInt((e.onsetS + e.durationS) * fs));
    mask.fill(1, lo, hi);
  }
  return mask;
}

export interface RecordingScore {
  sample: SampleScores;
  event: EventScores;
  /** Why the hypothesis was replaced by an all-zero one, if it was (as the reference does). */
  warnings: string[];
}

export interface RecordingScoreOptions {
  /** Allowed length difference in seconds before a hypothesis is replaced by zeros. Default 0. */
  durationToleranceS?: number;
  /** Recording duration to use when the reference file does not state one. */
  durationS?: number;
}

/** Scores one recording's hypothesis file against its reference file, as SzCORE does. */
export function scoreRecording(ref: SeizureAnnotations, hyp: SeizureAnnotations | null, options: RecordingScoreOptions = {}): RecordingScore {
  const fs = SZCORE_SCORING_FS;
  const tolerance = options.durationToleranceS ?? 0;
  const refDuration = recordingDurationS(ref) ?? options.durationS ?? null;
  if (refDuration === null) {
    throw new ValidationError('recordingDuration', `${ref.file ?? 'reference'}: the reference does not state the recording duration (no recordingDuration in its first row); give the duration`);
  }
  const refMask = seizureMask(ref, fs, refDuration);
  if (refMask.length === 0) throw new ValidationError('recordingDuration', `${ref.file ?? 'reference'}: the recording is shorter than one second`);
  const warnings: string[] = [];
  let hypMask: Uint8Array;
  if (hyp === null) {
    hypMask = new Uint8Array(refMask.length);
    warnings.push('no hypothesis file: scored as no detection');
  } else if (hyp.events.length === 0) {
    hypMask = new Uint8Array(refMask.length);
    warnings.push(`${hyp.file ?? 'hypothesis'}: no rows (not even a bckg row): scored as no detection`);
  } else {
    const mask = seizureMask(hyp, fs, recordingDurationS(hyp) ?? refDuration);
    if (mask.length === refMask.length) hypMask = mask;
    else if (Math.abs(mask.length - refMask.length) / fs <= tolerance) {
      hypMask = new Uint8Array(refMask.length);
      hypMask.set(mask.subarray(0, refMask.length));
    } else {
      hypMask = new Uint8Array(refMask.length);
      warnings.push(
        `${hyp.file ?? 'hypothesis'}: covers ${mask.length} s but the reference covers ${refMask.length} s: scored as no detection (as SzCORE does)`,
      );
    }
  }
  const r = annotationFromMask(refMask, fs);
  const h = annotationFromMask(hypMask, fs);
  return { sample: scoreSamples(r, h, { fs }), event: scoreEvents(r, h), warnings };
}

/** The counts a scorer produced, ready to be summed (szcore-evaluation's `Result`). */
export function countsOf(score: ScoringCounts): ScoringCounts {
  return { fs: score.fs, numSamples: score.numSamples, tp: score.tp, fp: score.fp, refTrue: score.refTrue };
}

/** Sum of counts over recordings (fs of the last one, as the reference keeps it). */
export function sumCounts(counts: readonly ScoringCounts[]): ScoringCounts {
  if (counts.length === 0) throw new ValidationError('recordings', 'nothing to sum: no recording was scored');
  return counts.reduce((a, b) => ({ fs: b.fs, numSamples: a.numSamples + b.numSamples, tp: a.tp + b.tp, fp: a.fp + b.fp, refTrue: a.refTrue + b.refTrue }), {
    fs: 0,
    numSamples: 0,
    tp: 0,
    fp: 0,
    refTrue: 0,
  });
}

export interface DatasetMetrics extends ScoringMetrics {
  /** Standard deviation across subjects (only with avgPerSubject). */
  readonly sensitivityStd?: number;
  readonly precisionStd?: number;
  readonly f1Std?: number;
  readonly fpRateStd?: number;
}

export interface SubjectResult {
  subject: string;
  recordings: number;
  sample: ScoringCounts & ScoringMetrics;
  event: ScoringCounts & ScoringMetrics;
}

export interface DatasetResult {
  sample: DatasetMetrics;
  event: DatasetMetrics;
  subjects: SubjectResult[];
}

export interface ScoredRecording {
  subject: string;
  sample: ScoringCounts;
  event: ScoringCounts;
}

const METRICS = ['sensitivity', 'precision', 'f1', 'fpRate'] as const;

/**
 * Subject and dataset scores from scored recordings (see the module comment). `avgPerSubject`
 * defaults to true, SzCORE's setting for its published results.
 */
export function aggregateRecordings(recordings: readonly ScoredRecording[], options: { avgPerSubject?: boolean } = {}): DatasetResult {
  const bySubject = new Map<string, ScoredRecording[]>();
  for (const r of recordings) {
    const list = bySubject.get(r.subject) ?? [];
    list.push(r);
    bySubject.set(r.subject, list);
  }
  const subjects: SubjectResult[] = [...bySubject].map(([subject, list]) => {
    const sample = sumCounts(list.map((r) => r.sample));
    const event = sumCounts(list.map((r) => r.event));
    return { subject, recordings: list.length, sample: { ...sample, ...computeMetrics(sample) }, event: { ...event, ...computeMetrics(event) } };
  });
  const combine = (kind: 'sample' | 'event'): DatasetMetrics => {
    if (options.avgPerSubject ?? true) {
      const values = (m: (typeof METRICS)[number]) => subjects.map((s) => s[kind][m]);
      return {
        sensitivity: npNanMean(values('sensitivity')),
        precision: npNanMean(values('precision')),
        f1: npNanMean(values('f1')),
        fpRate: npNanMean(values('fpRate')),
        sensitivityStd: npNanStd(values('sensitivity')),
        precisionStd: npNanStd(values('precision')),
        f1Std: npNanStd(values('f1')),
        fpRateStd: npNanStd(values('fpRate')),
      };
    }
    return computeMetrics(sumCounts(subjects.map((s) => s[kind])));
  };
  if (subjects.length === 0) throw new ValidationError('recordings', 'no recording to aggregate');
  return { sample: combine('sample'), event: combine('event'), subjects };
}

/** Scores every recording as SzCORE does and aggregates them per subject and over the dataset. */
export function evaluateDataset(
  recordings: readonly { subject: string; ref: SeizureAnnotations; hyp: SeizureAnnotations | null }[],
  options: { avgPerSubject?: boolean; durationToleranceS?: number } = {},
): DatasetResult & { warnings: string[] } {
  const warnings: string[] = [];
  const scored = recordings.map(({ subject, ref, hyp }): ScoredRecording => {
    const s = scoreRecording(ref, hyp, options.durationToleranceS === undefined ? {} : { durationToleranceS: options.durationToleranceS });
    warnings.push(...s.warnings);
    return { subject, sample: countsOf(s.sample), event: countsOf(s.event) };
  });
  return { ...aggregateRecordings(scored, options), warnings };
}
