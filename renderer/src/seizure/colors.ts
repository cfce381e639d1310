/** Colours of triage events by state, shared by the traces, the overview and the list. */
import type { EventState } from './bounds.js';

export type BandState = EventState | 'adjusted';

export const EVENT_COLORS: Record<BandState, string> = {
  unreviewed: '#dc2626',
  adjusted: '#d97706',
  accepted: '#15803d',
  rejected: '#6b7280',
};

/** A detected event as drawn over the traces and the overview. */
export interface EventBand {
  index: number;
  startS: number;
  endS: number;
  state: BandState;
  selected: boolean;
}
