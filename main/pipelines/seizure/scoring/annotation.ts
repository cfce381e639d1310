/**
 * Seizure annotations held both ways, like timescoring's `Annotation`: a list of events
 * `[startS, endS)` in seconds and a boolean mask sampled at `fs` Hz. One is built from the other.
 *
 * Matched behaviour of the reference (timescoring 0.0.7, `annotations.py`):
 *  - events → mask: each event sets `mask[round(start*fs) : round(end*fs)]`, with Python's
 *    round-half-to-even and Python slice semantics (a negative bound counts from the end, bounds
 *    past the end are clipped, an event whose end rounds before its start sets nothing);
 *  - the event list is kept exactly as given (not sorted, not merged, not rounded, not clipped to
 *    the recording): the scorers work on these original seconds, the mask only on the grid;
 *  - mask → events: one event per run of true samples, `[i/fs, j/fs)`; a run touching the first or
 *    last sample starts at 0 or ends at `length/fs`.
 */
import { pyRound, pySlice } from './python-compat.js';

/** One event, `[startS, endS)` in seconds from the start of the recording. */
export type TimeEvent = readonly [startS: number, endS: number];

export interface Annotation {
  /** Events in seconds, in the order given (after scoring transforms: merged / split). */
  readonly events: readonly TimeEvent[];
  /** 1 where an event is present, one value per sample at `fs`. */
  readonly mask: Uint8Array;
  /** Sampling frequency of the mask in Hz. */
  readonly fs: number;
}

function checkFs(fs: number): void {
  if (!(fs > 0) || !Number.isFinite(fs)) throw new RangeError(`sampling frequency must be a positive number, not ${fs}`);
}

/** The mask of `events` over `numSamples` samples at `fs` Hz (timescoring's rounding). */
export function eventsToMask(events: readonly TimeEvent[], fs: number, numSamples: number): Uint8Array {
  checkFs(fs);
  if (!Number.isInteger(numSamples) || numSamples < 0) throw new RangeError(`number of samples must be a whole number >= 0, not ${numSamples}`);
  const mask = new Uint8Array(numSamples);
  for (const [startS, endS] of events) {
    const [lo, hi] = pySlice(numSamples, pyRound(startS * fs), pyRound(endS * fs));
    mask.fill(1, lo, hi);
  }
  return mask;
}

/** The events of a mask: one `[first/fs, (last+1)/fs)` per run of non-zero samples. */
export function maskToEvents(mask: ArrayLike<number | boolean>, fs: number): TimeEvent[] {
  checkFs(fs);
  const events: TimeEvent[] = [];
  let runStart = -1;
  for (let i = 0; i < mask.length; i++) {
    const on = Boolean(mask[i]);
    if (on && runStart < 0) runStart = i;
    else if (!on && runStart >= 0) {
      events.push([runStart / fs, i / fs]);
      runStart = -1;
    }
  }
  if (runStart >= 0) events.push([runStart / fs, mask.length / fs]);
  return events;
}

/** `Annotation(events, fs, numSamples)`: keeps `events` as given, builds the mask. */
export function annotationFromEvents(events: readonly TimeEvent[], fs: number, numSamples: number): Annotation {
  for (const event of events) {
    if (!Number.isFinite(event[0]) || !Number.isFinite(event[1])) throw new RangeError(`event bounds must be finite numbers, not [${event[0]}, ${event[1]}]`);
  }
  return { events: events.map(([s, e]) => [s, e] as const), mask: eventsToMask(events, fs, numSamples), fs };
}

/** `Annotation(mask, fs)`: keeps the mask (as 0/1), derives the events. */
export function annotationFromMask(mask: ArrayLike<number | boolean>, fs: number): Annotation {
  const copy = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) copy[i] = mask[i] ? 1 : 0;
  return { events: maskToEvents(copy, fs), mask: copy, fs };
}

/**
 * The same events on another grid, as the scorers resample: `Annotation(a.events, fs,
 * round(len(a.mask) / a.fs * fs))`. The events themselves are carried over unchanged, so the new
 * mask is rebuilt from the original seconds, not from the old mask.
 */
export function resampleAnnotation(annotation: Annotation, fs: number): Annotation {
  const numSamples = pyRound((annotation.mask.length / annotation.fs) * fs);
  return annotationFromEvents(annotation.events, fs, numSamples);
}

/** Duration covered by the mask, `length / fs` seconds. */
export function annotationDurationS(annotation: Annotation): number {
  return annotation.mask.length / annotation.fs;
}
