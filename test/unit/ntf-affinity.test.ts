/**
 * The NTF preprocessing and the differential affinity (Cajal's documented choice, see affinity.ts
 * and the README): traces made in code with known rises, so each property can be checked exactly.
 */
import { describe, expect, it } from 'vitest';
import type { CalciumRecording } from '../../main/io/calcium/index.js';
import { affinityTensor, risingRate } from '../../main/pipelines/ntf/affinity.js';
import { pairIndex } from '../../main/pipelines/ntf/keys.js';
import { matchNeurons, preprocessAnimal, type AnimalTraces } from '../../main/pipelines/ntf/preprocess.js';
import { seededRandom } from '../../shared/random.js';

const FRAMES = 300;

/** A calcium-like transient train: instant rise at each onset, exponential decay, plus small noise. */
function transients(onsets: number[], seed: number, amplitude = 1): Float64Array {
  const random = seededRandom(seed);
  const trace = Float64Array.from({ length: FRAMES }, () => 0.01 * (random() - 0.5));
  for (const onset of onsets) for (let t = onset; t < FRAMES; t++) trace[t]! += amplitude * Math.exp(-(t - onset) / 10);
  return trace;
}

function recording(traces: Float64Array[], overrides: Partial<CalciumRecording> = {}): CalciumRecording {
  const frames = traces[0]!.length;
  const data = new Float32Array(traces.length * frames);
  traces.forEach((trace, c) => data.set(trace, c * frames));
  return {
    source: 'test',
    format: 'calcium-csv',
    cellCount: traces.length,
    frameCount: frames,
    frameRateHz: 2,
    timestampsS: null,
    traces: data,
    traceKind: 'dff',
    neuropil: null,
    deconvolved: null,
    labels: traces.map((_, c) => `N${c}`),
    positions: null,
    isCell: null,
    assemblies: null,
    behaviour: null,
    warnings: [],
    description: '',
    ...overrides,
  };
}

const OPTIONS = { neuropilCoefficient: 0.7, baselineWindowS: 60, detrend: 'none' as const };

describe('differential affinity', () => {
  it('the rising rate is zero while a trace decays and does not depend on its scale', () => {
    const trace = transients([50, 150], 1);
    const rate = risingRate(trace, 1);
    const rise = Math.max(...rate.subarray(48, 53)); // in units of the derivative's noise (MAD)
    expect(rise).toBeGreaterThan(5);
    // While it decays only noise can rise: a few noise units at most, a small fraction of the rise.
    expect(Math.max(...rate.subarray(60, 140))).toBeLessThan(0.2 * rise);
    const scaled = risingRate(trace.map((v) => 7 * v + 3), 1);
    for (let t = 0; t < FRAMES; t++) expect(scaled[t]).toBeCloseTo(rate[t]!, 9);
  });

  it('is high for neurons that rise together and ~0 for one that rises at other times', () => {
    const together = [40, 120, 220];
    const traces = [transients(together, 1), transients(together, 2, 3), transients([80, 170, 260], 3)];
    const { tensor } = affinityTensor({ traces: [traces] }, { smoothingFrames: 1, binFrames: 1 });
    expect(tensor.shape).toEqual([3, FRAMES, 1]);
    const total = (i: number, j: number) => {
      let sum = 0;
      for (let b = 0; b < FRAMES; b++) sum += tensor.data[pairIndex(i, j, 3) * FRAMES + b]!;
      return sum;
    };
    expect(total(0, 1)).toBeGreaterThan(20 * total(0, 2));
    expect(total(0, 1)).toBeGreaterThan(20 * total(1, 2));
    for (const value of tensor.data) expect(value).toBeGreaterThanOrEqual(0);
  });

  it('is the geometric mean √(r_i r_j), averaged over the frames of each bin, per animal', () => {
    const a = [transients([30, 90], 4), transients([30, 100], 5), transients([60], 6)];
    const b = [transients([10], 7), transients([10, 70], 8), transients([10], 9)];
    const { tensor } = affinityTensor({ traces: [a, b] }, { smoothingFrames: 1, binFrames: 4 });
    expect(tensor.shape).toEqual([3, FRAMES / 4, 2]);
    const r = [a, b].map((animal) => animal.map((trace) => risingRate(trace, 1)));
    for (const [w, i, j, bin] of [[0, 0, 1, 7], [1, 1, 2, 2], [0, 0, 2, 15]] as const) {
      let expected = 0;
      for (let f = bin * 4; f < bin * 4 + 4; f++) expected += Math.sqrt(r[w]![i]![f]! * r[w]![j]![f]!);
      expect(tensor.data[(pairIndex(i, j, 3) * (FRAMES / 4) + bin) * 2 + w]).toBeCloseTo(expected / 4, 12);
    }
  });

  it('refuses too few neurons or frames with a clear message', () => {
    expect(() => affinityTensor({ traces: [[transients([1], 1), transients([1], 2)]] }, { smoothingFrames: 1, binFrames: 1 })).toThrow(/at least 3 neurons/);
    const short = [0, 1, 2].map((s) => transients([1], s).subarray(0, 5));
    expect(() => affinityTensor({ traces: [short] }, { smoothingFrames: 1, binFrames: 4 })).toThrow(/fewer than 2 bins/);
  });
});

describe('preprocessing', () => {
  it('turns F/F20 into ΔF/F and subtracts 0.7 × neuropil before the baseline', () => {
    const flat = new Float64Array(FRAMES).fill(1.5);
    const f20 = preprocessAnimal('w', recording([flat, flat, flat], { traceKind: 'f-over-f20' }), OPTIONS);
    expect(f20.traces[0]![10]).toBeCloseTo(0.5, 12);
    const f = new Float64Array(FRAMES).fill(300);
    const neuropil = new Float32Array(3 * FRAMES).fill(100);
    const corrected = preprocessAnimal('w', recording([f, f, f], { traceKind: 'fluorescence', neuropil }), OPTIONS);
    // F − 0.7 F_neu = 230 everywhere: its own baseline, so ΔF/F = 0.
    expect(Math.max(...corrected.traces[0]!.map(Math.abs))).toBeLessThan(1e-12);
  });

  it('gives ΔF/F of raw fluorescence against a maximin baseline that follows slow drift', () => {
    const drift = Float64Array.from({ length: FRAMES }, (_, t) => 100 + 0.1 * t);
    for (let t = 150; t < 160; t++) drift[t]! += 50; // one transient on the drifting baseline
    const [dff] = preprocessAnimal('w', recording([drift, drift, drift], { traceKind: 'fluorescence', frameRateHz: 1 }), OPTIONS).traces;
    expect(dff![155]).toBeGreaterThan(0.3);
    expect(Math.abs(dff![20]!)).toBeLessThan(0.1);
    expect(Math.abs(dff![280]!)).toBeLessThan(0.1);
  });

  it('removes the linear trend when asked, and leaves out non-cells and non-finite cells', () => {
    const ramp = Float64Array.from({ length: FRAMES }, (_, t) => 0.01 * t);
    const broken = Float64Array.from(ramp);
    broken[5] = Number.NaN;
    const animal = preprocessAnimal('w', recording([ramp, broken, ramp, ramp], { isCell: [true, true, false, true] }), { ...OPTIONS, detrend: 'linear' });
    expect(animal.names).toEqual(['N0', 'N3']);
    expect(Math.max(...animal.traces[0]!.map(Math.abs))).toBeLessThan(1e-6); // float32 traces
    expect(animal.notes.join(' ')).toMatch(/1 ROIs classified as not cells.*1 cells with non-finite values/);
  });

  it('matches neurons across animals by name, dropping unnamed and doubly named cells', () => {
    const animal = (names: string[]): AnimalTraces => ({
      name: names.join(''),
      frameRateHz: 1,
      traces: names.map(() => new Float64Array(4)),
      names,
      positions: names.map(() => null),
      notes: [],
    });
    const matched = matchNeurons([animal(['AVAL', 'AVAR', 'cell 3', 'RIML', 'SMDV']), animal(['RIML', 'AVAL', 'SMDV', 'SMDV', 'AVAR'])], 'label');
    expect(matched.names).toEqual(['AVAL', 'AVAR', 'RIML']);
    expect(matched.indices).toEqual([[0, 1, 3], [1, 4, 0]]);
    expect(matched.notes.join(' ')).toMatch(/names given to several cells were left out \(SMDV\)/);
  });
});
