/**
 * main/signal spectra against SciPy (test/fixtures/reference/signal_reference.py): scipy.signal.welch
 * and spectrogram with their defaults and with other windows / overlaps, the compressed spectral
 * array against Welch per epoch, and the FFT against a direct DFT.
 */
import { describe, expect, it } from 'vitest';
import { compressedSpectralArray, fft, getWindow, hann, rfft, spectrogram, tukey, welch } from '../../main/signal/index.js';
import { maxAbs, maxAbsDiff, reference, testInput, windowSpec } from '../fixtures/reference/signal-input.js';

const describeCase = (c: { n: number; fs: number; options: object }) => `${c.n} samples at ${c.fs} Hz, ${JSON.stringify(c.options)}`;

describe('welch equals scipy.signal.welch', () => {
  it.each(reference.welch.map((c) => [describeCase(c), c] as const))('%s', (_name, c) => {
    const { nperseg, noverlap, window } = c.options;
    const { freqsHz, psd } = welch(testInput(c.n, c.fs), c.fs, { nperseg, noverlap, window: windowSpec(window) });
    expect(maxAbsDiff(freqsHz, c.freqs)).toBeLessThanOrEqual(1e-12 * c.fs);
    // Relative to the spectrum's peak: densities span ten decades between 10 Hz and the noise floor.
    expect(maxAbsDiff(psd, c.psd)).toBeLessThanOrEqual(1e-10 * maxAbs(c.psd));
  });

  it('rejects an overlap as long as the segment', () => {
    expect(() => welch(testInput(1000, 256), 256, { nperseg: 128, noverlap: 128 })).toThrow(/noverlap \(128\)/);
  });

  it('has the total power of the signal (Parseval): integral of the density = variance', () => {
    const x = testInput(4096, 256);
    const { freqsHz, psd } = welch(x, 256, { nperseg: 4096, window: 'boxcar' });
    const df = freqsHz[1]!;
    const power = psd.reduce((sum, v) => sum + v * df, 0);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(power / variance).toBeCloseTo(1, 12);
  });
});

describe('spectrogram equals scipy.signal.spectrogram', () => {
  it.each(reference.spectrogram.map((c) => [describeCase(c), c] as const))('%s', (_name, c) => {
    const result = spectrogram(testInput(c.n, c.fs), c.fs, c.options);
    expect(maxAbsDiff(result.freqsHz, c.freqs)).toBeLessThanOrEqual(1e-12 * c.fs);
    expect(maxAbsDiff(result.timesS, c.times)).toBeLessThanOrEqual(1e-12);
    expect(result.power).toHaveLength(c.power.length);
    const peak = maxAbs(c.power.flat());
    result.power.forEach((row, s) => expect(maxAbsDiff(row, c.power[s]!)).toBeLessThanOrEqual(1e-10 * peak));
  });
});

describe('compressedSpectralArray', () => {
  it('equals 10·log10 of the channel mean of scipy.signal.welch per epoch, 0.5–30 Hz', () => {
    const c = reference.csa;
    const channels = c.seeds.map((seed) => testInput(c.durationS * c.fs, c.fs, seed));
    const csa = compressedSpectralArray(channels, c.fs, c.epochS);
    expect(maxAbsDiff(csa.freqsHz, c.freqs)).toBeLessThanOrEqual(1e-12);
    expect(csa.freqsHz[0]).toBe(0.5);
    expect(csa.freqsHz.at(-1)).toBe(30);
    expect(csa.powerDb).toHaveLength(c.powerDb.length); // 3 whole epochs of 10 s; the last 5 s dropped
    csa.powerDb.forEach((row, e) => expect(maxAbsDiff(row, c.powerDb[e]!)).toBeLessThanOrEqual(1e-9));
  });

  it('puts the 10 Hz rhythm at the top of every epoch', () => {
    const csa = compressedSpectralArray([testInput(20 * 256, 256)], 256, 5);
    for (const row of csa.powerDb) expect(csa.freqsHz[row.indexOf(Math.max(...row))]).toBe(10);
  });

  it('gives a floor, not −∞, for a flat channel, and nothing for no channels or a too-short recording', () => {
    const flat = compressedSpectralArray([new Float64Array(2560)], 256, 10);
    expect(flat.powerDb[0]!.every((v) => v === -200)).toBe(true);
    expect(compressedSpectralArray([], 256, 10)).toEqual({ freqsHz: [], powerDb: [] });
    expect(compressedSpectralArray([new Float64Array(100)], 256, 10).powerDb).toEqual([]);
  });

  it('refuses channels of different lengths', () => {
    expect(() => compressedSpectralArray([new Float64Array(2560), new Float64Array(1280)], 256, 1)).toThrow(/same length/);
  });
});

describe('fft and windows', () => {
  it('fft equals a direct DFT for powers of two and other lengths (Bluestein)', () => {
    for (const n of [1, 2, 8, 64, 100, 200, 400, 257]) {
      const x = testInput(n, 256);
      const { re, im } = fft(x);
      let worst = 0;
      for (let k = 0; k < n; k++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < n; j++) {
          sr += x[j]! * Math.cos((2 * Math.PI * j * k) / n);
          si -= x[j]! * Math.sin((2 * Math.PI * j * k) / n);
        }
        worst = Math.max(worst, Math.abs(re[k]! - sr), Math.abs(im[k]! - si));
      }
      expect(worst, `n = ${n}`).toBeLessThan(1e-9 * n * maxAbs(x));
    }
    expect(rfft(testInput(400, 256)).re).toHaveLength(201);
  });

  it('builds SciPy\'s periodic windows', () => {
    expect(maxAbsDiff(hann(4), [0, 0.5, 1, 0.5])).toBeLessThan(1e-15);
    expect(tukey(8, 0)).toEqual(new Float64Array(8).fill(1));
    expect(maxAbsDiff(tukey(8, 1), hann(8))).toBe(0);
    expect(() => getWindow(new Float64Array(3), 4)).toThrow(/3 values/);
  });
});
