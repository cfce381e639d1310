/**
 * The frame rate a consumer must use for an imported calcium recording: the one the user stored
 * with it (`calcium.setFrameRate`, for files that state none, like the zebrafish CSV matrices) wins
 * over what the file says. The file is never rewritten; the rate lives in the project's metadata.
 */
import type { RecordingMetadata } from '../../../shared/api/index.js';
import type { CalciumRecording } from './types.js';

/** The user's frame rate stored in `metadata`, or null when they set none. */
export function userFrameRate(metadata: RecordingMetadata): number | null {
  return metadata.calcium?.frameRateSetByUser && metadata.sampleRateHz > 0 ? metadata.sampleRateHz : null;
}

/**
 * `recording` with the user's frame rate applied (timestamps recomputed as frame / rate, since
 * the file's are the ones being overridden); unchanged when the user set none.
 */
export function withStoredFrameRate(recording: CalciumRecording, metadata: RecordingMetadata): CalciumRecording {
  const rate = userFrameRate(metadata);
  if (rate === null) return recording;
  return {
    ...recording,
    frameRateHz: rate,
    timestampsS: Float64Array.from({ length: recording.frameCount }, (_, frame) => frame / rate),
  };
}
