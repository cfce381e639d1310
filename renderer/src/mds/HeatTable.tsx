/**
 * A small matrix as a table whose cells are coloured by value and carry the number: the MDS views'
 * confusion matrices (cluster × MDS response, cluster × known type, reference × assigned cluster)
 * are at most a few dozen rows, so every value stays readable, and the table is searchable text.
 */
import { heatCell } from './mdsMath.js';

export interface HeatTableProps {
  label: string;
  caption: string;
  /** What the rows and columns are ("MDS of cluster", "cells of cluster"). */
  rowTitle: string;
  colTitle: string;
  rows: readonly { label: string; color?: string }[];
  cols: readonly { label: string; color?: string }[];
  values: ArrayLike<number>;
  format: (v: number) => string;
  /** The value painted brightest (default: the largest). */
  top?: number;
  /** Cells to outline (the diagonal of a square confusion). */
  outline?: (row: number, col: number) => boolean;
  /** An extra column at the end per row ("purity 90 %"). */
  rowNote?: (row: number) => string;
  rowNoteTitle?: string;
}

export function HeatTable({ label, caption, rowTitle, colTitle, rows, cols, values, format, top, outline, rowNote, rowNoteTitle }: HeatTableProps) {
  let max = 0;
  for (let i = 0; i < rows.length * cols.length; i++) if (Number.isFinite(values[i]!)) max = Math.max(max, values[i]!);
  const brightest = top ?? max;
  // The description sits above the table, not in a <caption>: a caption is only as wide as a
  // two-column table and wrapped into a tall narrow block.
  return (
    <div className="mds-heat-box">
      <p className="mds-caption">{caption}</p>
      <div className="mds-scroll">
        <table className="data-table mds-heat" aria-label={label}>
          <thead>
            <tr>
              <th scope="col" className="mds-heat-corner">
                {rowTitle} ↓ · {colTitle} →
              </th>
              {cols.map((c) => (
                <th key={c.label} scope="col" className="number" style={c.color ? { color: c.color } : undefined}>
                  {c.label}
                </th>
              ))}
              {rowNote && <th scope="col" className="number">{rowNoteTitle}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.label}>
                <th scope="row" style={r.color ? { color: r.color } : undefined}>
                  {r.label}
                </th>
                {cols.map((c, j) => {
                  const v = values[i * cols.length + j]!;
                  return (
                    <td key={c.label} className={`number mds-heat-cell${outline?.(i, j) ? ' mds-heat-outline' : ''}`} style={heatCell(v, brightest)}>
                      {format(v)}
                    </td>
                  );
                })}
                {rowNote && <td className="number">{rowNote(i)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
