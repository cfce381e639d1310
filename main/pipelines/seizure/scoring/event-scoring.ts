/**
 * Event-based scoring, like timescoring's `EventScoring` (the SzCORE "any overlap" event metric).
 *
 * Steps, in the reference's order, each reproduced with its quirks:
 *  1. Resample: both annotations are re-rasterised from their events on a fixed 10 Hz grid over
 *     `round(len/fs_in*10)` samples, so event bounds are rounded (half to even) to 0.1 s and the
 *     recording length to 0.1 s. The event lists keep their original seconds.
 *  2. Merge, on the event lists of BOTH ref and hyp: walking left to right, an event whose start is
 *     less than `minDurationBetweenEvents` (90 s) after the end of the previous (possibly already
 *     merged) event is fused into it. The fused event is (previous start, *this* event's end): not
 *     the larger of the two ends, so an event nested inside the previous one shortens it, and the
 *     list is not sorted first. The gap test is `start - previousEnd < min` on the raw seconds, so
 *     overlapping events (negative gap) always merge.
 *  3. Split, after merging, again on both: an event longer than `maxEventDuration` (300 s) becomes
 *     `[s, s+300)` followed by the remainder `[s+300, e)`, which is itself examined next and split
 *     again if still too long (700 s → 300 + 300 + 100). The starts are accumulated `(s+300)+300`.
 *  4. refTrue = number of reference events after merge and split (a 400 s seizure counts twice).
 *  5. True positives: each reference event is widened to `[max(0, s - toleranceStart),
 *     min(duration, e + toleranceEnd))` (30 s before, 60 s after, clipped at the recording edges,
 *     duration being the 10 Hz mask length / 10). It is detected when the hypothesis samples inside
 *     the widened window, in seconds, divided by the widened window's length exceed
 *     `minOverlap + 1e-6` — with minOverlap 0, any single hypothesis sample counts. Each detected
 *     window is marked in a "tp mask" (the whole widened window).
 *  6. False positives: a hypothesis event (after merge and split) is false when none of its samples
 *     falls in the tp mask. So one hypothesis event may make several reference events true
 *     positives, several hypothesis events overlapping one detected window are all not false, and a
 *     hypothesis event that overlaps a reference window which was *not* detected (overlap below
 *     minOverlap) is still a false positive. A hypothesis event that rounds to no sample at all is
 *     a false positive (NumPy's `all` of nothing is true).
 *  7. Metrics with fs = 10 and numSamples = the reference's 10 Hz length (see metrics.ts).
 * A window of zero length divides by zero as NumPy does: nothing/0 is NaN (not detected), some/0
 * would be +Infinity (detected).
 */
import { z } from 'zod';
import { ValidationError } from '../../../errors.js';
import { annotationFromEvents, type Annotation, type TimeEvent } from './annotation.js';
import { onGrid, samplesIn, type ScoringInput } from './inputs.js';
import { computeMetrics, type ScoringCounts, type ScoringMetrics } from './metrics.js';
import { pyRound, pySlice } from './python-compat.js';

/** The grid event scoring works on, fixed by the reference. */
export const EVENT_SCORING_FS = 10;

/** EventScoring.Parameters, with SzCORE's defaults. All in seconds except minOverlap (fraction). */
export const EventScoringParams = z
  .object({
    /** Tolerance before a reference event within which a detection still counts. */
    toleranceStart: z.number().min(0).finite().default(30),
    /** Tolerance after a reference event. */
    toleranceEnd: z.number().min(0).finite().default(60),
    /** Minimum fraction of the widened reference event that must be covered; 0 = any overlap. */
    minOverlap: z.number().min(0).finite().default(0),
    /** Events longer than this are split. */
    maxEventDuration: z.number().positive().finite().default(5 * 60),
    /** Events closer than this are merged. */
    minDurationBetweenEvents: z.number().min(0).finite().default(90),
  })
  .strict();
export type EventScoringParams = z.infer<typeof EventScoringParams>;
export type EventScoringParamsInput = z.input<typeof EventScoringParams>;

export const DEFAULT_EVENT_SCORING_PARAMS: EventScoringParams = EventScoringParams.parse({});

export interface EventScores extends ScoringCounts, ScoringMetrics {
  /** Reference events missed: refTrue - tp. */
  readonly fn: number;
  /** Reference events after merge and split (what refTrue counts). */
  readonly refEvents: readonly TimeEvent[];
  /** Hypothesis events after merge and split (what fp is counted over). */
  readonly hypEvents: readonly TimeEvent[];
  readonly params: EventScoringParams;
}

/** Step 2: fuse events closer than `minDurationBetweenEvents` (see the module comment). */
export function mergeNeighbouringEvents(annotation: Annotation, minDurationBetweenEvents: number): Annotation {
  const merged: TimeEvent[] = [...annotation.events];
  let i = 1;
  while (i < merged.length) {
    const event = merged[i]!;
    const previous = merged[i - 1]!;
    if (event[0] - previous[1] < minDurationBetweenEvents) {
      merged[i - 1] = [previous[0], event[1]];
      merged.splice(i, 1);
    } else {
      i++;
    }
  }
  return annotationFromEvents(merged, annotation.fs, annotation.mask.length);
}

/** Step 3: cut events longer than `maxEventDuration` into pieces (see the module comment). */
export function splitLongEvents(annotation: Annotation, maxEventDuration: number): Annotation {
  const pieces: TimeEvent[] = [...annotation.events];
  for (let i = 0; i < pieces.length; i++) {
    const [start, end] = pieces[i]!;
    if (end - start > maxEventDuration) {
      const cut = start + maxEventDuration;
      if (cut === start) throw new ValidationError('maxEventDuration', `${maxEventDuration} s is too small to split an event starting at ${start} s`);
      pieces[i] = [start, cut];
      pieces.splice(i + 1, 0, [cut, end]);
    }
  }
  return annotationFromEvents(pieces, annotation.fs, annotation.mask.length);
}

/** Step 5's widening: `before` s earlier and `after` s later, clipped to [0, recording duration]. */
export function extendEvents(annotation: Annotation, before: number, after: number): Annotation {
  const durationS = annotation.mask.length / annotation.fs;
  const extended = annotation.events.map(([start, end]): TimeEvent => [Math.max(0, start - before), Math.min(durationS, end + after)]);
  return annotationFromEvents(extended, annotation.fs, annotation.mask.length);
}

function sum(mask: Uint8Array, lo: number, hi: number): number {
  const [a, b] = pySlice(mask.length, lo, hi);
  let n = 0;
  for (let i = a; i < b; i++) n += mask[i]!;
  return n;
}

/**
 * Event-based scores of `hyp` against `ref`. Annotations carry their own length; for event lists
 * give the recording's `durationS` (rounded half to even to the 10 Hz grid).
 */
export function scoreEvents(ref: ScoringInput, hyp: ScoringInput, durationS?: number, params: Partial<EventScoringParamsInput> = {}): EventScores {
  const parsed = EventScoringParams.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ValidationError(issue.path.join('.') || 'params', issue.message);
  }
  const p = parsed.data;
  const fs = EVENT_SCORING_FS;
  const numSamples = durationS === undefined ? undefined : samplesIn(durationS, fs);

  let r = onGrid(ref, fs, numSamples, 'ref');
  let h = onGrid(hyp, fs, numSamples, 'hyp');
  r = splitLongEvents(mergeNeighbouringEvents(r, p.minDurationBetweenEvents), p.maxEventDuration);
  h = splitLongEvents(mergeNeighbouringEvents(h, p.minDurationBetweenEvents), p.maxEventDuration);

  const refTrue = r.events.length;
  let tp = 0;
  const tpMask = new Uint8Array(r.mask.length);
  for (const [start, end] of extendEvents(r, p.toleranceStart, p.toleranceEnd).events) {
    const lo = pyRound(start * fs);
    const hi = pyRound(end * fs);
    const relativeOverlap = sum(h.mask, lo, hi) / fs / (end - start);
    if (relativeOverlap > p.minOverlap + 1e-6) {
      tp++;
      const [a, b] = pySlice(tpMask.length, lo, hi);
      tpMask.fill(1, a, b);
    }
  }

  let fp = 0;
  for (const [start, end] of h.events) {
    if (sum(tpMask, pyRound(start * fs), pyRound(end * fs)) === 0) fp++;
  }

  const counts = { fs, numSamples: r.mask.length, tp, fp, refTrue };
  return { ...counts, ...computeMetrics(counts), fn: refTrue - tp, refEvents: r.events, hypEvents: h.events, params: p };
}
