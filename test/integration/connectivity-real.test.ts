/**
 * Connectivity on real ROI series against test/fixtures/reference/connectivity-sklearn.json
 * (connectivity_sklearn.py: sklearn 1.2.1 LedoitWolf with nilearn's ConnectivityMeasure semantics):
 * five ABIDE subjects (PITT, PITT with 1 and 11 constant regions, OLIN, OHSU with 77 < 116 time
 * points) and the HCP 94-region series (whole, and its four 300-point segments as a tangent group).
 * The reference stores sketches (200 entries at fixed indices, the product with a fixed vector,
 * the Frobenius norm) rather than whole matrices; see test/helpers/fmri-reference.ts.
 * `pearson` here is nilearn's 'correlation' (z-score, Ledoit–Wolf, cov_to_corr), not np.corrcoef.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectivity, connectivityFeatures, type ConnectivityKind } from '../../main/pipelines/fmri/connectivity.js';
import { ledoitWolf, standardizeSeries, type SeriesMatrix } from '../../main/pipelines/fmri/covariance.js';
import { readAbideSubject, readHcp } from '../helpers/abide.js';
import { REPO_ROOT, SKIP_NO_DATA, hasSharedData } from '../helpers/data.js';
import { featureSampleIndex, maxRelativeError, sketch, type Sketch } from '../helpers/fmri-reference.js';

interface KindSketch {
  shrinkage: number[];
  matrices: Sketch[];
  mean: Sketch;
  featureSamples: number[][];
  iterations?: number;
}
interface Reference {
  abide: { subjects: string[]; regions: number; timepoints: number[]; kinds: Record<ConnectivityKind, KindSketch> };
  hcp: { regions: number; timepoints: number; kinds: Record<string, KindSketch>; segments: { length: number; count: number; kinds: { tangent: KindSketch } } };
}
const reference = JSON.parse(readFileSync(`${REPO_ROOT}/test/fixtures/reference/connectivity-sklearn.json`, 'utf8')) as Reference;
const TOLERANCE = 1e-9;

/** Worst relative error of a matrix against its sketch; entries are compared relative to max(|x|, ‖M‖_F / n · 1e-3). */
function sketchError(m: Float64Array, n: number, expected: Sketch): number {
  const actual = sketch(m, n);
  const scale = expected.frobenius / n;
  return Math.max(
    maxRelativeError(actual.samples, expected.samples, scale * 1e-3),
    maxRelativeError(actual.product, expected.product, scale),
    Math.abs(actual.frobenius / expected.frobenius - 1),
  );
}

function checkKind(series: SeriesMatrix[], kind: ConnectivityKind, expected: KindSketch): void {
  const n = series[0]!.regionCount;
  const result = connectivity(series, kind);
  result.matrices.forEach((m, k) => expect(sketchError(m, n, expected.matrices[k]!), `${kind} subject ${k}`).toBeLessThan(TOLERANCE));
  expect(sketchError(result.mean!, n, expected.mean), `${kind} mean`).toBeLessThan(TOLERANCE);
  const { features, featureCount } = connectivityFeatures(result);
  expected.featureSamples.forEach((row, s) => {
    const actual = row.map((_, k) => features[s * featureCount + featureSampleIndex(k, featureCount)]!);
    expect(maxRelativeError(actual, row, 1e-3), `${kind} features of subject ${s}`).toBeLessThan(TOLERANCE);
  });
}

describe.skipIf(!hasSharedData())(`connectivity on ABIDE and HCP series (${hasSharedData() ? 'sklearn reference' : SKIP_NO_DATA})`, () => {
  let abide: SeriesMatrix[] = [];
  let hcp: SeriesMatrix;
  beforeAll(async () => {
    abide = await Promise.all(reference.abide.subjects.map(readAbideSubject));
    hcp = await readHcp();
  });

  it('reads the series with the expected shapes', () => {
    expect(abide.map((s) => s.timepoints)).toEqual(reference.abide.timepoints);
    expect(abide.every((s) => s.regionCount === reference.abide.regions)).toBe(true);
    expect([hcp.regionCount, hcp.timepoints]).toEqual([reference.hcp.regions, reference.hcp.timepoints]);
  });

  it('Ledoit–Wolf shrinkage equals sklearn on raw and z-scored series', () => {
    abide.forEach((s, k) => {
      expect(Math.abs(ledoitWolf(s).shrinkage / reference.abide.kinds.covariance.shrinkage[k]! - 1)).toBeLessThan(TOLERANCE);
      expect(Math.abs(ledoitWolf(standardizeSeries(s)).shrinkage / reference.abide.kinds.pearson.shrinkage[k]! - 1)).toBeLessThan(TOLERANCE);
    });
    expect(Math.abs(ledoitWolf(hcp).shrinkage / reference.hcp.kinds.covariance!.shrinkage[0]! - 1)).toBeLessThan(TOLERANCE);
  });

  for (const kind of ['covariance', 'pearson', 'partial', 'tangent'] as ConnectivityKind[]) {
    it(`ABIDE ${kind} matrices, mean and features equal the reference to 1e-9`, () => checkKind(abide, kind, reference.abide.kinds[kind]), 120_000);
  }

  for (const kind of ['covariance', 'pearson', 'partial'] as ConnectivityKind[]) {
    it(`HCP ${kind} equals the reference to 1e-9`, () => checkKind([hcp], kind, reference.hcp.kinds[kind]!));
  }

  it('HCP tangent over its four 300-point segments equals the reference to 1e-9', () => {
    const { length, count } = reference.hcp.segments;
    const segments = Array.from({ length: count }, (_, k) => {
      const data = new Float64Array(hcp.regionCount * length);
      for (let r = 0; r < hcp.regionCount; r++) data.set(hcp.data.subarray(r * hcp.timepoints + k * length, r * hcp.timepoints + (k + 1) * length), r * length);
      return { regionCount: hcp.regionCount, timepoints: length, data };
    });
    checkKind(segments, 'tangent', reference.hcp.segments.kinds.tangent);
  }, 120_000);
});
