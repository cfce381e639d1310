/**
 * SWC reader: 7 whitespace-separated columns `id type x y z radius parent` per line, `#` comments
 * (kept as header metadata), blank lines, tabs and CRLF tolerated. Ids are positive integers in any
 * order; parent −1 marks a root, and a file may hold several trees.
 *
 * Strict (FormatError naming the line): no samples, wrong column count, a non-numeric or non-finite
 * value, a non-integer id/type/parent, a duplicate id, a missing parent, a cycle.
 * Repairable (kept, listed in `warnings`): a zero or negative radius, type 0 (undefined).
 */
import { readFile } from 'node:fs/promises';
import { FormatError, ValidationError, fileAccessError } from '../../errors.js';
import type { SwcMorphology, SwcOptions, SwcTree, SwcWarning } from './types.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const COLUMNS = ['id', 'type', 'x', 'y', 'z', 'radius', 'parent'] as const;
const MAX_ID = 0xffffffff;

/** Reads and validates an SWC file (see `parseSwc`). */
export async function readSwc(file: string, options: SwcOptions = {}): Promise<SwcMorphology> {
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
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const header: string[] = [];
  const warnings: SwcWarning[] = [];
  const ids: number[] = [];
  const types: number[] = [];
  const coords: number[] = [];
  const radii: number[] = [];
  const parents: number[] = [];
  const lines: number[] = [];
  const offsets: number[] = [];

  let offset = 0;
  const rawLines = text.split('\n');
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
    line = line.trim();
    if (!line) continue;
    const fail = (problem: string, field?: string): never => {
      throw new FormatError(file, `line ${lineNo}: ${problem}`, field, lineOffset);
    };
    const cells = line.split(/\s+/);
    if (cells.length !== 7) {
      fail(`expected 7 columns (id type x y z radius parent), found ${cells.length}`);
    }
    const values = cells.map((cell, c) => {
      const name = COLUMNS[c]!;
      if (!NUMBER.test(cell)) fail(`${name} "${cell}" is not a number`, name);
      const value = Number(cell);
      if (!Number.isFinite(value)) fail(`${name} "${cell}" is not a finite number`, name);
      if ((name === 'id' || name === 'type' || name === 'parent') && !INTEGER.test(cell)) {
        fail(`${name} "${cell}" is not an integer`, name);
      }
      return value;
    });
    const [id, type, x, y, z, radius, parent] = values as [number, number, number, number, number, number, number];
    if (id < 1 || id > MAX_ID) fail(`id ${id} is not a positive integer`, 'id');
    if (type < 0) fail(`type ${type} is negative (expected 0 undefined, 1 soma, 2 axon, 3 basal, 4 apical or a custom type ≥ 5)`, 'type');
    if (parent < -1 || parent === 0 || parent > MAX_ID) fail(`parent ${parent} is not −1 or a sample id`, 'parent');
    if (parent === id) fail(`sample ${id} is its own parent (a cycle)`, 'parent');
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
      throw new FormatError(file, `line ${lines[i]}: parent ${parents[i]} of sample ${ids[i]} does not exist`, 'parent', offsets[i]);
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
