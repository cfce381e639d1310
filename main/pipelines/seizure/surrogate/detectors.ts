/**
 * The detectors scored on surrogates, as SurrogateDetectors: each runs on the surrogate's one
 * channel in memory (per-channel mode: resampled to 256 Hz inside, the channel's probability is its
 * vote) and returns its events. The standard mode (SzCORE 19-channel average-reference input) needs
 * at least 4 referential EEG channels and so does not apply to a single-channel surrogate.
 */
import type { NeuralSeizureModel } from '../neural/model.js';
import { detectPerChannelSamples, type PerChannelDetector } from '../channel/detect.js';
import type { DetectionParams } from '../params.js';
import type { TimeEvent } from '../scoring/index.js';
import { SURROGATE_CHANNEL } from './edf.js';
import type { SurrogateDetector } from './evaluate.js';
import type { SurrogateRecording } from './types.js';


/** Why the standard-mode detectors have no row: their input needs ≥ 4 referential EEG channels. */
export const STANDARD_MODE_NOT_APPLICABLE = 'not applicable: needs ≥ 4 EEG channels, a surrogate has 1';

function channelsOf(recording: SurrogateRecording) {
  return [{ label: SURROGATE_CHANNEL, rateHz: recording.rateHz, samples: recording.samples }];
}

function eventsOf(output: { events: readonly { onsetS: number; durationS: number }[] }): TimeEvent[] {
  return output.events.map((e) => [e.onsetS, e.onsetS + e.durationS] as const);
}

const perChannelParams = (): Partial<DetectionParams> => ({ channelMode: 'per-channel' });

/** The events a per-channel detector finds in the surrogate's one channel, in memory. */
export function detectSurrogateEvents(recording: SurrogateRecording, detector: PerChannelDetector): TimeEvent[] {
  return eventsOf(detectPerChannelSamples(channelsOf(recording), detector, perChannelParams()));
}

export function classicalPerChannel(): SurrogateDetector {
  return { name: 'classical, per-channel', detect: (recording) => detectSurrogateEvents(recording, { kind: 'classical' }) };
}

export function neuralPerChannel(neural: NeuralSeizureModel, name = 'neural (default model), per-channel'): SurrogateDetector {
  return { name, detect: (recording) => detectSurrogateEvents(recording, { kind: 'neural', neural }) };
}
