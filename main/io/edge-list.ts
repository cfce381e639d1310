/**
 * Weighted undirected graphs as CSV edge lists, `source,target,weight` per line (the form a lab's
 * network tables usually take; `cajal ntf communities` reads them). Rules:
 *  - comma- or tab-separated; a first line whose third field is not a number is a header; lines
 *    that are empty or start with `#` are skipped;
 *  - node names are any text; when every name is an integer the nodes are ordered by value (node k
 *    is the k-th smallest id), otherwise by first appearance;
 *  - the weight column is optional (then every edge weighs 1 and the graph is unweighted); a weight
 *    must be finite and ≥ 0, and a weight of 0 means no edge (dense matrices written as lists);
 *  - undirected: a pair listed in both directions with the same weight is one edge (symmetric
 *    listings), any other repeat of a pair, or a self-loop, is an error naming the line.
 */
import { readFile, stat } from 'node:fs/promises';
import { FormatError, fileAccessError } from '../errors.js';

export interface EdgeListCsv {
  /** Node names; node i of `edges` is names[i]. */
  names: string[];
  /** 2 × E node indices (u, v), u ≠ v, each undirected pair once. */
  edges: Int32Array;
  /** E weights > 0 (all 1 when the file has no weight column). */
  weights: Float64Array;
  /** Whether the file gives weights. */
  weighted: boolean;
}

/** Files larger than this are refused: the fit would not finish on them anyway. */
export const EDGE_LIST_MAX_BYTES = 256 * 1024 * 1024;

export async function readEdgeListCsv(file: string): Promise<EdgeListCsv> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.size > EDGE_LIST_MAX_BYTES) {
      throw new FormatError(file, `is ${info.size} bytes; edge lists above ${EDGE_LIST_MAX_BYTES} bytes are not read`);
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw fileAccessError(file, error);
  }
  return parseEdgeListCsv(text, file);
}

export function parseEdgeListCsv(text: string, file: string): EdgeListCsv {
  const rows: { source: string; target: string; weight: number; line: number }[] = [];
  let columns = 0;
  let offset = 0;
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const lineOffset = offset;
    offset += Buffer.byteLength(raw, 'utf8') + 1;
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(line.includes('\t') ? '\t' : ',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
    const where = `line ${index + 1}`;
    if (fields.length < 2 || fields.length > 3) {
      throw new FormatError(file, `expected source,target[,weight], got ${fields.length} field${fields.length === 1 ? '' : 's'}`, where, lineOffset);
    }
    const weightText = fields[2];
    const weight = weightText === undefined ? 1 : Number(weightText);
    if (rows.length === 0 && columns === 0 && (weightText !== undefined ? weightText === '' || Number.isNaN(weight) : isHeaderPair(fields))) {
      // A header: remember its width, read no edge from it.
      columns = fields.length;
      continue;
    }
    if (columns === 0) columns = fields.length;
    if (fields.length !== columns) {
      throw new FormatError(file, `has ${fields.length} fields where earlier lines have ${columns}`, where, lineOffset);
    }
    if (!fields[0] || !fields[1]) throw new FormatError(file, 'empty node name', where, lineOffset);
    if (!(weight >= 0) || !Number.isFinite(weight)) {
      throw new FormatError(file, `weight "${weightText}" is not a finite number ≥ 0`, where, lineOffset);
    }
    if (fields[0] === fields[1]) throw new FormatError(file, `self-loop on node "${fields[0]}" (not supported)`, where, lineOffset);
    rows.push({ source: fields[0], target: fields[1], weight, line: index + 1 });
  }
  if (rows.length === 0) throw new FormatError(file, 'no edges (expected lines source,target[,weight])');

  const seen = new Map<string, number>();
  for (const row of rows) for (const name of [row.source, row.target]) if (!seen.has(name)) seen.set(name, seen.size);
  let names = [...seen.keys()];
  if (names.every((name) => /^-?\d+$/.test(name))) names = names.sort((a, b) => Number(a) - Number(b));
  const index = new Map(names.map((name, i) => [name, i]));

  const pairs = new Map<string, { weight: number; line: number }>();
  const edges: number[] = [];
  const weights: number[] = [];
  for (const row of rows) {
    const u = index.get(row.source)!;
    const v = index.get(row.target)!;
    const key = u < v ? `${u},${v}` : `${v},${u}`;
    const earlier = pairs.get(key);
    if (earlier) {
      if (earlier.weight === row.weight) continue; // the same edge listed in the other direction
      throw new FormatError(
        file,
        `the pair ${row.source}–${row.target} is listed again with weight ${row.weight} (line ${earlier.line} gave ${earlier.weight}); the graph is undirected`,
        `line ${row.line}`,
      );
    }
    pairs.set(key, { weight: row.weight, line: row.line });
    if (row.weight === 0) continue;
    edges.push(Math.min(u, v), Math.max(u, v));
    weights.push(row.weight);
  }
  if (weights.length === 0) throw new FormatError(file, 'every edge has weight 0: there is no graph');
  return { names, edges: Int32Array.from(edges), weights: Float64Array.from(weights), weighted: columns === 3 };
}

/** Two fields, neither a plain number, on the first line: `source,target` as a header. */
function isHeaderPair(fields: string[]): boolean {
  return /^(source|src|from|node1|u|i)$/i.test(fields[0]!) && /^(target|dst|to|node2|v|j)$/i.test(fields[1]!);
}
