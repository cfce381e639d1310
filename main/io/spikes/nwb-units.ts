/**
 * Spike trains in NWB 2 files (HDF5): the `units` table (neurodata_type `Units`, normally `/units`).
 * - `spike_times` (VectorData, seconds) is ragged: `spike_times_index[u]` is the end of unit u's
 *   times (row u spans [index[u-1], index[u])). An index that decreases or points past the data is
 *   refused naming the dataset and row.
 * - Unit ids from `id`; the cell type from the first string column that says one (`cell_type`,
 *   `celltype`, `quality`, `KSLabel`, `group`, `label`), blank strings being "nothing said".
 * - Every `TimeIntervals` table under `/intervals` (epochs, trials…) becomes event sets of its start
 *   times: epochs one set per tag (`wake`), other tables one set by their name; stop times widen the
 *   recording's span (the pynapple file's epoch "wake" runs 0–1087.53 s).
 */
import { FormatError, UserError } from '../../errors.js';
import { rethrowIfOutOfMemory } from '../allocation.js';
import {
  childrenOf,
  entityAt,
  isDataset,
  isGroup,
  isNumeric,
  openH5,
  readFloat64,
  stringAttribute,
  type H5Dataset,
  type H5File,
  type H5Group,
} from '../calcium/h5.js';
import { describeTypes } from './cell-types.js';
import { makeSpikeTrains } from './trains.js';
import type { ReadSpikes, SpikeEvents } from './types.js';

const CELL_TYPE_COLUMNS = ['cell_type', 'celltype', 'cell_types', 'quality', 'KSLabel', 'ks_label', 'group', 'label'];

const typeOf = (entity: H5Group | H5Dataset): string | undefined => stringAttribute(entity, 'neurodata_type');
const clean = (path: string): string => path.replace(/^\/+/, '');

/** The units table: `/units`, else the first group typed `Units` near the top. */
export function findUnits(h5: H5File): H5Group | null {
  const units = entityAt(h5, 'units');
  if (isGroup(units) && isDataset(entityAt(units, 'spike_times'))) return units;
  for (const top of ['processing', 'analysis']) {
    const root = entityAt(h5, top);
    if (!isGroup(root)) continue;
    for (const [, group] of childrenOf(root)) {
      if (!isGroup(group)) continue;
      for (const [, child] of [[top, group] as const, ...childrenOf(group)]) {
        if (isGroup(child) && typeOf(child) === 'Units' && isDataset(entityAt(child, 'spike_times'))) return child;
      }
    }
  }
  return null;
}

/** Strings of a dataset, or null when it does not hold one string per row. */
function strings(table: H5Group, column: string, rows: number): string[] | null {
  const dataset = entityAt(table, column);
  if (!isDataset(dataset)) return null;
  try {
    const value = dataset.value;
    if (Array.isArray(value) && value.length === rows && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // an unreadable optional column: no cell types from it
  }
  return null;
}

/** Ragged rows: the end index per row, checked against the data length. */
function raggedEnds(file: string, index: H5Dataset, dataLength: number): Float64Array {
  const path = clean(index.path);
  if (!isNumeric(index)) throw new FormatError(file, 'the ragged index is not numeric', path);
  const ends = readFloat64(index, file);
  let previous = 0;
  ends.forEach((end, row) => {
    if (!Number.isInteger(end) || end < previous || end > dataLength) {
      throw new FormatError(
        file,
        `row ${row} ends at ${end}, ${end < previous ? `before the previous row's end ${previous}` : `past the ${dataLength} values of the data`}; the index is out of range`,
        path,
      );
    }
    previous = end;
  });
  return ends;
}

/** Event sets from every TimeIntervals table under /intervals, with the times that bound the span. */
function intervalEvents(file: string, h5: H5File, warnings: string[]): { events: SpikeEvents[]; bounds: number[] } {
  const events: SpikeEvents[] = [];
  const bounds: number[] = [];
  const root = entityAt(h5, 'intervals');
  if (!isGroup(root)) return { events, bounds };
  for (const [name, table] of childrenOf(root)) {
    if (!isGroup(table)) continue;
    const start = entityAt(table, 'start_time');
    const stop = entityAt(table, 'stop_time');
    if (!isDataset(start) || !isNumeric(start)) continue;
    const source = `NWB intervals/${name}`;
    try {
      const starts = readFloat64(start, file);
      const stops = isDataset(stop) && isNumeric(stop) ? readFloat64(stop, file) : null;
      bounds.push(...starts, ...(stops ?? []));
      const tagsData = entityAt(table, 'tags');
      const tagsIndex = entityAt(table, 'tags_index');
      let tagged = false;
      if (name === 'epochs' && isDataset(tagsData) && isDataset(tagsIndex)) {
        const tags = strings(table, 'tags', (tagsData.metadata.shape ?? [0])[0] ?? 0);
        if (tags) {
          const ends = raggedEnds(file, tagsIndex, tags.length);
          if (ends.length === starts.length) {
            const byTag = new Map<string, number[]>();
            ends.forEach((end, row) => {
              const first = row === 0 ? 0 : ends[row - 1]!;
              for (const tag of tags.slice(first, end)) byTag.set(tag, [...(byTag.get(tag) ?? []), row]);
            });
            for (const [tag, rows] of byTag) {
              events.push({ name: tag, source, times: Float64Array.from(rows, (r) => starts[r]!), ...(stops ? { stopTimes: Float64Array.from(rows, (r) => stops[r]!) } : {}) });
            }
            tagged = byTag.size > 0;
          }
        }
      }
      if (!tagged) events.push({ name, source, times: Float64Array.from(starts), ...(stops && stops.length === starts.length ? { stopTimes: stops } : {}) });
    } catch (error) {
      rethrowIfOutOfMemory(error, file, source);
      if (!(error instanceof UserError)) throw error;
      warnings.push(`${source} skipped: ${error.message}`);
    }
  }
  return { events, bounds };
}

export async function readNwbUnits(file: string): Promise<ReadSpikes> {
  const h5 = await openH5(file);
  try {
    const units = findUnits(h5);
    if (!units) throw new FormatError(file, 'no units table with spike_times in this NWB file', 'units');
    const path = clean(units.path);
    const data = entityAt(units, 'spike_times') as H5Dataset;
    if (!isNumeric(data)) throw new FormatError(file, 'spike_times is not numeric', `${path}/spike_times`);
    const all = readFloat64(data, file);
    const index = entityAt(units, 'spike_times_index');
    let ends: Float64Array;
    if (isDataset(index)) ends = raggedEnds(file, index, all.length);
    else ends = Float64Array.of(all.length); // one unit without an index (allowed by hdmf for a single row)
    const count = ends.length;
    const idData = entityAt(units, 'id');
    let unitIds = Array.from({ length: count }, (_, u) => String(u + 1));
    const warnings: string[] = [];
    if (isDataset(idData) && isNumeric(idData)) {
      const ids = readFloat64(idData, file);
      if (ids.length === count) unitIds = Array.from(ids, String);
      else warnings.push(`${path}/id has ${ids.length} rows for ${count} units; units numbered from 1`);
    } else {
      warnings.push(`${path} has no numeric id column; units numbered from 1`);
    }
    const times = Array.from(ends, (end, u) => all.slice(u === 0 ? 0 : ends[u - 1]!, end));
    const notes = [`NWB ${stringAttribute(h5, 'nwb_version') ?? '(version not stated)'}: ${path} (${count} units)`];
    let cellTypes: (string | null)[] | undefined;
    for (const column of CELL_TYPE_COLUMNS) {
      const values = strings(units, column, count);
      if (!values || values.every((v) => v.trim() === '')) continue;
      cellTypes = values.map((v) => (v.trim() === '' ? null : v.trim()));
      notes.push(`cell types from "${column}" (${describeTypes(cellTypes)})`);
      break;
    }
    const { events, bounds } = intervalEvents(file, h5, warnings);
    for (const set of events) notes.push(`events "${set.name}" from ${set.source}`);
    return makeSpikeTrains({
      source: file,
      format: 'nwb-units',
      times,
      unitIds,
      ...(cellTypes ? { cellTypes } : {}),
      events,
      bounds,
      warnings,
      description: notes.join('; '),
      field: `${path}/spike_times`,
    });
  } catch (error) {
    if (error instanceof UserError) throw error;
    rethrowIfOutOfMemory(error, file, 'NWB units');
    throw new FormatError(file, `the HDF5 file cannot be read (${error instanceof Error ? error.message : String(error)}); it may be corrupt`);
  } finally {
    h5.close();
  }
}

/** True when an open HDF5 file has a units table with spike times. */
export function hasUnitsTable(h5: H5File): boolean {
  return findUnits(h5) !== null;
}
