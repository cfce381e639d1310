/**
 * Per-channel seizure detection: every channel is scored alone — by the classical detector (its
 * line length against the channel's own background needs no montage) or by a per-channel neural
 * model (window features, channels = 1, so the model's output is that channel's probability) —
 * giving one 1 Hz probability trace per channel.
 *
 * Combining channels: the recording's probability at second t is the largest, over channels, of
 * each channel's trace averaged over the 3 s centred on t. A focal seizure may show on one contact
 * only, so channels are not averaged together; smoothing each channel first means one channel must
 * stay high for the event's hold time, rather than brief single-second spikes hopping from
 * channel to channel (with tens of intracranial contacts, the raw maximum would rise on noise).
 * Events come from the classical detector's hysteresis on that trace (same thresholds and holds as
 * the standard mode); each lists the channels whose own smoothed trace crossed the on-threshold
 * inside it, most seconds above first.
 *
 * The recording is read in chunks (one to ten minutes, fewer seconds for more channels) so memory
 * stays bounded; the per-channel traces (seconds × channels, float32) are the only thing that grows.
 */
import { ValidationError } from '../../../errors.js';
import { EdfReader } from '../../../io/edf/index.js';
import { CancelledError } from '../../../jobs/pipeline.js';
import { ClassicalDetector, DEFAULT_CLASSICAL_PARAMS, type DetectedEvent } from '../classical.js';
import type { DetectionOutput } from '../index.js';
import { hysteresisEvents } from '../neural/detect.js';
import { inputWidth, type NeuralSeizureModel } from '../neural/model.js';
import { fillWindow, FIRST_READY_SECOND, WindowPredictor, type FrameSpan } from '../neural/windows.js';
import { DetectionParams } from '../params.js';
import { MIN_SOURCE_RATE_HZ, WINDOW_FEATURE_COUNT, WINDOW_FEATURE_VERSION, WINDOW_RATE_HZ, WINDOW_S } from './feature-set.js';
import { windowFramesAt256, WindowFeatureExtractor } from './features.js';
import { readChannelSeconds, selectChannels, type ChannelSelection } from './input.js';
import { resampleToRate } from './resample.js';

export type PerChannelDetector = { kind: 'classical' } | { kind: 'neural'; neural: NeuralSeizureModel };

export interface PerChannelOptions {
  /** Only these channels (labels as in the file). */
  channels?: readonly string[];
  /** Called after each chunk with seconds done and total; may throw to stop. */
  onProgress?: (doneS: number, totalS: number) => void;
  /** Aborting stops the work between chunks with a CancelledError. */
  signal?: AbortSignal;
}

export interface PerChannelOutput extends DetectionOutput {
  /** Each channel's own 1 Hz probability, seconds × channels (row-major), before smoothing. */
  channelProbabilities: Float32Array;
  /** The channels read and those left out, with reasons. */
  selection: ChannelSelection;
  /** Things the user should know about the result (assumed units, a recording too short to score). */
  warnings: string[];
}

/** Seconds each channel's trace is averaged over (centred) before the maximum over channels. */
export const CHANNEL_SMOOTHING_S = 3;

/** A source of 256 Hz µV seconds: the file in chunks, or signals already in memory. */
interface SecondsSource {
  labels: string[];
  totalS: number;
  /** [startS, startS + seconds) of every channel at 256 Hz, µV. */
  read(startS: number, seconds: number): Float64Array[];
  /** All samples of the recording when it is shorter than one window (for its single frame). */
  readAll(): Float64Array[];
}

function chunkSeconds(channels: number): number {
  // About 16 MB of 256 Hz doubles per chunk, between one and ten minutes.
  return Math.max(60, Math.min(600, Math.floor(7680 / channels)));
}

/** Seconds × channels of probabilities from the classical detector run on each channel alone. */
function classicalTraces(source: SecondsSource, traces: Float32Array, progress: (doneS: number) => void, signal?: AbortSignal): void {
  const channels = source.labels.length;
  const detectors = source.labels.map((label) => new ClassicalDetector([label], WINDOW_RATE_HZ));
  const one: Float64Array[] = [new Float64Array(WINDOW_RATE_HZ)];
  const step = chunkSeconds(channels);
  for (let startS = 0; startS < source.totalS; startS += step) {
    if (signal?.aborted) throw new CancelledError();
    const seconds = Math.min(step, source.totalS - startS);
    const chunk = source.read(startS, seconds);
    chunk.forEach((samples, c) => {
      const detector = detectors[c]!;
      for (let s = 0; s < seconds; s++) {
        one[0] = samples.subarray(s * WINDOW_RATE_HZ, (s + 1) * WINDOW_RATE_HZ);
        traces[(startS + s) * channels + c] = detector.pushSecond(one);
      }
      // The detector keeps every second's probability and votes; here they are already stored.
      detector.probabilities.length = 0;
      detector.votes.length = 0;
    });
    progress(startS + seconds);
  }
}

function checkPerChannelModel(neural: NeuralSeizureModel): void {
  const { config } = neural;
  if (config.input !== 'per-channel' || config.featureVersion !== WINDOW_FEATURE_VERSION) {
    throw new ValidationError('model', `this model was trained on the ${config.input} input (${config.featureVersion}); per-channel detection needs a per-channel model on ${WINDOW_FEATURE_VERSION}`);
  }
  if (config.featureNames.length !== WINDOW_FEATURE_COUNT) {
    throw new ValidationError('model', `per-channel model lists ${config.featureNames.length} features, the window features are ${WINDOW_FEATURE_COUNT}`);
  }
}

/** Seconds × channels of probabilities from a per-channel neural model, every channel scored alone. */
function neuralTraces(source: SecondsSource, neural: NeuralSeizureModel, traces: Float32Array, progress: (doneS: number) => void, signal?: AbortSignal): void {
  checkPerChannelModel(neural);
  const { config } = neural;
  const predictor = new WindowPredictor(neural);
  const channels = source.labels.length;
  const width = inputWidth(config);
  if (source.totalS < WINDOW_S) {
    // Shorter than one window: one frame per channel from all there is, scored at the last second.
    const all = source.readAll();
    const inputs = new Float32Array(channels * width);
    all.forEach((samples, c) => fillWindow(windowFramesAt256(samples), FIRST_READY_SECOND, config, inputs, c * width));
    const { probabilities } = predictor.predict(inputs, channels, 1);
    for (let c = 0; c < channels; c++) traces[(source.totalS - 1) * channels + c] = probabilities[c]!;
    progress(source.totalS);
    return;
  }
  const maxLag = Math.max(0, ...config.lagsS);
  const extractors = source.labels.map(() => new WindowFeatureExtractor());
  const step = chunkSeconds(channels);
  // Per channel, the frames of this chunk with up to maxLag frames of the previous chunk before them.
  let tails: Float32Array[] = source.labels.map(() => new Float32Array(0));
  for (let startS = 0; startS < source.totalS; startS += step) {
    if (signal?.aborted) throw new CancelledError();
    const seconds = Math.min(step, source.totalS - startS);
    const chunk = source.read(startS, seconds);
    const firstScored = Math.max(startS, FIRST_READY_SECOND);
    const scored = startS + seconds - firstScored;
    const inputs = new Float32Array(Math.max(0, scored) * channels * width);
    const nextTails: Float32Array[] = [];
    chunk.forEach((samples, c) => {
      const tail = tails[c]!;
      const kept = tail.length / WINDOW_FEATURE_COUNT;
      const frames = new Float32Array((kept + seconds) * WINDOW_FEATURE_COUNT);
      frames.set(tail);
      const extractor = extractors[c]!;
      for (let s = 0; s < seconds; s++) extractor.pushSecond(samples.subarray(s * WINDOW_RATE_HZ, (s + 1) * WINDOW_RATE_HZ), frames, (kept + s) * WINDOW_FEATURE_COUNT);
      const span: FrameSpan = { firstS: startS - kept, channels: 1, frames };
      // Window k of the batch is second firstScored + k of channel c: laid out second-major.
      for (let t = firstScored; t < startS + seconds; t++) fillWindow(span, t, config, inputs, ((t - firstScored) * channels + c) * width);
      const keep = Math.min(maxLag, kept + seconds);
      nextTails.push(frames.slice(frames.length - keep * WINDOW_FEATURE_COUNT));
    });
    tails = nextTails;
    if (scored > 0) {
      const { probabilities } = predictor.predict(inputs, scored * channels, 1);
      traces.set(probabilities, firstScored * channels);
    }
    progress(startS + seconds);
  }
}

/** Centred moving average of each channel's trace, then the maximum over channels. */
export function combineChannels(traces: Float32Array, channels: number, smoothingS = CHANNEL_SMOOTHING_S): { probabilities: Float32Array; smoothed: Float32Array } {
  const seconds = traces.length / channels;
  const smoothed = new Float32Array(traces.length);
  const before = Math.floor((smoothingS - 1) / 2);
  const after = smoothingS - 1 - before;
  for (let c = 0; c < channels; c++) {
    for (let t = 0; t < seconds; t++) {
      let sum = 0;
      let count = 0;
      for (let u = Math.max(0, t - before); u <= Math.min(seconds - 1, t + after); u++) {
        sum += traces[u * channels + c]!;
        count++;
      }
      smoothed[t * channels + c] = sum / count;
    }
  }
  const probabilities = new Float32Array(seconds);
  for (let t = 0; t < seconds; t++) {
    let max = 0;
    for (let c = 0; c < channels; c++) max = Math.max(max, smoothed[t * channels + c]!);
    probabilities[t] = max;
  }
  return { probabilities, smoothed };
}

/** The channels whose own smoothed trace is above `threshold` during the event, most seconds first. */
function eventChannels(event: DetectedEvent, smoothed: Float32Array, labels: readonly string[], threshold: number): string[] {
  const channels = labels.length;
  const seconds = smoothed.length / channels;
  const from = Math.max(0, Math.floor(event.onsetS));
  const to = Math.min(seconds, Math.ceil(event.onsetS + event.durationS));
  const tally = labels.map((label, c) => {
    let above = 0;
    for (let t = from; t < to; t++) if (smoothed[t * channels + c]! > threshold) above++;
    return { label, above };
  });
  return tally
    .filter((t) => t.above > 0)
    .sort((a, b) => b.above - a.above)
    .map((t) => t.label);
}

function runPerChannel(source: SecondsSource, detector: PerChannelDetector, params: Partial<DetectionParams>, selection: ChannelSelection, options: PerChannelOptions): PerChannelOutput {
  const p = DetectionParams.parse(params);
  const channels = source.labels.length;
  const warnings = [...selection.warnings];
  const traces = new Float32Array(source.totalS * channels);
  const progress = (doneS: number) => options.onProgress?.(doneS, source.totalS);
  if (detector.kind === 'classical') {
    if (source.totalS < DEFAULT_CLASSICAL_PARAMS.windowS) {
      warnings.push(`the recording lasts ${source.totalS} whole second(s), shorter than the classical detector's ${DEFAULT_CLASSICAL_PARAMS.windowS} s window: nothing was scored`);
    }
    classicalTraces(source, traces, progress, options.signal);
  } else {
    if (source.totalS < WINDOW_S) warnings.push(`the recording lasts ${source.totalS} whole second(s), less than one ${WINDOW_S} s window: each channel was scored once, on all of it`);
    neuralTraces(source, detector.neural, traces, progress, options.signal);
  }
  const { probabilities, smoothed } = combineChannels(traces, channels);
  const hysteresis = { onThreshold: p.onThreshold, offThreshold: p.offThreshold, minEventS: p.minEventS };
  const events = hysteresisEvents(source.labels, probabilities, [], hysteresis).map((event) => ({ ...event, channels: eventChannels(event, smoothed, source.labels, p.onThreshold) }));
  return { events, probabilities, electrodes: source.labels, missing: [], channelProbabilities: traces, selection, warnings };
}

/** Per-channel detection over an EDF/BDF file: every qualifying channel scored alone (see selectChannels). */
export function detectPerChannel(file: string, detector: PerChannelDetector, params: Partial<DetectionParams> = {}, options: PerChannelOptions = {}): PerChannelOutput {
  const reader = EdfReader.open(file);
  try {
    const selection = selectChannels(reader, { channels: options.channels });
    const totalS = Math.floor(reader.durationS);
    if (totalS < 1) throw new ValidationError('recording', `${file} lasts ${reader.durationS.toFixed(3)} s; per-channel detection needs at least one whole second`);
    const source: SecondsSource = {
      labels: selection.channels.map((c) => c.label),
      totalS,
      read: (startS, seconds) => readChannelSeconds(reader, selection.channels, startS, seconds),
      readAll: () => readChannelSeconds(reader, selection.channels, 0, Math.min(reader.durationS, WINDOW_S), 0),
    };
    return runPerChannel(source, detector, params, selection, options);
  } finally {
    reader.close();
  }
}

export interface ChannelSamples {
  label: string;
  rateHz: number;
  /** µV. */
  samples: ArrayLike<number>;
}

/** Per-channel detection on signals in memory (segments, surrogates, tests); samples in µV. */
export function detectPerChannelSamples(channels: readonly ChannelSamples[], detector: PerChannelDetector, params: Partial<DetectionParams> = {}, options: Omit<PerChannelOptions, 'channels'> = {}): PerChannelOutput {
  if (channels.length === 0) throw new ValidationError('channels', 'per-channel detection needs at least one channel');
  for (const c of channels) {
    if (!(c.rateHz >= MIN_SOURCE_RATE_HZ)) throw new ValidationError('channels', `channel ${c.label} is sampled at ${c.rateHz} Hz; per-channel detection needs ≥ ${MIN_SOURCE_RATE_HZ} Hz`);
  }
  const at256 = channels.map((c) => (c.rateHz === WINDOW_RATE_HZ ? Float64Array.from(c.samples) : resampleToRate(c.samples, c.rateHz, WINDOW_RATE_HZ)));
  // Samples of a rate like 173.61 Hz rarely make whole seconds exactly: allow for rounding.
  const totalS = Math.min(...channels.map((c) => Math.floor(c.samples.length / c.rateHz + 1e-6)));
  if (totalS < 1) throw new ValidationError('recording', `the shortest channel lasts less than one second; per-channel detection needs at least one whole second`);
  const source: SecondsSource = {
    labels: channels.map((c) => c.label),
    totalS,
    read: (startS, seconds) => at256.map((x) => {
      const out = new Float64Array(seconds * WINDOW_RATE_HZ);
      out.set(x.subarray(startS * WINDOW_RATE_HZ, Math.min(x.length, (startS + seconds) * WINDOW_RATE_HZ)));
      return out;
    }),
    readAll: () => at256.map((x) => x.subarray(0, Math.min(x.length, WINDOW_S * WINDOW_RATE_HZ))),
  };
  const selection: ChannelSelection = { channels: channels.map((c, index) => ({ index, label: c.label, rateHz: c.rateHz, toMicrovolts: 1 })), skipped: [], warnings: [] };
  return runPerChannel(source, detector, params, selection, options);
}
