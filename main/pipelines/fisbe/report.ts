/**
 * The metrics in the official evaluator's layout (its TOML file: `general` and `confusion_matrix`
 * tables, threshold tables named `th_0_5`), so results can be compared with, or handed to, tools
 * built around the benchmark.
 */
import type { FisbeMetrics } from '../../../shared/api/index.js';

export type EvaluatorTable = Record<string, unknown>;

/** `th_0_55` for 0.55, as `"th_" + str(th).replace(".", "_")`. */
export function thresholdKey(threshold: number): string {
  return `th_${String(threshold).replace('.', '_')}`;
}

export function toEvaluatorTables(metrics: FisbeMetrics): { general: EvaluatorTable; confusion_matrix: EvaluatorTable } {
  const general: EvaluatorTable = {
    'Num GT': metrics.numGt,
    'Num Pred': metrics.numPred,
    TP_05: metrics.tp05,
    TP_05_rel: metrics.tp05Rel,
    TP_05_cldice: metrics.tp05ClDice,
    avg_TP_05_cldice: metrics.avgTp05ClDice,
    gt_skel_coverage: metrics.gtSkelCoverage,
    avg_gt_skel_coverage: metrics.avgGtSkelCoverage,
    avg_f1_cov_score: metrics.avgF1CovScore,
    FM: metrics.falseMerges,
    FS: metrics.falseSplits,
    GT_dim: metrics.gtDim,
    TP_05_dim: metrics.tp05Dim,
    TP_05_rel_dim: metrics.tp05RelDim,
    gt_covs_dim: metrics.gtCovsDim,
    avg_gt_cov_dim: metrics.avgGtCovDim,
    GT_overlap: metrics.gtOverlap,
    TP_05_overlap: metrics.tp05Overlap,
    TP_05_rel_overlap: metrics.tp05RelOverlap,
    gt_covs_overlap: metrics.gtCovsOverlap,
    avg_gt_cov_overlap: metrics.avgGtCovOverlap,
  };
  const confusion: EvaluatorTable = {
    avAP: metrics.avAP,
    avAP59: metrics.avAP59,
    avAP19: metrics.avAP19,
    avFscore: metrics.avFscore,
    avFscore59: metrics.avFscore59,
    avFscore19: metrics.avFscore19,
  };
  for (const row of metrics.thresholds) {
    confusion[thresholdKey(row.threshold)] = {
      AP_TP: row.tp,
      AP_FP: row.fp,
      AP_FN: row.fn,
      precision: row.precision,
      recall: row.recall,
      AP: row.ap,
      fscore: row.fscore,
      false_split: row.falseSplit,
      false_merge: row.falseMerge,
    };
  }
  return { general, confusion_matrix: confusion };
}

/** Every leaf of nested tables as `table.key` → value, for comparisons. */
export function flattenTables(tables: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tables)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of flattenTables(value as Record<string, unknown>, path)) out.set(k, v);
    } else out.set(path, value);
  }
  return out;
}

/** One metrics table for a terminal: the headline numbers, then one row per threshold. */
export function formatMetricsTable(metrics: FisbeMetrics): string {
  const fixed = (value: number) => value.toFixed(4);
  const lines = [
    `S (avg_f1_cov_score)      ${fixed(metrics.avgF1CovScore)}`,
    `avF1 (thresholds 0.1–0.9) ${fixed(metrics.avFscore19)}`,
    `C (avg_gt_skel_coverage)  ${fixed(metrics.avgGtSkelCoverage)}`,
    `GT / predicted instances  ${metrics.numGt} / ${metrics.numPred}`,
    `TP at 0.5                 ${metrics.tp05} (clDice ${fixed(metrics.avgTp05ClDice)})`,
    `false splits / merges     ${metrics.falseSplits} / ${metrics.falseMerges}`,
    `dim GT: coverage          ${fixed(metrics.avgGtCovDim)} (${metrics.gtDim} instances, ${metrics.tp05Dim} TP)`,
    `overlapping GT: coverage  ${fixed(metrics.avgGtCovOverlap)} (${metrics.gtOverlap} instances, ${metrics.tp05Overlap} TP)`,
    '',
    'threshold   TP   FP   FN  precision  recall  F1      FS   FM',
  ];
  for (const row of metrics.thresholds) {
    lines.push(
      `${row.threshold.toFixed(2).padEnd(9)} ${String(row.tp).padStart(4)} ${String(row.fp).padStart(4)} ${String(row.fn).padStart(4)}  ` +
        `${fixed(row.precision).padEnd(9)}  ${fixed(row.recall).padEnd(6)}  ${fixed(row.fscore).padEnd(6)} ${String(row.falseSplit).padStart(3)}  ${String(row.falseMerge).padStart(3)}`,
    );
  }
  return lines.join('\n');
}
