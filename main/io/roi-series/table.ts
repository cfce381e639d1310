/**
 * Delimited text tables (CSV, TSV, semicolons) as rows of cells: the shared first step of ROI
 * series tables, region-name lists and phenotype tables. Cell splitting, number parsing and the
 * delimiter guess are the calcium CSV reader's (one definition of "a number in a text table").
 */
import { readFile, stat } from 'node:fs/promises';
import { FormatError, fileAccessError } from '../../errors.js';
import { checkAllocation, rethrowIfOutOfMemory } from '../allocation.js';
import { detectDelimiter, parseNumber, splitLine, textLines } from '../calcium/csv.js';
import { assertReadableSource } from '../source-file.js';

export { parseNumber };

export interface TextTable {
  file: string;
  /** Cells of the header row, trimmed; null when the first row is all numbers. */
  header: string[] | null;
  /** Data rows, cells trimmed, with their 1-based line numbers. */
  rows: { line: number; cells: string[] }[];
  delimiter: string;
}

/** The whole text of a file (size checked against the memory budget first). */
export async function readTextFile(file: string): Promise<string> {
  assertReadableSource(file);
  try {
    const { size } = await stat(file);
    // A JS string takes 2 bytes per character.
    checkAllocation(file, [size], 2, 'the text');
    return await readFile(file, 'utf8');
  } catch (error) {
    rethrowIfOutOfMemory(error, file, 'the text');
    if (error instanceof FormatError || (error as { code?: unknown }).code === 'io') throw error;
    throw fileAccessError(file, error);
  }
}

/** Whether a row is a header: some cell is not a number (empty cells aside). */
function isHeaderRow(cells: readonly string[]): boolean {
  return cells.some((cell) => cell !== '' && parseNumber(cell) === undefined);
}

/** Splits `text` into a table; `delimiter` is guessed from the first line when not given. */
export function parseTable(text: string, file: string, delimiter?: string): TextTable {
  const lines = textLines(text);
  if (lines.length === 0) throw new FormatError(file, 'is empty: no rows', 'rows');
  const sep = delimiter ?? detectDelimiter(lines[0]!.text) ?? ',';
  const split = (line: string): string[] => splitLine(line, sep).map((cell) => cell.trim());
  const first = split(lines[0]!.text);
  const header = isHeaderRow(first) ? first : null;
  const rows = lines.slice(header ? 1 : 0).map(({ line, text: t }) => ({ line, cells: split(t) }));
  return { file, header, rows, delimiter: sep };
}

/** Index of the first header column whose title matches `pattern`, or -1. */
export function findColumn(header: readonly string[], pattern: RegExp): number {
  return header.findIndex((title) => pattern.test(title));
}
