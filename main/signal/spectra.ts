/**
 * Power spectral density with SciPy's defaults: Welch's method (scipy.signal.welch) and the
 * spectrogram (scipy.signal.spectrogram). Both cut the signal into segments of `nperseg` samples
 * every `nperseg − noverlap`, remove each segment's mean (detrend='constant'), window it, and scale
 * |FFT|² to a one-sided density (V²/Hz: divided by fs·Σw², non-DC/non-Nyquist bins doubled).
 */
import { rfft } from './fft.js';
import { getWindow, type WindowSpec } from './windows.js';

export interface WelchOptions {
  /** Segment length; default 256 (SciPy's), the window's length for an explicit window, capped at the signal length. */
  nperseg?: number;
  /** Overlap of consecutive segments; default nperseg/2 (Welch) or nperseg/8 (spectrogram), rounded down. */
  noverlap?: number;
  /** Default 'hann' (Welch) or ['tukey', 0.25] (spectrogram). */
  window?: WindowSpec;
}

export interface Spectrum {
  freqsHz: Float64Array;
  /** One-sided power spectral density, (input unit)²/Hz. */
  psd: Float64Array;
}

export interface Spectrogram {
  freqsHz: Float64Array;
  /** Segment centres, seconds from the first sample. */
  timesS: Float64Array;
  /** power[segment][frequency], one-sided density. */
  power: Float64Array[];
}

interface Segmentation {
  nperseg: number;
  step: number;
  segments: number;
  bins: number;
  window: Float64Array;
  /** Density scale per bin: 1/(fs·Σw²), doubled where the negative frequencies fold in. */
  scale: Float64Array;
}

function segmentation(length: number, sampleRateHz: number, options: WelchOptions, defaultWindow: WindowSpec, overlapDivisor: number): Segmentation {
  const spec = options.window ?? defaultWindow;
  let nperseg = options.nperseg ?? (spec instanceof Float64Array ? spec.length : 256);
  // SciPy shortens the segment to the signal (with a warning) when the signal is shorter.
  if (!(spec instanceof Float64Array)) nperseg = Math.min(nperseg, length);
  if (!Number.isInteger(nperseg) || nperseg < 1) throw new RangeError(`nperseg must be a positive integer (signal of ${length} samples), got ${nperseg}`);
  const noverlap = options.noverlap ?? Math.floor(nperseg / overlapDivisor);
  if (!Number.isInteger(noverlap) || noverlap < 0 || noverlap >= nperseg) {
    throw new RangeError(`noverlap (${noverlap}) must be an integer in [0, nperseg = ${nperseg})`);
  }
  if (!(sampleRateHz > 0)) throw new RangeError(`sampling rate must be positive, got ${sampleRateHz}`);
  const window = getWindow(spec, nperseg);
  let windowPower = 0;
  for (const w of window) windowPower += w * w;
  const step = nperseg - noverlap;
  const bins = Math.floor(nperseg / 2) + 1;
  const lastDoubled = nperseg % 2 === 0 ? bins - 1 : bins; // an even length's Nyquist bin has no mirror
  const base = 1 / (sampleRateHz * windowPower);
  const scale = Float64Array.from({ length: bins }, (_, k) => (k > 0 && k < lastDoubled ? 2 * base : base));
  return { nperseg, step, segments: Math.floor((length - noverlap) / step), bins, window, scale };
}

/** The density of segment `s`: mean removed, windowed, |rFFT|² scaled. */
function segmentDensity(samples: ArrayLike<number>, plan: Segmentation, s: number, buffer: Float64Array): Float64Array {
  const { nperseg, step, window, scale } = plan;
  const start = s * step;
  let mean = 0;
  for (let i = 0; i < nperseg; i++) mean += samples[start + i]!;
  mean /= nperseg;
  for (let i = 0; i < nperseg; i++) buffer[i] = (samples[start + i]! - mean) * window[i]!;
  const { re, im } = rfft(buffer);
  return Float64Array.from(scale, (k, bin) => (re[bin]! * re[bin]! + im[bin]! * im[bin]!) * k);
}

const frequencies = (bins: number, nperseg: number, sampleRateHz: number): Float64Array =>
  Float64Array.from({ length: bins }, (_, k) => (k * sampleRateHz) / nperseg);

/**
 * Welch's averaged periodogram, equal to scipy.signal.welch(x, fs, window, nperseg, noverlap) with
 * its other defaults (detrend 'constant', one-sided, scaling 'density', average 'mean').
 */
export function welch(samples: ArrayLike<number>, sampleRateHz: number, options: WelchOptions = {}): Spectrum {
  const plan = segmentation(samples.length, sampleRateHz, options, 'hann', 2);
  const psd = new Float64Array(plan.bins);
  const buffer = new Float64Array(plan.nperseg);
  for (let s = 0; s < plan.segments; s++) {
    const density = segmentDensity(samples, plan, s, buffer);
    for (let k = 0; k < plan.bins; k++) psd[k] = psd[k]! + density[k]!;
  }
  for (let k = 0; k < plan.bins; k++) psd[k] = psd[k]! / plan.segments;
  return { freqsHz: frequencies(plan.bins, plan.nperseg, sampleRateHz), psd };
}

/**
 * Equal to scipy.signal.spectrogram(x, fs, window, nperseg, noverlap) with its other defaults
 * (window ('tukey', 0.25), noverlap nperseg/8, detrend 'constant', one-sided, density, mode 'psd');
 * SciPy's Sxx is [frequency][segment], here transposed to one row per segment.
 */
export function spectrogram(samples: ArrayLike<number>, sampleRateHz: number, options: WelchOptions = {}): Spectrogram {
  const plan = segmentation(samples.length, sampleRateHz, options, ['tukey', 0.25], 8);
  const buffer = new Float64Array(plan.nperseg);
  const power = Array.from({ length: plan.segments }, (_, s) => segmentDensity(samples, plan, s, buffer));
  return {
    freqsHz: frequencies(plan.bins, plan.nperseg, sampleRateHz),
    timesS: Float64Array.from({ length: plan.segments }, (_, s) => (plan.nperseg / 2 + s * plan.step) / sampleRateHz),
    power,
  };
}
