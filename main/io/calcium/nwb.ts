/**
 * Calcium traces in NWB 2 files (HDF5): `RoiResponseSeries` groups under
 * `/processing/<module>/{Fluorescence,DfOverF}/` or `/acquisition/`.
 *
 * - `data` is frames × ROIs (NWB's time-first convention) → transposed to cells × frames, scaled by
 *   the `conversion` and `offset` attributes when they are not 1 and 0 (that is what the values
 *   mean in `unit`).
 * - Timing: `starting_time` with its `rate` attribute, or `timestamps` (rate = 1 / median step).
 * - Trace kind: 'dff' inside a `DfOverF` container, else 'fluorescence'.
 * - `rois` (a DynamicTableRegion) selects rows of a `PlaneSegmentation`, found through the `table`
 *   object reference (or the file's only PlaneSegmentation). Names come from a name column
 *   (`roi_name`…) or else the row `id`; positions are weighted mask centroids from `image_mask`
 *   (axes roi, x, y[, z] as the NWB schema names them), `pixel_mask` (x, y, weight) or
 *   `voxel_mask` (x, y, z, weight).
 */
import { FormatError, UserError } from '../../errors.js';
import {
  attribute,
  childrenOf,
  entityAt,
  isDataset,
  isGroup,
  isNumeric,
  numberAttribute,
  readFloat64,
  readRows,
  readTraces,
  shapeOf,
  stringAttribute,
  type H5Dataset,
  type H5File,
  type H5Group,
} from './h5.js';
import { rethrowIfOutOfMemory } from '../allocation.js';
import { checkFrameRate, checkTimestamps, makeRecording, timingOf } from './recording.js';
import type { CalciumRecording, TraceKind } from './types.js';

export interface RoiSeries {
  /** Path without a leading slash, e.g. `processing/ophys/Fluorescence/RoiResponseSeries`. */
  path: string;
  group: H5Group;
  traceKind: TraceKind;
}

const clean = (path: string): string => path.replace(/^\/+|\/+$/g, '');
const typeOf = (entity: H5Group | H5Dataset): string | undefined => stringAttribute(entity, 'neurodata_type');

/** Depth-first groups under `group` (to `depth` levels) with their paths. */
function* groupsUnder(group: H5Group, prefix: string, depth: number): Generator<[string, H5Group, H5Group]> {
  if (depth === 0) return;
  for (const [name, child] of childrenOf(group)) {
    if (!isGroup(child)) continue;
    const path = `${prefix}/${name}`;
    yield [path, child, group];
    yield* groupsUnder(child, path, depth - 1);
  }
}

/** Every RoiResponseSeries under /processing and /acquisition. */
export function findRoiSeries(h5: H5File): RoiSeries[] {
  const found: RoiSeries[] = [];
  for (const top of ['processing', 'acquisition']) {
    const root = entityAt(h5, top);
    if (!isGroup(root)) continue;
    for (const [path, group, parent] of groupsUnder(root, top, 4)) {
      if (typeOf(group) !== 'RoiResponseSeries') continue;
      const parentName = parent.path.split('/').pop() ?? '';
      const dff = typeOf(parent) === 'DfOverF' || /^dfoverf$/i.test(parentName);
      found.push({ path, group, traceKind: dff ? 'dff' : 'fluorescence' });
    }
  }
  return found;
}

/** True for an NWB file: the root says so (`neurodata_type` NWBFile, `nwb_version`), or it has RoiResponseSeries. */
export function isNwb(h5: H5File): boolean {
  return typeOf(h5) === 'NWBFile' || attribute(h5, 'nwb_version') !== undefined || findRoiSeries(h5).length > 0;
}

/** The neurodata types present near the top of the file, for the "no RoiResponseSeries" message. */
function typesPresent(h5: H5File): string[] {
  const types = new Set<string>();
  for (const [, group] of groupsUnder(h5, '', 3)) {
    const type = typeOf(group);
    if (type && type !== 'NWBFile') types.add(type);
  }
  return [...types].sort();
}

function pickSeries(h5: H5File, file: string, requested: string | undefined): RoiSeries {
  const all = findRoiSeries(h5);
  if (all.length === 0) {
    const types = typesPresent(h5);
    throw new FormatError(file, `no RoiResponseSeries in this NWB file (no calcium traces)${types.length ? `; it holds ${types.join(', ')}` : ''}`);
  }
  const listing = all.map((series) => `${series.path} (${series.traceKind})`).join(', ');
  if (!requested) {
    if (all.length === 1) return all[0]!;
    throw new FormatError(file, `${all.length} RoiResponseSeries in this NWB file; name one (option "dataset"): ${listing}`, 'dataset');
  }
  const wanted = clean(requested).replace(/\/data$/, '');
  const match = all.filter((series) => series.path === wanted || series.path.endsWith(`/${wanted}`));
  if (match.length !== 1) {
    throw new FormatError(file, `${match.length ? 'several' : 'no'} RoiResponseSeries match "${requested}"; series: ${listing}`, 'dataset');
  }
  return match[0]!;
}

/** The PlaneSegmentation the series' `rois` region points at. */
function roiTable(h5: H5File, rois: H5Dataset | null): { table: H5Group | null; how: string } {
  if (rois) {
    const ref = attribute(rois, 'table');
    const first = Array.isArray(ref) ? ref[0] : ref;
    if (first && typeof first === 'object' && 'ref_data' in first) {
      try {
        const target = h5.dereference(first as Parameters<H5File['dereference']>[0]);
        if (isGroup(target)) return { table: target, how: 'the rois table reference' };
      } catch {
        // an unresolvable reference: fall back to looking for the table
      }
    }
  }
  const tables = [...groupsUnder(h5, '', 5)].filter(([, group]) => typeOf(group) === 'PlaneSegmentation');
  if (tables.length === 1) return { table: tables[0]![1], how: `the file's only PlaneSegmentation (${clean(tables[0]![0])})` };
  return { table: null, how: tables.length ? `${tables.length} PlaneSegmentations and no usable table reference` : 'no PlaneSegmentation' };
}

const NAME_COLUMNS = ['roi_name', 'roi_names', 'label', 'labels', 'name', 'names', 'cell_name', 'neuron_name'];

/** Names of the table rows: a string column if there is one, else the ids. */
function rowNames(table: H5Group, file: string): { names: string[]; from: string } | null {
  for (const column of NAME_COLUMNS) {
    const dataset = entityAt(table, column);
    if (!isDataset(dataset)) continue;
    const value = dataset.value;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return { names: value as string[], from: column };
  }
  const ids = entityAt(table, 'id');
  if (isDataset(ids) && isNumeric(ids)) return { names: Array.from(readFloat64(ids, file), String), from: 'id' };
  return null;
}

/** Ragged rows of a VectorData + VectorIndex pair: row r spans [ends[r-1], ends[r]). */
function raggedRanges(table: H5Group, column: string, file: string, count: number): [number, number][] | null {
  const index = entityAt(table, `${column}_index`);
  if (!isDataset(index) || !isNumeric(index)) return null;
  const ends = readFloat64(index, file);
  if (ends.length !== count) return null;
  return Array.from(ends, (end, r) => [r === 0 ? 0 : ends[r - 1]!, end]);
}

/** Weighted centroids (x, y, z) per table row, from whichever mask the table has. */
function centroids(table: H5Group, file: string, rowCount: number): { xyz: Float32Array; from: string } | null {
  const xyz = new Float32Array(rowCount * 3);
  const image = entityAt(table, 'image_mask');
  if (isDataset(image) && isNumeric(image)) {
    const shape = shapeOf(image);
    if (shape[0] !== rowCount || shape.length < 3 || shape.length > 4) return null;
    const [, nx, ny, nz = 1] = shape as [number, number, number, number?];
    readRows(image, file, (first, rows, values) => {
      const size = nx * ny * nz;
      for (let r = 0; r < rows; r++) {
        let w = 0;
        let sx = 0;
        let sy = 0;
        let sz = 0;
        for (let i = 0; i < size; i++) {
          const weight = Number(values[r * size + i]!);
          if (!(weight > 0) || !Number.isFinite(weight)) continue;
          const z = i % nz;
          const y = Math.floor(i / nz) % ny;
          const x = Math.floor(i / (nz * ny));
          w += weight;
          sx += weight * x;
          sy += weight * y;
          sz += weight * z;
        }
        const row = first + r;
        xyz.set(w > 0 ? [sx / w, sy / w, sz / w] : [NaN, NaN, NaN], row * 3);
      }
    });
    return { xyz, from: 'image_mask' };
  }
  for (const [column, axes] of [
    ['pixel_mask', 2],
    ['voxel_mask', 3],
  ] as const) {
    const mask = entityAt(table, column);
    if (!isDataset(mask)) continue;
    const ranges = raggedRanges(table, column, file, rowCount);
    const value = mask.value;
    if (!ranges || !Array.isArray(value)) return null;
    ranges.forEach(([start, end], row) => {
      const sums = [0, 0, 0];
      let w = 0;
      for (let i = start; i < end; i++) {
        const entry = value[i];
        if (!Array.isArray(entry)) continue;
        const weight = Number(entry[axes]);
        if (!(weight > 0)) continue;
        w += weight;
        for (let axis = 0; axis < axes; axis++) {
          const coordinate = Number(entry[axis]);
          if (!Number.isFinite(coordinate)) throw new FormatError(file, `${column} entry ${i} has a non-finite coordinate (${coordinate})`, column);
          sums[axis]! += weight * coordinate;
        }
      }
      xyz.set(w > 0 ? sums.map((s) => s / w) : [NaN, NaN, NaN], row * 3);
    });
    return { xyz, from: column };
  }
  return null;
}

/** Why a part was skipped, without repeating the file name the warning starts with. */
const reason = (error: unknown, file?: string): string => {
  if (!(error instanceof UserError)) return `internal error: ${String(error)}`;
  return file && error.message.startsWith(`${file}: `) ? error.message.slice(file.length + 2) : error.message;
};

export async function readNwb(file: string, h5: H5File, options: { dataset?: string } = {}): Promise<CalciumRecording> {
  const series = pickSeries(h5, file, options.dataset);
  const warnings: string[] = [];
  const notes = [`NWB ${stringAttribute(h5, 'nwb_version') ?? '(version not stated)'}: ${series.path}`];
  const data = entityAt(series.group, 'data');
  if (!isDataset(data)) throw new FormatError(file, `${series.path} has no "data" dataset`, series.path);
  const shape = shapeOf(data);
  let cells: number;
  let frames: number;
  let traces: Float32Array;
  if (shape.length === 1) {
    // One ROI: data is a plain time series.
    [cells, frames] = [1, shape[0]!];
    traces = Float32Array.from(readFloat64(data, file));
  } else if (shape.length === 2) {
    ({ cells, frames, traces } = readTraces(data, file, false));
  } else {
    throw new FormatError(file, `${series.path}/data is ${shape.join('×') || 'scalar'}; expected frames × ROIs`, `${series.path}/data`);
  }
  notes.push(`${cells} ROIs × ${frames} frames`);
  const conversion = numberAttribute(data, 'conversion') ?? 1;
  const offset = numberAttribute(data, 'offset') ?? 0;
  // They say what every value means in `unit`: a NaN or Inf there would silently turn all of them into NaN.
  for (const [name, value] of [['conversion', conversion], ['offset', offset]] as const) {
    if (!Number.isFinite(value)) throw new FormatError(file, `${series.path}/data has ${name} ${value}; it must be a finite number`, `${series.path}/data ${name}`);
  }
  if (conversion !== 1 || offset !== 0) {
    for (let i = 0; i < traces.length; i++) traces[i] = traces[i]! * conversion + offset;
    notes.push(`values × ${conversion} + ${offset} (the data's conversion and offset)`);
  }
  const unit = stringAttribute(data, 'unit');
  if (unit) notes.push(`unit ${unit}`);

  // Timing.
  let frameRateHz: number | null = null;
  let timestampsS: Float64Array | null = null;
  const starting = entityAt(series.group, 'starting_time');
  const stamps = entityAt(series.group, 'timestamps');
  if (isDataset(starting)) {
    const rate = numberAttribute(starting, 'rate');
    if (rate !== undefined) frameRateHz = checkFrameRate(file, rate, `${series.path}/starting_time rate`);
    else warnings.push(`${file}: ${series.path}/starting_time has no positive "rate"; frame rate unknown`);
  } else if (isDataset(stamps) && isNumeric(stamps)) {
    const times = readFloat64(stamps, file);
    checkTimestamps(file, times, `${series.path}/timestamps`);
    if (times.length === frames) ({ timestampsS, frameRateHz } = timingOf(times));
    else warnings.push(`${file}: ${series.path}/timestamps has ${times.length} times for ${frames} frames; not used`);
  } else {
    warnings.push(`${file}: ${series.path} has neither starting_time nor timestamps; frame rate unknown`);
  }

  // ROI names and positions from the plane segmentation.
  let labels: (string | null)[] | null = null;
  let positions: Float32Array | null = null;
  const roisEntity = entityAt(series.group, 'rois');
  const rois = isDataset(roisEntity) && isNumeric(roisEntity) ? roisEntity : null;
  const rows = rois ? Array.from(readFloat64(rois, file)) : Array.from({ length: cells }, (_, i) => i);
  if (!rois) warnings.push(`${file}: ${series.path} has no "rois" region; ROI i taken as table row i`);
  const { table, how } = roiTable(h5, rois);
  if (rows.length !== cells) {
    warnings.push(`${file}: ${series.path}/rois has ${rows.length} rows for ${cells} ROIs; names and positions not read`);
  } else if (!table) {
    warnings.push(`${file}: ${how} for ${series.path}; ROIs unnamed, no positions`);
  } else {
    notes.push(`ROI table ${clean(table.path)} (by ${how})`);
    try {
      const names = rowNames(table, file);
      if (names) {
        labels = rows.map((row) => names.names[row] ?? null);
        notes.push(`names from its "${names.from}" column`);
      }
      const rowCount = names?.names.length ?? Math.max(...rows) + 1;
      if (rows.some((row) => !Number.isInteger(row) || row < 0 || row >= rowCount)) {
        throw new FormatError(file, `${series.path}/rois points past the ${rowCount} rows of ${clean(table.path)}`);
      }
      const found = centroids(table, file, rowCount);
      if (found) {
        positions = new Float32Array(cells * 3);
        rows.forEach((row, cell) => positions!.set(found.xyz.subarray(row * 3, row * 3 + 3), cell * 3));
        notes.push(`positions: weighted centroids of ${found.from} (pixels)`);
      } else {
        warnings.push(`${file}: ${clean(table.path)} has no image_mask, pixel_mask or voxel_mask we can read; no positions`);
      }
    } catch (error) {
      // A damaged table skips names and positions; running out of memory is no reason to carry on.
      rethrowIfOutOfMemory(error, file, `the ROI table of ${series.path}`);
      warnings.push(`${file}: ROI names/positions skipped (${reason(error, file)})`);
      labels = null;
      positions = null;
    }
  }
  const others = findRoiSeries(h5).filter((other) => other.path !== series.path);
  if (others.length) notes.push(`other series: ${others.map((other) => other.path).join(', ')}`);

  return makeRecording({
    source: file,
    format: 'nwb',
    cellCount: cells,
    frameCount: frames,
    traces,
    traceKind: series.traceKind,
    frameRateHz,
    timestampsS,
    labels,
    positions,
    warnings,
    description: notes.join('; '),
  });
}
