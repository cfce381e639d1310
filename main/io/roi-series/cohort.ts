/**
 * A cohort: a folder of per-subject ROI series files plus a phenotype table, read as one dataset.
 *
 * Layout: the folder itself holds the subject files, or its `Functional/` subfolder does (ABIDE's
 * preprocessed-connectomes layout); tables are looked for beside the subject files and, when the
 * folder given is the subject folder, in its parent. A table is a phenotype table when one of its
 * columns names at least half of the subject files (phenotype.ts says how ids match file names).
 * The table matching the most files is the primary (a tie goes to the smaller table: the one made
 * for these files); the others are merged in for the columns the primary lacks (ABIDE: labels_100.csv
 * is primary; Phenotypic_V1_0b_preprocessed1.csv adds ADOS, handedness, QC columns), and a value
 * they disagree on is a warning, the primary's kept.
 *
 * Refused with one FormatError naming the file and the field, before anything is returned: a subject
 * file with no row in the primary table, two rows or two files for one subject, subjects whose
 * series have different region counts (the connectivity features would not line up), fewer than two
 * subjects. Every series is read (and checked finite) here, so an import either holds the whole
 * cohort or nothing.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { FileAccessError, FormatError } from '../../errors.js';
import { assertReadableSource } from '../source-file.js';
import { assertUniqueIds, findIdColumn, normaliseLabels, readPhenotypeTable, rowsForStem, type IdColumn, type PhenotypeTable } from './phenotype.js';
import { looksLikeRoiSeries, readRoiSeries, ROI_SERIES_EXTENSIONS } from './series.js';
import type { Cohort, CohortLabel, CohortSubject, RoiSeries } from './types.js';

const TABLE_EXTENSIONS = new Set(['.csv', '.tsv', '.txt']);
const NORMALISED = ['diagnosis', 'sex', 'age', 'site'];

interface Layout {
  seriesDir: string;
  tableDirs: string[];
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((entry) => !entry.startsWith('.'))
      .map((entry) => join(dir, entry))
      .filter((path) => {
        try {
          return statSync(path).isFile();
        } catch {
          return false;
        }
      })
      .sort();
  } catch {
    return [];
  }
}

function cohortLayout(folder: string): Layout {
  const functional = join(folder, 'Functional');
  try {
    if (statSync(functional).isDirectory()) return { seriesDir: functional, tableDirs: [folder, functional] };
  } catch {
    // no Functional/ subfolder: the folder holds the subject files
  }
  return { seriesDir: folder, tableDirs: [folder, dirname(folder)] };
}

const stemOf = (path: string): string => basename(path, extname(path));

interface MatchedTable {
  table: PhenotypeTable;
  id: IdColumn;
}

/** The phenotype tables among the files of `dirs`, most matching first (see the file comment). */
async function phenotypeTables(dirs: readonly string[], candidates: readonly string[]): Promise<MatchedTable[]> {
  const found: MatchedTable[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    for (const path of listFiles(dir)) {
      if (seen.has(path) || !TABLE_EXTENSIONS.has(extname(path).toLowerCase())) continue;
      seen.add(path);
      let table: PhenotypeTable | null;
      try {
        table = await readPhenotypeTable(path);
      } catch {
        continue; // not a readable table: not a phenotype table
      }
      if (!table) continue;
      const stems = candidates.filter((file) => file !== path).map(stemOf);
      const id = findIdColumn(table, stems);
      if (id && id.matched * 2 >= stems.length) found.push({ table, id });
    }
  }
  return found.sort((a, b) => b.id.matched - a.id.matched || a.table.rows.length - b.table.rows.length || a.table.file.localeCompare(b.table.file));
}

const sameValue = (a: CohortLabel, b: CohortLabel): boolean => a === b || (a !== null && b !== null && String(a) === String(b));

/** Numeric-aware order of subject ids (50003 before 50010; sub-2 before sub-10). */
const byId = (a: CohortSubject, b: CohortSubject): number => a.id.localeCompare(b.id, 'en', { numeric: true });

interface Plan {
  layout: Layout;
  primary: MatchedTable;
  secondary: MatchedTable[];
  files: string[];
  skipped: string[];
}

/** Finds the tables and the subject files of `folder` without reading any series. */
async function planCohort(folder: string): Promise<Plan> {
  const layout = cohortLayout(folder);
  const candidates = listFiles(layout.seriesDir).filter((path) => ROI_SERIES_EXTENSIONS.has(extname(path).toLowerCase()));
  const tables = await phenotypeTables(layout.tableDirs, candidates);
  if (tables.length === 0) {
    throw new FormatError(
      folder,
      `no phenotype table: expected a CSV/TSV beside the subject files (${basename(layout.seriesDir)}/) with a column of subject ids matching their file names (e.g. SUB_ID 50033 for 50033.mat)`,
      'phenotype',
    );
  }
  const [primary, ...secondary] = tables as [MatchedTable, ...MatchedTable[]];
  const tableFiles = new Set(tables.map((t) => t.table.file));
  const files: string[] = [];
  const skipped: string[] = [];
  for (const path of candidates) {
    if (tableFiles.has(path)) continue;
    const ext = extname(path).toLowerCase();
    // Text files with no row may be something else (a region list, notes): a subject only if they read as series.
    if ((ext === '.csv' || ext === '.tsv' || ext === '.txt') && rowsForStem(primary.id.index, stemOf(path)).length === 0 && !(await looksLikeRoiSeries(path))) {
      skipped.push(basename(path));
      continue;
    }
    files.push(path);
  }
  return { layout, primary, secondary, files, skipped };
}

export async function readCohort(folder: string): Promise<Cohort> {
  const root = resolve(folder);
  if (assertReadableSource(root, { allowDirectory: true }) !== 'folder') throw new FileAccessError(root, 'is a file; a cohort is a folder of per-subject ROI files with a phenotype table');
  const { primary, secondary, files, skipped } = await planCohort(root);
  const { table, id } = primary;
  const idField = table.columns[id.column]!;
  const warnings: string[] = [];
  if (skipped.length) warnings.push(`not subject files (no row in ${basename(table.file)}, not ROI series): ${skipped.join(', ')}`);

  assertUniqueIds(table, id, new Map(files.map((file) => [basename(file), stemOf(file)])));
  const extraColumns = secondary.map(({ table: t }) => t.columns.filter((column) => !table.columns.includes(column)));
  const disagreements: string[] = [];
  const subjects: CohortSubject[] = [];
  const fileOfId = new Map<string, string>();
  for (const file of files) {
    const stem = stemOf(file);
    const [row] = rowsForStem(id.index, stem);
    if (row === undefined) {
      throw new FormatError(file, `subject "${stem}" has no row in the phenotype table ${basename(table.file)} (column ${idField})`, idField);
    }
    const values = table.rows[row]!.values;
    const subjectId = String(values[id.column]);
    const twin = fileOfId.get(subjectId);
    if (twin) throw new FormatError(file, `is subject ${subjectId} of ${basename(table.file)}, as ${basename(twin)} is: one ROI file per subject`, idField);
    fileOfId.set(subjectId, file);

    const columns = [...table.columns];
    const merged: CohortLabel[] = [...values];
    secondary.forEach(({ table: other, id: otherId }, k) => {
      const [otherRow] = rowsForStem(otherId.index, stem);
      const otherValues = otherRow === undefined ? null : other.rows[otherRow]!.values;
      for (const column of extraColumns[k]!) {
        columns.push(column);
        merged.push(otherValues?.[other.columns.indexOf(column)] ?? null);
      }
      if (!otherValues) return;
      table.columns.forEach((column, c) => {
        const o = other.columns.indexOf(column);
        if (o >= 0 && !sameValue(values[c]!, otherValues[o]!)) {
          disagreements.push(`${subjectId} ${column}: ${String(values[c])} in ${basename(table.file)}, ${String(otherValues[o])} in ${basename(other.file)}`);
        }
      });
    });
    const normalised = normaliseLabels(columns, merged, (message) => warnings.push(message), `${basename(table.file)} subject ${subjectId}`);
    // A table column titled like a normalised label (e.g. "site") stays under its normalised value.
    // fromEntries defines own properties: a column titled "__proto__" or "toString" stays a column.
    const labels: Record<string, CohortLabel> = Object.fromEntries([
      ...Object.entries(normalised),
      ...columns.map((column, c) => [column, merged[c]!] as const).filter(([column]) => !Object.hasOwn(normalised, column)),
    ]);
    subjects.push({ id: subjectId, file, labels });
  }
  if (subjects.length < 2) throw new FormatError(root, `holds ${subjects.length} subject file(s) with phenotype rows; a cohort needs at least 2`, 'subjects');
  subjects.sort(byId);
  if (disagreements.length) {
    warnings.push(`${disagreements.length} value(s) differ between the phenotype tables (the first table's kept): ${disagreements.slice(0, 5).join('; ')}${disagreements.length > 5 ? '; …' : ''}`);
  }
  for (const [k, { table: other }] of secondary.entries()) {
    if (extraColumns[k]!.length) warnings.push(`${extraColumns[k]!.length} label columns merged from ${basename(other.file)}`);
  }
  const unused = table.rows.length - subjects.length;
  if (unused > 0) warnings.push(`${unused} row(s) of ${basename(table.file)} have no ROI file`);

  const shapes = await readShapes(subjects);
  const present = NORMALISED.filter((name) => subjects.some((s) => Object.hasOwn(s.labels, name)));
  const others = [...table.columns, ...extraColumns.flat()].filter((column) => !present.includes(column));
  return {
    folder: root,
    phenotypeFile: table.file,
    labelColumns: [...new Set([...present, ...others])],
    subjects,
    ...shapes,
    warnings,
  };
}

/** Region count (all equal) and time-point range of every subject's series; refuses a mismatch. */
async function readShapes(subjects: readonly CohortSubject[]): Promise<{ regionCount: number; timepointsMin: number; timepointsMax: number }> {
  const shapes: { file: string; source: string; regionCount: number; timepoints: number }[] = [];
  for (const subject of subjects) {
    const series = await readRoiSeries(subject.file);
    shapes.push({ file: subject.file, source: series.source, regionCount: series.regionCount, timepoints: series.timepoints });
  }
  const tally = new Map<number, number>();
  for (const s of shapes) tally.set(s.regionCount, (tally.get(s.regionCount) ?? 0) + 1);
  const regionCount = [...tally].sort((a, b) => b[1] - a[1])[0]![0];
  const odd = shapes.find((s) => s.regionCount !== regionCount);
  if (odd) {
    throw new FormatError(odd.file, `has ${odd.regionCount} regions where ${tally.get(regionCount)} of the cohort's ${shapes.length} subjects have ${regionCount}: every subject needs the same atlas`, odd.source);
  }
  return { regionCount, timepointsMin: Math.min(...shapes.map((s) => s.timepoints)), timepointsMax: Math.max(...shapes.map((s) => s.timepoints)) };
}

/** Every subject's series, in the cohort's subject order; stops between files when `signal` aborts. */
export async function loadCohortSeries(cohort: Cohort, signal?: AbortSignal): Promise<RoiSeries[]> {
  const out: RoiSeries[] = [];
  for (const subject of cohort.subjects) {
    signal?.throwIfAborted();
    const series = await readRoiSeries(subject.file);
    if (series.regionCount !== cohort.regionCount) {
      throw new FormatError(subject.file, `now has ${series.regionCount} regions; the cohort was imported with ${cohort.regionCount} (the file changed)`, series.source);
    }
    out.push(series);
  }
  signal?.throwIfAborted();
  return out;
}

/** Whether `folder` is a cohort: subject files (itself or Functional/) and a phenotype table naming them. */
export async function looksLikeCohort(folder: string): Promise<boolean> {
  try {
    if (assertReadableSource(folder, { allowDirectory: true }) !== 'folder') return false;
    const plan = await planCohort(resolve(folder));
    return plan.files.length >= 2;
  } catch {
    return false;
  }
}
