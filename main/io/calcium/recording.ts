/**
 * What every calcium reader does the same way: the non-finite check (values are kept, the pipeline
 * decides, but the user is told), frame timing from timestamps, and the final record.
 *
 * Non-finite values, one policy for every format (Suite2p, NWB, Flavell-lab and plain HDF5, CSV):
 * - In traces and neuropil (data): kept as read and counted in a warning. A NaN there is one frame
 *   of one cell the pipeline can mask (NWB and CSV exports use NaN for missing frames); refusing the
 *   file would lose every other cell, and Suite2p, which never writes NaN itself, gets one from a
 *   NaN in the movie it extracted from, which is still worth seeing.
 * - Where a value cannot be data, refused with a FormatError naming the file and field: frame
 *   rates (Suite2p `fs`, NWB `rate`, HDF5 rate attributes) that are not positive finite numbers,
 *   timestamps that are not finite, NWB `conversion`/`offset`, Suite2p `iscell`, and empty trace
 *   matrices (0 cells or 0 frames).
 * - In side parts that a reader already skips with a warning when it cannot use them (Suite2p
 *   stat, NWB ROI tables, CSV coordinate files): a non-finite coordinate skips that part with a
 *   warning naming it; the traces are still good.
 * - Out of memory is never a warning (`allocation.ts`): the import is refused.
 */
import { FormatError } from '../../errors.js';
import type { BehaviourTrace, CalciumFormat, CalciumRecording, TraceKind } from './types.js';

/** "N cells contain non-finite values…" for a cells × frames matrix, or null when all are finite. */
export function nonFiniteWarning(matrix: Float32Array, cells: number, frames: number, what = 'traces'): string | null {
  let badCells = 0;
  let badValues = 0;
  for (let cell = 0; cell < cells; cell++) {
    let bad = 0;
    const end = (cell + 1) * frames;
    for (let i = cell * frames; i < end; i++) if (!Number.isFinite(matrix[i]!)) bad++;
    if (bad > 0) {
      badCells++;
      badValues += bad;
    }
  }
  if (badCells === 0) return null;
  return `${badCells} cell${badCells === 1 ? '' : 's'} contain${badCells === 1 ? 's' : ''} non-finite values (${badValues} NaN/Inf ${what} values in all); they are kept as read`;
}

/** The median of the positive frame-to-frame differences (robust to a dropped frame or a pause). */
export function medianStep(times: ArrayLike<number>): number | null {
  const steps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const step = times[i]! - times[i - 1]!;
    if (Number.isFinite(step) && step > 0) steps.push(step);
  }
  if (steps.length === 0) return null;
  steps.sort((a, b) => a - b);
  const mid = steps.length >> 1;
  return steps.length % 2 ? steps[mid]! : (steps[mid - 1]! + steps[mid]!) / 2;
}

/** Times relative to the first frame, and the rate from the median step (null when not increasing). */
export function timingOf(times: ArrayLike<number>): { timestampsS: Float64Array; frameRateHz: number | null } {
  const first = times.length > 0 ? times[0]! : 0;
  const timestampsS = Float64Array.from(times, (t) => t - first);
  const step = medianStep(times);
  return { timestampsS, frameRateHz: step ? 1 / step : null };
}

export interface RecordingParts {
  source: string;
  format: CalciumFormat;
  cellCount: number;
  frameCount: number;
  traces: Float32Array;
  traceKind: TraceKind;
  frameRateHz?: number | null;
  timestampsS?: Float64Array | null;
  neuropil?: Float32Array | null;
  deconvolved?: Float32Array | null;
  labels?: (string | null)[] | null;
  positions?: Float32Array | null;
  isCell?: boolean[] | null;
  assemblies?: number[][] | null;
  behaviour?: BehaviourTrace[] | null;
  warnings?: string[];
  description?: string;
}

/** Refuses a frame rate that cannot be one (NaN, Inf, ≤ 0) stated by `file` in `field`; returns it otherwise. */
export function checkFrameRate(file: string, rate: number, field: string): number {
  if (!(Number.isFinite(rate) && rate > 0)) throw new FormatError(file, `frame rate ${rate} is not a positive number of Hz`, field);
  return rate;
}

/** Refuses timestamps with a NaN or infinite time (they set the time axis of every result). */
export function checkTimestamps(file: string, times: ArrayLike<number>, field: string): void {
  for (let i = 0; i < times.length; i++) {
    if (!Number.isFinite(times[i]!)) throw new FormatError(file, `timestamp ${i} is ${times[i]}; frame times must be finite`, field);
  }
}

/** The record, with defaults for what a format lacks and the non-finite warnings added. */
export function makeRecording(parts: RecordingParts): CalciumRecording {
  const warnings = [...(parts.warnings ?? [])];
  const { cellCount, frameCount } = parts;
  if (cellCount === 0 || frameCount === 0) {
    throw new FormatError(parts.source, `empty recording: ${cellCount} cells × ${frameCount} frames`, 'shape');
  }
  const traceWarning = nonFiniteWarning(parts.traces, cellCount, frameCount);
  if (traceWarning) warnings.push(traceWarning);
  if (parts.neuropil) {
    const neuropilWarning = nonFiniteWarning(parts.neuropil, cellCount, frameCount, 'neuropil');
    if (neuropilWarning) warnings.push(`neuropil: ${neuropilWarning}`);
  }
  return {
    source: parts.source,
    format: parts.format,
    cellCount,
    frameCount,
    frameRateHz: parts.frameRateHz ?? null,
    timestampsS: parts.timestampsS ?? null,
    traces: parts.traces,
    traceKind: parts.traceKind,
    neuropil: parts.neuropil ?? null,
    deconvolved: parts.deconvolved ?? null,
    labels: parts.labels ?? new Array<string | null>(cellCount).fill(null),
    positions: parts.positions ?? null,
    isCell: parts.isCell ?? null,
    assemblies: parts.assemblies ?? null,
    behaviour: parts.behaviour ?? null,
    warnings,
    description: parts.description ?? '',
  };
}
