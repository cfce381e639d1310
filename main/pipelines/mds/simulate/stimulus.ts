/**
 * The simulated retina's stimulus program at 30 Hz on a small two-channel (green, UV) canvas,
 * values in [−1, 1] around a grey 0:
 *   dense binary noise (training; its last tenth validates)   noiseS seconds
 *   a repeated noise segment (the held-out test protocol)     testS × testRepeats
 *   chirp: steps, frequency sweep, amplitude sweep (full field, both channels)
 *   colour steps: a green flash, then a UV flash (full field)
 *   moving bars: a bright bar crossing the canvas in 8 directions
 * Chirp, colour steps and bars are repeated `trials` times; their last trial validates, the others
 * train, and their trial averages are the baselines' features (Baden et al. 2016 used chirp, colour
 * and bar responses the same way).
 */
import { deriveSeed, seededRandom } from '../../../../shared/random.js';
import type { FrameRange, MdsProtocol } from '../types.js';

export const SIM_FRAME_RATE_HZ = 30;
/** Frames of each noise pattern (15 Hz noise at 30 Hz frames: slow enough for the sustained cells). */
const NOISE_HOLD_FRAMES = 2;

export interface ProgramOptions {
  readonly height: number;
  readonly width: number;
  readonly noiseS: number;
  readonly testS: number;
  readonly testRepeats: number;
  readonly trials: number;
  readonly seed: number;
}

export interface StimulusProgram {
  readonly frames: number;
  /** [frames, height, width, 2] row-major. */
  readonly stimulus: Float32Array;
  readonly protocols: MdsProtocol[];
  readonly test: MdsProtocol;
  readonly trainRanges: FrameRange[];
  readonly validationRanges: FrameRange[];
  /** Frames where a block starts (noise, each trial): the "stimulus changes" written beside the spikes. */
  readonly changeFrames: number[];
}

const CHANNELS = 2;
const s = (seconds: number): number => Math.round(seconds * SIM_FRAME_RATE_HZ);

/** One chirp trial's full-field values (Baden's chirp, shortened): 20 s. */
export function chirpTrace(): Float32Array {
  const parts: number[] = [];
  const hold = (value: number, seconds: number): void => {
    for (let i = 0; i < s(seconds); i++) parts.push(value);
  };
  hold(0, 1);
  hold(1, 2);
  hold(-1, 2);
  hold(0, 1);
  // Frequency sweep 0.5 → 8 Hz over 6 s (linear chirp: phase = 2π(f0 t + (f1−f0) t²/(2T))).
  const T = 6;
  for (let i = 0; i < s(T); i++) {
    const t = i / SIM_FRAME_RATE_HZ;
    parts.push(Math.sin(2 * Math.PI * (0.5 * t + ((8 - 0.5) * t * t) / (2 * T))));
  }
  hold(0, 1);
  // Amplitude sweep at 2 Hz, 0 → 1 over 6 s.
  for (let i = 0; i < s(T); i++) {
    const t = i / SIM_FRAME_RATE_HZ;
    parts.push((t / T) * Math.sin(2 * Math.PI * 2 * t));
  }
  hold(0, 1);
  return Float32Array.from(parts);
}

/** One colour-steps trial: [frames, 2] (green, UV), 4 s. */
export function colourStepsTrace(): Float32Array {
  const rows: [number, number][] = [];
  const hold = (g: number, u: number, seconds: number): void => {
    for (let i = 0; i < s(seconds); i++) rows.push([g, u]);
  };
  hold(0, 0, 0.5);
  hold(1, 0, 1);
  hold(0, 0, 1);
  hold(0, 1, 1);
  hold(0, 0, 0.5);
  return Float32Array.from(rows.flat());
}

const BAR_WIDTH_PX = 2;
const BAR_SPEED_PX_PER_FRAME = 0.5;
const BAR_GAP_FRAMES = 9;
export const BAR_DIRECTIONS = 8;

/** Frames of one bar sweep (crossing the canvas' diagonal plus the bar's width) and its pause. */
function barSweepFrames(height: number, width: number): number {
  return Math.ceil((Math.hypot(height, width) + 2 * BAR_WIDTH_PX) / BAR_SPEED_PX_PER_FRAME);
}

/** One moving-bars trial (8 directions, 45° apart): [frames, height, width] of 0/1. */
export function movingBarsClip(height: number, width: number): { frames: number; values: Float32Array } {
  const sweep = barSweepFrames(height, width);
  const per = sweep + BAR_GAP_FRAMES;
  const frames = per * BAR_DIRECTIONS;
  const values = new Float32Array(frames * height * width);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const start = -(Math.hypot(height, width) / 2 + BAR_WIDTH_PX);
  for (let d = 0; d < BAR_DIRECTIONS; d++) {
    const angle = (2 * Math.PI * d) / BAR_DIRECTIONS;
    const ux = Math.cos(angle);
    const uy = Math.sin(angle);
    for (let f = 0; f < sweep; f++) {
      const position = start + f * BAR_SPEED_PX_PER_FRAME;
      const at = (d * per + f) * height * width;
      for (let r = 0; r < height; r++) {
        for (let c = 0; c < width; c++) {
          const p = (c - cx) * ux + (r - cy) * uy;
          if (Math.abs(p - position) <= BAR_WIDTH_PX / 2) values[at + r * width + c] = 1;
        }
      }
    }
  }
  return { frames, values };
}

/** Frames of the whole program (without building it: for the memory check). */
export function programFrames(options: Omit<ProgramOptions, 'seed'>): number {
  const bars = (barSweepFrames(options.height, options.width) + BAR_GAP_FRAMES) * BAR_DIRECTIONS;
  return s(options.noiseS) + s(options.testS) * options.testRepeats + options.trials * (chirpTrace().length + colourStepsTrace().length / CHANNELS + bars);
}

/** Builds the whole program (deterministic in `seed`). */
export function buildProgram(options: ProgramOptions): StimulusProgram {
  const { height, width } = options;
  const pixels = height * width;
  const frameSize = pixels * CHANNELS;
  const noiseFrames = s(options.noiseS);
  const testFrames = s(options.testS);
  const chirp = chirpTrace();
  const colour = colourStepsTrace();
  const colourFrames = colour.length / CHANNELS;
  const bars = movingBarsClip(height, width);
  const frames = noiseFrames + testFrames * options.testRepeats + options.trials * (chirp.length + colourFrames + bars.frames);
  const stimulus = new Float32Array(frames * frameSize);
  const noise = (at: number, count: number, seed: number): void => {
    const random = seededRandom(seed);
    for (let f = 0; f < count; f += NOISE_HOLD_FRAMES) {
      const pattern = new Float32Array(frameSize);
      for (let i = 0; i < frameSize; i++) pattern[i] = random() < 0.5 ? -1 : 1;
      for (let k = f; k < Math.min(count, f + NOISE_HOLD_FRAMES); k++) stimulus.set(pattern, (at + k) * frameSize);
    }
  };
  const changeFrames: number[] = [0];
  const trainRanges: FrameRange[] = [];
  const validationRanges: FrameRange[] = [];
  noise(0, noiseFrames, deriveSeed(options.seed, 1));
  const validationStart = Math.round(noiseFrames * 0.9);
  trainRanges.push([0, validationStart]);
  validationRanges.push([validationStart, noiseFrames]);
  let at = noiseFrames;
  const testStarts: number[] = [];
  for (let r = 0; r < options.testRepeats; r++) {
    noise(at, testFrames, deriveSeed(options.seed, 2));
    testStarts.push(at);
    changeFrames.push(at);
    at += testFrames;
  }
  const protocolStarts: Record<'chirp' | 'colour steps' | 'moving bars', number[]> = { chirp: [], 'colour steps': [], 'moving bars': [] };
  const place = (name: keyof typeof protocolStarts, length: number, write: (start: number) => void, trial: number): void => {
    protocolStarts[name].push(at);
    changeFrames.push(at);
    write(at);
    (trial === options.trials - 1 && options.trials > 1 ? validationRanges : trainRanges).push([at, at + length]);
    at += length;
  };
  // Trials interleave the protocols (chirp, colour, bars, chirp, …) as an experiment would.
  for (let t = 0; t < options.trials; t++) {
    place('chirp', chirp.length, (start) => {
      for (let f = 0; f < chirp.length; f++) stimulus.fill(chirp[f]!, (start + f) * frameSize, (start + f + 1) * frameSize);
    }, t);
    place('colour steps', colourFrames, (start) => {
      for (let f = 0; f < colourFrames; f++) {
        for (let p = 0; p < pixels; p++) {
          stimulus[(start + f) * frameSize + p * CHANNELS] = colour[f * CHANNELS]!;
          stimulus[(start + f) * frameSize + p * CHANNELS + 1] = colour[f * CHANNELS + 1]!;
        }
      }
    }, t);
    place('moving bars', bars.frames, (start) => {
      for (let f = 0; f < bars.frames; f++) {
        for (let p = 0; p < pixels; p++) {
          const v = bars.values[f * pixels + p]!;
          stimulus[(start + f) * frameSize + p * CHANNELS] = v;
          stimulus[(start + f) * frameSize + p * CHANNELS + 1] = v;
        }
      }
    }, t);
  }
  const protocols: MdsProtocol[] = [
    { name: 'chirp', trialStarts: protocolStarts.chirp, lengthFrames: chirp.length },
    { name: 'colour steps', trialStarts: protocolStarts['colour steps'], lengthFrames: colourFrames },
    { name: 'moving bars', trialStarts: protocolStarts['moving bars'], lengthFrames: bars.frames },
  ];
  return {
    frames,
    stimulus,
    protocols,
    test: { name: 'repeated noise', trialStarts: testStarts, lengthFrames: testFrames },
    trainRanges: mergeRanges(trainRanges),
    validationRanges: mergeRanges(validationRanges),
    changeFrames,
  };
}

/** Sorted ranges with touching neighbours joined. */
export function mergeRanges(ranges: readonly FrameRange[]): FrameRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
