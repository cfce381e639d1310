/** The segment evaluation as Markdown tables (the README's form) — numbers only from the results. */
import type { TaskResult } from './evaluate.js';

const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '–');

function spread(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
}

/**
 * One row per task × method; the confusion matrix as rows of the true class, in the class order it
 * names. ‡ marks a detector scored as ictal vs the rest on a 3-class task (2-class accuracy).
 */
export function markdownTable(results: readonly TaskResult[]): string {
  const lines = [
    '| Task | Segments | Method | Accuracy (± SD over folds) | Sensitivity (ictal) | Specificity (ictal vs rest) | Confusion (true → predicted) | Time: wall / CPU (s) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const counts = r.classes.map((c) => `${r.counts[c]} ${c}`).join(', ');
    for (const m of r.methods) {
      const confusion = `${m.metrics.classes.join('/')}: ${m.metrics.confusion.map((row) => row.join('/')).join(' · ')}`;
      lines.push(
        `| ${r.title} | ${counts} | ${m.title} | ${pct(m.metrics.accuracy)}${m.foldAccuracy.length > 1 ? ` (± ${(100 * spread(m.foldAccuracy)).toFixed(1)})` : ''}${m.collapsed ? ' ‡' : ''} | ${pct(m.metrics.sensitivity)} | ${pct(m.metrics.specificity)} | ${confusion} | ${m.seconds.toFixed(1)} / ${m.cpuSeconds.toFixed(1)} |`,
      );
    }
  }
  return lines.join('\n');
}
