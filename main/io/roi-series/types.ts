/** ROI time series and cohorts as Cajal's fMRI pipelines take them (team plan, module C). */

export interface RoiSeries {
  file: string;
  regionCount: number;
  timepoints: number;
  /** Region-major: `data[r * timepoints + t]` (ROI × time, as Brain-JEPA's input). */
  data: Float64Array;
  regionNames: string[] | null;
  /** Repetition time in seconds where the file states it (a `TR` variable, a time column); else null. */
  trS: number | null;
  /** Where the numbers came from: 'mat:ROISignals', 'csv', 'tsv', '1D'. */
  source: string;
}

export type CohortLabel = string | number | null;

export interface CohortSubject {
  id: string;
  file: string;
  /**
   * The subject's phenotype row, every column as stored (numbers parsed, empty cells null), plus
   * the normalised `diagnosis` ('ASD' | 'control'), `sex` ('M' | 'F'), `age` and `site` where the
   * table has what they come from.
   */
  labels: Record<string, CohortLabel>;
}

export interface Cohort {
  folder: string;
  /** The phenotype table whose ids matched the files (others merged in are named in `warnings`). */
  phenotypeFile: string;
  /** Normalised columns first, then every table column in table order. */
  labelColumns: string[];
  subjects: CohortSubject[];
  regionCount: number;
  timepointsMin: number;
  timepointsMax: number;
  warnings: string[];
}
