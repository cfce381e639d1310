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

/** Each epoch's span on the axis, clipped to the recording; empty epochs dropped. */
export function epochSpans(epochs: readonly NtfEpoch[], axis: TimeAxis, binCount: number): EpochSpan[] {
  return epochs.flatMap((epoch) => {
    const start = Math.max(0, Math.min(binCount, epoch.startBin));
    // endBin is the epoch's last bin; the span runs to that bin's end.
    const end = Math.max(0, Math.min(binCount, epoch.endBin + 1));
    return end > start ? [{ label: epoch.label, from: axis.at(start), to: axis.at(end) }] : [];
  });
}
