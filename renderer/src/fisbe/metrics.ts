/**
 * The metric table's rows: the FISBe headline numbers (S, avF1, C, the 0.5-threshold counts, false
 * splits and merges, clDice of the true positives) with their evaluator names, and the per-threshold
 * table in ascending threshold order.
 */
import type { FisbeMetrics, FisbeThresholdRow } from '../../../shared/api/index.js';

export interface MetricRow {
  /** Short name as the FISBe paper writes it. */
  label: string;
  value: string;
  /** What it is, and its name in the evaluator's TOML. */
  description: string;
}

/** A score in [0, 1] with four decimals (the precision the FISBe tables print). */
export function formatScore(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** The row of `threshold` (within float tolerance), if the evaluator computed it. */
export function thresholdRow(metrics: FisbeMetrics, threshold: number): FisbeThresholdRow | null {
  return metrics.thresholds.find((row) => Math.abs(row.threshold - threshold) < 1e-9) ?? null;
}

export function sortedThresholds(metrics: FisbeMetrics): FisbeThresholdRow[] {
  return [...metrics.thresholds].sort((a, b) => a.threshold - b.threshold);
}

export function headlineMetrics(metrics: FisbeMetrics): MetricRow[] {
  const at05 = thresholdRow(metrics, 0.5);
  const count = (n: number | undefined) => (n === undefined ? '–' : String(n));
  return [
    { label: 'S', value: formatScore(metrics.avgF1CovScore), description: 'S = ½ avF1 + ½ C (avg_f1_cov_score)' },
    { label: 'avF1', value: formatScore(metrics.avFscore19), description: 'F1 averaged over clDice thresholds 0.1–0.9 (avFscore19)' },
    { label: 'C', value: formatScore(metrics.avgGtSkelCoverage), description: 'Average GT skeleton coverage (avg_gt_skel_coverage)' },
    { label: 'Num GT', value: String(metrics.numGt), description: 'Ground-truth instances (Num GT)' },
    { label: 'Num Pred', value: String(metrics.numPred), description: 'Predicted instances (Num Pred)' },
    { label: 'TP', value: count(at05?.tp ?? metrics.tp05), description: 'True positives at clDice 0.5 (AP_TP, TP_05)' },
    { label: 'FP', value: count(at05?.fp), description: 'False positives at clDice 0.5 (AP_FP)' },
    { label: 'FN', value: count(at05?.fn), description: 'False negatives at clDice 0.5 (AP_FN)' },
    { label: 'FS', value: String(metrics.falseSplits), description: 'False splits, many-to-many at clRecall > 0.05 (FS)' },
    { label: 'FM', value: String(metrics.falseMerges), description: 'False merges, many-to-many at clRecall > 0.1 (FM)' },
    { label: 'clDice TP', value: formatScore(metrics.avgTp05ClDice), description: 'Average clDice of the true positives at 0.5 (avg_TP_05_cldice)' },
  ];
}
