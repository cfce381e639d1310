/**
 * Region names from a list beside an ROI file that carries none (.mat, .1D, headerless CSV).
 *
 * Looked for in the file's folder, then its parent (ABIDE keeps `Functional/*.mat` one level below
 * `AAL116_Risk_ROI_List.csv`): a .csv/.tsv/.txt whose name mentions roi, region, atlas, label or
 * name, with a header column titled name / roi_name / region_name / label / region / roi (first of
 * these wins) and exactly one row per region. ABIDE's list is `num,name,abb,risk_group`: `name`
 * holds the AAL names (Precentral_L…); `risk_group` is that repository's own grouping and is not
 * read. A list with another row count is not this file's (labels_100.csv, a phenotype table, has no
 * name column and is skipped too). Parsed lists are cached by path, size and mtime: a cohort reads
 * the same list once, not once per subject.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseTable, readTextFile } from './table.js';

const LIST_FILE = /(roi|region|atlas|label|name)/i;
const LIST_EXTENSIONS = new Set(['.csv', '.tsv', '.txt']);
const NAME_COLUMNS = ['name', 'roi_name', 'region_name', 'label', 'region', 'roi', 'names', 'labels'];
const MAX_LIST_BYTES = 1024 * 1024;

const cache = new Map<string, string[] | null>();

async function namesOfList(path: string): Promise<string[] | null> {
  let key: string;
  try {
    const stats = statSync(path);
    if (!stats.isFile() || stats.size > MAX_LIST_BYTES) return null;
    key = `${path}\0${stats.size}\0${stats.mtimeMs}`;
  } catch {
    return null;
  }
  if (cache.has(key)) return cache.get(key)!;
  let names: string[] | null = null;
  try {
    const table = parseTable(await readTextFile(path), path);
    const lower = table.header?.map((title) => title.toLowerCase()) ?? [];
    const column = NAME_COLUMNS.map((title) => lower.indexOf(title)).find((index) => index >= 0);
    if (column !== undefined) names = table.rows.map((row) => row.cells[column] ?? '');
  } catch {
    names = null; // not a list we can read: not an error of the ROI file
  }
  cache.set(key, names);
  return names;
}

/** Names of `regionCount` regions from a list beside `file`, with the list's path; null when none fits. */
export async function siblingRegionNames(file: string, regionCount: number): Promise<{ names: string[]; list: string } | null> {
  const folder = dirname(resolve(file));
  for (const dir of [folder, dirname(folder)]) {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      if (path === resolve(file) || !LIST_EXTENSIONS.has(extname(entry).toLowerCase()) || !LIST_FILE.test(basename(entry))) continue;
      const names = await namesOfList(path);
      if (names && names.length === regionCount) return { names, list: path };
    }
  }
  return null;
}
