/**
 * ROI time series files (.mat, CSV/TSV, AFNI .1D) and cohorts of them with a phenotype table.
 * Series are region-major float64 (`data[r * timepoints + t]`); layout.ts documents how the region
 * axis of a bare 2-D array is chosen, and exposes the rule.
 */
export type { Cohort, CohortLabel, CohortSubject, RoiSeries } from './types.js';
export { readRoiSeries, looksLikeRoiSeries, ROI_SERIES_EXTENSIONS } from './series.js';
export { readCohort, looksLikeCohort, loadCohortSeries } from './cohort.js';
export { KNOWN_SERIES_VARIABLES, knownSeriesVariable, seriesLayout, type KnownSeriesVariable, type LayoutDecision, type SeriesLayout } from './layout.js';
