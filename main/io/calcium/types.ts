/**
 * A calcium-imaging recording as the readers hand it to the pipelines: one trace per cell, frames in
 * time, with whatever the file says about the cells (names, positions, assemblies) and the timing.
 * Readers never normalise the traces: preprocessing (neuropil correction, ΔF/F, detrending) is the
 * pipeline's job, so what is read here is what the file holds.
 */

/** The calcium formats Cajal reads; also the `format` of an imported recording. */
export type CalciumFormat = 'suite2p' | 'nwb' | 'calcium-hdf5' | 'calcium-csv';

/** What the trace values are, as far as the file says (the pipeline picks its preprocessing by it). */
export type TraceKind =
  /** raw fluorescence (Suite2p F, NWB without a ΔF/F tag, Flavell `trace_array_original`) */
  | 'fluorescence'
  /** ΔF/F (NWB `DfOverF`, CSV exports that say so) */
  | 'dff'
  /** F / F20, the ratio to the 20th percentile (Flavell `traces_array_F_F20`) */
  | 'f-over-f20'
  /** z-scored per cell (Flavell `trace_array`) */
  | 'zscore'
  /** deconvolved activity (Suite2p spks) */
  | 'deconvolved'
  | 'unknown';

/**
 * One behaviour variable recorded with the imaging, one value per imaging frame (the Flavell files
 * resample velocity, head angle, reversals… onto the confocal frames).
 */
export interface BehaviourTrace {
  /** The dataset's name in the file (`velocity`, `head_angle`, `reversal_vec`…). */
  name: string;
  /** One value per frame (length frameCount), in the file's units. */
  values: Float32Array;
}

export interface CalciumRecording {
  /** The path read (a file, or the Suite2p `plane0` folder). */
  source: string;
  format: CalciumFormat;
  cellCount: number;
  frameCount: number;
  /** Frames per second; null when the file does not say (the CSV and Suite2p without ops). */
  frameRateHz: number | null;
  /** Frame times in seconds from the first frame, when the file has them (length frameCount). */
  timestampsS: Float64Array | null;
  /** cells × frames, row-major (cell c's trace is traces.subarray(c·frameCount, (c+1)·frameCount)). */
  traces: Float32Array;
  traceKind: TraceKind;
  /** Neuropil traces (Suite2p Fneu), cells × frames like `traces`; null when absent. */
  neuropil: Float32Array | null;
  /** Deconvolved activity given beside the traces (Suite2p spks), cells × frames; null when absent. */
  deconvolved: Float32Array | null;
  /** One name per cell (NeuroPAL label, NWB ROI name, CSV label); null where unnamed. */
  labels: (string | null)[];
  /** cells × 3 (x, y, z in the file's units; z = 0 for a plane); null when the file has none. */
  positions: Float32Array | null;
  /** Suite2p `iscell` classification (true = cell); null when not given. */
  isCell: boolean[] | null;
  /** Cell assemblies given with the data (0-based cell indices), e.g. Triplett et al.'s. */
  assemblies: number[][] | null;
  /** Behaviour variables aligned to the frames (Flavell `behavior/*`); null when the file has none. */
  behaviour: BehaviourTrace[] | null;
  /** Things in the source that were not read, or read with a caveat, in one line each. */
  warnings: string[];
  /** Free-form facts worth showing (dataset names used, the animal id…). */
  description: string;
}
