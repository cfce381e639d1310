/**
 * A segment's score from a detector's 1 Hz probability trace: the mean probability of the windows
 * that lie wholly inside the segment. Second index t of a per-channel trace is the 4 s window
 * ending at t + 1 s (main/pipelines/seizure/channel/detect.ts), so for a segment occupying whole
 * seconds [startS, startS + lengthS) those are t = startS + 3 … startS + ⌊lengthS⌋ − 1. A segment
 * shorter than one window has none: its last window (reaching back before it) stands in.
 */
import { WINDOW_S } from '../channel/feature-set.js';

export function segmentScore(trace: ArrayLike<number>, startS: number, lengthS: number): number {
  const end = startS + Math.floor(lengthS + 1e-6); // exclusive; rates like 173.61 Hz rarely fill whole seconds exactly
  if (end > trace.length) throw new RangeError(`segment score: the segment ends at ${end} s, the trace has ${trace.length} s`);
  const first = Math.min(startS + WINDOW_S - 1, end - 1);
  if (first < 0) throw new RangeError(`segment score: a segment of ${lengthS} s holds no whole second`);
  let sum = 0;
  for (let t = first; t < end; t++) sum += trace[t]!;
  return sum / (end - first);
}
