/**
 * Event bounds during triage: as detected, as decided, or as adjusted (not yet saved). Adjustments
 * move one edge in whole seconds and keep the other: `[`/`]` move the onset (the end stays), `{`/`}`
 * move the end (the onset stays). An event keeps at least MIN_EVENT_S and stays inside the recording.
 */
import type { TriageEvent } from '../../../shared/api/index.js';

export interface Bounds {
  onsetS: number;
  durationS: number;
}

export const MIN_EVENT_S = 1;

/** Times in ms steps so repeated 1 s moves do not drift. */
const roundS = (s: number) => Math.round(s * 1000) / 1000;

/** The bounds in force: an unsaved adjustment, else the decision's, else the detector's. */
export function boundsOf(event: TriageEvent, pending: Bounds | undefined): Bounds {
  if (pending) return pending;
  if (event.decision) return { onsetS: event.decision.onsetS, durationS: event.decision.durationS };
  return { onsetS: event.onsetS, durationS: event.durationS };
}

export function adjustBounds(bounds: Bounds, edge: 'onset' | 'end', deltaS: number, recordingDurationS: number): Bounds {
  const end = bounds.onsetS + bounds.durationS;
  if (edge === 'onset') {
    const onsetS = roundS(Math.min(end - MIN_EVENT_S, Math.max(0, bounds.onsetS + deltaS)));
    return { onsetS, durationS: roundS(end - onsetS) };
  }
  const newEnd = Math.min(recordingDurationS, Math.max(bounds.onsetS + MIN_EVENT_S, end + deltaS));
  return { onsetS: bounds.onsetS, durationS: roundS(newEnd - bounds.onsetS) };
}

export function sameBounds(a: Bounds, b: Bounds): boolean {
  return Math.abs(a.onsetS - b.onsetS) < 1e-6 && Math.abs(a.durationS - b.durationS) < 1e-6;
}

/** Seconds of context shown before an onset (and after an end) when jumping to an event. */
export function contextS(pageLengthS: number): number {
  return Math.min(10, Math.max(1, Math.round(pageLengthS / 3)));
}

export type EventState = 'unreviewed' | 'accepted' | 'rejected';

export function stateOf(event: TriageEvent): EventState {
  return event.decision?.status ?? 'unreviewed';
}

/** The detector's on-threshold from a run's parameters, if it has one. */
export function thresholdOf(params: Record<string, unknown>): number | null {
  for (const key of ['onThreshold', 'threshold']) {
    const value = params[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return null;
}

export function offThresholdOf(params: Record<string, unknown>): number | null {
  const value = params.offThreshold;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
