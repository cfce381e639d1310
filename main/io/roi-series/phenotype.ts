/**
 * Phenotype tables of a cohort (ABIDE's Phenotypic_V1_0b_preprocessed1.csv, a lab's labels.csv):
 * which column holds the subject ids, and each row's labels, typed and normalised.
 *
 * Ids: a subject file `50033.mat` matches a cell `50033`, and also `0050033` (numbers compare as
 * numbers) and a FILE_ID-style prefix (`Pitt_0050033_rois_aal.1D` ↔ `Pitt_0050033`). The id column
 * is the one matching the most files.
 *
 * Normalised labels, from ABIDE's coding where the table uses it (ABIDE I phenotypic legend):
 * `diagnosis` from DX_GROUP (1 autism → 'ASD', 2 control → 'control') or a text diagnosis/dx/group
 * column; `sex` from SEX (1 → 'M', 2 → 'F') or M/F/male/female text; `age` from AGE_AT_SCAN or age;
 * `site` from SITE_ID or site. Every column is also kept under its own title, numbers parsed, empty
 * cells null. pandas' index columns ("" and "Unnamed: 0") are dropped.
 */
import { FormatError } from '../../errors.js';
import { parseNumber, parseTable, readTextFile } from './table.js';
import type { CohortLabel } from './types.js';

export interface PhenotypeTable {
  file: string;
  /** Kept columns, in table order. */
  columns: string[];
  rows: { line: number; values: CohortLabel[] }[];
}

const PANDAS_INDEX = /^(|Unnamed: \d+)$/;

export async function readPhenotypeTable(file: string): Promise<PhenotypeTable | null> {
  const text = await readTextFile(file);
  const table = parseTable(text, file, file.toLowerCase().endsWith('.tsv') ? '\t' : undefined);
  if (!table.header || table.rows.length === 0) return null;
  const keep = table.header.map((title, i) => [title, i] as const).filter(([title]) => !PANDAS_INDEX.test(title));
  return {
    file,
    columns: keep.map(([title]) => title),
    rows: table.rows.map(({ line, cells }) => ({
      line,
      values: keep.map(([, i]) => {
        const cell = cells[i] ?? '';
        if (cell === '') return null;
        const number = parseNumber(cell);
        return number !== undefined && Number.isFinite(number) ? number : cell;
      }),
    })),
  };
}

/** Index of one column's cells by the keys a subject file stem can match. */
export type IdIndex = Map<string, number[]>;

const numberKey = (value: number): string => `#${value}`;

export function indexIdColumn(table: PhenotypeTable, column: number): IdIndex {
  const index: IdIndex = new Map();
  const add = (key: string, row: number): void => {
    const rows = index.get(key);
    if (rows) rows.push(row);
    else index.set(key, [row]);
  };
  table.rows.forEach((row, i) => {
    const value = row.values[column];
    if (value === null || value === undefined) return;
    if (typeof value === 'number') add(numberKey(value), i);
    else add(value, i);
  });
  return index;
}

/** Rows of the indexed column that name the subject whose file stem is `stem` (see the file comment). */
export function rowsForStem(index: IdIndex, stem: string): number[] {
  const number = parseNumber(stem);
  const exact = index.get(number !== undefined && Number.isFinite(number) ? numberKey(number) : stem) ?? index.get(stem);
  if (exact) return exact;
  // A FILE_ID-style prefix ending where the stem has a separator.
  for (let i = 3; i < stem.length; i++) {
    if (stem[i] === '_' || stem[i] === '-' || stem[i] === '.') {
      const rows = index.get(stem.slice(0, i));
      if (rows) return rows;
    }
  }
  return [];
}

export interface IdColumn {
  column: number;
  index: IdIndex;
  /** Stems matched by some row. */
  matched: number;
}

/** The column whose cells match the most of `stems` (null when none matches any). */
export function findIdColumn(table: PhenotypeTable, stems: readonly string[]): IdColumn | null {
  let best: IdColumn | null = null;
  table.columns.forEach((_, column) => {
    const index = indexIdColumn(table, column);
    const matched = stems.filter((stem) => rowsForStem(index, stem).length > 0).length;
    if (matched > 0 && (!best || matched > best.matched)) best = { column, index, matched };
  });
  return best;
}

const find = (columns: readonly string[], pattern: RegExp): number => columns.findIndex((title) => pattern.test(title));

/** The normalised labels of one row (only those the table has a source column for). */
export function normaliseLabels(columns: readonly string[], values: readonly CohortLabel[], warn: (message: string) => void, where: string): Record<string, CohortLabel> {
  const out: Record<string, CohortLabel> = {};
  const dxGroup = find(columns, /^DX_GROUP$/i);
  const dxText = find(columns, /^(diagnosis|dx|group)$/i);
  if (dxGroup >= 0) {
    const v = values[dxGroup];
    out.diagnosis = v === 1 ? 'ASD' : v === 2 ? 'control' : null;
    if (out.diagnosis === null) warn(`${where}: DX_GROUP ${String(v)} is neither 1 (autism) nor 2 (control)`);
  } else if (dxText >= 0) {
    out.diagnosis = values[dxText] ?? null;
  }
  const sex = find(columns, /^(sex|gender)$/i);
  if (sex >= 0) {
    const v = values[sex];
    const text = typeof v === 'string' ? v.toLowerCase() : v;
    out.sex = v === 1 || text === 'm' || text === 'male' ? 'M' : v === 2 || text === 'f' || text === 'female' ? 'F' : null;
    if (out.sex === null && v !== null) warn(`${where}: sex ${String(v)} is not 1/2, M/F or male/female`);
  }
  const age = find(columns, /^(AGE_AT_SCAN|age|age_years)$/i);
  if (age >= 0) {
    const v = values[age];
    out.age = typeof v === 'number' && v >= 0 ? v : null;
  }
  const site = find(columns, /^(SITE_ID|site)$/i);
  if (site >= 0) out.site = values[site] === null ? null : String(values[site]);
  return out;
}

/** Throws when two rows of `table` match the same subject file. */
export function assertUniqueIds(table: PhenotypeTable, id: IdColumn, stemsByFile: ReadonlyMap<string, string>): void {
  for (const [file, stem] of stemsByFile) {
    const lines = rowsForStem(id.index, stem).map((row) => table.rows[row]!.line);
    if (lines.length > 1) {
      throw new FormatError(table.file, `subject ${stem} (${file}) matches ${lines.length} rows (lines ${lines.join(', ')}): each subject needs exactly one`, table.columns[id.column]);
    }
  }
}
