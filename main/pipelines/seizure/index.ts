/**
 * Seizure detection pipeline (classical detector): streams the recording in one-minute chunks
 * through the SzCORE standard input, writes the 1 Hz probability trace and the detected events.
 */
import { ValidationError } from '../../errors.js';
import { EdfReader } from '../../io/edf/index.js';
import type { PipelineDefinition } from '../../jobs/pipeline.js';
import { ClassicalDetector, DEFAULT_CLASSICAL_PARAMS, type DetectedEvent } from './classical.js';
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

/** Runs the classical detector over a whole file (used by the pipeline, the CLI and benchmarks). */
export function detectClassical(
  file: string,
  params: ClassicalDetectionParams,
  onChunk: (doneS: number, totalS: number) => void = () => {},
): DetectionOutput {
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

const seizureClassical: PipelineDefinition<ClassicalDetectionParams> = {
  name: 'seizure-classical',
  title: 'Detect seizures (classical)',
  description: 'Line length, 3–12 Hz band share and rhythmicity per channel against its own background; events by hysteresis. No training needed.',
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
    if (output.missing.length) context.log(`not in this recording (detector uses the others): ${output.missing.join(', ')}`, 'warn');
    context.log(`${output.events.length} event(s) on ${output.electrodes.length} channels`);
    return [
      { key: 'events', value: { detector: 'classical', params: context.params, events: output.events, electrodes: output.electrodes } },
      { key: 'probability', value: { rateHz: 1, note: 'probability of the 4 s window ending at each second' }, array: { data: output.probabilities, shape: [output.probabilities.length] } },
    ];
  },
};

export default seizureClassical;
