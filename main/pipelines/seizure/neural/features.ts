/**
 * The neural detector's input: a cheap per-second spectral feature map, one frame of
 * FEATURE_COUNT numbers per channel per second, computed in plain TypeScript from the 4 s window
 * of the SzCORE standard input (256 Hz, common average) that ends at that second.
 *
 * Why features and not 1-D convolutions over raw 256 Hz samples: training must work on the CPU
 * backends this project ships (wasm here), and tfjs-backend-wasm has no Conv2DBackpropFilter kernel
 * (conv1d's weight gradient) and takes a slow scalar path for the transposed matmuls of backward
 * passes. A feature map makes training seconds instead of hours on two cores, makes inference
 * hundreds of times faster than real time, and — because every feature is relative (band shares,
 * ratios to the channel's own background) — carries over between recordings of different gain,
 * sample rate and montage, which is what a detector trained on a few recordings needs most.
 *
 * Per channel and second, every feature is a deviation from that channel's own recent background
 * (the running quantile of the same quantity over its last 300 s: the 25th percentile for power and
 * line length, so a long seizure does not raise its own baseline, the median for the others).
 * Absolute band shares differ between people, montages and amplifiers far more than between a
 * person's seizure and background; a model trained on absolute values learns the training
 * recordings' spectrum, not seizures.
 *   0–7  log10 share of 0.5–30 Hz power in the bands 0.5–2, 2–4, 4–6, 6–8, 8–10, 10–13, 13–20,
 *        20–30 Hz, minus its background median;
 *   8    log2 of the 0.5–30 Hz power over its background;
 *   9    log2 of the line length over its background;
 *   10   log2 rhythmicity (the strongest 2–12 Hz bin over that band's mean) minus its background median.
 * Before any background exists (the first ready second) the features are 0.
 */
import { hann, realPowerSpectrum } from '../../../signal/index.js';
import { RunningQuantile } from '../running-quantile.js';
import { SPECTRAL_BANDS_HZ } from '../channel/feature-set.js';

export const FEATURE_WINDOW_S = 4;
export const FEATURE_RATE_HZ = 256;
export const BACKGROUND_S = 300;
export const BACKGROUND_QUANTILE = 0.25;
export const FEATURE_NAMES: readonly string[] = [
  ...SPECTRAL_BANDS_HZ.map(([lo, hi]) => `log10 share ${lo}-${hi} Hz`),
  'log2 power / background',
  'log2 line length / background',
  'log2 rhythmicity 2-12 Hz',
].map((name) => `${name} (vs. background)`);
const BACKGROUND_QUANTILES: readonly number[] = [
  ...SPECTRAL_BANDS_HZ.map(() => 0.5),
  BACKGROUND_QUANTILE,
  BACKGROUND_QUANTILE,
  0.5,
];
export const FEATURE_COUNT = FEATURE_NAMES.length;
/** Feature version, stored with every model: a model is only valid on the features it was trained on. */
export const FEATURE_VERSION = 'cajal-seizure-features-2';

const TINY = 1e-12;

/**
 * Streaming feature extractor: push one second of every channel at 256 Hz, get that second's
 * frame ([channel][feature], row-major) back. The first FEATURE_WINDOW_S − 1 seconds are not
 * `ready` (their window still holds zeros before the recording's start).
 */
export class FeatureExtractor {
  private readonly history: Float64Array[];
  /** Per channel and feature, the background of the raw (log) value. */
  private readonly backgrounds: RunningQuantile[][];
  private readonly raw = new Float64Array(FEATURE_COUNT);
  private readonly taper: Float64Array;
  private readonly segment: Float64Array;
  private readonly spectrum: Float64Array;
  private readonly bandBins: (readonly [number, number])[];
  private readonly totalBins: readonly [number, number];
  private readonly rhythmBins: readonly [number, number];
  private secondsSeen = 0;

  constructor(readonly channelCount: number) {
    const n = FEATURE_WINDOW_S * FEATURE_RATE_HZ;
    this.history = Array.from({ length: channelCount }, () => new Float64Array(n));
    this.backgrounds = Array.from({ length: channelCount }, () => Array.from({ length: FEATURE_COUNT }, () => new RunningQuantile(BACKGROUND_S)));
    this.taper = hann(n);
    this.segment = new Float64Array(n);
    this.spectrum = new Float64Array(n / 2 + 1);
    const binHz = FEATURE_RATE_HZ / n;
    // Band [lo, hi) in bins; the last band's top bin is included through totalBins.
    const bins = (lo: number, hi: number) => [Math.ceil(lo / binHz), Math.ceil(hi / binHz) - 1] as const;
    this.bandBins = SPECTRAL_BANDS_HZ.map(([lo, hi]) => bins(lo, hi));
    this.totalBins = [this.bandBins[0]![0], this.bandBins[this.bandBins.length - 1]![1]];
    this.rhythmBins = bins(2, 12);
  }

  /** True once the window of the last pushed second lies inside the recording. */
  get ready(): boolean {
    return this.secondsSeen >= FEATURE_WINDOW_S;
  }

  /** One second (256 samples) per channel; writes that second's frame into `out` (channels × FEATURE_COUNT). */
  pushSecond(second: readonly Float64Array[], out: Float32Array): void {
    const rate = FEATURE_RATE_HZ;
    const n = this.taper.length;
    const { segment, spectrum } = this;
    this.secondsSeen++;
    const ready = this.ready;
    for (let c = 0; c < this.channelCount; c++) {
      const history = this.history[c]!;
      history.copyWithin(0, rate);
      history.set(second[c]!.subarray(0, rate), n - rate);
      let mean = 0;
      let lineLength = 0;
      for (let i = 0; i < n; i++) {
        mean += history[i]!;
        if (i > 0) lineLength += Math.abs(history[i]! - history[i - 1]!);
      }
      mean /= n;
      lineLength /= n - 1;
      for (let i = 0; i < n; i++) segment[i] = (history[i]! - mean) * this.taper[i]!;
      realPowerSpectrum(segment, spectrum);
      let total = 0;
      for (let k = this.totalBins[0]; k <= this.totalBins[1]; k++) total += spectrum[k]!;
      const raw = this.raw;
      this.bandBins.forEach(([lo, hi], b) => {
        let band = 0;
        for (let k = lo; k <= hi; k++) band += spectrum[k]!;
        raw[b] = Math.log10((band + TINY) / (total + TINY));
      });
      let rhythmSum = 0;
      let rhythmPeak = 0;
      for (let k = this.rhythmBins[0]; k <= this.rhythmBins[1]; k++) {
        rhythmSum += spectrum[k]!;
        rhythmPeak = Math.max(rhythmPeak, spectrum[k]!);
      }
      const rhythmMean = rhythmSum / (this.rhythmBins[1] - this.rhythmBins[0] + 1);
      raw[SPECTRAL_BANDS_HZ.length] = Math.log2(total + TINY);
      raw[SPECTRAL_BANDS_HZ.length + 1] = Math.log2(lineLength + TINY);
      raw[SPECTRAL_BANDS_HZ.length + 2] = Math.log2((rhythmPeak + TINY) / (rhythmMean + TINY));
      const base = c * FEATURE_COUNT;
      const backgrounds = this.backgrounds[c]!;
      for (let f = 0; f < FEATURE_COUNT; f++) {
        const q = ready ? backgrounds[f]!.quantile(BACKGROUND_QUANTILES[f]!) : Number.NaN;
        out[base + f] = Number.isFinite(q) ? raw[f]! - q : 0;
        if (ready) backgrounds[f]!.push(raw[f]!);
      }
    }
  }
}

/** Feature frames of a whole recording: `frames` is seconds × channels × FEATURE_COUNT. */
export interface FeatureMap {
  seconds: number;
  channels: number;
  frames: Float32Array;
}
