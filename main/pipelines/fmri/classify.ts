/**
 * The baseline classifier on connectivity features: L2 logistic regression under stratified k-fold
 * cross-validation, the equivalent of this scikit-learn code on the same folds:
 *
 *     for train, test in StratifiedKFold(k, shuffle=False).split(X, strata):       # strata = site|label
 *         model = make_pipeline(StandardScaler(), LogisticRegression(C=C)).fit(X[train], y[train])
 *         scores = model.decision_function(X[test])      # accuracy, balanced accuracy, ROC AUC
 *
 * Features are standardised per fold with the training fold's mean and (population) standard
 * deviation only, so nothing about the test subjects leaks into the model; near-constant features
 * keep a scale of 1 (sklearn's `_is_constant_feature` rule). The classes are the sorted distinct
 * labels (sklearn's `classes_`); the second one is the positive class of the ROC AUC.
 */
import { ValidationError } from '../../errors.js';
import { stratifiedFolds, strata } from './folds.js';
import { decisionFunction, fitLogistic } from './logistic.js';
import { accuracy, balancedAccuracy, rocAuc } from './metrics.js';

export interface FoldScore {
  fold: number;
  trainCount: number;
  testCount: number;
  accuracy: number;
  balancedAccuracy: number;
  auroc: number;
}

export interface ClassifierReport {
  target: string;
  classes: string[];
  folds: FoldScore[];
  mean: { accuracy: number; balancedAccuracy: number; auroc: number };
  featureCount: number;
  subjectCount: number;
}

export interface ClassifyOptions {
  folds: number;
  /** Inverse regularisation strength (sklearn's C; 1 by default there). */
  C: number;
  /** 0: sklearn's `StratifiedKFold(shuffle=False)` folds exactly; otherwise a seeded shuffle within strata (see folds.ts). */
  seed: number;
  /** Name of the predicted variable for the report ('diagnosis', 'sex'); 'label' when absent. */
  target?: string;
}

/** Mean and scale of each feature over the rows in `rows`, as sklearn's StandardScaler. */
export function fitScaler(features: Float64Array, p: number, rows: readonly number[]): { mean: Float64Array; scale: Float64Array } {
  const n = rows.length;
  const mean = new Float64Array(p);
  for (const r of rows) for (let j = 0; j < p; j++) mean[j] = mean[j]! + features[r * p + j]!;
  for (let j = 0; j < p; j++) mean[j] = mean[j]! / n;
  const variance = new Float64Array(p);
  for (const r of rows) {
    for (let j = 0; j < p; j++) {
      const d = features[r * p + j]! - mean[j]!;
      variance[j] = variance[j]! + d * d;
    }
  }
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const v = variance[j]! / n;
    // sklearn: a feature is constant when var ≤ n·ε·var + (n·mean·ε)²; its scale stays 1.
    const bound = n * Number.EPSILON * v + (n * mean[j]! * Number.EPSILON) ** 2;
    scale[j] = v <= bound ? 1 : Math.sqrt(v);
  }
  return { mean, scale };
}

export function scaledRows(features: Float64Array, p: number, rows: readonly number[], scaler: { mean: Float64Array; scale: Float64Array }): Float64Array {
  const out = new Float64Array(rows.length * p);
  rows.forEach((r, i) => {
    for (let j = 0; j < p; j++) out[i * p + j] = (features[r * p + j]! - scaler.mean[j]!) / scaler.scale[j]!;
  });
  return out;
}

function checkInput(features: Float64Array, featureCount: number, labels: readonly string[], sites: readonly string[] | null, options: ClassifyOptions): string[] {
  const n = labels.length;
  if (!Number.isInteger(featureCount) || featureCount < 1) throw new ValidationError('featureCount', `needs a positive integer, got ${featureCount}`);
  if (features.length !== n * featureCount) {
    throw new ValidationError('features', `${n} subjects × ${featureCount} features need ${n * featureCount} values, got ${features.length}`);
  }
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i]!)) {
      const s = Math.floor(i / featureCount);
      throw new ValidationError('features', `subject ${s}, feature ${i - s * featureCount} is ${features[i]} (features must be finite)`);
    }
  }
  labels.forEach((l, i) => {
    if (typeof l !== 'string' || l === '') throw new ValidationError('labels', `subject ${i} has no label`);
  });
  if (sites) sites.forEach((s, i) => {
    if (typeof s !== 'string' || s === '') throw new ValidationError('sites', `subject ${i} has no site`);
  });
  if (!(options.C > 0) || !Number.isFinite(options.C)) throw new ValidationError('C', `needs a positive number, got ${options.C}`);
  // sklearn's classes_: the sorted distinct labels (code-unit order, as Python's for these strings).
  const classes = [...new Set(labels)].sort();
  if (classes.length < 2) throw new ValidationError('labels', `only one class (${classes[0] ?? 'none'}); a classifier needs two`);
  if (classes.length > 2) throw new ValidationError('labels', `${classes.length} classes (${classes.join(', ')}); only binary targets are supported`);
  return classes;
}

/** Per-fold scores plus each subject's out-of-fold decision score and test fold (for reports and tests). */
export interface CrossValidation {
  classes: string[];
  folds: FoldScore[];
  /** Test fold of each subject. */
  testFold: Int32Array;
  /** Decision score x·w + b of each subject from the model that did not see it (> 0: `classes[1]`). */
  scores: Float64Array;
}

/** Cross-validated L2 logistic regression on subjects × features (row-major). */
export function crossValidate(
  features: Float64Array,
  featureCount: number,
  labels: readonly string[],
  sites: readonly string[] | null,
  options: ClassifyOptions,
): CrossValidation {
  const classes = checkInput(features, featureCount, labels, sites, options);
  const p = featureCount;
  const outOfFold = new Float64Array(labels.length);
  const y = Int8Array.from(labels, (l) => (l === classes[1] ? 1 : -1));
  const testFold = stratifiedFolds(strata(labels, sites), options.folds, options.seed);

  const folds: FoldScore[] = [];
  for (let fold = 0; fold < options.folds; fold++) {
    const train: number[] = [];
    const test: number[] = [];
    testFold.forEach((f, i) => (f === fold ? test : train).push(i));
    for (const [rows, what] of [[train, 'training'], [test, 'test']] as const) {
      const present = new Set(rows.map((i) => y[i]));
      if (present.size < 2) {
        throw new ValidationError('labels', `fold ${fold}'s ${what} set holds only "${present.has(1) ? classes[1] : classes[0]}" subjects (${rows.length} subjects); use fewer folds or a target with more subjects per class`);
      }
    }
    const scaler = fitScaler(features, p, train);
    const model = fitLogistic(scaledRows(features, p, train, scaler), train.length, p, Int8Array.from(train, (i) => y[i]!), options.C);
    const scores = decisionFunction(model, scaledRows(features, p, test, scaler), test.length, p);
    test.forEach((i, k) => (outOfFold[i] = scores[k]!));
    const truth = Int8Array.from(test, (i) => y[i]!);
    const predicted = Int8Array.from(scores, (s) => (s > 0 ? 1 : -1));
    folds.push({
      fold,
      trainCount: train.length,
      testCount: test.length,
      accuracy: accuracy(truth, predicted),
      balancedAccuracy: balancedAccuracy(truth, predicted),
      auroc: rocAuc(truth, scores),
    });
  }
  return { classes, folds, testFold, scores: outOfFold };
}

/** Cross-validated L2 logistic regression on subjects × features (row-major): the per-fold and mean metrics. */
export function classify(
  features: Float64Array,
  featureCount: number,
  labels: readonly string[],
  sites: readonly string[] | null,
  options: ClassifyOptions,
): ClassifierReport {
  const { classes, folds } = crossValidate(features, featureCount, labels, sites, options);
  const average = (key: 'accuracy' | 'balancedAccuracy' | 'auroc') => folds.reduce((s, f) => s + f[key], 0) / folds.length;
  return {
    target: options.target ?? 'label',
    classes,
    folds,
    mean: { accuracy: average('accuracy'), balancedAccuracy: average('balancedAccuracy'), auroc: average('auroc') },
    featureCount,
    subjectCount: labels.length,
  };
}
