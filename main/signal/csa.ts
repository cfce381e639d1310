/**
 * Compressed spectral array (CSA) for the EEG overview strip: the recording cut into epochs, one
 * Welch spectrum per epoch and channel, averaged over channels, in dB, over the EEG band.
 */
import { welch } from './spectra.js';

export interface CompressedSpectralArray {
  freqsHz: number[];
  /** powerDb[epoch][frequency]: 10·log10 of the channel-mean density, (input unit)²/Hz. */
  powerDb: number[][];
}

export interface CsaOptions {
  /** Lowest frequency kept, default 0.5 Hz (below it: drift and the DC bin). */
  minHz?: number;
  /** Highest frequency kept, default 30 Hz (delta to beta, where the CSA is read clinically). */
  maxHz?: number;
  /**
   * Welch segment length; default the power of two nearest below 2 s (0.5 Hz resolution at
   * 256 Hz), at most one epoch. Hann window, half overlap (SciPy's Welch defaults).
   */
  nperseg?: number;
}

/** Power floor before the logarithm, so a flat (zero) channel gives −200 dB rather than −∞. */
const FLOOR = 1e-20;

/**
 * CSA of equal-rate channels (e.g. the EEG channels at the recording's top rate). Only whole epochs
 * are used; a trailing partial epoch is dropped. Each value equals
 * 10·log10(mean over channels of scipy.signal.welch(epoch, fs, nperseg=…)[1]).
 */
export function compressedSpectralArray(channels: readonly Float64Array[], sampleRateHz: number, epochS: number, options: CsaOptions = {}): CompressedSpectralArray {
  const { minHz = 0.5, maxHz = 30 } = options;
  if (!(epochS > 0)) throw new RangeError(`epoch length must be positive, got ${epochS} s`);
  const epochSamples = Math.round(epochS * sampleRateHz);
  const length = channels[0]?.length ?? 0;
  if (channels.some((channel) => channel.length !== length)) throw new RangeError('CSA channels must have the same length (and sampling rate)');
  const epochs = epochSamples > 0 ? Math.floor(length / epochSamples) : 0;
  const nperseg = Math.min(epochSamples, options.nperseg ?? 2 ** Math.floor(Math.log2(2 * sampleRateHz)));
  let freqsHz: number[] = [];
  let keep: number[] = [];
  const powerDb: number[][] = [];
  for (let e = 0; e < epochs; e++) {
    let sum: Float64Array | null = null;
    for (const channel of channels) {
      const { freqsHz: f, psd } = welch(channel.subarray(e * epochSamples, (e + 1) * epochSamples), sampleRateHz, { nperseg });
      if (!sum) {
        sum = new Float64Array(psd.length);
        if (!keep.length) {
          keep = Array.from(f.keys()).filter((k) => f[k]! >= minHz && f[k]! <= maxHz);
          freqsHz = keep.map((k) => f[k]!);
        }
      }
      for (let k = 0; k < psd.length; k++) sum[k] = sum[k]! + psd[k]!;
    }
    const mean = sum!;
    powerDb.push(keep.map((k) => 10 * Math.log10(Math.max(mean[k]! / channels.length, FLOOR))));
  }
  return { freqsHz, powerDb };
}
