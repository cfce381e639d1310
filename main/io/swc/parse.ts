/**
 * SWC reader: 7 whitespace-separated columns `id type x y z radius parent` per line, `#` comments
 * (kept as header metadata), blank lines, tabs and CRLF tolerated. Ids are positive integers in any
 * order; parent −1 marks a root, and a file may hold several trees.
 *
 * Strict (FormatError naming the line and column, never quoting a cell: a file may hold private
 * text where numbers belong): no samples, wrong column count, a non-numeric or non-finite value, a
 * coordinate or radius beyond ±1e9 file units (no neuron spans a metre in nm; larger values are
 * damage, and would make lengths overflow), a non-integer id/type/parent, a duplicate id, a missing
 * parent, a cycle.
 *
 * Truncation: the only cut that leaves a well-formed last line is one inside its parent id
 * (`… 114` cut to `… 1` re-parents the sample). So when the file does not end with a newline, its
 * last sample line is refused as "appears truncated" if it has fewer than 7 columns, a cell that is
 * not a number, a parent that does not exist, or a parent id with fewer digits than the sample's
 * own id other than id − 1 (parents are nearly always written near their children). A comment
 * after the last cell shows the cells are whole. A file that ends in blanks (spaces, tabs) without
 * a newline is refused outright: NeuroMorpho's CNG files pad lines with spaces (` 1 1 0 … -1 `), so
 * a cut just after a line's padding, or inside the next line's leading blank, leaves whole lines
 * and silently drops every sample after them; no SWC writer ends a file that way (the four files in
 * ../shared/data/morphology end with a newline). A complete file that trips these rules is
 * accepted once it ends with a newline, as every SWC writer does.
 *
 * Repairable (kept, listed in `warnings`): a zero or negative radius, type 0 (undefined).
 */
import { readFile } from 'node:fs/promises';
import { FormatError, ValidationError, fileAccessError } from '../../errors.js';
import { assertReadableSource } from '../source-file.js';
import type { SwcMorphology, SwcOptions, SwcTree, SwcWarning } from './types.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const COLUMNS = ['id', 'type', 'x', 'y', 'z', 'radius', 'parent'] as const;
const MAX_ID = 0xffffffff;
const MAX_TYPE = 0x7fffffff;
/** Coordinates and radii beyond this many file units are damage, not anatomy (see above). */
export const MAX_SWC_COORDINATE = 1e9;

/** Reads and validates an SWC file (see `parseSwc`). */
export async function readSwc(file: string, options: SwcOptions = {}): Promise<SwcMorphology> {
  assertReadableSource(file); // `cajal morph stats` and imports alike: a FIFO's open() would block
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fileAccessError(file, error);
  }
  return parseSwc(text, file, options);
}

/** Parses SWC text; `file` names the source in errors. */
export function parseSwc(text: string, file: string, options: SwcOptions = {}): SwcMorphology {
  const scale = options.scaleUmPerUnit;
  if (scale !== undefined && !(Number.isFinite(scale) && scale > 0)) {
    throw new ValidationError('scaleUmPerUnit', `expected a positive number of µm per unit, got ${scale}`);
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);

  const header: string[] = [];
  const warnings: SwcWarning[] = [];
  const ids: number[] = [];
  const types: number[] = [];
  const coords: number[] = [];
  const radii: number[] = [];
  const parents: number[] = [];
  const lines: number[] = [];
  const offsets: number[] = [];

  let offset = bom ? 3 : 0;
  const rawLines = text.split('\n');
  // Where the text does not end with a newline, its last line may have been cut (see above).
  const unterminatedLine = /[\r\n]$/.test(text) || text === '' ? -1 : rawLines.length;
  // Blanks without a newline at the end: the signature of a cut in a space-padded file (see above).
  if (unterminatedLine > 0 && /[^\S\r\n]/.test(text[text.length - 1]!) && /\S/.test(text)) {
    const lastLineOffset = (bom ? 3 : 0) + Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1), 'utf8');
    throw new FormatError(file, `file appears truncated at line ${unterminatedLine} (it ends in blanks without a newline)`, undefined, lastLineOffset);
  }
  let unterminatedSample = -1;
  for (let l = 0; l < rawLines.length; l++) {
    const raw = rawLines[l]!;
    const lineNo = l + 1;
    const lineOffset = offset;
    offset += Buffer.byteLength(raw, 'utf8') + 1;
    let line = raw.replace(/\r$/, '');
    const hash = line.indexOf('#');
    if (hash >= 0) {
      const comment = line.slice(hash + 1).trim();
      if (!line.slice(0, hash).trim()) {
        header.push(comment);
        continue;
      }
      line = line.slice(0, hash);
    }
    if (!line.trim()) continue;
    // A comment or trailing blanks after the last cell show that the cells themselves are whole.
    const cut = lineNo === unterminatedLine && hash < 0 && /\S$/.test(line);
    const cells = [...line.matchAll(/\S+/g)];
    const fail = (problem: string, column?: number): never => {
      const name = column === undefined ? undefined : COLUMNS[column];
      const where = column === undefined ? `line ${lineNo}` : `line ${lineNo}, column ${column + 1} (${name})`;
      const at = column === undefined ? lineOffset : lineOffset + Buffer.byteLength(line.slice(0, cells[column]!.index), 'utf8');
      const message = cut ? `file appears truncated at line ${lineNo} (its last line, which has no newline): ${where} ${problem}` : `${where} ${problem}`;
      throw new FormatError(file, message, name, at);
    };
    if (cells.length !== 7) {
      fail(`has ${cells.length} columns, expected 7 (id type x y z radius parent)`);
    }
    const values = cells.map(([cell], c) => {
      const name = COLUMNS[c]!;
      if (!NUMBER.test(cell)) fail('is not a number', c);
      const value = Number(cell);
      if (!Number.isFinite(value)) fail('is not a finite number', c);
      if ((name === 'id' || name === 'type' || name === 'parent') && !INTEGER.test(cell)) fail('is not an integer', c);
      if (c >= 2 && c <= 5 && Math.abs(value) > MAX_SWC_COORDINATE) {
        fail(`is out of range: beyond ±${MAX_SWC_COORDINATE.toExponential()} file units`, c);
      }
      return value;
    });
    const [id, type, x, y, z, radius, parent] = values as [number, number, number, number, number, number, number];
    if (id < 1 || id > MAX_ID) fail(`is not a positive integer below 2^32 (${id})`, 0);
    if (type < 0) fail(`is negative (${type}; expected 0 undefined, 1 soma, 2 axon, 3 basal, 4 apical or a custom type ≥ 5)`, 1);
    if (type > MAX_TYPE) fail(`is out of range (${type}; custom types are below 2^31)`, 1);
    if (parent < -1 || parent === 0 || parent > MAX_ID) fail(`is not −1 or a sample id (${parent})`, 6);
    if (parent === id) fail(`makes sample ${id} its own parent (a cycle)`, 6);
    if (cut) {
      unterminatedSample = ids.length;
      const digits = (cell: string) => cell.replace(/^[+-]/, '').replace(/^0+(?=\d)/, '').length;
      if (parent !== -1 && parent !== id - 1 && digits(cells[6]![0]) < digits(cells[0]![0])) {
        fail(`has fewer digits (${parent}) than the sample's id (${id}): a cut number? If the line is complete, end the file with a newline`, 6);
      }
    }
    if (type === 0) warnings.push({ line: lineNo, message: `sample ${id} has type 0 (undefined); kept as is` });
    if (radius <= 0) warnings.push({ line: lineNo, message: `sample ${id} has radius ${radius} (≤ 0); kept as is` });
    ids.push(id);
    types.push(type);
    coords.push(x, y, z);
    radii.push(radius);
    parents.push(parent);
    lines.push(lineNo);
    offsets.push(lineOffset);
  }

  const n = ids.length;
  if (n === 0) throw new FormatError(file, `no SWC samples (${rawLines.length} line${rawLines.length === 1 ? '' : 's'}, none with 7 columns)`);

  const indexOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const first = indexOf.get(ids[i]!);
    if (first !== undefined) {
      throw new FormatError(file, `line ${lines[i]}: duplicate id ${ids[i]} (first on line ${lines[first]})`, 'id', offsets[i]);
    }
    indexOf.set(ids[i]!, i);
  }
  const parentIndex = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (parents[i] === -1) {
      parentIndex[i] = -1;
      continue;
    }
    const p = indexOf.get(parents[i]!);
    if (p === undefined) {
      const problem = `line ${lines[i]}: parent ${parents[i]} of sample ${ids[i]} does not exist`;
      throw new FormatError(
        file,
        i === unterminatedSample ? `file appears truncated at line ${lines[i]} (its last line, which has no newline): ${problem}` : problem,
        'parent',
        offsets[i],
      );
    }
    parentIndex[i] = p;
  }

  // Trees: walk down from each root; samples never reached lie on a cycle (or below one).
  const childStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parentIndex[i]! >= 0) childStart[parentIndex[i]! + 1]!++;
  for (let i = 0; i < n; i++) childStart[i + 1]! += childStart[i]!;
  const fill = childStart.slice(0, n);
  const children = new Int32Array(n);
  for (let i = 0; i < n; i++) if (parentIndex[i]! >= 0) children[fill[parentIndex[i]!]!++] = i;
  const reached = new Uint8Array(n);
  const trees: SwcTree[] = [];
  const stack: number[] = [];
  for (let root = 0; root < n; root++) {
    if (parentIndex[root] !== -1) continue;
    let size = 0;
    stack.push(root);
    while (stack.length) {
      const i = stack.pop()!;
      reached[i] = 1;
      size++;
      for (let c = childStart[i]!; c < childStart[i + 1]!; c++) stack.push(children[c]!);
    }
    trees.push({ rootIndex: root, size, rootType: types[root]! });
  }
  if (trees.length < 1 || reached.includes(0)) {
    // Report the cycle itself: follow parents from an unreached sample until a sample repeats.
    let i = reached.indexOf(0);
    const seen = new Set<number>();
    while (!seen.has(i)) {
      seen.add(i);
      i = parentIndex[i]!;
    }
    const cycle: number[] = [i];
    for (let j = parentIndex[i]!; j !== i; j = parentIndex[j]!) cycle.push(j);
    const first = cycle.reduce((a, b) => (lines[a]! < lines[b]! ? a : b));
    const shown = cycle.length > 8 ? `${cycle.slice(0, 8).map((k) => ids[k]).join(' → ')} → …` : cycle.map((k) => ids[k]).join(' → ');
    throw new FormatError(
      file,
      `line ${lines[first]}: cycle of ${cycle.length} samples through parents (ids ${shown}); a tree needs a root with parent -1`,
      'parent',
      offsets[first],
    );
  }

  const factor = scale ?? 1;
  const xyz = new Float64Array(coords);
  const r = new Float64Array(radii);
  if (scale !== undefined) {
    for (let k = 0; k < xyz.length; k++) xyz[k]! *= factor;
    for (let k = 0; k < n; k++) r[k]! *= factor;
  }
  return {
    file,
    count: n,
    ids: Uint32Array.from(ids),
    types: Int32Array.from(types),
    xyz,
    radii: r,
    parentIndex,
    lines: Uint32Array.from(lines),
    trees,
    header,
    warnings,
    scaleUmPerUnit: scale ?? null,
  };
}
