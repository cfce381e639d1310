/**
 * main/signal filters against SciPy (test/fixtures/reference/signal_reference.py): Butterworth
 * sections equal to scipy.signal.butter(output='sos') row for row, iirnotch, sosfilt (with and
 * without initial state), sosfiltfilt and the display-filter chain sample for sample, and
 * resample_poly.
 */
import { describe, expect, it } from 'vitest';
import {
  applyDisplayFilter,
  butter,
  designDisplayFilter,
  notch,
  resamplePoly,
  sosfilt,
  sosfiltfilt,
  sosfiltfiltPadLength,
  sosfiltZi,
  type Sos,
} from '../../main/signal/index.js';
import { NO_FILTER } from '../../shared/api/eeg.js';
import { maxAbs, maxAbsDiff, reference, testInput } from '../fixtures/reference/signal-input.js';

const label = (c: { type: string; cutoff: number | number[]; order: number; fs: number }) =>
  `${c.type} ${JSON.stringify(c.cutoff)} Hz, order ${c.order}, ${c.fs} Hz`;

/** Largest coefficient difference of two rows relative to the reference row's largest coefficient. */
const rowDistance = (ours: readonly number[], theirs: readonly number[]) =>
  maxAbsDiff(ours, theirs) / maxAbs(theirs);

describe('butter equals scipy.signal.butter(output="sos")', () => {
  it('covers orders 1-8 of every band type at 200, 256 and 512 Hz', () => {
    expect(new Set(reference.butter.map((c) => c.order))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(new Set(reference.butter.map((c) => c.type))).toEqual(new Set(['lowpass', 'highpass', 'bandpass', 'bandstop']));
    expect(new Set(reference.butter.map((c) => c.fs))).toEqual(new Set([200, 256, 512]));
  });

  it.each(reference.butter.map((c) => [label(c), c] as const))('%s', (_name, c) => {
    const sos = butter(c.order, c.cutoff, c.type, c.fs);
    expect(sos).toHaveLength(c.sos.length);
    const worst = Math.max(...sos.map((row, s) => rowDistance(row, c.sos[s]!)));
    if (worst < 1e-10) return;
    // SciPy orders sections by their poles' distance to the unit circle. A band-stop centred on
    // fs/4 has mirror-image poles at exactly equal distance, and which of two tied sections comes
    // first depends on the last bit of floating point. Then the sections must still match as a
    // set, with the overall gain in the first one.
    const radii = c.sos.map((row) => Math.sqrt(Math.abs(row[5]!)));
    expect(new Set(radii.map((r) => r.toFixed(12))).size, 'sections out of order without a tie').toBeLessThan(radii.length);
    const normalise = (rows: readonly (readonly number[])[]) =>
      rows.map((row) => [...row.slice(0, 3).map((v) => v / row[0]!), ...row.slice(3)]).sort((a, b) => a[4]! - b[4]!);
    const theirs = normalise(c.sos);
    normalise(sos).forEach((row, s) => expect(rowDistance(row, theirs[s]!)).toBeLessThan(1e-10));
    const gain = (rows: readonly (readonly number[])[]) => rows.reduce((k, row) => k * row[0]!, 1);
    expect(Math.abs(gain(sos) / gain(c.sos) - 1)).toBeLessThan(1e-10);
  });

  it('rejects cut-offs outside (0, Nyquist) and malformed band edges', () => {
    expect(() => butter(4, 128, 'lowpass', 256)).toThrow(/Nyquist frequency \(128 Hz\)/);
    expect(() => butter(4, 0, 'highpass', 256)).toThrow(RangeError);
    expect(() => butter(4, [30, 1], 'bandpass', 256)).toThrow(/two increasing/);
    expect(() => butter(0, 30, 'lowpass', 256)).toThrow(/positive integer/);
  });
});

describe('notch equals scipy.signal.iirnotch', () => {
  it.each(reference.notch.map((c) => [`${c.freq} Hz at ${c.fs} Hz, Q ${c.q}`, c] as const))('%s', (_name, c) => {
    const [row, ...rest] = notch(c.freq, c.fs, c.q);
    expect(rest).toHaveLength(0);
    expect(maxAbsDiff(row!.slice(0, 3), c.b)).toBeLessThanOrEqual(1e-15);
    expect(maxAbsDiff(row!.slice(3), c.a)).toBeLessThanOrEqual(1e-15);
  });
});

/** Sample-for-sample agreement within 1e-10 of the signal's scale (SciPy's own float64 noise is ~1e-13). */
function expectSameSignal(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(1e-10 * maxAbs(expected));
}

describe('sosfilt and sosfiltfilt equal SciPy sample for sample', () => {
  it.each(reference.filter.map((c) => [label(c), c] as const))('%s', (_name, c) => {
    const input = testInput(c.n, c.fs);
    const sos = butter(c.order, c.cutoff, c.type, c.fs);
    expectSameSignal(sosfilt(sos, input).output, c.sosfilt);
    expectSameSignal(sosfiltfilt(sos, input), c.sosfiltfilt);
  });

  it.each(reference.notchFilter.map((c) => [`notch ${c.freq} Hz at ${c.fs} Hz`, c] as const))('%s', (_name, c) => {
    const input = testInput(c.n, c.fs);
    const sos = notch(c.freq, c.fs);
    expectSameSignal(sosfilt(sos, input).output, c.sosfilt);
    expectSameSignal(sosfiltfilt(sos, input), c.sosfiltfilt);
  });

  it('sosfilt_zi and sosfilt from a steady state, with its final state', () => {
    const c = reference.zi;
    const sos = butter(c.order, c.cutoff, c.type, c.fs);
    const input = testInput(c.n, c.fs);
    const zi = sosfiltZi(sos);
    zi.forEach((state, s) => expect(maxAbsDiff(state, c.zi[s]!)).toBeLessThanOrEqual(1e-12 * maxAbs(c.zi.flat())));
    const { output, state } = sosfilt(sos, input, zi.map((z) => z.map((v) => v * input[0]!)));
    expectSameSignal(output, c.y);
    state.forEach((z, s) => expect(maxAbsDiff(z, c.zf[s]!)).toBeLessThanOrEqual(1e-10 * maxAbs(c.zf.flat())));
  });

  it('filters a signal in chunks, passing the state on, exactly as in one go', () => {
    const sos = butter(6, [0.5, 40], 'bandpass', 256);
    const input = testInput(3000, 256);
    const whole = sosfilt(sos, input).output;
    let state: Float64Array[] | undefined;
    const pieces: number[] = [];
    for (const [from, to] of [[0, 1000], [1000, 1001], [1001, 3000]] as const) {
      const chunk = sosfilt(sos, input.subarray(from, to), state);
      state = chunk.state;
      pieces.push(...chunk.output);
    }
    expect(pieces).toEqual(Array.from(whole));
  });

  it('zero-phase filters a signal just longer than SciPy\'s padding like SciPy', () => {
    const c = reference.short;
    const sos = butter(c.order, c.cutoff, c.type, c.fs);
    expect(sosfiltfiltPadLength(sos)).toBe(c.n - 1);
    expectSameSignal(sosfiltfilt(sos, testInput(c.n, c.fs)), c.sosfiltfilt);
  });

  it('refuses, like SciPy, a signal not longer than the padding', () => {
    const sos = butter(4, 1, 'highpass', 256);
    expect(() => sosfiltfilt(sos, new Float64Array(15))).toThrow(/needs more than 15 samples .* got 15/);
  });

  it('computes SciPy\'s padlen, fewer samples when sections have b2 = a2 = 0 (odd orders)', () => {
    expect(sosfiltfiltPadLength(butter(4, 1, 'highpass', 256))).toBe(3 * 5);
    // Order 3: the last section is first-order, so SciPy counts one tap fewer.
    expect(sosfiltfiltPadLength(butter(3, 1, 'highpass', 256))).toBe(3 * (5 - 1));
  });

  it('rejects malformed sections', () => {
    expect(() => sosfilt([[1, 0, 0, 1, 0]], [1, 2, 3])).toThrow(/5 coefficients/);
    expect(() => sosfilt([[1, 0, 0, 0, 0, 0]], [1, 2, 3])).toThrow(/a0 = 0/);
  });
});

describe('applyDisplayFilter equals SciPy on the cascaded sections', () => {
  it.each(reference.display.map((c) => [`${JSON.stringify(c.settings)} at ${c.fs} Hz`, c] as const))('%s', (_name, c) => {
    const input = testInput(c.n, c.fs);
    expectSameSignal(applyDisplayFilter(input, c.fs, { ...c.settings, zeroPhase: false }), c.sosfilt);
    expectSameSignal(applyDisplayFilter(input, c.fs, { ...c.settings, zeroPhase: true }), c.sosfiltfilt);
  });

  it('passes the signal through unchanged when every filter is off, without aliasing the input', () => {
    const input = testInput(100, 256);
    const output = applyDisplayFilter(input, 256, NO_FILTER);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
  });

  it('caches designs per rate and settings, skipping filters above Nyquist', () => {
    const settings = { highpassHz: 0.5, lowpassHz: 70, notchHz: 60 as const, order: 4, zeroPhase: false };
    const first = designDisplayFilter(256, settings);
    expect(designDisplayFilter(256, { ...settings, zeroPhase: true })).toBe(first);
    expect(first).toHaveLength(4 + 1); // band-pass of order 4 = 4 sections, then the notch
    // At 100 Hz the 70 Hz low-pass and the 60 Hz notch cannot apply; the high-pass still does.
    const low: Sos | null = designDisplayFilter(100, settings);
    expect(low).toEqual(butter(4, 0.5, 'highpass', 100));
  });

  it('falls back to causal filtering for a page too short for zero-phase padding', () => {
    const settings = { highpassHz: 1, lowpassHz: null, notchHz: null, order: 4, zeroPhase: true };
    const input = testInput(10, 256);
    expect(applyDisplayFilter(input, 256, settings)).toEqual(sosfilt(butter(4, 1, 'highpass', 256), input).output);
  });
});

describe('resamplePoly equals scipy.signal.resample_poly', () => {
  it.each(reference.resample.map((c) => [`${c.n} samples, up ${c.up}, down ${c.down}`, c] as const))('%s', (_name, c) => {
    const output = resamplePoly(testInput(c.n, 256), c.up, c.down);
    expect(output).toHaveLength(c.y.length);
    expect(maxAbsDiff(output, c.y)).toBeLessThanOrEqual(1e-9);
  });

  it('rejects non-integer factors', () => {
    expect(() => resamplePoly([1, 2, 3], 1.5, 2)).toThrow(/positive integers/);
  });
});
