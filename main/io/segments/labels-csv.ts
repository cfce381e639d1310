/**
 * A lab's own labelled segments: a folder with a `labels.csv` that names each segment file and its
 * class. The format, for users (the README repeats it):
 *
 *   labels.csv (UTF-8, comma-separated, a header row, one row per segment; blank lines ignored;
 *   fields may be "quoted" as in RFC 4180, e.g. for a name with a comma):
 *
 *     file,label,rate_hz,group
 *     patient1/seg001.txt,ictal,256,patient1
 *     patient1/seg002.txt,interictal,256,patient1
 *     patient2/night.edf,interictal,,patient2
 *
 *   file     the segment's file, relative to the folder (or absolute); each file once.
 *   label    its class, any text; "ictal" means a seizure (the detectors' positive class).
 *   rate_hz  optional column: the sampling rate in Hz; needed for .txt/.csv/.mat files (they carry
 *            none); an EDF's own rate is used, and a rate given for an EDF must agree with it.
 *   group    optional column: the subset the segment belongs to (patient, session, site), used to
 *            keep a subset together in cross-validation; empty or absent: the label.
 *   Column names are matched without regard to case and order; any other column is refused.
 *
 *   Segment files, by extension:
 *     .txt, .csv, .asc   one number per line (single column), in µV;
 *     .mat               MATLAB v5: the first numeric vector variable (N×1 or 1×N), in µV;
 *     .edf, .bdf         EDF/EDF+/BDF: the first data signal, at its own rate, converted to µV from
 *                        its physical dimension (uV, mV, V or nV; another unit is refused).
 *
 * Every problem names the file and the line: a missing column, an empty label, a rate that is not a
 * positive number, a file that is missing or unreadable (its own reader's error names it).
 */
import { readFileSync } from 'node:fs';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { FormatError, UserError, fileAccessError } from '../../errors.js';
import { EdfReader } from '../edf/index.js';
import { assertReadableSource } from '../source-file.js';
import { readAsciiColumn } from './ascii.js';
import { firstMatVector } from './mat-vector.js';
import type { LabelledSegment, SegmentCollection } from './types.js';

export const LABELS_CSV = 'labels.csv';

const COLUMNS = ['file', 'label', 'rate_hz', 'group'] as const;
type Column = (typeof COLUMNS)[number];

/** µV per unit of an EDF physical dimension; other units are not voltages. */
const MICROVOLTS_PER: Readonly<Record<string, number>> = { uv: 1, µv: 1, μv: 1, mv: 1e3, v: 1e6, nv: 1e-3 };

export function readLabelsCsv(folder: string): SegmentCollection {
  const source = resolve(folder);
  assertReadableSource(source, { allowDirectory: true });
  const csvPath = join(source, LABELS_CSV);
  let text: string;
  try {
    assertReadableSource(csvPath);
    text = readFileSync(csvPath, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw fileAccessError(csvPath, error);
  }
  const rows = parseCsv(text.replace(/^\uFEFF/, ''), csvPath);
  if (rows.length === 0) throw new FormatError(csvPath, `is empty: expected a header row "${COLUMNS.join(',')}" and one row per segment`);
  const [header, ...body] = rows;
  const columns = headerColumns(header!, csvPath);
  if (body.length === 0) throw new FormatError(csvPath, 'has a header but no segment rows');

  const segments: LabelledSegment[] = [];
  const lineOfFile = new Map<string, number>();
  let edfCount = 0;
  for (const { line, cells } of body) {
    const at = `line ${line}`;
    if (cells.length !== header!.cells.length) {
      throw new FormatError(csvPath, `${at}: has ${cells.length} field${cells.length === 1 ? '' : 's'}, the header ${header!.cells.length}`);
    }
    const cell = (column: Column) => (columns[column] === undefined ? '' : cells[columns[column]]!.trim());
    const name = cell('file');
    const label = cell('label');
    if (!name) throw new FormatError(csvPath, `${at}: the file field is empty`);
    if (!label) throw new FormatError(csvPath, `${at}: the label of ${name} is empty`);
    const file = isAbsolute(name) ? name : resolve(source, name);
    const earlier = lineOfFile.get(file);
    if (earlier !== undefined) throw new FormatError(csvPath, `${at}: ${name} is listed again (first on line ${earlier})`);
    lineOfFile.set(file, line);
    const rateText = cell('rate_hz');
    const rate = rateText === '' ? null : Number(rateText);
    if (rate !== null && !(Number.isFinite(rate) && rate > 0)) throw new FormatError(csvPath, `${at}: rate_hz "${rateText}" is not a positive number`);

    const kind = fileKind(name);
    if (!kind) throw new FormatError(csvPath, `${at}: ${name}: unknown segment file type "${extname(name)}" (expected .txt, .csv, .asc, .mat, .edf or .bdf)`);
    const signal = readSegmentFile(file, kind, rate, csvPath, at);
    if (kind === 'edf') edfCount++;
    segments.push({ id: name, file, label, group: cell('group') || label, rateHz: signal.rateHz, samples: signal.samples });
  }

  const notes = [`Read from ${LABELS_CSV}: ${segments.length} segment${segments.length === 1 ? '' : 's'}; ASCII and .mat samples are taken as µV, as the format requires.`];
  if (edfCount > 0) notes.push(`${edfCount} EDF/BDF file${edfCount === 1 ? '' : 's'}: the first data signal, converted to µV from its physical dimension.`);
  return { format: 'labels-csv', source, labels: [...new Set(segments.map((s) => s.label))].sort(), segments, notes };
}

type FileKind = 'ascii' | 'mat' | 'edf';

function fileKind(name: string): FileKind | null {
  const ext = extname(name).toLowerCase();
  if (ext === '.txt' || ext === '.csv' || ext === '.asc') return 'ascii';
  if (ext === '.mat') return 'mat';
  if (ext === '.edf' || ext === '.bdf') return 'edf';
  return null;
}

function readSegmentFile(file: string, kind: FileKind, rate: number | null, csvPath: string, at: string): { rateHz: number; samples: Float32Array } {
  if (kind !== 'edf') {
    if (rate === null) throw new FormatError(csvPath, `${at}: rate_hz is needed for ${file} (a ${kind === 'mat' ? '.mat' : 'text'} file carries no rate)`);
    const samples = kind === 'ascii' ? readAsciiColumn(file) : firstMatVector(file).samples;
    return { rateHz: rate, samples };
  }
  const signal = readEdfFirstSignal(file);
  if (rate !== null && Math.abs(rate - signal.rateHz) > 1e-6 * signal.rateHz) {
    throw new FormatError(csvPath, `${at}: rate_hz ${rate} disagrees with ${file}, whose first signal is sampled at ${signal.rateHz} Hz`);
  }
  return signal;
}

/** The first data signal of an EDF/BDF file, whole, in µV. */
export function readEdfFirstSignal(file: string): { label: string; rateHz: number; samples: Float32Array } {
  const reader = EdfReader.open(file, { allowPartial: false });
  try {
    const first = reader.dataSignals()[0];
    if (!first) throw new FormatError(file, 'has no data signal (annotations only)');
    const unit = first.signal.physicalDimension.trim();
    const scale = MICROVOLTS_PER[unit.toLowerCase()];
    if (scale === undefined) throw new FormatError(file, `first data signal "${first.signal.label}" is in "${unit}", not a voltage (uV, mV, V or nV)`, 'physical dimension');
    const window = reader.readWindow(0, reader.durationS, [first.index]);
    if (window.gaps.length > 0) throw new FormatError(file, `is discontinuous (EDF+D, ${window.gaps.length} gap${window.gaps.length === 1 ? '' : 's'}): a segment must be one continuous signal`);
    const data = window.data[0]!;
    const samples = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) samples[i] = data[i]! * scale;
    return { label: first.signal.label, rateHz: first.sampleRateHz, samples };
  } finally {
    reader.close();
  }
}

function headerColumns(header: { line: number; cells: string[] }, csvPath: string): Partial<Record<Column, number>> {
  const columns: Partial<Record<Column, number>> = {};
  header.cells.forEach((raw, index) => {
    const name = raw.trim().toLowerCase() as Column;
    if (!COLUMNS.includes(name)) throw new FormatError(csvPath, `line ${header.line}: unknown column "${raw.trim()}" (expected ${COLUMNS.join(', ')})`);
    if (columns[name] !== undefined) throw new FormatError(csvPath, `line ${header.line}: column "${name}" appears twice`);
    columns[name] = index;
  });
  for (const required of ['file', 'label'] as const) {
    if (columns[required] === undefined) throw new FormatError(csvPath, `line ${header.line}: the header has no "${required}" column (expected ${COLUMNS.join(',')})`);
  }
  return columns;
}

/** RFC 4180 rows with their 1-based starting line; blank lines are skipped. */
export function parseCsv(text: string, file: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let rowHasContent = false;
  const endRow = () => {
    cells.push(cell);
    if (rowHasContent || cells.length > 1 || cell.trim() !== '') rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
    rowHasContent = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"') {
      if (cell.trim() !== '') throw new FormatError(file, `line ${line}: a quote inside an unquoted field`);
      cell = '';
      quoted = true;
      rowHasContent = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
      rowHasContent = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += c;
  }
  if (quoted) throw new FormatError(file, `line ${rowLine}: a quoted field is not closed`);
  endRow();
  return rows;
}
