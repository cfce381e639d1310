/**
 * A labelled segment (Bonn, New Delhi, a labels.csv folder; main/io/segments) as a training example
 * of the per-channel detector: one channel of window features (../channel/feature-set.ts) whose
 * every whole 4 s window carries the segment's class — a seizure for ICTAL_LABEL, background for
 * any other. The windows still partly before the segment's start (seconds 0–2) are left out; a
 * segment shorter than one window gives its single frame. (Multi-channel recordings with annotated
 * seizures: ./recording-window-features.ts.)
 */
import { ValidationError } from '../../../errors.js';
import { ICTAL_LABEL, type LabelledSegment } from '../../../io/segments/types.js';
import { windowFrames } from '../channel/features.js';
import { WINDOW_FEATURE_COUNT } from '../channel/feature-set.js';
import type { RecordingFeatures } from './train.js';
import { FIRST_READY_SECOND, type FrameSpan } from './windows.js';

/** Seconds a span's frames cover: firstS … firstS + count − 1. */
export function frameCount(span: FrameSpan): number {
  return span.frames.length / (span.channels * WINDOW_FEATURE_COUNT);
}

/** One labelled segment as training features (channels = 1); `collection` defaults to none. */
export function segmentFeatures(segment: LabelledSegment, collection?: string): RecordingFeatures {
  const durationS = segment.samples.length / segment.rateHz;
  let span: FrameSpan;
  try {
    span = windowFrames(segment.samples, segment.rateHz);
  } catch (error) {
    throw new ValidationError('segment', `${segment.file} (${segment.id}): ${error instanceof Error ? error.message : String(error)}`);
  }
  const totalS = span.firstS + frameCount(span);
  const ictal = segment.label === ICTAL_LABEL;
  const labels = new Int8Array(totalS).fill(-1);
  // Whole windows only; a segment shorter than one window has its one frame at FIRST_READY_SECOND.
  for (let t = Math.max(span.firstS, FIRST_READY_SECOND); t < totalS; t++) labels[t] = ictal ? 1 : 0;
  return {
    file: segment.file,
    id: segment.id,
    ...(collection !== undefined ? { collection } : {}),
    electrodes: [segment.group],
    missing: [],
    totalS,
    durationS,
    span,
    labels,
    seizures: ictal ? [[0, durationS]] : [],
  };
}
