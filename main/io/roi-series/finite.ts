/**
 * ROI series must be finite: one NaN (a region outside the brain mask, a failed fit) turns every
 * correlation with its region into NaN and the classifier's features with it. A NaN or infinity is
 * refused where it is found, naming the file, the region and the time point, so the user can fix
 * the export rather than getting a matrix of NaN three steps later.
 */
import { FormatError } from '../../errors.js';

export function assertFinite(file: string, field: string, data: Float64Array, regionCount: number, timepoints: number, regionNames: readonly string[] | null): void {
  for (let r = 0; r < regionCount; r++) {
    const base = r * timepoints;
    for (let t = 0; t < timepoints; t++) {
      const v = data[base + t]!;
      if (!Number.isFinite(v)) {
        const name = regionNames?.[r] ? ` ("${regionNames[r]}")` : '';
        throw new FormatError(
          file,
          `region ${r + 1} of ${regionCount}${name}, time index ${t} (of ${timepoints}) is ${String(v)}: ROI time series must be finite numbers (drop or fill that region first)`,
          field,
        );
      }
    }
  }
}
