/**
 * The segment-classification baseline against scikit-learn: multinomial L2 logistic regression on
 * standardised segment features (test/fixtures/reference/seizure_logreg_sklearn.py), and the
 * features themselves against numpy/SciPy on the real segments (skipped without ../shared/data).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitLogistic, fitMultinomialCore, predictProba } from '../../main/pipelines/seizure/baseline/logistic.js';
import { SEGMENT_FEATURE_COUNT, segmentFeatures } from '../../main/pipelines/seizure/baseline/segment-features.js';
import { readSegmentFolder } from '../../main/io/segments/index.js';
import type { SegmentCollection } from '../../main/io/segments/types.js';
import { dataFile, hasSharedData } from '../helpers/data.js';

interface Problem {
  name: string;
  rows: number[];
  labels: string[];
  classes: string[];
  mean: number[];
  scale: number[];
  coef: number[][];
  intercept: number[];
  probabilities: number[][];
  newtonCg: { coef: number[][]; intercept: number[]; probabilities: number[][] };
}
interface Fixture {
  segments: { file: string; group: string; rateHz: number; features: number[] }[];
  problems: Problem[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/reference/seizure-logreg-sklearn.json', import.meta.url), 'utf8')) as Fixture;

const maxAbs = (rows: ArrayLike<number>[]): number => Math.max(...rows.flatMap((r) => Array.from(r, Math.abs)));

describe('multinomial logistic regression vs sklearn (lbfgs, C = 1)', () => {
  for (const problem of fixture.problems) {
    it(problem.name, () => {
      const rows = problem.rows.map((i) => fixture.segments[i]!.features);
      const model = fitLogistic(rows, problem.labels);
      expect(model.classes).toEqual(problem.classes);
      problem.mean.forEach((m, j) => expect(model.scaler.mean[j]).toBeCloseTo(m, 12));
      problem.scale.forEach((s, j) => expect(model.scaler.scale[j]).toBeCloseTo(s, 12));
      // sklearn reports one row (W₁) for two classes.
      const ours = problem.classes.length === 2 ? [model.coef[1]!] : model.coef;
      const ourIntercept = problem.classes.length === 2 ? [model.intercept[1]!] : Array.from(model.intercept);
      const scale = maxAbs(problem.coef);
      // lbfgs stops ~3e-5 (relative) short of the optimum; Newton-CG with tol 1e-12 reaches it.
      ours.forEach((row, k) => row.forEach((w, j) => expect(Math.abs(w - problem.coef[k]![j]!) / scale).toBeLessThan(1e-4)));
      ours.forEach((row, k) => row.forEach((w, j) => expect(Math.abs(w - problem.newtonCg.coef[k]![j]!) / scale).toBeLessThan(1e-7)));
      ourIntercept.forEach((b, k) => expect(Math.abs(b - problem.intercept[k]!) / scale).toBeLessThan(1e-4));
      ourIntercept.forEach((b, k) => expect(Math.abs(b - problem.newtonCg.intercept[k]!) / scale).toBeLessThan(1e-7));
      rows.forEach((row, i) => {
        const p = predictProba(model, row);
        p.forEach((v, k) => expect(Math.abs(v - problem.probabilities[i]![k]!)).toBeLessThan(1e-4));
        p.forEach((v, k) => expect(Math.abs(v - problem.newtonCg.probabilities[i]![k]!)).toBeLessThan(1e-7));
      });
      // The representative sklearn's lbfgs reaches: intercepts and weights summing to zero over classes.
      expect(Math.abs(model.intercept.reduce((a, b) => a + b, 0))).toBeLessThan(1e-9);
    });
  }

  it('refuses what it cannot fit, naming the problem', () => {
    expect(() => fitLogistic([[1], [2]], ['a', 'a'])).toThrow(/at least 2 classes/);
    expect(() => fitLogistic([[1], [2, 3]], ['a', 'b'])).toThrow(/row 1 has 2 features/);
    expect(() => fitLogistic([[1], [NaN]], ['a', 'b'])).toThrow(/row 1, feature 0 is not finite/);
    expect(() => fitMultinomialCore([Float64Array.of(1)], Int32Array.of(0), 2, { C: 0 })).toThrow(/C must be a positive number/);
  });

  it('separable classes stay finite (the penalty bounds the weights)', () => {
    const rows = [[-2], [-1], [1], [2]];
    const model = fitLogistic(rows, ['a', 'a', 'b', 'b']);
    expect(model.coef[1]![0]).toBeGreaterThan(0);
    expect(predictProba(model, [2])[1]).toBeGreaterThan(0.5);
  });
});

describe('segment features', () => {
  it('a 10 Hz sine puts its power in alpha and its line length where 4·A·f says', () => {
    const rateHz = 200;
    const amplitude = 50;
    const samples = Float32Array.from({ length: 10 * rateHz }, (_, i) => amplitude * Math.sin((2 * Math.PI * 10 * i) / rateHz));
    const f = segmentFeatures({ id: 'sine', rateHz, samples });
    expect(f.length).toBe(SEGMENT_FEATURE_COUNT);
    // mean |Δx|·rate → 4·A·f for a sampled sine (up to sampling of the peaks: within 2 %).
    expect(Math.abs(10 ** f[0]! / (4 * amplitude * 10) - 1)).toBeLessThan(0.02);
    // alpha holds ~ all of A²/2.
    expect(Math.abs(10 ** f[3]! / (amplitude ** 2 / 2) - 1)).toBeLessThan(0.05);
    for (const b of [1, 2, 4, 5]) expect(f[b]!).toBeLessThan(f[3]! - 2);
  });

  it('refuses segments it cannot describe', () => {
    expect(() => segmentFeatures({ id: 'short', rateHz: 200, samples: new Float32Array(100) })).toThrow(/short: 100 samples .* shorter than the 2 s/);
    expect(() => segmentFeatures({ id: 'slow', rateHz: 50, samples: new Float32Array(1000) })).toThrow(/slow: sampling rate 50 Hz has no gamma band/);
    expect(() => segmentFeatures({ id: 'nan', rateHz: 200, samples: Float32Array.of(...new Array(500).fill(0), NaN) })).toThrow(/nan: sample 500 is not a finite number/);
  });
});

describe.skipIf(!hasSharedData())('segment features of real segments vs numpy/SciPy', () => {
  const collections = new Map<string, SegmentCollection>();
  const collection = (folder: string): SegmentCollection => {
    if (!collections.has(folder)) collections.set(folder, readSegmentFolder(dataFile('eeg', folder)));
    return collections.get(folder)!;
  };
  it(`the fixture's ${fixture.segments.length} Bonn and New Delhi segments, read by the segment readers`, () => {
    for (const expected of fixture.segments) {
      const [folder] = expected.file.split('/');
      const file = dataFile('eeg', expected.file);
      const segment = collection(folder!).segments.find((s) => s.file === file);
      expect(segment, expected.file).toBeDefined();
      expect(segment!.rateHz).toBeCloseTo(expected.rateHz, 9);
      const ours = segmentFeatures({ id: segment!.id, rateHz: segment!.rateHz, samples: segment!.samples });
      expected.features.forEach((v, j) => expect(Math.abs(ours[j]! - v), `${expected.file} feature ${j}`).toBeLessThan(1e-9));
    }
  });
});
