/**
 * Calcium traces as delimited text: one row per cell, one column per frame (comma, tab or
 * semicolon), with an optional header row and an optional first column of cell names.
 *
 * Sibling files sharing the name prefix carry what Triplett et al. (2018) publish with their
 * zebrafish tectum matrices: `<prefix>_cell_coordinates.csv` (x, y[, z] per cell) → positions and
 * `<prefix>_assembly_assignments.csv` (one assembly per line, 1-based cell indices) → assemblies.
 * For `<prefix>_activity_matrix.csv` the prefix drops `_activity_matrix`. A sibling that does not
 * fit the matrix is skipped with a warning: the traces are still good.
 *
 * Truncation: a file cut short mostly ends inside a row, with no newline after it. That last row is
 * refused when it has fewer values than the rows above (or, alone, than the header); with its full
 * width it is read, with a warning, since a cut inside its last value cannot be told from a whole
 * one. Files written by numpy, pandas, MATLAB or R end with a newline.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { FormatError, UserError, fileAccessError } from '../../errors.js';
import { rethrowIfOutOfMemory } from '../allocation.js';
import { expectFile } from '../volume/file.js';
import { makeRecording } from './recording.js';
import type { CalciumRecording, TraceKind } from './types.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE: Record<string, number> = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity };

/** A cell's text as a number (NaN/Inf spelled as numpy, MATLAB or R write them), or undefined. */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (NUMBER.test(trimmed)) return Number(trimmed);
  return NON_FINITE[trimmed.toLowerCase()];
}

/** The delimiter of a line: the most frequent of tab, comma, semicolon (tab wins ties), or null. */
export function detectDelimiter(line: string): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const delimiter of ['\t', ',', ';']) {
    const count = line.split(delimiter).length - 1;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

/** Splits a line on `delimiter`, honouring double quotes (only where the line has any). */
export function splitLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** Lines of a text file with their 1-based line numbers, blank lines dropped. */
export function textLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((line, i) => {
    if (line.trim() !== '') out.push({ line: i + 1, text: line });
  });
  return out;
}

export async function readText(file: string): Promise<string> {
  await expectFile(file);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    rethrowIfOutOfMemory(error, file, 'the text');
    throw fileAccessError(file, error);
  }
}

/** Titles of a name column ("cell", "ROI", "neuron_id"…), empty included. */
const GENERIC_NAME_TITLE = /^(cells?|neurons?|rois?|units?|ids?|names?|labels?|cell_?id|neuron_?id|roi_?id|#)?$/i;

/**
 * Whether the first of `rows` is a header: it has a non-number past its first value (the first
 * may be a name), or it is a name-column title ("cell", "roi"…) followed by frame numbers
 * (0, 1, 2… or 1, 2, 3…) above more rows.
 */
function isHeader(rows: readonly string[][]): boolean {
  const [head, next] = rows;
  if (!head) return false;
  const rest = head.slice(1).map(parseNumber);
  if (rest.some((value) => value === undefined)) return true;
  if (parseNumber(head[0]!) === undefined) {
    if (head.length === 1) return true;
    const counting = rest.every((value, i) => value === i + rest[0]!) && (rest[0] === 0 || rest[0] === 1);
    return counting && next !== undefined && GENERIC_NAME_TITLE.test(head[0]!.trim());
  }
  return false;
}

interface Matrix {
  rows: number;
  columns: number;
  values: Float32Array;
  labels: (string | null)[] | null;
  header: string[] | null;
  /** The line number of the last row when the file does not end with a newline after it. */
  unterminatedLine: number | null;
}

/** Whether the text ends with a line end after its last non-blank line (trailing blanks aside). */
function endsWithNewline(text: string): boolean {
  let i = text.length - 1;
  while (i >= 0 && /[^\S\r\n]/.test(text[i]!)) i--;
  return i < 0 || text[i] === '\n' || text[i] === '\r';
}

/**
 * Parses a numeric matrix: optional header (a first row with a non-numeric value past the label
 * column), optional label column (a first data row whose first value is not a number). Ragged rows
 * and non-numeric values are FormatErrors naming the line and column.
 */
export function parseMatrix(text: string, file: string): Matrix {
  const lines = textLines(text);
  if (lines.length === 0) throw new FormatError(file, 'the file is empty');
  const delimiter = detectDelimiter(lines[0]!.text) ?? ',';
  let header: string[] | null = null;
  let first = 0;
  if (isHeader(lines.map((l) => splitLine(l.text, delimiter)))) {
    header = splitLine(lines[0]!.text, delimiter).map((field) => field.trim());
    first = 1;
  }
  const data = lines.slice(first);
  if (data.length === 0) throw new FormatError(file, 'the file has a header but no rows of values');
  const labelled = parseNumber(splitLine(data[0]!.text, delimiter)[0]!) === undefined;
  const width = splitLine(data[0]!.text, delimiter).length;
  const columns = width - (labelled ? 1 : 0);
  if (columns < 1) throw new FormatError(file, `line ${data[0]!.line} has a name but no values`);
  const last = data[data.length - 1]!;
  const unterminatedLine = endsWithNewline(text) ? null : last.line;
  if (unterminatedLine !== null) {
    // Checked before the ragged-row check, which would call the cut row ragged.
    const expected = data.length > 1 ? width : header?.length;
    const found = splitLine(last.text, delimiter).length;
    if (expected !== undefined && found < expected) {
      throw new FormatError(file, `file appears truncated at line ${last.line} (its last line has ${found} of ${expected} values and no newline)`);
    }
  }
  const values = new Float32Array(data.length * columns);
  const labels: (string | null)[] | null = labelled ? [] : null;
  data.forEach(({ line, text: row }, r) => {
    const fields = splitLine(row, delimiter);
    if (fields.length !== width) {
      throw new FormatError(file, `line ${line} has ${fields.length} values but line ${data[0]!.line} has ${width} (a ragged row)`);
    }
    if (labels) labels.push(fields[0]!.trim() || null);
    const offset = labelled ? 1 : 0;
    for (let c = 0; c < columns; c++) {
      const field = fields[c + offset]!;
      const value = parseNumber(field);
      if (value === undefined) {
        const shown = field.trim() === '' ? 'an empty value' : `"${field.trim().slice(0, 40)}"`;
        throw new FormatError(file, `line ${line}, column ${c + offset + 1}: ${shown} is not a number`);
      }
      values[r * columns + c] = value;
    }
  });
  return { rows: data.length, columns, values, labels, header, unterminatedLine };
}

/** The sibling-file prefix of a matrix file: its name without extension and `_activity_matrix`. */
export function csvPrefix(file: string): string {
  const name = basename(file, extname(file));
  return join(dirname(file), name.replace(/_activity_matrix$/, ''));
}

/** Positions from `<prefix>_cell_coordinates.csv`: x, y[, z] per cell (z = 0 when absent). */
async function readCoordinates(file: string, cells: number): Promise<Float32Array> {
  const matrix = parseMatrix(await readText(file), file);
  if (matrix.rows !== cells) throw new FormatError(file, `holds ${matrix.rows} coordinate rows but the matrix has ${cells} cells`);
  if (matrix.columns < 2 || matrix.columns > 3) throw new FormatError(file, `has ${matrix.columns} columns; expected x, y or x, y, z`);
  const xyz = new Float32Array(cells * 3);
  for (let cell = 0; cell < cells; cell++) {
    for (let axis = 0; axis < matrix.columns; axis++) {
      const value = matrix.values[cell * matrix.columns + axis]!;
      // A NaN coordinate is no position: the whole file is skipped (with a warning) rather than cells drawn nowhere.
      if (!Number.isFinite(value)) throw new FormatError(file, `cell ${cell + 1}: coordinate ${'xyz'[axis]} is ${value}`, 'xyz'[axis]);
      xyz[cell * 3 + axis] = value;
    }
  }
  return xyz;
}

/** Assemblies from `<prefix>_assembly_assignments.csv`: 1-based cell indices → 0-based. */
async function readAssemblies(file: string, cells: number): Promise<number[][]> {
  const lines = textLines(await readText(file));
  return lines.map(({ line, text }) => {
    const delimiter = detectDelimiter(text) ?? ',';
    return splitLine(text, delimiter)
      .filter((field) => field.trim() !== '')
      .map((field, column) => {
        const index = parseNumber(field);
        if (index === undefined || !Number.isInteger(index) || index < 1 || index > cells) {
          throw new FormatError(file, `line ${line}, value ${column + 1}: "${field.trim()}" is not a cell index from 1 to ${cells}`);
        }
        return index - 1;
      });
  });
}

/** Why a part was skipped, without repeating the file name the warning starts with. */
const reason = (error: unknown, file?: string): string => {
  if (!(error instanceof UserError)) return `internal error: ${String(error)}`;
  return file && error.message.startsWith(`${file}: `) ? error.message.slice(file.length + 2) : error.message;
};

/** ΔF/F when a header (or the label column's title) says so; otherwise the file does not say. */
function traceKindOf(header: string[] | null): TraceKind {
  return header?.some((field) => /\b(d\s*f\s*\/\s*f|dff|delta\s*f|Δ\s*f)/i.test(field)) ? 'dff' : 'unknown';
}

export async function readCalciumCsv(file: string): Promise<CalciumRecording> {
  const matrix = parseMatrix(await readText(file), file);
  const cells = matrix.rows;
  const frames = matrix.columns;
  const warnings: string[] = [];
  if (matrix.unterminatedLine !== null) {
    warnings.push(
      `${file}: the file does not end with a newline after its last row (line ${matrix.unterminatedLine}); if it was cut short there, that row's last value may be incomplete`,
    );
  }
  const notes = [`delimited text: ${cells} cells × ${frames} frames${matrix.header ? ', with a header row' : ''}${matrix.labels ? ', with a name column' : ''}`];

  const prefix = csvPrefix(file);
  let positions: Float32Array | null = null;
  const coordinates = `${prefix}_cell_coordinates.csv`;
  if (existsSync(coordinates)) {
    try {
      positions = await readCoordinates(coordinates, cells);
      notes.push(`positions from ${basename(coordinates)}`);
    } catch (error) {
      rethrowIfOutOfMemory(error, file, 'a sibling file');
      warnings.push(`${coordinates}: skipped (${reason(error, coordinates)})`);
    }
  }
  let assemblies: number[][] | null = null;
  const assignments = `${prefix}_assembly_assignments.csv`;
  if (existsSync(assignments)) {
    try {
      assemblies = await readAssemblies(assignments, cells);
      notes.push(`${assemblies.length} assemblies from ${basename(assignments)} (sizes ${assemblies.map((a) => a.length).join(', ')})`);
    } catch (error) {
      rethrowIfOutOfMemory(error, file, 'a sibling file');
      warnings.push(`${assignments}: skipped (${reason(error, assignments)})`);
    }
  }
  const traceKind = traceKindOf(matrix.header);
  if (traceKind === 'unknown') notes.push('the file does not say what the values are (trace kind unknown); no frame rate');

  return makeRecording({
    source: file,
    format: 'calcium-csv',
    cellCount: cells,
    frameCount: frames,
    traces: matrix.values,
    traceKind,
    labels: matrix.labels,
    positions,
    assemblies,
    warnings,
    description: notes.join('; '),
  });
}
