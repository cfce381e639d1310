/**
 * The sample's FISBe scores: the headline table (S, avF1, C, counts at clDice 0.5, FS, FM, clDice of
 * the true positives) and, folded, every threshold's confusion row and the subset scores.
 */
import type { FisbeMetrics } from '../../../shared/api/index.js';
import { formatScore, headlineMetrics, sortedThresholds } from './metrics.js';

export function MetricsPanel({ metrics }: { metrics: FisbeMetrics }) {
  const rows = headlineMetrics(metrics);
  const thresholds = sortedThresholds(metrics);
  return (
    <section className="fisbe-metrics" aria-labelledby="fisbe-metrics-title">
      <h2 id="fisbe-metrics-title">Metrics</h2>
      <table className="data-table fisbe-metric-table" aria-label="Metrics">
        <tbody>
          {rows.map((row) => (
            <tr key={row.label} title={row.description}>
              <th scope="row" aria-description={row.description}>
                {row.label}
              </th>
              <td className="number">{row.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details className="fisbe-thresholds">
        <summary>All {thresholds.length} clDice thresholds</summary>
        <table className="data-table fisbe-threshold-table" aria-label="Scores per clDice threshold">
          <thead>
            <tr>
              <th scope="col">clDice ≥</th>
              <th scope="col">TP</th>
              <th scope="col">FP</th>
              <th scope="col">FN</th>
              <th scope="col">Precision</th>
              <th scope="col">Recall</th>
              <th scope="col">AP</th>
              <th scope="col">F1</th>
              <th scope="col">FS</th>
              <th scope="col">FM</th>
            </tr>
          </thead>
          <tbody>
            {thresholds.map((row) => (
              <tr key={row.threshold}>
                <th scope="row" className="number">
                  {row.threshold.toFixed(2)}
                </th>
                <td className="number">{row.tp}</td>
                <td className="number">{row.fp}</td>
                <td className="number">{row.fn}</td>
                <td className="number">{formatScore(row.precision, 3)}</td>
                <td className="number">{formatScore(row.recall, 3)}</td>
                <td className="number">{formatScore(row.ap, 3)}</td>
                <td className="number">{formatScore(row.fscore, 3)}</td>
                <td className="number">{row.falseSplit}</td>
                <td className="number">{row.falseMerge}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <dl className="fisbe-facts">
          <dt>avAP 0.1–0.9 / 0.5–0.9</dt>
          <dd>
            {formatScore(metrics.avAP19)} / {formatScore(metrics.avAP59)}
          </dd>
          <dt>avF1 0.5–0.9</dt>
          <dd>{formatScore(metrics.avFscore59)}</dd>
          <dt>TP at 0.5, relative</dt>
          <dd>{formatScore(metrics.tp05Rel)}</dd>
          <dt>Dim neurons</dt>
          <dd>
            {metrics.gtDim} GT, {metrics.tp05Dim} TP, C {formatScore(metrics.avgGtCovDim)}
          </dd>
          <dt>Overlapping neurons</dt>
          <dd>
            {metrics.gtOverlap} GT, {metrics.tp05Overlap} TP, C {formatScore(metrics.avgGtCovOverlap)}
          </dd>
        </dl>
      </details>
    </section>
  );
}
