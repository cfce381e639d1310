/**
 * Baseline classifier on synthetic data. Expected values that come from scikit-learn 1.2.1 were
 * computed once with /usr/bin/python3 and are quoted inline with the code that produced them; the
 * ABIDE comparison is test/integration/classify-real.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../main/errors.js';
import { classify, crossValidate } from '../../main/pipelines/fmri/classify.js';
import { stratifiedFolds, strata } from '../../main/pipelines/fmri/folds.js';
import { decisionFunction, fitLogistic } from '../../main/pipelines/fmri/logistic.js';
import { balancedAccuracy, rocAuc } from '../../main/pipelines/fmri/metrics.js';

const signs = (labels: number[]) => Int8Array.from(labels, (l) => (l > 0 ? 1 : -1));

describe('stratified folds (sklearn StratifiedKFold, shuffle=False)', () => {
  it('equals sklearn on an unbalanced three-class example', () => {
    // y = list('abacbaabcacba'); [f for each sample] from StratifiedKFold(3).split(zeros(13), y)
    const y = [...'abacbaabcacba'];
    expect(Array.from(stratifiedFolds(y, 3))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  });

  it('spreads every site|label stratum evenly over the folds', () => {
    const sites = Array.from({ length: 100 }, (_, i) => (i < 56 ? 'PITT' : i < 90 ? 'OLIN' : 'OHSU'));
    const labels = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 || i >= 90 ? 'ASD' : 'control'));
    const y = strata(labels, sites);
    for (const seed of [0, 7]) {
      const folds = stratifiedFolds(y, 5, seed);
      for (const stratum of new Set(y)) {
        const perFold = [0, 1, 2, 3, 4].map((f) => y.filter((s, i) => s === stratum && folds[i] === f).length);
        expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
      }
    }
    // A seed permutes membership within strata, deterministically.
    expect(Array.from(stratifiedFolds(y, 5, 7))).toEqual(Array.from(stratifiedFolds(y, 5, 7)));
    expect(Array.from(stratifiedFolds(y, 5, 7))).not.toEqual(Array.from(stratifiedFolds(y, 5, 0)));
  });

  it('refuses more folds than any stratum has subjects', () => {
    expect(() => stratifiedFolds(['a', 'b', 'a', 'b'], 3)).toThrow(/more than the number of subjects in every stratum/);
    expect(() => stratifiedFolds(['a', 'b'], 1)).toThrow(ValidationError);
  });
});

describe('metrics (sklearn definitions)', () => {
  it('ROC AUC counts tied scores as half (roc_auc_score)', () => {
    // roc_auc_score([0,0,1,1,0,1,1,0], [0.1,0.4,0.35,0.8,0.4,0.4,0.1,0.9]) = 0.40625
    const auc = rocAuc(signs([0, 0, 1, 1, 0, 1, 1, 0]), Float64Array.of(0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.1, 0.9));
    expect(auc).toBeCloseTo(0.40625, 15);
    expect(rocAuc(signs([0, 1, 0, 1]), Float64Array.of(1, 1, 1, 1))).toBe(0.5);
    expect(() => rocAuc(signs([1, 1]), Float64Array.of(0.2, 0.3))).toThrow(/only one class/);
  });

  it('balanced accuracy is the mean per-class recall', () => {
    // balanced_accuracy_score([0,0,0,1,1,1,1,1], [0,1,0,1,1,0,1,1]) = 0.7333333333333334
    expect(balancedAccuracy(signs([0, 0, 0, 1, 1, 1, 1, 1]), signs([0, 1, 0, 1, 1, 0, 1, 1]))).toBeCloseTo(0.7333333333333334, 15);
  });
});

describe('L2 logistic regression', () => {
  // t = arange(1, 13)[:, None]; j = arange(1, 4)[None, :]; X = sin(0.7 t j) + 0.3 j
  const m = 12;
  const p = 3;
  const x = Float64Array.from({ length: m * p }, (_, i) => Math.sin(0.7 * (Math.floor(i / p) + 1) * ((i % p) + 1)) + 0.3 * ((i % p) + 1));
  const y = signs([0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0]);

  it("reaches sklearn's optimum (LogisticRegression(C=0.5), newton-cg, tol=1e-12)", () => {
    const model = fitLogistic(x, m, p, y, 0.5);
    const expected = [0.16127955335988264, -0.17602731169684516, -1.0130101575233965];
    model.weights.forEach((w, j) => expect(Math.abs(w - expected[j]!)).toBeLessThan(1e-7));
    expect(Math.abs(model.intercept - 0.9439795746236164)).toBeLessThan(1e-7);
  });

  it('satisfies the optimality conditions to rounding: w = C Σ yᵢ σ(−yᵢ zᵢ) xᵢ and Σ yᵢ σ(−yᵢ zᵢ) = 0', () => {
    const C = 2;
    const model = fitLogistic(x, m, p, y, C);
    const z = decisionFunction(model, x, m, p);
    const grad = new Float64Array(p);
    let interceptGrad = 0;
    for (let i = 0; i < m; i++) {
      const r = y[i]! / (1 + Math.exp(y[i]! * z[i]!));
      interceptGrad += r;
      for (let j = 0; j < p; j++) grad[j] = grad[j]! + C * r * x[i * p + j]!;
    }
    model.weights.forEach((w, j) => expect(Math.abs(w - grad[j]!)).toBeLessThan(1e-12));
    expect(Math.abs(interceptGrad)).toBeLessThan(1e-12);
  });
});

describe('classify (cross-validated)', () => {
  /** n subjects, p features; class 'b' shifted by `gap` along the first 5 features. */
  function problem(n: number, p: number, gap: number) {
    const labels = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'a' : 'b'));
    const sites = Array.from({ length: n }, (_, i) => (i % 5 < 3 ? 'S1' : 'S2'));
    const features = Float64Array.from({ length: n * p }, (_, k) => {
      const i = Math.floor(k / p);
      const j = k % p;
      return Math.sin(1.3 * i * (j + 1) + j) + (labels[i] === 'b' && j < 5 ? gap : 0);
    });
    return { labels, sites, features, p };
  }

  it('separates a separable problem perfectly, per fold and on average', () => {
    const { labels, sites, features, p } = problem(60, 40, 3);
    const report = classify(features, p, labels, sites, { folds: 5, C: 1, seed: 0, target: 'group' });
    expect(report.target).toBe('group');
    expect(report.classes).toEqual(['a', 'b']);
    expect(report.subjectCount).toBe(60);
    expect(report.featureCount).toBe(40);
    expect(report.folds).toHaveLength(5);
    for (const f of report.folds) {
      expect(f.trainCount + f.testCount).toBe(60);
      expect(f.auroc).toBe(1);
      expect(f.accuracy).toBe(1);
      expect(f.balancedAccuracy).toBe(1);
    }
    expect(report.mean).toEqual({ accuracy: 1, balancedAccuracy: 1, auroc: 1 });
  });

  it('is at chance on labels unrelated to the features', () => {
    const { features, p, sites } = problem(80, 30, 0);
    const labels = Array.from({ length: 80 }, (_, i) => (Math.floor(i / 2) % 2 === 0 ? 'x' : 'y'));
    const cv = crossValidate(features, p, labels, sites, { folds: 4, C: 1, seed: 0 });
    const mean = cv.folds.reduce((s, f) => s + f.auroc, 0) / cv.folds.length;
    expect(mean).toBeGreaterThan(0.2);
    expect(mean).toBeLessThan(0.8);
    expect(cv.scores.every(Number.isFinite)).toBe(true);
  });

  it('refuses bad input with one clear error', () => {
    const { labels, sites, features, p } = problem(20, 6, 1);
    const nan = Float64Array.from(features);
    nan[3 * p + 2] = Number.NaN;
    expect(() => classify(nan, p, labels, sites, { folds: 2, C: 1, seed: 0 })).toThrow(/subject 3, feature 2 is NaN/);
    expect(() => classify(features, p, labels.map(() => 'a'), sites, { folds: 2, C: 1, seed: 0 })).toThrow(/only one class \(a\)/);
    expect(() => classify(features, p, labels.map((l, i) => (i < 3 ? 'c' : l)), sites, { folds: 2, C: 1, seed: 0 })).toThrow(/3 classes/);
    expect(() => classify(features, p + 1, labels, sites, { folds: 2, C: 1, seed: 0 })).toThrow(/need 140 values, got 120/);
    expect(() => classify(features, p, labels, sites.slice(1), { folds: 2, C: 1, seed: 0 })).toThrow(/19 sites for 20 subjects/);
    expect(() => classify(features, p, labels, sites, { folds: 2, C: 0, seed: 0 })).toThrow(ValidationError);
    // One subject of class 'b': the folds that do not hold it cannot score an AUROC.
    const rare = labels.map((_, i) => (i === 0 ? 'b' : 'a'));
    expect(() => classify(features, p, rare, null, { folds: 2, C: 1, seed: 0 })).toThrow(/fold \d's (training|test) set holds only "a" subjects/);
  });
});
