/**
 * Any JSON value as a reader would want it, never as JSON text: objects as key/value tables,
 * lists of records as tables, lists of numbers as a short line, numbers rounded. Used for run
 * parameters and for results no domain summarises (the generic fallback of Runs).
 */
import type { ReactNode } from 'react';

/** Rows beyond this are counted, not drawn: a summary, not a dump. */
const MAX_ROWS = 20;
const MAX_LIST_ITEMS = 10;
/** Nesting shown as tables; deeper values are described in words. */
const MAX_DEPTH = 3;

type Plain = Record<string, unknown>;
const isPlain = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown) => value === null || ['string', 'number', 'boolean'].includes(typeof value);

export function formatScalar(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** What a value too deep to draw holds, in words. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? '' : 's'}`;
  if (isPlain(value)) return `${Object.keys(value).length} fields`;
  return formatScalar(value);
}

function ScalarList({ values }: { values: readonly unknown[] }) {
  if (values.length === 0) return <span className="empty">none</span>;
  const shown = values.slice(0, MAX_LIST_ITEMS).map(formatScalar).join(', ');
  return <span>{values.length > MAX_LIST_ITEMS ? `${shown}, … (${values.length} values)` : shown}</span>;
}

function RecordTable({ rows, depth }: { rows: readonly Plain[]; depth: number }) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return (
    <table className="data-table value-table">
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.slice(0, MAX_ROWS).map((row, index) => (
          <tr key={index}>
            {columns.map((column) => (
              <td key={column} className={typeof row[column] === 'number' ? 'number' : undefined}>
                <Value value={row[column]} depth={depth + 1} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      {rows.length > MAX_ROWS && (
        <tfoot>
          <tr>
            <td colSpan={columns.length}>… and {rows.length - MAX_ROWS} more rows</td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}

/** One value: scalar, list or table, by its shape. */
export function Value({ value, depth = 0 }: { value: unknown; depth?: number }): ReactNode {
  if (isScalar(value) || value === undefined) return formatScalar(value);
  if (depth >= MAX_DEPTH) return describe(value);
  if (Array.isArray(value)) {
    if (value.every(isScalar)) return <ScalarList values={value} />;
    if (value.every(isPlain)) return <RecordTable rows={value} depth={depth} />;
    return describe(value);
  }
  return <KeyValueTable value={value as Plain} depth={depth + 1} />;
}

/** An object as a two-column table: each key beside its value. */
export function KeyValueTable({ value, caption, depth = 0, label }: { value: Plain; caption?: string; depth?: number; label?: string }) {
  const entries = Object.entries(value);
  if (entries.length === 0) return <span className="empty">none</span>;
  return (
    <table className="data-table key-value-table" aria-label={label}>
      {caption && <caption>{caption}</caption>}
      <tbody>
        {entries.map(([key, item]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td className={typeof item === 'number' ? 'number' : undefined}>
              <Value value={item} depth={depth} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
