/**
 * Neural detection over a recording of any length: the SzCORE standard input is read in one-minute
 * chunks, turned into feature frames, and each chunk's windows go through the model in one batch.
 * Only the last few frames (the largest lag) are kept between chunks, so memory does not grow with
 * the recording. The 1 Hz probability trace becomes events through the classical detector's own
 * hysteresis (same thresholds and holds), so both detectors' events mean the same thing.
 */
import { ValidationError } from '../../../errors.js';
import { EdfReader } from '../../../io/edf/index.js';
import { CancelledError } from '../../../jobs/pipeline.js';
import { ClassicalDetector, DEFAULT_CLASSICAL_PARAMS, type ClassicalParams, type DetectedEvent } from '../classical.js';
import type { DetectionOutput } from '../index.js';
import { readStandardInput, selectInputChannels, SZCORE_RATE_HZ } from '../input.js';
import { DetectionParams } from '../params.js';
import { FEATURE_COUNT, FEATURE_WINDOW_S, FeatureExtractor } from './features.js';
import { inputWidth, type NeuralSeizureModel } from './model.js';
import { fillWindow, FIRST_READY_SECOND, WindowPredictor, type FrameSpan } from './windows.js';

export const CHUNK_S = 60;

export const NeuralDetectionParams = DetectionParams;
export type NeuralDetectionParams = DetectionParams;

export interface StreamOptions {
  requireAllChannels?: boolean;
  /** Called after each chunk with seconds done and total; may throw to stop. */
  onProgress?: (doneS: number, totalS: number) => void;
  /** Aborting stops the work between chunks with a CancelledError. */
  signal?: AbortSignal;
}

export interface StreamInfo {
  electrodes: string[];
  missing: string[];
  /** Whole seconds analysed. */
  totalS: number;
  /** The recording's duration as its header states it. */
  durationS: number;
}

/**
 * Reads `file` chunk by chunk and hands each chunk's feature frames to `onFrames`; returns the
 * channels used. Whole seconds only: a trailing fraction of a second is not analysed.
 */
export function streamFeatureFrames(file: string, options: StreamOptions, onFrames: (span: FrameSpan, info: StreamInfo) => void): StreamInfo {
  const reader = EdfReader.open(file);
  try {
    const input = selectInputChannels(reader, { requireAll: options.requireAllChannels ?? false });
    const electrodes = input.channels.map((c) => c.electrode);
    const totalS = Math.floor(reader.durationS);
    if (totalS < FEATURE_WINDOW_S) throw new ValidationError('recording', `${file} is shorter than one ${FEATURE_WINDOW_S} s analysis window`);
    const info = { electrodes, missing: input.missing, totalS, durationS: reader.durationS };
    const extractor = new FeatureExtractor(electrodes.length);
    const second = electrodes.map(() => new Float64Array(SZCORE_RATE_HZ));
    const frameSize = electrodes.length * FEATURE_COUNT;
    for (let startS = 0; startS < totalS; startS += CHUNK_S) {
      if (options.signal?.aborted) throw new CancelledError();
      const seconds = Math.min(CHUNK_S, totalS - startS);
      const chunk = readStandardInput(reader, input, startS, seconds);
      const frames = new Float32Array(seconds * frameSize);
      for (let s = 0; s < seconds; s++) {
        chunk.forEach((channel, c) => second[c]!.set(channel.subarray(s * SZCORE_RATE_HZ, (s + 1) * SZCORE_RATE_HZ)));
        extractor.pushSecond(second, frames.subarray(s * frameSize, (s + 1) * frameSize));
      }
      onFrames({ firstS: startS, channels: electrodes.length, frames }, info);
      options.onProgress?.(startS + seconds, totalS);
    }
    return info;
  } finally {
    reader.close();
  }
}

/** The classical detector's hysteresis (imported, not copied) over a neural probability trace. */
export function hysteresisEvents(electrodes: readonly string[], probabilities: ArrayLike<number>, votes: readonly (readonly number[])[], params: Partial<ClassicalParams> = {}): DetectedEvent[] {
  const detector = new ClassicalDetector(electrodes, SZCORE_RATE_HZ, { ...DEFAULT_CLASSICAL_PARAMS, ...params, windowS: FEATURE_WINDOW_S });
  for (let i = 0; i < probabilities.length; i++) {
    detector.probabilities.push(probabilities[i]!);
    detector.votes.push([...(votes[i] ?? [])]);
  }
  return detector.events();
}

/** Probabilities and votes of the seconds of `frames` from `fromS` (frames may begin up to maxLag s earlier). */
function predictSeconds(predictor: WindowPredictor, frames: FrameSpan, fromS: number, seconds: number, probabilities: Float32Array, votes: number[][]): void {
  const { config } = predictor.neural;
  const channels = frames.channels;
  const width = inputWidth(config);
  const inputs = new Float32Array(seconds * channels * width);
  const scored: number[] = [];
  for (let t = fromS; t < fromS + seconds; t++) {
    votes[t] = new Array<number>(channels).fill(0);
    if (t < FIRST_READY_SECOND) continue;
    fillWindow(frames, t, config, inputs, scored.length * channels * width);
    scored.push(t);
  }
  const out = predictor.predict(inputs, scored.length, channels);
  scored.forEach((t, k) => {
    probabilities[t] = out.probabilities[k]!;
    votes[t] = Array.from(out.votes.subarray(k * channels, (k + 1) * channels));
  });
}

function hysteresisParams(p: NeuralDetectionParams): Partial<ClassicalParams> {
  return { onThreshold: p.onThreshold, offThreshold: p.offThreshold, minEventS: p.minEventS };
}

/** Detection on feature frames already in memory (a whole recording's, as training extracts them). */
export function predictSpan(neural: NeuralSeizureModel, span: FrameSpan, totalS: number, electrodes: readonly string[], params: Partial<NeuralDetectionParams> = {}): { events: DetectedEvent[]; probabilities: Float32Array } {
  const p = NeuralDetectionParams.parse(params);
  const predictor = new WindowPredictor(neural);
  const probabilities = new Float32Array(totalS);
  const votes: number[][] = [];
  for (let from = span.firstS; from < span.firstS + totalS; from += CHUNK_S) predictSeconds(predictor, span, from, Math.min(CHUNK_S, span.firstS + totalS - from), probabilities, votes);
  return { events: hysteresisEvents(electrodes, probabilities, votes, hysteresisParams(p)), probabilities };
}

/** Runs the neural detector over a whole file: 1 Hz probabilities (second i = window ending at i + 1) and events. */
export function detectNeural(file: string, neural: NeuralSeizureModel, params: Partial<NeuralDetectionParams> = {}, options: Omit<StreamOptions, 'requireAllChannels'> = {}): DetectionOutput {
  const p = NeuralDetectionParams.parse(params);
  const predictor = new WindowPredictor(neural);
  const maxLag = Math.max(...neural.config.lagsS);
  let probabilities = new Float32Array(0);
  const votes: number[][] = [];
  let tail: FrameSpan | null = null;
  const info = streamFeatureFrames(file, { ...options, requireAllChannels: p.requireAllChannels }, (span, { totalS }) => {
    if (probabilities.length === 0) probabilities = new Float32Array(totalS);
    const frameSize = span.channels * FEATURE_COUNT;
    // This chunk's frames with up to maxLag frames of the previous chunk before them.
    const kept = tail ? Math.min(maxLag, tail.frames.length / frameSize) : 0;
    const joined = new Float32Array(kept * frameSize + span.frames.length);
    if (tail && kept) joined.set(tail.frames.subarray(tail.frames.length - kept * frameSize));
    joined.set(span.frames, kept * frameSize);
    const frames: FrameSpan = { firstS: span.firstS - kept, channels: span.channels, frames: joined };
    predictSeconds(predictor, frames, span.firstS, span.frames.length / frameSize, probabilities, votes);
    tail = frames;
  });
  const events = hysteresisEvents(info.electrodes, probabilities, votes, hysteresisParams(p));
  return { events, probabilities, electrodes: info.electrodes, missing: info.missing };
}
