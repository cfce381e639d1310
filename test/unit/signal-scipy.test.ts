/**
 * main/signal against SciPy (test/fixtures/reference/signal_reference.py → signal-reference.json):
 * Butterworth sections equal to scipy.signal.butter(output='sos'), iirnotch, sosfilt and
 * sosfiltfilt outputs sample for sample, Welch spectra.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { butter, notch, resamplePoly, sosfilt, sosfiltfilt, spectrogram, welch, type BandType } from '../../main/signal/index.js';
import { REPO_ROOT } from '../helpers/data.js';

interface Reference {
  butter: { order: number; cutoff: number | [number, number]; type: BandType; fs: number; sos: number[][] }[];
  notch: { fs: number; freq: number; b: number[]; a: number[] }[];
  filter: { order: number; type: BandType; cutoff: number | [number, number]; fs: number; sosfilt: number[]; sosfiltfilt: number[] }[];
  welch: { n: number; fs: number; nperseg: number; freqs: number[]; psd: number[] }[];
  resample: { up: number; down: number; y: number[] }[];
  spectrogram: { n: number; fs: number; nperseg: number; freqs: number[]; times: number[]; power: number[][] }[];
}
const reference = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/reference/signal-reference.json'), 'utf8')) as Reference;

/** The same input as signal_reference.py: sines, a DC offset and a 31-bit LCG pseudo-noise. */
function testInput(n: number, fs: number): Float64Array {
  let state = 12345n;
  return Float64Array.from({ length: n }, (_, i) => {
    state = (state * 1103515245n + 12345n) % 2147483648n;
    const t = i / fs;
    return 40 * Math.sin(2 * Math.PI * 10 * t) + 15 * Math.sin(2 * Math.PI * 50 * t + 0.3) + 25 + 20 * (Number(state) / 2147483648 - 0.5);
  });
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

describe('Butterworth design equals scipy.signal.butter(output="sos")', () => {
  it.each(reference.butter.map((c) => [`${c.type} ${JSON.stringify(c.cutoff)} Hz order ${c.order} at ${c.fs} Hz`, c] as const))('%s', (_name, c) => {
    const sos = butter(c.order, c.cutoff, c.type, c.fs);
    expect(sos).toHaveLength(c.sos.length);
    // Relative to the section's largest coefficient: gains span many orders of magnitude.
    const distance = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / Math.max(...b.map(Math.abs))));
    const inOrder = sos.every((row, s) => distance(row, c.sos[s]!) < 1e-9);
    if (!inOrder) {
      // SciPy orders sections by the distance of their poles to the unit circle. When two
      // sections' poles are equally far (a band-stop centred on fs/4 makes mirror-image poles),
      // the order depends on the last bit of floating point; the sections themselves must match.
      // The pole radius of a section is sqrt(a2); gains sit in the first section, so compare
      // normalised sections as a set.
      const normalise = (rows: number[][]) => rows.map((row) => [...row.slice(0, 3).map((v) => v / row[0]!), ...row.slice(3)]).sort((a, b) => a[4]! - b[4]!);
      const ours = normalise(sos);
      const theirs = normalise(c.sos);
      ours.forEach((row, s) => expect(distance(row, theirs[s]!)).toBeLessThan(1e-9));
      const radii = sos.map((row) => Math.sqrt(Math.abs(row[5]!)));
      expect(new Set(radii.map((r) => r.toFixed(12))).size).toBeLessThan(radii.length);
      const product = (rows: number[][]) => rows.reduce((k, row) => k * row[0]!, 1);
      expect(product(sos)).toBeCloseTo(product(c.sos), 12);
    }
  });
});

describe('notch equals scipy.signal.iirnotch', () => {
  it.each(reference.notch.map((c) => [`${c.freq} Hz at ${c.fs} Hz`, c] as const))('%s', (_name, c) => {
    const [row] = notch(c.freq, c.fs);
    expectClose(row!.slice(0, 3), c.b, 1e-14);
    expectClose(row!.slice(3), c.a, 1e-14);
  });
});

describe('filtering equals scipy.signal.sosfilt and sosfiltfilt', () => {
  const input = testInput(2000, 256);
  it.each(reference.filter.map((c) => [`${c.type} ${JSON.stringify(c.cutoff)} Hz order ${c.order}`, c] as const))('%s', (_name, c) => {
    const sos = butter(c.order, c.cutoff, c.type, c.fs);
    expectClose(sosfilt(sos, input).output, c.sosfilt, 1e-8);
    expectClose(sosfiltfilt(sos, input), c.sosfiltfilt, 1e-8);
  });

  it('refuses zero-phase filtering of a signal shorter than SciPy\'s padding', () => {
    expect(() => sosfiltfilt(butter(4, 1, 'highpass', 256), new Float64Array(15))).toThrow(/needs more than 15 samples, got 15/);
  });
});

describe('welch equals scipy.signal.welch', () => {
  it.each(reference.welch.map((c) => [`${c.n} samples at ${c.fs} Hz, nperseg ${c.nperseg}`, c] as const))('%s', (_name, c) => {
    const { freqsHz, psd } = welch(testInput(c.n, c.fs), c.fs, { nperseg: c.nperseg });
    expectClose(freqsHz, c.freqs, 1e-9);
    const peak = Math.max(...c.psd);
    expectClose(Array.from(psd, (v) => v / peak), c.psd.map((v) => v / peak), 1e-10);
  });
});

describe('resamplePoly equals scipy.signal.resample_poly', () => {
  const input = testInput(1000, 256);
  it.each(reference.resample.map((c) => [`${c.up}/${c.down}`, c] as const))('%s', (_name, c) => {
    expectClose(resamplePoly(input, c.up, c.down), c.y, 1e-9);
  });
});

describe('spectrogram equals scipy.signal.spectrogram', () => {
  it.each(reference.spectrogram.map((c) => [`${c.n} samples at ${c.fs} Hz, nperseg ${c.nperseg}`, c] as const))('%s', (_name, c) => {
    const result = spectrogram(testInput(c.n, c.fs), c.fs, { nperseg: c.nperseg });
    expectClose(result.freqsHz, c.freqs, 1e-9);
    expectClose(result.timesS, c.times, 1e-12);
    expect(result.power).toHaveLength(c.power.length);
    const peak = Math.max(...c.power.flat());
    result.power.forEach((row, s) => expectClose(Array.from(row, (v) => v / peak), c.power[s]!.map((v) => v / peak), 1e-10));
  });
});
