/**
 * Whole-brain C. elegans GCaMP recordings as the Flavell lab publishes them (Dag et al. 2023, Cell;
 * written from Julia): `gcamp/traces_array_F_F20` (F/F20), `gcamp/trace_array` (z-scored),
 * `gcamp/trace_array_original` (raw), `timing/timestamp_confocal` (seconds, one per frame),
 * `neuropal_registration/roi_match`, and `behavior/*`: the per-frame behaviour variables (velocity,
 * head angle, angular velocity, reversal_vec, pumping, body curvature…), one value per confocal frame.
 * Only 1-D numeric datasets as long as the frame axis are behaviour traces; the others (body_angle
 * per segment, reversal_events as start/stop pairs) are named in the description, not read.
 *
 * Orientation: h5wasm (like h5py) reports the traces as 800 × N, frames × neurons (HDF5.jl stores
 * Julia's column-major N × 800 with the axes reversed). Checked on the data: each neuron's F/F20
 * trace has mean 1 and each z-scored trace mean 0 along the 800 axis. We still do not trust the
 * layout blindly: the frame axis is the one as long as `timestamp_confocal`, and the rows are
 * frames when that cannot decide.
 *
 * Neuron names come from `neuropal_labels_csv/<uid>_neuropal_labels.csv` beside `<uid>-data.h5`
 * (or an explicit CSV). Its `neuron_index_1based` is a 1-based index into the neuron axis of the
 * gcamp traces (Julia's column). Verified on 2022-07-26-31 and 2022-07-27-31: every index is in
 * 1…N (N = 146, 145) and for every row `roi_match[roi_id − 1] == neuron_index_1based`, i.e. the
 * file's own NeuroPAL-ROI → trace map agrees with the CSV; AVA, RIA, NSM pairs are among the
 * names. The same cross-check runs on every read and warns when a CSV row disagrees.
 *
 * Any other HDF5 file is read generically: `options.dataset` names a 2-D numeric dataset, and the
 * longer axis is taken as time (recordings have more frames than cells), rows being cells on a tie.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FileAccessError, FormatError } from '../../errors.js';
import { parseNumber, readText, splitLine, textLines } from './csv.js';
import { describeDatasets, dtypeOf, entityAt, isDataset, isGroup, isNumeric, listDatasets, numberAttribute, readFloat64, readTraces, shapeOf, type H5Dataset, type H5File } from './h5.js';
import type { BehaviourTrace } from './types.js';
import { checkFrameRate, checkTimestamps, makeRecording, timingOf, type RecordingParts } from './recording.js';
import type { CalciumRecording, TraceKind } from './types.js';

export interface Hdf5CalciumOptions {
  /** Dataset to read: one of the gcamp traces (full path or name), or any 2-D dataset of a plain HDF5 file. */
  dataset?: string;
  /** NeuroPAL labels CSV to use instead of the sibling `neuropal_labels_csv/<uid>_neuropal_labels.csv`. */
  labels?: string;
}

/** The Flavell trace datasets and what they hold; the first is the default. */
export const FLAVELL_TRACES: readonly (readonly [string, TraceKind])[] = [
  ['gcamp/traces_array_F_F20', 'f-over-f20'],
  ['gcamp/trace_array', 'zscore'],
  ['gcamp/trace_array_original', 'fluorescence'],
];
const TIMESTAMPS = 'timing/timestamp_confocal';
const ROI_MATCH = 'neuropal_registration/roi_match';

const clean = (path: string): string => path.replace(/^\/+|\/+$/g, '');

/** True when the file has a `gcamp` group holding one of the Flavell trace datasets. */
export function isFlavell(h5: H5File): boolean {
  return FLAVELL_TRACES.some(([path]) => isDataset(entityAt(h5, path)));
}

/** The sibling labels CSV of `<dir>/<uid>-data.h5`, when it exists. */
export function siblingLabelsCsv(file: string): string | null {
  const uid = basename(file).replace(/-data\.h5$/i, '').replace(/\.(h5|hdf5)$/i, '');
  const candidate = join(dirname(file), 'neuropal_labels_csv', `${uid}_neuropal_labels.csv`);
  return existsSync(candidate) ? candidate : null;
}

interface LabelRow {
  index: number;
  label: string;
  roiId: number | null;
  line: number;
}

/** Reads a NeuroPAL labels CSV (needs `neuron_index_1based` and `label` columns). */
export async function readNeuropalLabels(file: string, neurons: number): Promise<LabelRow[]> {
  const lines = textLines(await readText(file));
  if (lines.length === 0) throw new FormatError(file, 'the labels file is empty');
  const header = splitLine(lines[0]!.text, ',').map((field) => field.trim());
  const indexColumn = header.indexOf('neuron_index_1based');
  const labelColumn = header.indexOf('label');
  const roiColumn = header.indexOf('roi_id');
  if (indexColumn < 0 || labelColumn < 0) {
    throw new FormatError(file, `the labels file needs "neuron_index_1based" and "label" columns; its header is: ${header.join(', ')}`);
  }
  const seen = new Map<number, number>();
  return lines.slice(1).map(({ line, text }) => {
    const fields = splitLine(text, ',');
    if (fields.length !== header.length) throw new FormatError(file, `line ${line} has ${fields.length} values but the header has ${header.length}`);
    const index = parseNumber(fields[indexColumn]!);
    if (index === undefined || !Number.isInteger(index) || index < 1 || index > neurons) {
      throw new FormatError(
        file,
        `line ${line}, column ${indexColumn + 1}: neuron index "${fields[indexColumn]!.trim()}" is not in 1…${neurons} (the recording has ${neurons} neurons); is this the labels file of another recording?`,
      );
    }
    if (seen.has(index)) throw new FormatError(file, `line ${line}: neuron ${index} is labelled twice (also on line ${seen.get(index)})`);
    seen.set(index, line);
    const roi = roiColumn >= 0 ? parseNumber(fields[roiColumn]!) : undefined;
    return { index, label: fields[labelColumn]!.trim(), roiId: roi !== undefined && Number.isInteger(roi) ? roi : null, line };
  });
}

function pickFlavellDataset(h5: H5File, file: string, requested: string | undefined): [H5Dataset, string, TraceKind] {
  const present = FLAVELL_TRACES.filter(([path]) => isDataset(entityAt(h5, path)));
  const wanted = requested ? clean(requested) : FLAVELL_TRACES[0]![0];
  const match = present.find(([path]) => path === wanted || path === `gcamp/${wanted}`);
  if (!match) {
    const listing = present.map(([path, kind]) => `${path} (${kind})`).join(', ');
    throw new FormatError(file, `no trace dataset "${wanted}" in this Flavell-lab file; trace datasets: ${listing}`, 'dataset');
  }
  return [entityAt(h5, match[0]) as H5Dataset, match[0], match[1]];
}

/** The record of traces read from an HDF5 file; one place, as both readers here (Flavell-lab, generic) build it alike. */
function hdf5Recording(
  file: string,
  read: { cells: number; frames: number; traces: Float32Array },
  rest: Omit<RecordingParts, 'source' | 'format' | 'cellCount' | 'frameCount' | 'traces'>,
): CalciumRecording {
  return makeRecording({ source: file, format: 'calcium-hdf5', cellCount: read.cells, frameCount: read.frames, traces: read.traces, ...rest });
}

export async function readFlavellHdf5(file: string, h5: H5File, options: Hdf5CalciumOptions = {}): Promise<CalciumRecording> {
  const [dataset, path, traceKind] = pickFlavellDataset(h5, file, options.dataset);
  const shape = shapeOf(dataset);
  if (shape.length !== 2) throw new FormatError(file, `dataset "${path}" is ${shape.join('×') || 'scalar'}; expected frames × neurons`, path);
  const warnings: string[] = [];
  const notes = [`Flavell-lab whole-brain HDF5: ${path}`];

  // Timing, and with it the orientation.
  const stamps = entityAt(h5, TIMESTAMPS);
  const times = isDataset(stamps) && isNumeric(stamps) ? readFloat64(stamps, file) : null;
  if (times) checkTimestamps(file, times, TIMESTAMPS);
  let cellsFirst = false;
  if (times && shape[1] === times.length && shape[0] !== times.length) cellsFirst = true;
  else if (!times) warnings.push(`${file}: no ${TIMESTAMPS}; rows of ${path} taken as frames, frame rate unknown`);
  else if (shape[0] !== times.length) warnings.push(`${file}: ${TIMESTAMPS} has ${times.length} times but ${path} is ${shape.join(' × ')}; rows taken as frames, times not used`);
  const { cells, frames, traces } = readTraces(dataset, file, cellsFirst);
  const timing = times && times.length === frames ? timingOf(times) : null;
  notes.push(`${cells} neurons × ${frames} frames`);
  if (timing?.frameRateHz) notes.push(`${timing.frameRateHz.toFixed(3)} Hz from the median step of ${TIMESTAMPS}`);

  // Labels.
  const labels = new Array<string | null>(cells).fill(null);
  let labelsFile: string | null = null;
  if (options.labels) {
    if (!existsSync(options.labels)) throw new FileAccessError(options.labels, 'no such file (labels CSV)');
    labelsFile = options.labels;
  } else {
    labelsFile = siblingLabelsCsv(file);
  }
  if (labelsFile) {
    const rows = await readNeuropalLabels(labelsFile, cells);
    for (const row of rows) labels[row.index - 1] = row.label;
    notes.push(`${rows.length} of ${cells} neurons named from ${basename(labelsFile)}`);
    const match = entityAt(h5, ROI_MATCH);
    if (isDataset(match) && isNumeric(match)) {
      const roiToNeuron = readFloat64(match, file);
      const checked = rows.filter((row) => row.roiId !== null);
      const disagree = checked.filter((row) => roiToNeuron[row.roiId! - 1] !== row.index);
      if (disagree.length > 0) {
        warnings.push(
          `${labelsFile}: ${disagree.length} of ${checked.length} rows disagree with ${ROI_MATCH} (roi_match[roi_id − 1] ≠ neuron index; first on line ${disagree[0]!.line}); the labels may belong to another recording`,
        );
      }
    }
  } else {
    warnings.push(`${file}: no NeuroPAL labels CSV (neuropal_labels_csv/${basename(file).replace(/-data\.h5$/i, '')}_neuropal_labels.csv); neurons are unnamed`);
  }
  const others = FLAVELL_TRACES.filter(([other]) => other !== path && isDataset(entityAt(h5, other))).map(([other]) => other);
  if (others.length) notes.push(`other trace datasets: ${others.join(', ')}`);
  const behaviour = readBehaviour(h5, file, frames, notes);
  notes.push('no positions in these files');

  return hdf5Recording(file, { cells, frames, traces }, {
    traceKind,
    frameRateHz: timing?.frameRateHz ?? null,
    timestampsS: timing?.timestampsS ?? null,
    labels,
    behaviour,
    warnings,
    description: notes.join('; '),
  });
}

const BEHAVIOUR_GROUP = 'behavior';

/**
 * The behaviour variables of a Flavell file: each 1-D numeric `behavior/*` dataset with one value
 * per frame. Others (per body segment, event lists) are named in `notes` as not read.
 */
function readBehaviour(h5: H5File, file: string, frames: number, notes: string[]): BehaviourTrace[] | null {
  const group = entityAt(h5, BEHAVIOUR_GROUP);
  if (!isGroup(group)) return null;
  const traces: BehaviourTrace[] = [];
  const skipped: string[] = [];
  for (const entry of listDatasets(group)) {
    const dataset = entityAt(h5, `${BEHAVIOUR_GROUP}/${entry.path}`);
    if (!isDataset(dataset) || !isNumeric(dataset) || entry.shape.length !== 1 || entry.shape[0] !== frames) {
      skipped.push(entry.path);
      continue;
    }
    traces.push({ name: entry.path, values: Float32Array.from(readFloat64(dataset, file)) });
  }
  notes.push(`behaviour: ${traces.map((trace) => trace.name).join(', ') || 'none per frame'}${skipped.length ? ` (not per frame, not read: ${skipped.join(', ')})` : ''}`);
  return traces.length ? traces : null;
}

const RATE_ATTRIBUTES = ['frame_rate_hz', 'frameRateHz', 'frame_rate', 'fs', 'rate', 'sampling_rate'];

/** Any other HDF5 file: the 2-D dataset `options.dataset`, the longer axis being time. */
export async function readGenericHdf5(file: string, h5: H5File, options: Hdf5CalciumOptions = {}): Promise<CalciumRecording> {
  const all = listDatasets(h5);
  const twoD = all.filter((entry) => entry.shape.length === 2);
  if (!options.dataset) {
    throw new FormatError(
      file,
      `not a Flavell-lab or NWB file: name the 2-D dataset of traces to read (option "dataset"); 2-D datasets: ${describeDatasets(twoD)}`,
      'dataset',
    );
  }
  const path = clean(options.dataset);
  const entity = entityAt(h5, path);
  if (!isDataset(entity)) {
    const what = isGroup(entity) ? `"${path}" is a group, not a dataset` : `no dataset "${path}"`;
    throw new FormatError(file, `${what}; datasets: ${describeDatasets(all)}`, 'dataset');
  }
  const shape = shapeOf(entity);
  if (shape.length !== 2 || !isNumeric(entity)) {
    throw new FormatError(file, `dataset "${path}" is ${shape.join('×') || 'scalar'} ${dtypeOf(entity)}; traces must be a 2-D numeric matrix`, path);
  }
  // Recordings have more frames than cells: the longer axis is time; on a tie, rows are cells.
  const cellsFirst = shape[1]! >= shape[0]!;
  const { cells, frames, traces } = readTraces(entity, file, cellsFirst);
  // The first rate attribute present is the rate; one that is NaN, infinite or ≤ 0 is refused, not skipped.
  const rateName = RATE_ATTRIBUTES.find((name) => numberAttribute(entity, name) !== undefined);
  const rate = rateName === undefined ? undefined : checkFrameRate(file, numberAttribute(entity, rateName)!, `${path} ${rateName}`);
  const warnings = [
    `${file}: plain HDF5 (not Flavell-lab or NWB): "${path}" (${shape.join(' × ')}) read as ${cells} cells × ${frames} frames, taking the longer axis as time`,
  ];
  if (rate === undefined) warnings.push(`${file}: "${path}" has no frame-rate attribute (${RATE_ATTRIBUTES.join(', ')}); frame rate unknown`);
  return hdf5Recording(file, { cells, frames, traces }, {
    traceKind: 'unknown',
    frameRateHz: rate ?? null,
    warnings,
    description: `HDF5 dataset ${path}: ${cells} cells × ${frames} frames`,
  });
}
