/**
 * Spike trains as every spike reader hands them over (NWB units, NumPy object arrays, Kilosort/Phy
 * folders, text files of spike times): per unit, its ascending spike times in seconds on the file's
 * clock, with what the file says about the unit and the event sets (stimulus changes, epochs) that
 * belong to the recording. The spikes domain, the binning and the Neuroformer/GLM pipelines start
 * from this one shape.
 */

/** The spike formats Cajal reads; also the `format` of an imported spike recording. */
export type SpikeFormat = 'nwb-units' | 'npy-spike-trains' | 'kilosort' | 'spike-times-text';

/** A named set of event times (stimulus changes, epoch starts), seconds, ascending. */
export interface SpikeEvents {
  readonly name: string;
  /** Where the times come from (a file name, `NWB intervals/epochs`). */
  readonly source: string;
  readonly times: Float64Array;
  /** For intervals (NWB epochs, trials): each one's stop time, same length as `times`. */
  readonly stopTimes?: Float64Array;
}

/**
 * A continuous stimulus recorded beside the spikes (the grasshopper's sound envelope): regularly
 * sampled values from `startS` at `rateHz`. Kept apart from the event sets, which are times only.
 */
export interface SpikeStimulus {
  readonly name: string;
  readonly source: string;
  readonly startS: number;
  readonly rateHz: number;
  readonly values: Float32Array;
}

export interface SpikeTrains {
  /** Per unit, ascending spike times in seconds (float64), the file's clock. */
  readonly times: readonly Float64Array[];
  /** The file's id per unit (NWB `id`, Phy cluster id, 1-based position when the file has none). */
  readonly unitIds: readonly string[];
  /** What the file calls the unit's cell type or quality (`OFF parasol`, `good`), null when nothing. */
  readonly cellTypes: readonly (string | null)[];
  /** Named event sets (stimulus changes, epoch starts), seconds, ascending. */
  readonly events: readonly SpikeEvents[];
  /** The recording's span: the first and last spike or event time (an NWB epoch's bounds count). */
  readonly startS: number;
  readonly endS: number;
  /** Things read with a caveat (sorted times, an assumed unit), one line each. */
  readonly warnings: readonly string[];
  /** Continuous stimuli given beside the spikes; absent or empty when none. */
  readonly stimuli?: readonly SpikeStimulus[];
}

/** A reader's result with its format and what it read (for `cajal info` and the import). */
export interface ReadSpikes extends SpikeTrains {
  readonly format: SpikeFormat;
  /** The path read (a file or a folder). */
  readonly source: string;
  /** Free-form facts worth showing (datasets used, the sample rate…). */
  readonly description: string;
}

/** Total spikes over all units. */
export function spikeCount(trains: Pick<SpikeTrains, 'times'>): number {
  let total = 0;
  for (const unit of trains.times) total += unit.length;
  return total;
}
