/**
 * What every spike reader does the same way, one policy for all formats:
 * - a spike or event time that is NaN or infinite is refused (FormatError naming the file, the
 *   field and the unit): it has no place on the time axis and would poison every count;
 * - unsorted times are sorted, with a warning naming the units (sorters write them sorted; a file
 *   that is not was merged or edited, and every later search assumes order);
 * - the span runs from the first to the last spike or event (or given bounds such as an epoch).
 */
import { FormatError } from '../../errors.js';
import type { ReadSpikes, SpikeEvents, SpikeFormat, SpikeStimulus } from './types.js';

export interface SpikeParts {
  source: string;
  /** The file errors name when it is not `source` (the `spikes.npy` of a folder). */
  file?: string;
  format: SpikeFormat;
  times: Float64Array[];
  unitIds: string[];
  cellTypes?: (string | null)[];
  events?: SpikeEvents[];
  stimuli?: SpikeStimulus[];
  /** Times the span must include besides spikes and events (an epoch's start and stop). */
  bounds?: number[];
  warnings?: string[];
  description?: string;
  /** How error messages name the field the times come from (`spike_times`, `spikes.npy`). */
  field: string;
}

/** Refuses a non-finite time; `what` names the unit or event set. */
export function checkFinite(file: string, times: ArrayLike<number>, field: string, what: string): void {
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    if (!Number.isFinite(t)) throw new FormatError(file, `${what}: time ${i} is ${t}; spike and event times must be finite numbers of seconds`, field);
  }
}

/** True when ascending (equal neighbours allowed: two units merged, or a sample clock). */
export function isSorted(times: ArrayLike<number>): boolean {
  for (let i = 1; i < times.length; i++) if (times[i]! < times[i - 1]!) return false;
  return true;
}

/** A short list of names for a message: the first few, then "and N more". */
export function listSome(names: readonly string[], max = 5): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** The record, checked (finite), sorted where needed (with a warning) and with its span. */
export function makeSpikeTrains(parts: SpikeParts): ReadSpikes {
  const warnings = [...(parts.warnings ?? [])];
  const { times, unitIds } = parts;
  const file = parts.file ?? parts.source;
  if (times.length !== unitIds.length) throw new FormatError(file, `${times.length} spike trains for ${unitIds.length} unit ids`, parts.field);
  if (times.length === 0) throw new FormatError(file, 'no units: the file holds no spike trains', parts.field);
  const cellTypes = parts.cellTypes ?? new Array<string | null>(times.length).fill(null);
  if (cellTypes.length !== times.length) throw new FormatError(file, `${cellTypes.length} cell types for ${times.length} units`, parts.field);
  const unsorted: string[] = [];
  times.forEach((unit, u) => {
    checkFinite(file, unit, parts.field, `unit ${unitIds[u]}`);
    if (!isSorted(unit)) {
      unit.sort();
      unsorted.push(unitIds[u]!);
    }
  });
  if (unsorted.length) {
    warnings.push(`${unsorted.length} unit${unsorted.length === 1 ? '' : 's'} had spike times out of order (${listSome(unsorted)}); sorted`);
  }
  const events = (parts.events ?? []).map((set) => {
    checkFinite(file, set.times, set.source, `event set "${set.name}"`);
    if (set.stopTimes) checkFinite(file, set.stopTimes, set.source, `event set "${set.name}" stop times`);
    if (isSorted(set.times)) return set;
    warnings.push(`event set "${set.name}" had times out of order; sorted`);
    const order = Array.from(set.times.keys()).sort((a, b) => set.times[a]! - set.times[b]!);
    return {
      ...set,
      times: Float64Array.from(order, (i) => set.times[i]!),
      ...(set.stopTimes ? { stopTimes: Float64Array.from(order, (i) => set.stopTimes![i]!) } : {}),
    };
  });
  let startS = Infinity;
  let endS = -Infinity;
  const widen = (t: number): void => {
    if (t < startS) startS = t;
    if (t > endS) endS = t;
  };
  for (const unit of times) if (unit.length) (widen(unit[0]!), widen(unit[unit.length - 1]!));
  for (const set of events) if (set.times.length) (widen(set.times[0]!), widen(set.times[set.times.length - 1]!));
  for (const t of parts.bounds ?? []) if (Number.isFinite(t)) widen(t);
  if (!Number.isFinite(startS)) {
    startS = 0;
    endS = 0;
    warnings.push('no spikes in any unit');
  }
  const empty = times.flatMap((unit, u) => (unit.length === 0 ? [unitIds[u]!] : []));
  if (empty.length) warnings.push(`${empty.length} unit${empty.length === 1 ? ' has' : 's have'} no spikes (${listSome(empty)})`);
  return {
    source: parts.source,
    format: parts.format,
    times,
    unitIds,
    cellTypes,
    events,
    stimuli: parts.stimuli ?? [],
    startS,
    endS,
    warnings,
    description: parts.description ?? '',
  };
}
