/**
 * An EDF recording with annotated seizures as a training example of the per-channel detector: every
 * channel the per-channel detectors read (../channel/input.ts selectChannels: rate ≥ 100 Hz, a
 * voltage unit, not another modality) described alone by window features, the frames stacked as
 * channels, so training pools over them as the standard input does — multiple-instance learning:
 * an annotation says that some channel seizes, not which.
 */
import { ValidationError } from '../../../errors.js';
import { EdfReader } from '../../../io/edf/index.js';
import { selectChannels } from '../channel/input.js';
import { windowFrames } from '../channel/features.js';
import { WINDOW_FEATURE_COUNT } from '../channel/feature-set.js';
import { frameCount } from './segment-features.js';
import { windowLabel, type RecordingFeatures, type TrainingRecording } from './train.js';
import { FIRST_READY_SECOND } from './windows.js';

/**
 * An EDF recording's per-channel window features and labels (windowLabel of its seizures). Reads
 * each channel whole (training recordings are minutes to hours: one channel of 24 h at 256 Hz is
 * 180 MB at most, freed before the next).
 */
export function recordingWindowFeatures(recording: TrainingRecording & { collection?: string; channels?: string[] }): RecordingFeatures {
  for (const [s, e] of recording.seizures) {
    if (!(e > s) || s < 0) throw new ValidationError('seizures', `${recording.file}: seizure [${s}, ${e}) s is not a valid interval`);
  }
  const reader = EdfReader.open(recording.file);
  try {
    const { channels } = selectChannels(reader, recording.channels ? { channels: recording.channels } : {});
    const totalS = Math.floor(reader.durationS);
    const spans = channels.map((channel) => {
      const { data } = reader.readWindow(0, totalS, [channel.index]);
      const samples = data[0]!;
      for (let i = 0; i < samples.length; i++) samples[i] = Number.isNaN(samples[i]!) ? 0 : samples[i]! * channel.toMicrovolts;
      return windowFrames(samples, channel.rateHz);
    });
    const seconds = Math.min(...spans.map(frameCount));
    const firstS = spans[0]!.firstS;
    if (spans.some((s) => s.firstS !== firstS)) throw new ValidationError('recording', `${recording.file}: its channels differ in length`);
    const frames = new Float32Array(seconds * channels.length * WINDOW_FEATURE_COUNT);
    spans.forEach((span, c) => {
      for (let t = 0; t < seconds; t++) {
        frames.set(span.frames.subarray(t * WINDOW_FEATURE_COUNT, (t + 1) * WINDOW_FEATURE_COUNT), (t * channels.length + c) * WINDOW_FEATURE_COUNT);
      }
    });
    const labelled = firstS + seconds;
    const labels = new Int8Array(labelled);
    for (let t = 0; t < labelled; t++) labels[t] = t < Math.max(firstS, FIRST_READY_SECOND) ? -1 : windowLabel(t, recording.seizures);
    return {
      file: recording.file,
      ...(recording.collection !== undefined ? { collection: recording.collection } : {}),
      electrodes: channels.map((c) => c.label),
      missing: [],
      totalS: labelled,
      durationS: reader.durationS,
      span: { firstS, channels: channels.length, frames },
      labels,
      seizures: recording.seizures,
    };
  } finally {
    reader.close();
  }
}
