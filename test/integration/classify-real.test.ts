/**
 * The baseline classifier on the 100-subject ABIDE cohort against scikit-learn
 * (test/fixtures/reference/classify-sklearn.json from classify_sklearn.py): nilearn-style 'pearson'
 * (= nilearn 'correlation') and 'tangent' features, StandardScaler + LogisticRegression(C=1) on the
 * folds of StratifiedKFold(5, shuffle=False) over site|target strata, for diagnosis and sex. The folds
 * must be identical, the per-fold AUROC equal within 1e-3 (the criterion; in practice equal),
 * and the out-of-fold decision scores equal to 1e-5 relative (sklearn's newton-cg stops ~1e-8 short).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossValidate } from '../../main/pipelines/fmri/classify.js';
import { connectivity, connectivityFeatures, type ConnectivityKind } from '../../main/pipelines/fmri/connectivity.js';
import type { SeriesMatrix } from '../../main/pipelines/fmri/covariance.js';
import { readAbideLabels, readAbideSubject, type AbideSubject } from '../helpers/abide.js';
import { REPO_ROOT, SKIP_NO_DATA, hasSharedData } from '../helpers/data.js';
import { featureSampleIndex, maxRelativeError } from '../helpers/fmri-reference.js';

interface FoldReference {
  fold: number;
  trainCount: number;
  testCount: number;
  accuracy: number;
  balancedAccuracy: number;
  auroc: number;
  scores: number[];
}
interface Reference {
  subjects: string[];
  sites: string[];
  folds: number;
  C: number;
  features: Record<string, { featureCount: number; samples: number[][] }>;
  runs: { kind: 'pearson' | 'tangent'; target: 'diagnosis' | 'sex'; classes: string[]; testFold: number[]; folds: FoldReference[] }[];
}
const reference = JSON.parse(readFileSync(`${REPO_ROOT}/test/fixtures/reference/classify-sklearn.json`, 'utf8')) as Reference;

describe.skipIf(!hasSharedData())(`classifier on ABIDE 100 (${hasSharedData() ? 'sklearn reference' : SKIP_NO_DATA})`, () => {
  let subjects: AbideSubject[] = [];
  let series: SeriesMatrix[] = [];
  const features = new Map<string, { features: Float64Array; featureCount: number }>();
  beforeAll(async () => {
    subjects = readAbideLabels();
    series = await Promise.all(subjects.map((s) => readAbideSubject(s.id)));
  });

  it('reads the cohort in the reference order, with its sites', () => {
    expect(subjects.map((s) => s.id)).toEqual(reference.subjects);
    expect(subjects.map((s) => s.site)).toEqual(reference.sites);
  });

  for (const kind of ['pearson', 'tangent'] as ConnectivityKind[]) {
    it(`${kind} features equal the reference's to 1e-9`, () => {
      const f = connectivityFeatures(connectivity(series, kind));
      features.set(kind, f);
      const ref = reference.features[kind]!;
      expect(f.featureCount).toBe(ref.featureCount);
      ref.samples.forEach((row, s) => {
        const actual = row.map((_, k) => f.features[s * f.featureCount + featureSampleIndex(k, f.featureCount)]!);
        expect(maxRelativeError(actual, row, 1e-3)).toBeLessThan(1e-9);
      });
    }, 300_000);
  }

  for (const run of reference.runs) {
    it(`${run.kind} → ${run.target}: same folds, AUROC within 1e-3 per fold, scores to 1e-5`, () => {
      const f = features.get(run.kind);
      if (!f) throw new Error(`${run.kind} features were not computed (the test above failed)`);
      const labels = subjects.map((s) => s[run.target]);
      const cv = crossValidate(f.features, f.featureCount, labels, subjects.map((s) => s.site), { folds: reference.folds, C: reference.C, seed: 0 });
      expect(cv.classes).toEqual(run.classes);
      expect(Array.from(cv.testFold)).toEqual(run.testFold);
      run.folds.forEach((expected, k) => {
        const actual = cv.folds[k]!;
        expect([actual.trainCount, actual.testCount]).toEqual([expected.trainCount, expected.testCount]);
        expect(Math.abs(actual.auroc - expected.auroc)).toBeLessThan(1e-3);
        expect(actual.accuracy).toBeCloseTo(expected.accuracy, 12);
        expect(actual.balancedAccuracy).toBeCloseTo(expected.balancedAccuracy, 12);
        const test = run.testFold.flatMap((fold, i) => (fold === k ? [i] : []));
        expect(maxRelativeError(test.map((i) => cv.scores[i]!), expected.scores, 1)).toBeLessThan(1e-5);
      });
    });
  }
});
