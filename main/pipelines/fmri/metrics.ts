/**
 * Binary classification metrics with scikit-learn's definitions (`accuracy_score`,
 * `balanced_accuracy_score`, `roc_auc_score`).
 */

/** Fraction of correct predictions. */
export function accuracy(truth: Int8Array, predicted: Int8Array): number {
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
  return correct / truth.length;
}

/** Mean of the per-class recalls over the classes present in `truth` (labels ±1). */
export function balancedAccuracy(truth: Int8Array, predicted: Int8Array): number {
  let tp = 0;
  let pos = 0;
  let tn = 0;
  let neg = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i]! > 0) {
      pos++;
      if (predicted[i]! > 0) tp++;
    } else {
      neg++;
      if (predicted[i]! <= 0) tn++;
    }
  }
  const recalls = [pos > 0 ? tp / pos : null, neg > 0 ? tn / neg : null].filter((r): r is number => r !== null);
  return recalls.reduce((a, b) => a + b, 0) / recalls.length;
}

/**
 * Area under the ROC curve of `scores` for the positive class (truth > 0). sklearn integrates the ROC
 * curve with the trapezoidal rule over distinct score thresholds, so tied scores contribute a diagonal
 * segment; that area equals the Mann–Whitney statistic with ties counted ½, computed here from
 * mid-ranks. Throws when only one class is present (the curve is undefined; sklearn raises too).
 */
export function rocAuc(truth: Int8Array, scores: Float64Array): number {
  const n = truth.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const midRank = (start + end) / 2 + 1; // ranks are 1-based
    for (let i = start; i <= end; i++) {
      if (truth[order[i]!]! > 0) {
        positives++;
        rankSum += midRank;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new Error('ROC AUC is undefined when only one class is present in the true labels');
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
