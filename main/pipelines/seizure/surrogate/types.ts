/**
 * Surrogate long recordings: a multi-hour single-channel signal made by concatenating real labelled
 * segments of one collection (background: interictal; seizures: runs of ictal segments), with the
 * seizure events and the bookkeeping of every piece and join. See ./build.ts for how it is made.
 */
import type { TimeEvent } from '../scoring/annotation.js';

export interface SurrogateOptions {
  /** Wanted length in seconds; the result is rounded up to whole `lengthQuantumSamples`. */
  durationS: number;
  /** Seed of every random choice: the same segments, options and seed give the same samples. */
  seed: number;
  /** Labels used as background. Default ['interictal'] (Bonn C/D, New Delhi interictal). */
  backgroundLabels?: readonly string[];
  /** Label of seizure segments. Default 'ictal' (Bonn E, New Delhi ictal). */
  seizureLabel?: string;
  /** Range of the wanted seizure length in seconds, drawn uniformly. Default [20, 120]. */
  seizureDurationS?: readonly [number, number];
  /** Range of the background between seizures (and before the first) in seconds, drawn log-uniformly. Default [300, 3600]. */
  gapS?: readonly [number, number];
  /** Background kept after the last seizure, at least, in seconds. Default 60 (SzCORE's offset tolerance). */
  tailS?: number;
  /** Cross-fade at every join in seconds. Default 0.5. */
  fadeS?: number;
  /** Repeated uses of a segment may be sign-inverted (never its first use). Default true. */
  flipPolarity?: boolean;
  /** The length is a whole number of these samples (one EDF data record). Default: see edfRecordLayout. */
  lengthQuantumSamples?: number;
}

export type SurrogateRole = 'background' | 'seizure';

/** One segment as placed in the surrogate. */
export interface SurrogatePiece {
  segmentId: string;
  /** The collection's subset (Bonn set letter, New Delhi folder). */
  group: string;
  label: string;
  role: SurrogateRole;
  /** Index into `seizures` for pieces of a seizure. */
  seizure?: number;
  /** First output sample the piece touches (the start of its fade-in). */
  startSample: number;
  /** Samples of the segment used from its start (less than its length only for a piece cut at the end). */
  lengthSamples: number;
  /** -1 where a repeated use was sign-inverted. */
  polarity: 1 | -1;
  /** How many times the segment was used before this (0 = first use). */
  use: number;
}

export type JoinKind = 'background→background' | 'background→seizure' | 'seizure→seizure' | 'seizure→background';

/** One join between consecutive pieces: an equal-power cross-fade over [fadeStartSample, +fadeSamples). */
export interface SurrogateJoin {
  /** Index of the piece before the join (the one after is +1). */
  piece: number;
  kind: JoinKind;
  fromSegment: string;
  toSegment: string;
  fadeStartSample: number;
  fadeSamples: number;
  /** The middle of the fade, in (fractional) samples. */
  centreSample: number;
}

export interface SurrogateSeizure {
  /** Seconds, the centre of the join into the first ictal piece, to 0.01 s (the TSV's precision). */
  onsetS: number;
  /** Seconds, the centre of the join out of the last ictal piece, to 0.01 s. */
  offsetS: number;
  /** The same bounds in (fractional) samples, before rounding to 0.01 s. */
  onsetSample: number;
  offsetSample: number;
  segmentIds: string[];
}

export interface SurrogateRecording {
  rateHz: number;
  /** µV, `durationS * rateHz` samples. */
  samples: Float32Array;
  durationS: number;
  seizures: SurrogateSeizure[];
  /** `[onsetS, offsetS)` of every seizure, for the scorer. */
  events: TimeEvent[];
  pieces: SurrogatePiece[];
  joins: SurrogateJoin[];
  /** The options as used (defaults filled in). */
  options: Required<Omit<SurrogateOptions, 'backgroundLabels'>> & { backgroundLabels: string[] };
  /** Where the segments came from and what they are. */
  source: { format: string; folder: string; backgroundSegments: number; seizureSegments: number };
}
