/** The segment evaluation as Markdown tables (the README's form) — numbers only from the results. */
import type { TaskResult } from './evaluate.js';

const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '–');

function spread(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
}

/** One row per task × method; the confusion matrix as rows of the true class, in the task's class order. */
export function markdownTable(results: readonly TaskResult[]): string {
  const lines = [
    '| Task | Segments | Method | Accuracy (± SD over folds) | Sensitivity (ictal) | Specificity (ictal vs rest) | Confusion (true → predicted) | Time (s) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const counts = r.classes.map((c) => `${r.counts[c]} ${c}`).join(', ');
    for (const m of r.methods) {
      const confusion = `${r.classes.join('/')}: ${m.metrics.confusion.map((row) => row.join('/')).join(' · ')}`;
      lines.push(
        `| ${r.title} | ${counts} | ${m.title} | ${pct(m.metrics.accuracy)} (± ${(100 * spread(m.foldAccuracy)).toFixed(1)}) | ${pct(m.metrics.sensitivity)} | ${pct(m.metrics.specificity)} | ${confusion} | ${m.seconds.toFixed(1)} |`,
      );
    }
  }
  return lines.join('\n');
}
