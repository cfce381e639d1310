/**
 * BrainNet Viewer `.edge` files: an n×n matrix of connection weights, one row per line, values
 * separated by whitespace (commas are taken too, as spreadsheets save matrices), `#` comments.
 * The matrix must be square — row count equal to every row's length — since row i and column j
 * are nodes i and j of the matching .node file. NaN and Inf are kept as written (MATLAB writes
 * them for undefined connections); anything else that is not a number is an error naming the line.
 */
import { FormatError } from '../../errors.js';
import { checkAllocation } from '../allocation.js';
import { contentLines, parseNumber, readText } from './text.js';

export interface BrainNetEdges {
  nodeCount: number;
  /** Row-major n×n: weights[i * nodeCount + j] connects node i to node j. */
  weights: Float64Array;
}

/** Parses the text of an .edge file; `file` names it in errors. */
export function parseBrainNetEdges(file: string, text: string): BrainNetEdges {
  const lines = contentLines(text);
  const n = lines.length;
  if (!n) throw new FormatError(file, 'holds no matrix (the file is empty)', 'rows');
  checkAllocation(file, [n, n], 8, 'the edge matrix');
  const weights = new Float64Array(n * n);
  lines.forEach((line, row) => {
    const fields = line.text.split(/[\s,]+/).filter((field) => field !== '');
    if (fields.length !== n) {
      throw new FormatError(file, `line ${line.line} has ${fields.length} values, but the matrix has ${n} rows: an .edge file is a square n×n matrix`, 'columns');
    }
    fields.forEach((field, column) => {
      const value = parseNumber(field);
      if (value === null) throw new FormatError(file, `line ${line.line}, column ${column + 1}: "${field.slice(0, 40)}" is not a number`, 'weight');
      weights[row * n + column] = value;
    });
  });
  return { nodeCount: n, weights };
}

/** The weight matrix of a BrainNet Viewer .edge file. */
export async function readBrainNetEdges(path: string): Promise<BrainNetEdges> {
  return parseBrainNetEdges(path, await readText(path));
}
