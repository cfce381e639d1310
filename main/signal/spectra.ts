/**
 * Power spectra: Welch's method with SciPy's defaults (periodic Hann window, half overlap,
 * constant detrend, one-sided density), and the compressed spectral array (CSA) of the EEG
 * overview: one Welch spectrum per epoch, averaged over channels, in dB.
 */
import { rfft } from './fft.js';

export interface WelchOptions {
  nperseg?: number;
  noverlap?: number;
}

export interface Spectrum {
  freqsHz: Float64Array;
  psd: Float64Array;
}

const hannWindows = new Map<number, Float64Array>();

/** Periodic Hann window (scipy.signal.get_window('hann', n)). */
export function hann(n: number): Float64Array {
  let window = hannWindows.get(n);
  if (!window) {
    window = Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
    hannWindows.set(n, window);
  }
  return window;
}

/** Equal to scipy.signal.welch(x, fs, nperseg=…, noverlap=…) with its other defaults. */
export function welch(samples: ArrayLike<number>, sampleRateHz: number, options: WelchOptions = {}): Spectrum {
  const nperseg = Math.min(options.nperseg ?? 256, samples.length);
  const noverlap = options.noverlap ?? Math.floor(nperseg / 2);
  if (nperseg < 1) throw new RangeError('welch needs at least one sample');
  if (noverlap >= nperseg) throw new RangeError(`noverlap (${noverlap}) must be less than nperseg (${nperseg})`);
  const window = hann(nperseg);
  let windowPower = 0;
  for (const w of window) windowPower += w * w;
  const step = nperseg - noverlap;
  const segments = Math.floor((samples.length - noverlap) / step);
  const bins = Math.floor(nperseg / 2) + 1;
  const psd = new Float64Array(bins);
  const segment = new Float64Array(nperseg);
  for (let s = 0; s < segments; s++) {
    let mean = 0;
    for (let i = 0; i < nperseg; i++) mean += samples[s * step + i]!;
    mean /= nperseg;
    for (let i = 0; i < nperseg; i++) segment[i] = (samples[s * step + i]! - mean) * window[i]!;
    const { re, im } = rfft(segment);
    for (let k = 0; k < bins; k++) psd[k] = psd[k]! + re[k]! * re[k]! + im[k]! * im[k]!;
  }
  const scale = 1 / (sampleRateHz * windowPower * segments);
  const lastDoubled = nperseg % 2 === 0 ? bins - 1 : bins; // the Nyquist bin is not doubled
  for (let k = 0; k < bins; k++) psd[k] = psd[k]! * scale * (k > 0 && k < lastDoubled ? 2 : 1);
  const freqsHz = Float64Array.from({ length: bins }, (_, k) => (k * sampleRateHz) / nperseg);
  return { freqsHz, psd };
}

export interface CompressedSpectralArray {
  freqsHz: number[];
  /** powerDb[epoch][frequency] */
  powerDb: number[][];
}

/**
 * CSA of equal-rate channels: epochs of `epochS`, each a Welch spectrum with ~2 s power-of-two
 * segments, averaged over channels, 10·log10, limited to [minHz, maxHz] (EEG: 0.5–30 Hz).
 */
export function compressedSpectralArray(
  channels: readonly Float64Array[],
  sampleRateHz: number,
  epochS: number,
  minHz = 0.5,
  maxHz = 30,
): CompressedSpectralArray {
  const epochSamples = Math.round(epochS * sampleRateHz);
  const epochs = channels.length ? Math.floor(channels[0]!.length / epochSamples) : 0;
  const nperseg = Math.min(epochSamples, 2 ** Math.floor(Math.log2(2 * sampleRateHz)));
  let freqsHz: number[] = [];
  let keep: number[] = [];
  const powerDb: number[][] = [];
  for (let e = 0; e < epochs; e++) {
    let sum: Float64Array | null = null;
    for (const channel of channels) {
      const { freqsHz: f, psd } = welch(channel.subarray(e * epochSamples, (e + 1) * epochSamples), sampleRateHz, { nperseg });
      if (!keep.length) {
        keep = Array.from(f.keys()).filter((k) => f[k]! >= minHz && f[k]! <= maxHz);
        freqsHz = keep.map((k) => f[k]!);
      }
      if (!sum) sum = new Float64Array(psd.length);
      for (let k = 0; k < psd.length; k++) sum[k] = sum[k]! + psd[k]!;
    }
    powerDb.push(keep.map((k) => 10 * Math.log10(Math.max(sum![k]! / channels.length, 1e-20))));
  }
  return { freqsHz, powerDb };
}

/** scipy.signal.get_window(('tukey', alpha), n): the periodic Tukey window. */
export function tukey(n: number, alpha = 0.25): Float64Array {
  const m = n + 1; // periodic = symmetric of n + 1, truncated
  const width = Math.floor((alpha * (m - 1)) / 2);
  const window = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (i <= width) window[i] = 0.5 * (1 + Math.cos(Math.PI * (-1 + (2 * i) / alpha / (m - 1))));
    else if (i >= m - width - 1) window[i] = 0.5 * (1 + Math.cos(Math.PI * (-2 / alpha + 1 + (2 * i) / alpha / (m - 1))));
    else window[i] = 1;
  }
  return window;
}

export interface Spectrogram {
  freqsHz: Float64Array;
  /** Segment centres, seconds. */
  timesS: Float64Array;
  /** power[segment][frequency], one-sided density. */
  power: Float64Array[];
}

/** Equal to scipy.signal.spectrogram(x, fs, nperseg=…, noverlap=…) with its defaults (Tukey 0.25). */
export function spectrogram(samples: ArrayLike<number>, sampleRateHz: number, options: WelchOptions = {}): Spectrogram {
  const nperseg = Math.min(options.nperseg ?? 256, samples.length);
  const noverlap = options.noverlap ?? Math.floor(nperseg / 8);
  if (noverlap >= nperseg) throw new RangeError(`noverlap (${noverlap}) must be less than nperseg (${nperseg})`);
  const window = tukey(nperseg);
  let windowPower = 0;
  for (const w of window) windowPower += w * w;
  const step = nperseg - noverlap;
  const segments = Math.floor((samples.length - noverlap) / step);
  const bins = Math.floor(nperseg / 2) + 1;
  const lastDoubled = nperseg % 2 === 0 ? bins - 1 : bins;
  const scale = 1 / (sampleRateHz * windowPower);
  const segment = new Float64Array(nperseg);
  const power: Float64Array[] = [];
  for (let s = 0; s < segments; s++) {
    let mean = 0;
    for (let i = 0; i < nperseg; i++) mean += samples[s * step + i]!;
    mean /= nperseg;
    for (let i = 0; i < nperseg; i++) segment[i] = (samples[s * step + i]! - mean) * window[i]!;
    const { re, im } = rfft(segment);
    power.push(Float64Array.from({ length: bins }, (_, k) => (re[k]! * re[k]! + im[k]! * im[k]!) * scale * (k > 0 && k < lastDoubled ? 2 : 1)));
  }
  return {
    freqsHz: Float64Array.from({ length: bins }, (_, k) => (k * sampleRateHz) / nperseg),
    timesS: Float64Array.from({ length: segments }, (_, s) => (nperseg / 2 + s * step) / sampleRateHz),
    power,
  };
}
