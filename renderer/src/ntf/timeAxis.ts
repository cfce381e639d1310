/**
 * The time axis of a component's time course: seconds when the run knows the bin duration (the
 * recordings' frame rate), bins otherwise; epochs as shaded spans on the same axis.
 */
import type { NtfEpoch } from '../../../shared/api/index.js';

export interface TimeAxis {
  unit: 's' | 'bin';
  title: string;
  /** Axis value at the start of a bin. */
  at(bin: number): number;
  /** Axis value at the end of the last bin. */
  end: number;
}

export function timeAxis(binCount: number, binDurationS: number | null): TimeAxis {
  if (binDurationS !== null && binDurationS > 0) {
    return { unit: 's', title: 'time (s)', at: (bin) => bin * binDurationS, end: binCount * binDurationS };
  }
  return { unit: 'bin', title: 'time bin', at: (bin) => bin, end: binCount };
}

export interface EpochSpan {
  label: string;
  from: number;
  to: number;
}

/** Each epoch's span on the axis, from the start of `startBin` to the start of `endBin`, clipped to the recording; empty epochs dropped. */
export function epochSpans(epochs: readonly NtfEpoch[], axis: TimeAxis, binCount: number): EpochSpan[] {
  return epochs.flatMap((epoch) => {
    const start = Math.max(0, Math.min(binCount, epoch.startBin));
    // endBin is the boundary after the epoch (the engine rounds the end time up to a bin edge).
    const end = Math.max(0, Math.min(binCount, epoch.endBin));
    return end > start ? [{ label: epoch.label, from: axis.at(start), to: axis.at(end) }] : [];
  });
}
