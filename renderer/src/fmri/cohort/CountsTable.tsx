/** Subjects counted by two labels (diagnosis × site), with totals: is the cohort balanced within sites? */
import { crossTable } from './report.js';
import type { CohortSummary } from '../../../../shared/api/index.js';

export function CountsTable(props: { subjects: CohortSummary['subjects']; rowKey: string; columnKey: string }) {
  const table = crossTable(props.subjects, props.rowKey, props.columnKey);
  return (
    <table className="data-table fmri-counts" aria-label={`Subjects by ${props.rowKey} and ${props.columnKey}`}>
      <caption>
        Subjects by {props.rowKey} × {props.columnKey}
      </caption>
      <thead>
        <tr>
          <th scope="col">{props.rowKey}</th>
          {table.columns.map((column) => (
            <th key={column} scope="col" className="number">
              {column}
            </th>
          ))}
          <th scope="col" className="number">
            total
          </th>
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row, r) => (
          <tr key={row}>
            <th scope="row">{row}</th>
            {table.counts[r]!.map((count, c) => (
              <td key={table.columns[c]} className="number">
                {count}
              </td>
            ))}
            <td className="number">{table.rowTotals[r]}</td>
          </tr>
        ))}
        <tr className="fmri-total-row">
          <th scope="row">total</th>
          {table.columnTotals.map((count, c) => (
            <td key={table.columns[c]} className="number">
              {count}
            </td>
          ))}
          <td className="number">{table.total}</td>
        </tr>
      </tbody>
    </table>
  );
}
