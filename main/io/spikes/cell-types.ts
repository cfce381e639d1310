/**
 * A cell-type table beside spike trains (`cell_classification.txt` in the retina data): text lines
 * `<cluster id> <cell type>` (tab or spaces; `#` lines are comments). The spike file keeps no ids,
 * so which row belongs to which spike train is a convention: the trains are in ascending cluster-id
 * order (the lab's export iterated over sorted ids, and the shared table is written that way). We
 * sort the rows by id, refuse duplicate ids, and say in a warning when the file was not sorted.
 */
import { readFile } from 'node:fs/promises';
import { FormatError, fileAccessError } from '../../errors.js';

export interface CellTypeTable {
  /** Sorted cluster ids (as written, e.g. `1479`). */
  ids: string[];
  types: string[];
  warnings: string[];
}

/** Reads and checks the table; `field` names it in errors. */
export async function readCellTypeTable(file: string): Promise<CellTypeTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fileAccessError(file, error);
  }
  if (text.includes('\0')) throw new FormatError(file, 'not a text table of cluster ids and cell types (binary data)');
  const rows: { id: string; number: number; type: string; line: number }[] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(\S+)\s+(.+)$/.exec(line);
    const number = match && /^\d+$/.test(match[1]!) ? Number(match[1]) : NaN;
    if (!match || !Number.isSafeInteger(number)) {
      // A header row without '#' (`cluster_id	cell_type`) is allowed as the first row only.
      if (rows.length === 0 && !/^[-+]?\d/.test(line)) return;
      throw new FormatError(file, `line ${index + 1} "${line.slice(0, 60)}" is not "<cluster id> <cell type>"`, `line ${index + 1}`);
    }
    rows.push({ id: match[1]!, number, type: match[2]!.trim(), line: index + 1 });
  });
  if (rows.length === 0) throw new FormatError(file, 'no rows of "<cluster id> <cell type>"');
  const warnings: string[] = [];
  const sorted = [...rows].sort((a, b) => a.number - b.number);
  if (sorted.some((row, i) => row !== rows[i])) warnings.push(`${file}: rows are not in cluster-id order; matched to the spike trains in sorted id order`);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.number === sorted[i - 1]!.number) {
      throw new FormatError(file, `cluster id ${sorted[i]!.id} appears twice (lines ${sorted[i - 1]!.line} and ${sorted[i]!.line})`, `line ${sorted[i]!.line}`);
    }
  }
  return { ids: sorted.map((row) => row.id), types: sorted.map((row) => row.type), warnings };
}

/** Counts per type, most common first ("31 Off parasol, 18 On parasol"). */
export function describeTypes(types: readonly (string | null)[]): string {
  const counts = new Map<string, number>();
  for (const type of types) if (type !== null) counts.set(type, (counts.get(type) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([type, n]) => `${n} ${type}`).join(', ');
}
