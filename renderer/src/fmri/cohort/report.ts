/**
 * The cohort panel's and the classify run's arithmetic: counts of subjects by two labels
 * (diagnosis × site), the classes of a target, what chance is for each score, and the rows of the
 * per-fold table. No DOM.
 */
import type { ClassifierReport, CohortSummary, FoldScore } from '../../../../shared/api/index.js';

type Labels = CohortSummary['subjects'][number]['labels'];

/** A label as the tables print it: missing values are "—" (one bucket, so they are counted, not dropped). */
export function labelText(value: Labels[string] | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  return value;
}

export interface CrossTable {
  rows: string[];
  columns: string[];
  /** counts[r][c]: subjects with row label rows[r] and column label columns[c]. */
  counts: number[][];
  rowTotals: number[];
  columnTotals: number[];
  total: number;
}

/** Subjects counted by the label `rowKey` (rows) and `columnKey` (columns), labels sorted as text. */
export function crossTable(subjects: readonly { labels: Labels }[], rowKey: string, columnKey: string): CrossTable {
  const rows = [...new Set(subjects.map((s) => labelText(s.labels[rowKey])))].sort();
  const columns = [...new Set(subjects.map((s) => labelText(s.labels[columnKey])))].sort();
  const counts = rows.map(() => columns.map(() => 0));
  for (const subject of subjects) {
    counts[rows.indexOf(labelText(subject.labels[rowKey]))]![columns.indexOf(labelText(subject.labels[columnKey]))]! += 1;
  }
  const rowTotals = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const columnTotals = columns.map((_, c) => counts.reduce((sum, row) => sum + row[c]!, 0));
  return { rows, columns, counts, rowTotals, columnTotals, total: subjects.length };
}

/** How many subjects hold each value of `key` (missing ones left out: the classifier cannot use them), largest first. */
export function classCounts(subjects: readonly { labels: Labels }[], key: string): { label: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const subject of subjects) {
    const value = subject.labels[key];
    if (value === null || value === undefined || value === '') continue;
    const text = labelText(value);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return [...counts.entries()].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/** The label columns a two-class classifier can be trained on (exactly two classes), diagnosis first. */
export function binaryTargets(summary: { labelColumns: readonly string[]; subjects: readonly { labels: Labels }[] }): string[] {
  const targets = summary.labelColumns.filter((column) => classCounts(summary.subjects, column).length === 2);
  return targets.sort((a, b) => (a === 'diagnosis' ? -1 : b === 'diagnosis' ? 1 : 0));
}

export interface ChanceLevels {
  /** Always guessing the larger class: its share of the subjects (null when the counts are unknown). */
  accuracy: number | null;
  /** Balanced accuracy and AUROC of a guess are 0.5 whatever the class sizes. */
  balancedAccuracy: number;
  auroc: number;
  /** One sentence for the report. */
  sentence: string;
}

export function chanceLevels(counts: readonly { label: string; count: number }[] | null): ChanceLevels {
  const total = counts?.reduce((sum, c) => sum + c.count, 0) ?? 0;
  const largest = counts && counts.length > 0 ? counts[0]! : null;
  const accuracy = largest && total > 0 ? largest.count / total : null;
  const majority =
    accuracy === null || !largest
      ? 'accuracy of always guessing the larger class depends on the class sizes'
      : `accuracy ${formatScore(accuracy)} (always guessing ${largest.label}, ${largest.count} of ${total} subjects)`;
  return { accuracy, balancedAccuracy: 0.5, auroc: 0.5, sentence: `Chance: balanced accuracy and AUROC 0.5; ${majority}.` };
}

/** A score (0…1) with three decimals, as the table prints them; "–" when not finite (a fold with one class has no AUROC). */
export function formatScore(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : '–';
}

/** Standard deviation of the folds' scores (sample SD, n − 1; 0 for one fold), for "mean ± SD". */
export function foldSd(folds: readonly FoldScore[], score: 'accuracy' | 'balancedAccuracy' | 'auroc'): number {
  const values = folds.map((fold) => fold[score]).filter(Number.isFinite);
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1));
}

export const SCORES = [
  { key: 'accuracy', name: 'Accuracy' },
  { key: 'balancedAccuracy', name: 'Balanced accuracy' },
  { key: 'auroc', name: 'AUROC' },
] as const;

/** One line naming the report: "diagnosis (ASD vs control), 100 subjects, 6670 features, 5 folds". */
export function reportTitle(report: ClassifierReport): string {
  return `${report.target} (${report.classes.join(' vs ')}), ${report.subjectCount} subjects, ${report.featureCount.toLocaleString('en-US')} features, ${report.folds.length} folds`;
}
