/** Stratified folds, the segment metrics and the training-fold threshold of the segment evaluation. */
import { describe, expect, it } from 'vitest';
import { balancedThreshold, classificationMetrics, stratifiedFolds } from '../../main/pipelines/seizure/baseline/cross-validation.js';

describe('stratified K-fold', () => {
  const labels = [...new Array(60).fill('healthy'), ...new Array(23).fill('ictal'), ...new Array(41).fill('interictal')] as string[];

  it('puts each class evenly in every fold and fold sizes within one', () => {
    const fold = stratifiedFolds(labels, 10, 7);
    for (let f = 0; f < 10; f++) {
      const members = labels.filter((_, i) => fold[i] === f);
      expect(members.filter((l) => l === 'healthy').length).toBe(6);
      expect([2, 3]).toContain(members.filter((l) => l === 'ictal').length);
      expect([4, 5]).toContain(members.filter((l) => l === 'interictal').length);
      expect([12, 13]).toContain(members.length);
    }
  });

  it('is a function of the labels and the seed', () => {
    expect(Array.from(stratifiedFolds(labels, 10, 7))).toEqual(Array.from(stratifiedFolds(labels, 10, 7)));
    expect(Array.from(stratifiedFolds(labels, 10, 7))).not.toEqual(Array.from(stratifiedFolds(labels, 10, 8)));
  });

  it('refuses classes smaller than the fold count', () => {
    expect(() => stratifiedFolds(['a', 'a', 'b'], 2, 1)).toThrow(/class 'b' has 1 items, fewer than the 2 folds/);
    expect(() => stratifiedFolds(['a', 'b'], 1, 1)).toThrow(/folds ≥ 2/);
  });
});

describe('segment metrics', () => {
  it('3 classes: accuracy over all, sensitivity and specificity of ictal vs the rest', () => {
    const classes = ['healthy', 'ictal', 'interictal'];
    const truth = ['healthy', 'healthy', 'interictal', 'interictal', 'ictal', 'ictal', 'ictal', 'ictal'];
    const predicted = ['healthy', 'interictal', 'interictal', 'ictal', 'ictal', 'ictal', 'ictal', 'healthy'];
    const m = classificationMetrics(classes, truth, predicted);
    expect(m.confusion).toEqual([
      [1, 0, 1],
      [1, 3, 0],
      [0, 1, 1],
    ]);
    expect(m.accuracy).toBe(5 / 8);
    expect(m.sensitivity).toBe(3 / 4);
    // healthy called interictal is still "not ictal": 3 of the 4 non-ictal segments.
    expect(m.specificity).toBe(3 / 4);
  });

  it('refuses labels outside the task', () => {
    expect(() => classificationMetrics(['a', 'ictal'], ['a'], ['b'])).toThrow(/predicted label 'b'/);
  });
});

describe('training-fold threshold', () => {
  it('cuts midway between separable classes', () => {
    expect(balancedThreshold([0.1, 0.2, 0.3, 0.8, 0.9], [false, false, false, true, true])).toBeCloseTo(0.55, 12);
  });

  it('maximises balanced accuracy, not accuracy, on an imbalanced set', () => {
    // 8 negatives (one at 0.7), 2 positives at 0.6 and 0.65: accuracy would call nothing ictal (0.8);
    // balanced accuracy prefers catching both positives at the price of one false alarm.
    const scores = [0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.4, 0.7, 0.6, 0.65];
    const positive = [false, false, false, false, false, false, false, false, true, true];
    const t = balancedThreshold(scores, positive);
    expect(t).toBeGreaterThan(0.4);
    expect(t).toBeLessThan(0.6);
  });

  it('needs both classes', () => {
    expect(() => balancedThreshold([1, 2], [true, true])).toThrow(/need both classes \(2 ictal, 0 other\)/);
  });
});
