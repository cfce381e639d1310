/** A FISBe evaluation in Runs: the files compared and the headline scores. */
import type { FisbeMetrics } from '../../../shared/api/index.js';
import { resultValue, type ResultSummaryProps } from '../workbench/resultSummary.js';
import { headlineMetrics } from './metrics.js';

const fileName = (path: unknown) => (typeof path === 'string' ? (path.split(/[\\/]/).pop() ?? path) : '—');

export function FisbeRunSummary({ run, results }: ResultSummaryProps) {
  const metrics = (resultValue(results, 'metrics') as { metrics?: FisbeMetrics } | undefined)?.metrics;
  if (!metrics) return <p className="empty">This run stored no metrics.</p>;
  return (
    <>
      <p className="result-line">
        {fileName(run.params.predPath)} against {fileName(run.params.gtPath)}: {metrics.numPred} predicted and {metrics.numGt} ground-truth instances
      </p>
      <table className="data-table key-value-table" aria-label="FISBe metrics">
        <caption>Metrics</caption>
        <tbody>
          {headlineMetrics(metrics).map((row) => (
            <tr key={row.label} title={row.description}>
              <th scope="row">{row.label}</th>
              <td className="number">{row.value}</td>
              <td className="metric-description">{row.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
