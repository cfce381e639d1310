/**
 * The per-channel input's resampler and window features against SciPy / NumPy
 * (test/fixtures/reference/seizure_channel_numpy.py → seizure-channel-numpy.json) and against
 * what analytic signals must give.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WINDOW_FEATURE_COUNT } from '../../main/pipelines/seizure/channel/feature-set.js';
import { WindowFeatureExtractor, windowFrames } from '../../main/pipelines/seizure/channel/features.js';
import { rationalRatio, resampleToRate } from '../../main/pipelines/seizure/channel/resample.js';
import { FIRST_READY_SECOND } from '../../main/pipelines/seizure/neural/windows.js';
import { REPO_ROOT } from '../helpers/data.js';

interface Reference {
  resampling: { rateHz: number; up: number; down: number; n: number; output: number[] }[];
  sines: { hz: number; amplitude: number; features: number[] }[];
  long: { n: number; frames: number[][] };
  short: { n: number; frames: number[][] };
}
const reference = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/reference/seizure-channel-numpy.json'), 'utf8')) as Reference;

/** The generator's test signal (same formula as the Python script). */
function testSignal(n: number, rate: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => {
    const t = i / rate;
    let x = 50 * Math.sin(2 * Math.PI * 5.3 * t) + 20 * Math.sin(2 * Math.PI * 17 * t + 0.3) + 30 * Math.sin(2 * Math.PI * 0.2 * t);
    x += 15 * Math.sin(i * i * 0.001 + i * 0.37);
    return x + (i % 211 === 0 ? 120 : 0);
  });
}

/** Band shares far below round-off (log10 < −8) cannot agree digit for digit: compare them as "tiny". */
function expectFeaturesClose(actual: ArrayLike<number>, expected: number[], label: string) {
  expect(actual.length, label).toBe(WINDOW_FEATURE_COUNT);
  expected.forEach((value, f) => {
    if (f < 8 && value < -8) expect(actual[f]!, `${label} feature ${f}`).toBeLessThan(-8);
    else expect(actual[f]!, `${label} feature ${f}`).toBeCloseTo(value, 4);
  });
}

describe('resampleToRate', () => {
  it('writes rates as exact fractions (173.61 Hz → 256 Hz is 25600/17361)', () => {
    expect(rationalRatio(173.61, 256)).toEqual({ up: 25600, down: 17361 });
    expect(rationalRatio(500, 256)).toEqual({ up: 64, down: 125 });
    expect(rationalRatio(100, 256)).toEqual({ up: 64, down: 25 });
    const odd = rationalRatio(Math.PI * 100, 256);
    expect(Math.abs(odd.up / odd.down - 256 / (Math.PI * 100))).toBeLessThan(1e-9);
    expect(() => rationalRatio(0, 256)).toThrow(/positive/);
  });

  it.each(reference.resampling.map((r) => [r.rateHz, r] as const))('equals scipy.signal.resample_poly from %s Hz', (_rate, r) => {
    const y = resampleToRate(testSignal(r.n, r.rateHz), r.rateHz, 256);
    expect(y.length).toBe(r.output.length);
    let worst = 0;
    r.output.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - y[k]!))));
    expect(worst).toBeLessThan(1e-9);
  });

  it('removes what the new rate cannot carry (anti-aliasing) and keeps what it can', () => {
    // 500 Hz: a 10 Hz sine survives, a 200 Hz one (above 128 Hz) would alias to 56 Hz; it must vanish.
    const n = 5000;
    const keep = Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 10 * i) / 500));
    const alias = Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 200 * i) / 500));
    const rms = (x: Float64Array) => Math.sqrt(x.subarray(500, x.length - 500).reduce((s, v) => s + v * v, 0) / (x.length - 1000));
    expect(rms(resampleToRate(keep, 500, 256))).toBeCloseTo(Math.SQRT1_2, 2);
    expect(rms(resampleToRate(alias, 500, 256))).toBeLessThan(0.01);
  });
});

describe('window features', () => {
  it.each(reference.sines.map((s) => [s.hz, s] as const))('a %s Hz sine: NumPy values, its band, RMS A/√2, rhythmicity, spectral edge', (hz, s) => {
    const x = Float64Array.from({ length: 1024 }, (_, i) => s.amplitude * Math.sin((2 * Math.PI * hz * i) / 256));
    const span = windowFrames(x, 256);
    const frame = span.frames.subarray((span.frames.length / WINDOW_FEATURE_COUNT - 1) * WINDOW_FEATURE_COUNT);
    expectFeaturesClose(frame, s.features, `${hz} Hz`);
    expect(frame[8]).toBeCloseTo(Math.log10(s.amplitude / Math.SQRT2), 6);
    // Hann spreads a bin-centred sine over 3 bins (P, P/4, P/4): peak / mean of the 40 2–12 Hz bins = 40/1.5.
    if (hz > 2 && hz < 12) expect(frame[10]).toBeCloseTo(Math.log2(40 / 1.5), 6);
    // All power sits at the sine (its upper Hann side lobe holds 1/6): the 90 % edge is the bin above it.
    expect(frame[11]! * 10).toBeCloseTo(hz + 0.25, 6);
    expect(frame[13]).toBeCloseTo(Math.asinh(-1.5), 3);
  });

  it('every frame of a 10 s signal, the first three from shorter windows, equals NumPy', () => {
    const x = testSignal(reference.long.n, 256);
    const span = windowFrames(x, 256);
    expect(span.firstS).toBe(0);
    expect(span.channels).toBe(1);
    expect(span.frames.length).toBe(10 * WINDOW_FEATURE_COUNT);
    reference.long.frames.forEach((expected, t) => expectFeaturesClose(span.frames.subarray(t * WINDOW_FEATURE_COUNT, (t + 1) * WINDOW_FEATURE_COUNT), expected, `frame ${t}`));
  });

  it('a signal shorter than 4 s gives one frame from all of it, at the first second fillWindow reads', () => {
    const span = windowFrames(testSignal(reference.short.n, 256), 256);
    expect(span.firstS).toBe(FIRST_READY_SECOND);
    expect(span.frames.length).toBe(WINDOW_FEATURE_COUNT);
    expectFeaturesClose(span.frames, reference.short.frames[0]!, 'short');
    expect(() => windowFrames([1], 256)).toThrow(/at least 2 samples/);
  });

  it('the streaming extractor gives windowFrames’ frames second by second', () => {
    const x = testSignal(8 * 256, 256);
    const span = windowFrames(x, 256);
    const extractor = new WindowFeatureExtractor();
    const out = new Float32Array(WINDOW_FEATURE_COUNT);
    for (let t = 0; t < 8; t++) {
      extractor.pushSecond(x.subarray(t * 256, (t + 1) * 256), out);
      expect(extractor.ready).toBe(t >= 3);
      expect(Array.from(out)).toEqual(Array.from(span.frames.subarray(t * WINDOW_FEATURE_COUNT, (t + 1) * WINDOW_FEATURE_COUNT)));
    }
  });

  it('a flat channel gives finite features; other rates are resampled first', () => {
    const flat = windowFrames(new Float64Array(2048), 256);
    expect(Array.from(flat.frames).every(Number.isFinite)).toBe(true);
    // The same 6 Hz rhythm at 173.61 Hz and at 256 Hz: the same band, nearly the same features.
    const at = (rate: number) => windowFrames(Float64Array.from({ length: Math.round(8 * rate) }, (_, i) => 80 * Math.sin((2 * Math.PI * 6.1 * i) / rate)), rate);
    const a = at(173.61).frames.subarray(6 * WINDOW_FEATURE_COUNT, 7 * WINDOW_FEATURE_COUNT);
    const b = at(256).frames.subarray(6 * WINDOW_FEATURE_COUNT, 7 * WINDOW_FEATURE_COUNT);
    expect(a[3]).toBeGreaterThan(-0.05);
    expect(a[8]).toBeCloseTo(b[8]!, 2);
    expect(a[11]).toBeCloseTo(b[11]!, 6);
  });
});
