/**
 * ROI time series in text files.
 *
 * CSV / TSV (nilearn, pandas, nitime): one row per time point, one column per region. A first row
 * with any non-number cell is a header and names the regions (nitime's fmri_timeseries.csv: "WM",
 * "Vent", … "RPrec"). A first column titled "", "time", "t", "onset", "frame", "volume" or "index"
 * (pandas writes its index as an unnamed first column) is not a region; a "time"/"onset" column
 * evenly spaced gives the TR. Without a header the orientation follows layout.ts (the smaller
 * dimension is the regions), since nothing names the axes.
 *
 * AFNI `.1D` (3dROIstats, 3dNetCorr's `*.netts` transposed aside): whitespace-separated columns,
 * `#` starts a comment, each column one region, each row one time point.
 */
import { FormatError } from '../../errors.js';
import { checkAllocation, checkShape } from '../allocation.js';
import { seriesLayout } from './layout.js';
import { parseNumber, parseTable, type TextTable } from './table.js';
import type { RoiSeries } from './types.js';

const INDEX_COLUMN = /^(|time|time_s|t|onset|frame|volume|index|tr)$/i;
const TIME_COLUMN = /^(time|time_s|t|onset)$/i;

interface Grid {
  /** Row-major: rows × columns. */
  values: Float64Array;
  rows: number;
  columns: number;
}

/** Parses the numeric cells of `rows` (all of equal width) from column `from` on. */
function numericGrid(file: string, rows: TextTable['rows'], from: number, header: readonly string[] | null): Grid {
  const width = rows[0]!.cells.length;
  const columns = width - from;
  checkShape(file, [rows.length, columns], { what: 'ROI table', field: 'rows' });
  checkAllocation(file, [rows.length, columns], 8, 'ROI table');
  const values = new Float64Array(rows.length * columns);
  rows.forEach(({ line, cells }, i) => {
    if (cells.length !== width) {
      throw new FormatError(file, `line ${line} has ${cells.length} values where the first row has ${width}`, 'rows');
    }
    for (let c = from; c < width; c++) {
      const value = parseNumber(cells[c]!);
      if (value === undefined) {
        const column = header?.[c] ? `"${header[c]}"` : `${c + 1}`;
        throw new FormatError(file, `line ${line}, column ${column}: "${cells[c]}" is not a number`, 'values');
      }
      values[i * columns + (c - from)] = value;
    }
  });
  return { values, rows: rows.length, columns };
}

/** The TR from an evenly spaced time column (seconds), else null. */
function trFromTimes(rows: TextTable['rows']): number | null {
  const times = rows.map((row) => parseNumber(row.cells[0]!) ?? NaN);
  if (times.length < 2 || times.some((t) => !Number.isFinite(t))) return null;
  const step = times[1]! - times[0]!;
  if (!(step > 0)) return null;
  const even = times.every((t, i) => Math.abs(t - (times[0]! + i * step)) <= 1e-6 * Math.max(1, Math.abs(t)));
  return even ? step : null;
}

/** Region-major series from a row-major grid whose columns are the regions (rows = time). */
function fromTimeByRegion(grid: Grid): Float64Array {
  const { rows: timepoints, columns: regions, values } = grid;
  const out = new Float64Array(values.length);
  for (let t = 0; t < timepoints; t++) for (let r = 0; r < regions; r++) out[r * timepoints + t] = values[t * regions + r]!;
  return out;
}

/** A CSV/TSV table of ROI series. `kind` names the source ('csv' or 'tsv'). */
export function roiSeriesFromTable(table: TextTable, kind: string): Omit<RoiSeries, 'file'> {
  const { file, header, rows } = table;
  if (rows.length === 0) throw new FormatError(file, 'has a header but no rows of values', 'rows');
  const skipFirst = header !== null && header.length > 1 && INDEX_COLUMN.test(header[0]!);
  const from = skipFirst ? 1 : 0;
  const grid = numericGrid(file, rows, from, header);
  const trS = skipFirst && TIME_COLUMN.test(header[0]!) ? trFromTimes(rows) : null;
  if (header) {
    return { regionCount: grid.columns, timepoints: grid.rows, data: fromTimeByRegion(grid), regionNames: header.slice(from), trS, source: kind };
  }
  const { layout } = seriesLayout(grid.rows, grid.columns, null);
  if (layout === 'time×region') {
    return { regionCount: grid.columns, timepoints: grid.rows, data: fromTimeByRegion(grid), regionNames: null, trS, source: kind };
  }
  // Rows are regions: row-major region × time is region-major already.
  return { regionCount: grid.rows, timepoints: grid.columns, data: grid.values, regionNames: null, trS, source: kind };
}

/** An AFNI .1D file: whitespace columns, `#` comments, each column a region. */
export function roiSeriesFrom1D(text: string, file: string): Omit<RoiSeries, 'file'> {
  const rows: TextTable['rows'] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    const hash = raw.indexOf('#');
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (line) rows.push({ line: i + 1, cells: line.split(/\s+/) });
  });
  if (rows.length === 0) throw new FormatError(file, 'has no rows of values (only comments or blank lines)', 'rows');
  const grid = numericGrid(file, rows, 0, null);
  return { regionCount: grid.columns, timepoints: grid.rows, data: fromTimeByRegion(grid), regionNames: null, trS: null, source: '1D' };
}
