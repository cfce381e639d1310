/**
 * Stratified K-fold cross-validation over labelled segments and the literature's segment metrics.
 *
 * Folds: each class's items are shuffled with a seeded generator (mulberry32 from shared/random,
 * one derived stream per class, classes in sorted order), the classes' shuffled lists are joined
 * in that order, and the j-th item of the joined list goes to fold j mod K. So every fold holds
 * each class's count / K (±1), fold sizes differ by at most one, and the same labels and seed give
 * the same folds on every machine — every method of an evaluation is scored on the same folds.
 *
 * Metrics, pooled over the K test folds (each item is predicted exactly once):
 *   accuracy     — correct / all, over all the task's classes (2 or 3);
 *   sensitivity  — of the ictal class: ictal items predicted ictal / ictal items;
 *   specificity  — of the ictal class vs the rest: non-ictal items predicted non-ictal (whichever
 *                  non-ictal class) / non-ictal items.
 * In a 3-class task sensitivity and specificity are therefore those of "ictal vs the rest", while
 * accuracy counts a healthy segment called interictal as an error.
 */
import { deriveSeed, seededRandom, shuffleInPlace } from '../../../../shared/random.js';
import { ICTAL_LABEL } from '../../../io/segments/types.js';

/** fold[i] ∈ [0, K): the test fold of item i. */
export function stratifiedFolds(labels: readonly string[], folds: number, seed: number): Int32Array {
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`cross-validation needs an integer number of folds ≥ 2, got ${folds}`);
  const byClass = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const list = byClass.get(label);
    if (list) list.push(i);
    else byClass.set(label, [i]);
  });
  const classes = [...byClass.keys()].sort();
  for (const c of classes) {
    const n = byClass.get(c)!.length;
    if (n < folds) throw new RangeError(`cross-validation: class '${c}' has ${n} items, fewer than the ${folds} folds (every fold needs one)`);
  }
  const order: number[] = [];
  classes.forEach((c, k) => {
    const items = byClass.get(c)!;
    shuffleInPlace(items, seededRandom(deriveSeed(seed, k)));
    order.push(...items);
  });
  const fold = new Int32Array(labels.length);
  order.forEach((item, j) => (fold[item] = j % folds));
  return fold;
}

export interface ClassificationMetrics {
  /** Row and column order of the confusion matrix. */
  classes: string[];
  /** confusion[true][predicted], counts. */
  confusion: number[][];
  n: number;
  accuracy: number;
  /** Of the ictal class (NaN when the task has no ictal items). */
  sensitivity: number;
  /** Ictal vs the rest (NaN when the task has no non-ictal items). */
  specificity: number;
}

export function classificationMetrics(classes: readonly string[], truth: readonly string[], predicted: readonly string[]): ClassificationMetrics {
  if (truth.length !== predicted.length) throw new RangeError(`metrics: ${truth.length} true labels but ${predicted.length} predictions`);
  const index = new Map(classes.map((c, k) => [c, k]));
  const confusion = classes.map(() => classes.map(() => 0));
  let correct = 0;
  let ictal = 0;
  let ictalHit = 0;
  let rest = 0;
  let restHit = 0;
  truth.forEach((t, i) => {
    const p = predicted[i]!;
    const r = index.get(t);
    const c = index.get(p);
    if (r === undefined) throw new RangeError(`metrics: true label '${t}' is not one of ${classes.join(', ')}`);
    if (c === undefined) throw new RangeError(`metrics: predicted label '${p}' is not one of ${classes.join(', ')}`);
    confusion[r]![c]!++;
    if (t === p) correct++;
    if (t === ICTAL_LABEL) {
      ictal++;
      if (p === ICTAL_LABEL) ictalHit++;
    } else {
      rest++;
      if (p !== ICTAL_LABEL) restHit++;
    }
  });
  return {
    classes: [...classes],
    confusion,
    n: truth.length,
    accuracy: truth.length ? correct / truth.length : NaN,
    sensitivity: ictal ? ictalHit / ictal : NaN,
    specificity: rest ? restHit / rest : NaN,
  };
}

/**
 * The threshold on a score (higher = more likely ictal) that maximises balanced accuracy (mean of
 * sensitivity and specificity) on labelled training scores — balanced, so a 4:1 task (ABCD vs E)
 * does not buy accuracy by calling everything non-ictal. Ties go to the widest margin: the
 * midpoint between the two neighbouring scores, the lowest such cut among equals. A score ≥ the
 * threshold is called ictal.
 */
export function balancedThreshold(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  if (positive.length !== n) throw new RangeError(`threshold: ${n} scores but ${positive.length} labels`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  for (let i = 0; i < n; i++) if (positive[i]) pos++;
  const neg = n - pos;
  if (pos === 0 || neg === 0) throw new RangeError(`threshold: the training scores need both classes (${pos} ictal, ${neg} other)`);
  // Cut before sorted position j: items j… are called ictal.
  let best = -Infinity;
  let bestCut = -Infinity;
  let bestGap = -Infinity;
  let negBelow = 0;
  let posBelow = 0;
  for (let j = 0; j <= n; j++) {
    if (j > 0) {
      if (positive[order[j - 1]!]) posBelow++;
      else negBelow++;
    }
    // A cut only between distinct scores (or at the ends).
    if (j > 0 && j < n && scores[order[j]!]! === scores[order[j - 1]!]!) continue;
    const balanced = ((pos - posBelow) / pos + negBelow / neg) / 2;
    const lo = j > 0 ? scores[order[j - 1]!]! : -Infinity;
    const hi = j < n ? scores[order[j]!]! : Infinity;
    const gap = Number.isFinite(lo) && Number.isFinite(hi) ? hi - lo : 0;
    if (balanced > best + 1e-12 || (Math.abs(balanced - best) <= 1e-12 && gap > bestGap)) {
      best = balanced;
      bestGap = gap;
      bestCut = !Number.isFinite(lo) ? hi - 1e-9 * Math.max(1, Math.abs(hi)) : !Number.isFinite(hi) ? lo + 1e-9 * Math.max(1, Math.abs(lo)) : (lo + hi) / 2;
    }
  }
  return bestCut;
}
