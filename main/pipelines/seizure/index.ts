/**
 * Seizure detection pipeline (classical detector): streams the recording in one-minute chunks
 * through the SzCORE standard input — or, on recordings without one (or when asked), through
 * per-channel detection on every EEG channel alone (channel/detect.ts) — and writes the 1 Hz
 * probability trace, the detected events, the input mode used and the channels read or skipped.
 */
import { ValidationError } from '../../errors.js';
import { EdfReader } from '../../io/edf/index.js';
import type { PipelineContext, PipelineDefinition } from '../../jobs/pipeline.js';
import type { ResultItem } from '../../store/index.js';
import { ClassicalDetector, DEFAULT_CLASSICAL_PARAMS, type DetectedEvent } from './classical.js';
import { detectPerChannel, type PerChannelOutput } from './channel/detect.js';
import { chooseChannelMode, type ModeChoice } from './channel/mode.js';
import { readStandardInput, selectInputChannels, SZCORE_RATE_HZ } from './input.js';
import { DetectionParams } from './params.js';

export const ClassicalDetectionParams = DetectionParams;
export type ClassicalDetectionParams = DetectionParams;

const CHUNK_S = 60;

export interface DetectionOutput {
  events: DetectedEvent[];
  probabilities: Float32Array;
  electrodes: string[];
  missing: string[];
}

/** A detection with the input it used: per-channel runs add each channel's trace and the selection. */
export type ModeDetectionOutput = DetectionOutput & {
  choice: ModeChoice;
  warnings: string[];
  perChannel: Pick<PerChannelOutput, 'channelProbabilities' | 'selection'> | null;
};

/** Seconds done and total; may throw (cancellation). */
type ChunkCallback = (doneS: number, totalS: number) => void;

/** Runs the classical detector over a whole file in the mode params.channelMode asks for (auto: see channel/mode.ts). */
export function detectClassical(file: string, params: ClassicalDetectionParams, onChunk: ChunkCallback = () => {}): ModeDetectionOutput {
  const reader = EdfReader.open(file);
  let choice: ModeChoice;
  try {
    choice = chooseChannelMode(reader, params.channelMode, params.requireAllChannels, params.channels);
  } finally {
    reader.close();
  }
  if (choice.mode === 'standard') return { ...detectClassicalStandard(file, params, onChunk), choice, warnings: [], perChannel: null };
  const { channelProbabilities, selection, warnings, ...output } = detectPerChannel(file, { kind: 'classical' }, params, { channels: params.channels, onProgress: onChunk });
  return { ...output, choice, warnings, perChannel: { channelProbabilities, selection } };
}

/** The classical detector on the SzCORE standard input of a whole file. */
export function detectClassicalStandard(file: string, params: ClassicalDetectionParams, onChunk: ChunkCallback = () => {}): DetectionOutput {
  const reader = EdfReader.open(file);
  try {
    const input = selectInputChannels(reader, { requireAll: params.requireAllChannels });
    const electrodes = input.channels.map((c) => c.electrode);
    const detector = new ClassicalDetector(electrodes, SZCORE_RATE_HZ, {
      ...DEFAULT_CLASSICAL_PARAMS,
      onThreshold: params.onThreshold,
      offThreshold: params.offThreshold,
      minEventS: params.minEventS,
    });
    const totalS = Math.floor(reader.durationS);
    if (totalS < DEFAULT_CLASSICAL_PARAMS.windowS) throw new ValidationError('recording', `${file} is shorter than one ${DEFAULT_CLASSICAL_PARAMS.windowS} s analysis window`);
    const second = electrodes.map(() => new Float64Array(SZCORE_RATE_HZ));
    for (let startS = 0; startS < totalS; startS += CHUNK_S) {
      const seconds = Math.min(CHUNK_S, totalS - startS);
      const chunk = readStandardInput(reader, input, startS, seconds);
      for (let s = 0; s < seconds; s++) {
        chunk.forEach((channel, c) => second[c]!.set(channel.subarray(s * SZCORE_RATE_HZ, (s + 1) * SZCORE_RATE_HZ)));
        detector.pushSecond(second);
      }
      onChunk(startS + seconds, totalS);
    }
    return { events: detector.events(), probabilities: Float32Array.from(detector.probabilities), electrodes, missing: input.missing };
  } finally {
    reader.close();
  }
}

/** What a detection run stores: events (with mode and channels), the 1 Hz trace, per-channel traces. */
export function detectionResults(
  detector: 'classical' | 'neural',
  context: Pick<PipelineContext<unknown>, 'log' | 'params'>,
  output: ModeDetectionOutput,
  extra: Record<string, unknown>,
): ResultItem[] {
  const { choice, perChannel } = output;
  context.log(`${choice.mode} input: ${choice.reason}`);
  if (output.missing.length) context.log(`not in this recording (detector uses the others): ${output.missing.join(', ')}`, 'warn');
  for (const skipped of perChannel?.selection.skipped ?? []) context.log(`channel ${skipped.label} not used: ${skipped.reason}`);
  for (const warning of output.warnings) context.log(warning, 'warn');
  context.log(`${output.events.length} event(s) on ${output.electrodes.length} channels`);
  const channels = perChannel
    ? {
        channels: perChannel.selection.channels.map(({ label, rateHz }) => ({ label, rateHz })),
        skipped: perChannel.selection.skipped,
      }
    : { channels: output.electrodes.map((label) => ({ label, rateHz: SZCORE_RATE_HZ })), skipped: output.missing.map((label) => ({ label, reason: 'not in this recording' })) };
  const results: ResultItem[] = [
    {
      key: 'events',
      value: { detector, ...extra, params: context.params, channelMode: choice.mode, channelModeReason: choice.reason, ...channels, warnings: output.warnings, events: output.events, electrodes: output.electrodes },
    },
    { key: 'probability', value: { rateHz: 1, note: 'probability of the 4 s window ending at each second' }, array: { data: output.probabilities, shape: [output.probabilities.length] } },
  ];
  if (perChannel) {
    const seconds = output.probabilities.length;
    results.push({
      key: 'channel-probability',
      value: { rateHz: 1, channels: output.electrodes, note: 'each channel scored alone: seconds × channels; the recording trace is the maximum of these smoothed over 3 s' },
      array: { data: perChannel.channelProbabilities, shape: [seconds, output.electrodes.length] },
    });
  }
  return results;
}

const seizureClassical: PipelineDefinition<ClassicalDetectionParams> = {
  name: 'seizure-classical',
  title: 'Detect seizures (classical)',
  description: 'Line length, 3–12 Hz band share and rhythmicity per channel against its own background; events by hysteresis. SzCORE standard input, or every channel alone on any montage (channelMode). No training needed.',
  input: 'recording',
  recordingKinds: ['eeg'],
  params: ClassicalDetectionParams,
  async run(context) {
    const recording = context.recording;
    if (!recording) throw new ValidationError('recordingId', 'seizure detection needs a recording');
    const output = detectClassical(recording.sourcePath, context.params, (doneS, totalS) => {
      context.throwIfCancelled();
      context.progress(doneS / totalS, `${Math.round(doneS / 60)} / ${Math.round(totalS / 60)} min`);
    });
    return detectionResults('classical', context, output, {});
  },
};

export default seizureClassical;
