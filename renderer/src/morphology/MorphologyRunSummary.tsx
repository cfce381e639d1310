/** A morphometrics run in Runs: the soma and, per neurite type, the main counts and lengths. */
import { formatScalar } from '../components/ValueTable.js';
import { resultValue, type ResultSummaryProps } from '../workbench/resultSummary.js';

interface NeuriteRow {
  numberOfNeurites: number;
  numberOfSections: number;
  numberOfBifurcations: number;
  numberOfLeaves: number;
  totalLength: number;
  totalArea: number;
  totalVolume: number;
}

interface Metrics {
  file: string;
  unit: string;
  soma: { kind: string; radius: number; surfaceArea: number };
  byType: Record<string, NeuriteRow>;
  warnings: string[];
}

const COLUMNS: readonly [keyof NeuriteRow, string][] = [
  ['numberOfNeurites', 'Neurites'],
  ['numberOfSections', 'Sections'],
  ['numberOfBifurcations', 'Bifurcations'],
  ['numberOfLeaves', 'Leaves'],
  ['totalLength', 'Length'],
  ['totalArea', 'Area'],
  ['totalVolume', 'Volume'],
];

export function MorphologyRunSummary({ results }: ResultSummaryProps) {
  const metrics = resultValue(results, 'metrics') as Metrics | undefined;
  if (!metrics?.byType) return <p className="empty">This run stored no metrics.</p>;
  const types = Object.entries(metrics.byType).filter(([, row]) => row.numberOfNeurites > 0);
  return (
    <>
      <p className="result-line">
        {metrics.file}: soma {metrics.soma.kind}, radius {formatScalar(metrics.soma.radius)} (unit: {metrics.unit})
        {metrics.warnings.length ? ` · ${metrics.warnings.length} warning${metrics.warnings.length === 1 ? '' : 's'}` : ''}
      </p>
      <table className="data-table" aria-label="Morphometrics per neurite type">
        <caption>Per neurite type</caption>
        <thead>
          <tr>
            <th scope="col">Type</th>
            {COLUMNS.map(([key, title]) => (
              <th key={key} scope="col">
                {title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {types.map(([type, row]) => (
            <tr key={type}>
              <th scope="row">{type}</th>
              {COLUMNS.map(([key]) => (
                <td key={key} className="number">
                  {formatScalar(row[key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
