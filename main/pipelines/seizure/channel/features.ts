/**
 * The 14 window features of channel/feature-set.ts, computed from one channel at 256 Hz in µV.
 * Definitions, for the window w of N samples (normally 1024 = 4 s), mean removed:
 *   spectrum  P_k = |FFT(w·hann_N)|², k = 0…N/2, bins of 256/N Hz (0.25 Hz for 4 s); a band
 *             [lo, hi) Hz is the bins ceil(lo/Δf)…ceil(hi/Δf) − 1, and "0.5–30 Hz" is the union of
 *             the eight bands (bins 2…119 for 4 s);
 *   0–7       log10((P_band + ε) / (P_0.5–30 + ε));
 *   8         log10(√(2·P_0.5–30 / (N·Σhann²)) + ε): the band-limited RMS (Parseval; a sine of
 *             amplitude A inside the band gives A/√2);
 *   9         log10((mean|Δw| + ε) / (σ + ε)), σ the population standard deviation;
 *   10        log2((max P_2–12 + ε) / (mean P_2–12 + ε)), 2–12 Hz as bins ceil(2/Δf)…ceil(12/Δf) − 1;
 *   11        f₉₀ / 10 Hz: f₉₀ = k·Δf for the first 0.5–30 Hz bin k where the cumulative sum from
 *             0.5 Hz reaches 90 % of P_0.5–30 (0.05, its lowest bin, when the band holds no power);
 *   12        log10((mobility(Δw) + ε) / (mobility(w) + ε)), mobility(v) = √(var(Δv) / var(v))
 *             (Hjorth; var(0) makes mobility 0);
 *   13        asinh(m₄ / m₂² − 3), 0 when m₂ = 0 (a flat window).
 * ε = 1e-12 keeps a flat or zero signal finite. The reference computation in NumPy is
 * test/fixtures/reference/seizure_channel_numpy.py.
 *
 * Seconds before the first full window (t < 3) and signals shorter than 4 s: the window is what
 * exists — the samples from the start to the end of second t — Hann-windowed over that length and
 * zero-padded to N for the spectrum, so band edges stay where they are and the RMS stays in µV
 * (Σhann² of the shorter window). These frames describe less than 4 s of signal; fillWindow never
 * reads frames before FIRST_READY_SECOND, and a recording shorter than 4 s is described by its one
 * frame (see windowFrames).
 */
import { hann, realPowerSpectrum } from '../../../signal/index.js';
import { FIRST_READY_SECOND, type FrameSpan } from '../neural/windows.js';
import { WINDOW_FEATURE_COUNT, WINDOW_RATE_HZ, WINDOW_S, SPECTRAL_BANDS_HZ } from './feature-set.js';
import { resampleToRate } from './resample.js';

const EPSILON = 1e-12;
const N = WINDOW_S * WINDOW_RATE_HZ;
const BIN_HZ = WINDOW_RATE_HZ / N;
const bins = (lo: number, hi: number) => [Math.ceil(lo / BIN_HZ), Math.ceil(hi / BIN_HZ) - 1] as const;
const BAND_BINS = SPECTRAL_BANDS_HZ.map(([lo, hi]) => bins(lo, hi));
const TOTAL_BINS = [BAND_BINS[0]![0], BAND_BINS[BAND_BINS.length - 1]![1]] as const;
const RHYTHM_BINS = bins(2, 12);

/** Scratch buffers for one window's computation (one set per extractor, nothing allocated per call). */
class Workspace {
  readonly segment = new Float64Array(N);
  readonly spectrum = new Float64Array(N / 2 + 1);
  private readonly tapers = new Map<number, { taper: Float64Array; energy: number }>();

  taper(length: number): { taper: Float64Array; energy: number } {
    let entry = this.tapers.get(length);
    if (!entry) {
      const taper = hann(length);
      let energy = 0;
      for (const w of taper) energy += w * w;
      entry = { taper, energy };
      this.tapers.set(length, entry);
    }
    return entry;
  }
}

function mobility(varianceOf: number, varianceOfDiff: number): number {
  return varianceOf > 0 ? Math.sqrt(varianceOfDiff / varianceOf) : 0;
}

/** The features of `window[from, to)` (µV at 256 Hz, at most N samples, at least 2) into out[offset…]. */
function windowFeatures(window: Float64Array, from: number, to: number, work: Workspace, out: Float32Array, offset: number): void {
  const length = to - from;
  let mean = 0;
  for (let i = from; i < to; i++) mean += window[i]!;
  mean /= length;
  // Time domain: central moments of w, of Δw and of Δ²w (Hjorth), line length.
  let m2 = 0;
  let m4 = 0;
  let lineLength = 0;
  let d1Sum = 0;
  let d1Sq = 0;
  let d2Sum = 0;
  let d2Sq = 0;
  let previous = 0;
  for (let i = from; i < to; i++) {
    const v = window[i]! - mean;
    const sq = v * v;
    m2 += sq;
    m4 += sq * sq;
    if (i > from) {
      const d = window[i]! - window[i - 1]!;
      lineLength += Math.abs(d);
      d1Sum += d;
      d1Sq += d * d;
      if (i > from + 1) {
        const dd = d - previous;
        d2Sum += dd;
        d2Sq += dd * dd;
      }
      previous = d;
    }
  }
  m2 /= length;
  m4 /= length;
  const nd1 = length - 1;
  const nd2 = length - 2;
  const varD1 = nd1 > 0 ? Math.max(0, d1Sq / nd1 - (d1Sum / nd1) ** 2) : 0;
  const varD2 = nd2 > 0 ? Math.max(0, d2Sq / nd2 - (d2Sum / nd2) ** 2) : 0;
  lineLength = nd1 > 0 ? lineLength / nd1 : 0;
  const sd = Math.sqrt(m2);
  // Frequency domain: Hann over the samples there are, zero-padded to N.
  const { segment, spectrum } = work;
  const { taper, energy } = work.taper(length);
  for (let i = 0; i < length; i++) segment[i] = (window[from + i]! - mean) * taper[i]!;
  segment.fill(0, length);
  realPowerSpectrum(segment, spectrum);
  let total = 0;
  for (let k = TOTAL_BINS[0]; k <= TOTAL_BINS[1]; k++) total += spectrum[k]!;
  BAND_BINS.forEach(([lo, hi], b) => {
    let band = 0;
    for (let k = lo; k <= hi; k++) band += spectrum[k]!;
    out[offset + b] = Math.log10((band + EPSILON) / (total + EPSILON));
  });
  out[offset + 8] = Math.log10(Math.sqrt((2 * total) / (N * energy)) + EPSILON);
  out[offset + 9] = Math.log10((lineLength + EPSILON) / (sd + EPSILON));
  let rhythmSum = 0;
  let rhythmPeak = 0;
  for (let k = RHYTHM_BINS[0]; k <= RHYTHM_BINS[1]; k++) {
    rhythmSum += spectrum[k]!;
    if (spectrum[k]! > rhythmPeak) rhythmPeak = spectrum[k]!;
  }
  const rhythmMean = rhythmSum / (RHYTHM_BINS[1] - RHYTHM_BINS[0] + 1);
  out[offset + 10] = Math.log2((rhythmPeak + EPSILON) / (rhythmMean + EPSILON));
  let edge = TOTAL_BINS[0];
  if (total > 0) {
    let cumulative = 0;
    for (let k = TOTAL_BINS[0]; k <= TOTAL_BINS[1]; k++) {
      cumulative += spectrum[k]!;
      edge = k;
      if (cumulative >= 0.9 * total) break;
    }
  }
  out[offset + 11] = (edge * BIN_HZ) / 10;
  const mobilityX = mobility(m2, varD1);
  const mobilityD = mobility(varD1, varD2);
  out[offset + 12] = Math.log10((mobilityD + EPSILON) / (mobilityX + EPSILON));
  out[offset + 13] = m2 > 0 ? Math.asinh(m4 / (m2 * m2) - 3) : 0;
}

/**
 * Streaming extractor for one channel: push one second (256 µV samples) at a time and get the frame
 * of the window ending with it. Before 4 s have been pushed the frame covers what was pushed
 * (`ready` is false until the window is full).
 */
export class WindowFeatureExtractor {
  private readonly history = new Float64Array(N);
  private readonly work = new Workspace();
  private secondsSeen = 0;

  get ready(): boolean {
    return this.secondsSeen >= WINDOW_S;
  }

  pushSecond(second: Float64Array, out: Float32Array, offset = 0): void {
    if (second.length < WINDOW_RATE_HZ) throw new RangeError(`a second at ${WINDOW_RATE_HZ} Hz has ${WINDOW_RATE_HZ} samples, got ${second.length}`);
    this.history.copyWithin(0, WINDOW_RATE_HZ);
    this.history.set(second.subarray(0, WINDOW_RATE_HZ), N - WINDOW_RATE_HZ);
    this.secondsSeen++;
    const have = Math.min(this.secondsSeen, WINDOW_S) * WINDOW_RATE_HZ;
    windowFeatures(this.history, N - have, N, this.work, out, offset);
  }
}

/** Features of a whole signal already at 256 Hz in µV: second t from the window ending at t + 1. */
export function windowFramesAt256(samples: Float64Array): FrameSpan {
  if (samples.length < 2) throw new RangeError(`a channel needs at least 2 samples at ${WINDOW_RATE_HZ} Hz for window features, got ${samples.length}`);
  const seconds = Math.floor(samples.length / WINDOW_RATE_HZ);
  if (seconds < WINDOW_S) {
    // Shorter than one window: one frame from all of it, placed where fillWindow reads first.
    const frames = new Float32Array(WINDOW_FEATURE_COUNT);
    const window = samples.subarray(Math.max(0, samples.length - N));
    windowFeatures(window, 0, window.length, new Workspace(), frames, 0);
    return { firstS: FIRST_READY_SECOND, channels: 1, frames };
  }
  const frames = new Float32Array(seconds * WINDOW_FEATURE_COUNT);
  const work = new Workspace();
  for (let t = 0; t < seconds; t++) {
    const end = (t + 1) * WINDOW_RATE_HZ;
    windowFeatures(samples, Math.max(0, end - N), end, work, frames, t * WINDOW_FEATURE_COUNT);
  }
  return { firstS: 0, channels: 1, frames };
}

/**
 * Window features of one channel at any rate ≥ 100 Hz (µV), resampled to 256 Hz first: a FrameSpan
 * with channels = 1 and one frame per whole second from second 0 (frame t = the 4 s window ending
 * at second t + 1; the first three from the shorter windows there are). A signal shorter than 4 s
 * yields a single frame from all of its samples, at second FIRST_READY_SECOND (firstS = 3), the
 * only second fillWindow reads for it; a trailing fraction of a second is not described.
 */
export function windowFrames(samples: ArrayLike<number>, rateHz: number): FrameSpan {
  const at256 = rateHz === WINDOW_RATE_HZ ? Float64Array.from(samples) : resampleToRate(samples, rateHz, WINDOW_RATE_HZ);
  return windowFramesAt256(at256);
}
