/** Turning the scorers' inputs (an Annotation, or events in seconds) into Annotations. */
import { ValidationError } from '../../../errors.js';
import { annotationFromEvents, resampleAnnotation, type Annotation, type TimeEvent } from './annotation.js';
import { pyRound } from './python-compat.js';

/** An annotation at any rate, or events in seconds (the recording length is then given separately). */
export type ScoringInput = Annotation | readonly TimeEvent[];

export function isEventList(input: ScoringInput): input is readonly TimeEvent[] {
  return Array.isArray(input);
}

/**
 * The input on the scorer's grid `fs`. An Annotation is resampled as the reference does (events
 * kept, mask rebuilt over `round(len/fs_in*fs)` samples); an event list is laid on `numSamples`
 * samples directly, which is the same thing for an annotation made at `fs` from the same events.
 */
export function onGrid(input: ScoringInput, fs: number, numSamples: number | undefined, which: 'ref' | 'hyp'): Annotation {
  if (isEventList(input)) {
    if (numSamples === undefined) throw new ValidationError('durationS', `${which} is a list of events; give the recording duration (durationS or numSamples)`);
    try {
      return annotationFromEvents(input, fs, numSamples);
    } catch (error) {
      throw new ValidationError(which, error instanceof Error ? error.message : String(error));
    }
  }
  const resampled = resampleAnnotation(input, fs);
  if (numSamples !== undefined && resampled.mask.length !== numSamples) {
    throw new ValidationError('durationS', `${which} annotation covers ${resampled.mask.length} samples at ${fs} Hz but the duration given is ${numSamples} samples`);
  }
  return resampled;
}

/** Samples at `fs` in `durationS` seconds, rounded as the reference rounds lengths (half to even). */
export function samplesIn(durationS: number, fs: number): number {
  if (!Number.isFinite(durationS) || durationS <= 0) throw new ValidationError('durationS', `must be a positive number of seconds, not ${durationS}`);
  return pyRound(durationS * fs);
}
