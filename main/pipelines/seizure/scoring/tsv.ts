/**
 * Reading and writing seizure annotation TSVs:
 *  - the SzCORE / HED-SCORE format of epilepsy2bids 0.0.7 (`Annotations.loadTsv` / `saveTsv`):
 *    columns `onset duration eventType confidence channels dateTime recordingDuration`, one row per
 *    event, `bckg` rows for seizure-free recordings;
 *  - BIDS `events.tsv` (`onset duration trial_type`, other columns ignored).
 *
 * Where the reference is lenient we are strict and say where: the reference turns any value it
 * cannot parse into "n/a" and only fails later (an unknown event type or an "n/a" onset crash its
 * mask builder). Here every problem is a `TsvFormatError` (a FormatError) naming the file, the line,
 * the column and the byte offset of the cell. What we accept reads to the same values.
 *
 * Matched behaviour:
 *  - columns are found by header name, in any order; blank lines are skipped (pandas does); `n/a`
 *    or an empty cell is a missing value (pandas' NA); a leading UTF-8 BOM and CRLF are accepted;
 *  - `channels` is split on commas, `n/a` meaning none given;
 *  - `dateTime` is `%Y-%m-%d %H:%M:%S` (strptime accepts 1-digit fields; they are read and written
 *    back zero-padded as strftime does);
 *  - the recording duration is taken from the FIRST row only (`getMask` reads `events[0]`);
 *  - writing: the seven columns in order, onset / duration / confidence / recordingDuration with
 *    Python's `'{:.2f}'` (ties to even), so a round trip keeps values to 0.01 s, like the reference.
 */
import { readFileSync } from 'node:fs';
import { FormatError, fileAccessError } from '../../../errors.js';
import { writeFileAtomically, type WriteTargetOptions } from '../../../io/write-target.js';
import type { TimeEvent } from './annotation.js';
import { BACKGROUND_TYPE, isKnownEventType, isSeizureType } from './event-types.js';
import { pyFormat2f } from './python-compat.js';

/** One row of an annotation file. `null` stands for the file's `n/a`. */
export interface SzcoreEvent {
  onsetS: number | null;
  durationS: number | null;
  /** `bckg`, a seizure type (`sz`, `sz_foc_ia`, ...) or, from BIDS events only, any trial_type. */
  eventType: string;
  /** Annotator confidence in [0, 1]. */
  confidence: number | null;
  channels: string[] | null;
  /** Start of the recording, `YYYY-MM-DD HH:MM:SS`. */
  dateTime: string | null;
  recordingDurationS: number | null;
}

export interface SeizureAnnotations {
  /** The file read (for messages), if any. */
  file?: string;
  format: 'szcore' | 'bids-events';
  events: SzcoreEvent[];
}

export const SZCORE_COLUMNS = ['onset', 'duration', 'eventType', 'confidence', 'channels', 'dateTime', 'recordingDuration'] as const;

/** A malformed TSV cell or row: a FormatError that also carries the 1-based line and column. */
export class TsvFormatError extends FormatError {
  constructor(
    file: string,
    readonly line: number,
    readonly column: number,
    field: string | undefined,
    byteOffset: number,
    problem: string,
  ) {
    super(file, `line ${line}, column ${column}${field ? ` (${field})` : ''}: ${problem}`, field, byteOffset);
    this.name = 'TsvFormatError';
  }
}

interface Cell {
  text: string;
  line: number;
  column: number;
  byteOffset: number;
  field: string;
}

interface Table {
  header: string[];
  rows: { line: number; cells: Cell[] }[];
}

function splitTable(text: string, file: string): Table {
  let offset = 0;
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
    offset = 3;
  }
  const lines = text.split('\n');
  let header: string[] | null = null;
  const rows: Table['rows'] = [];
  lines.forEach((raw, i) => {
    const lineStart = offset;
    offset += Buffer.byteLength(raw, 'utf8') + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const texts = line.split('\t');
    if (header === null) {
      header = texts.map((t) => t.trim());
      const seen = new Set<string>();
      header.forEach((name, c) => {
        if (name === '' || seen.has(name)) {
          throw new TsvFormatError(file, i + 1, c + 1, name || undefined, lineStart, name === '' ? 'empty column name in the header' : `column "${name}" appears twice in the header`);
        }
        seen.add(name);
      });
      return;
    }
    const h: string[] = header;
    if (texts.length !== h.length) {
      const column = Math.min(texts.length, h.length) + 1;
      throw new TsvFormatError(file, i + 1, column, h[column - 1], lineStart, `expected ${h.length} tab-separated cells as in the header, found ${texts.length}`);
    }
    let cellOffset = lineStart;
    const cells = texts.map((t, c): Cell => {
      const cell = { text: t.trim(), line: i + 1, column: c + 1, byteOffset: cellOffset, field: h[c]! };
      cellOffset += Buffer.byteLength(t, 'utf8') + 1;
      return cell;
    });
    rows.push({ line: i + 1, cells });
  });
  if (header === null) throw new FormatError(file, 'empty file: no header line');
  return { header, rows };
}

function fail(file: string, cell: Cell, problem: string): never {
  throw new TsvFormatError(file, cell.line, cell.column, cell.field, cell.byteOffset, problem);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isMissing(cell: Cell | undefined): boolean {
  return cell === undefined || cell.text === '' || cell.text === 'n/a';
}

function number(file: string, cell: Cell | undefined, check: (x: number) => string | null): number | null {
  if (cell === undefined || isMissing(cell)) return null;
  if (!NUMBER.test(cell.text)) fail(file, cell, `"${cell.text}" is not a number`);
  const x = Number(cell.text);
  if (!Number.isFinite(x)) fail(file, cell, `"${cell.text}" is out of range`);
  const problem = check(x);
  if (problem) fail(file, cell, `${cell.text} ${problem}`);
  return x;
}

const nonNegative = (x: number) => (x < 0 ? 'is negative' : null);
const positive = (x: number) => (x <= 0 ? 'must be greater than 0' : null);
const unit = (x: number) => (x < 0 || x > 1 ? 'is outside [0, 1]' : null);

const DATE_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})$/;

function dateTime(file: string, cell: Cell | undefined): string | null {
  if (cell === undefined || isMissing(cell)) return null;
  const m = DATE_TIME.exec(cell.text);
  const [y, mo, d, h, mi, s] = (m ? m.slice(1) : []).map(Number) as [number, number, number, number, number, number];
  const valid = m && mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate() && h <= 23 && mi <= 59 && s <= 61;
  if (!valid) fail(file, cell, `"${cell.text}" is not a date and time as YYYY-MM-DD HH:MM:SS`);
  const p = (v: number) => String(v).padStart(2, '0');
  return `${String(y).padStart(4, '0')}-${p(mo)}-${p(d)} ${p(h)}:${p(mi)}:${p(s)}`;
}

function columnsOf(table: Table, file: string, required: readonly string[]): Map<string, number> {
  const index = new Map(table.header.map((name, i) => [name, i]));
  const missing = required.filter((name) => !index.has(name));
  if (missing.length) throw new FormatError(file, `the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (header: ${table.header.join(', ')})`, missing[0], 0);
  return index;
}

/** Parses SzCORE / HED-SCORE annotation text; `file` names the source in errors. */
export function parseSzcoreTsv(text: string, file: string): SeizureAnnotations {
  const table = splitTable(text, file);
  const col = columnsOf(table, file, ['onset', 'duration', 'eventType']);
  const get = (cells: Cell[], name: string): Cell | undefined => {
    const i = col.get(name);
    return i === undefined ? undefined : cells[i];
  };
  const events = table.rows.map(({ cells }): SzcoreEvent => {
    const typeCell = get(cells, 'eventType')!;
    const eventType = typeCell.text;
    if (!isKnownEventType(eventType)) fail(file, typeCell, `unknown event type "${eventType}" (expected "bckg" or a seizure type such as "sz", "sz_foc_ia", "sz_gen_m_tonicClonic")`);
    const onsetS = number(file, get(cells, 'onset'), nonNegative);
    const durationS = number(file, get(cells, 'duration'), nonNegative);
    if (isSeizureType(eventType)) {
      if (onsetS === null) fail(file, get(cells, 'onset')!, 'a seizure needs an onset');
      if (durationS === null) fail(file, get(cells, 'duration')!, 'a seizure needs a duration');
    }
    const channelsCell = get(cells, 'channels');
    return {
      onsetS,
      durationS,
      eventType,
      confidence: number(file, get(cells, 'confidence'), unit),
      channels: isMissing(channelsCell) ? null : channelsCell!.text.split(',').map((c) => c.trim()),
      dateTime: dateTime(file, get(cells, 'dateTime')),
      recordingDurationS: number(file, get(cells, 'recordingDuration'), positive),
    };
  });
  return { file, format: 'szcore', events };
}

/**
 * Parses a BIDS `events.tsv` (onset, duration, trial_type). trial_type is free text in BIDS: SzCORE
 * seizure types count as seizures, everything else (including `n/a`) is kept as a non-seizure
 * event. There is no recording duration in this format.
 */
export function parseBidsEventsTsv(text: string, file: string): SeizureAnnotations {
  const table = splitTable(text, file);
  const col = columnsOf(table, file, ['onset', 'duration', 'trial_type']);
  const events = table.rows.map(({ cells }): SzcoreEvent => {
    const onsetCell = cells[col.get('onset')!]!;
    const durationCell = cells[col.get('duration')!]!;
    const eventType = cells[col.get('trial_type')!]!.text || 'n/a';
    const onsetS = number(file, onsetCell, nonNegative);
    if (onsetS === null) fail(file, onsetCell, 'BIDS events need an onset');
    const durationS = number(file, durationCell, nonNegative);
    if (durationS === null && isSeizureType(eventType)) fail(file, durationCell, 'a seizure needs a duration');
    return { onsetS, durationS, eventType, confidence: null, channels: null, dateTime: null, recordingDurationS: null };
  });
  return { file, format: 'bids-events', events };
}

/** Parses either format, told apart by the header (`eventType` → SzCORE, `trial_type` → BIDS). */
export function parseAnnotationsTsv(text: string, file: string): SeizureAnnotations {
  const firstLine = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split('\n').find((l) => l.trim() !== '') ?? '';
  const header = firstLine.replace(/\r$/, '').split('\t').map((h) => h.trim());
  if (header.includes('eventType')) return parseSzcoreTsv(text, file);
  if (header.includes('trial_type')) return parseBidsEventsTsv(text, file);
  throw new FormatError(file, `not a seizure annotation TSV: the header has neither "eventType" (SzCORE) nor "trial_type" (BIDS events) (header: ${header.join(', ') || 'empty'})`, 'header', 0);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw fileAccessError(path, error);
  }
}

/** Reads an SzCORE or BIDS events TSV file. */
export function readAnnotationsTsv(path: string): SeizureAnnotations {
  return parseAnnotationsTsv(readText(path), path);
}

export function readSzcoreTsv(path: string): SeizureAnnotations {
  return parseSzcoreTsv(readText(path), path);
}

export function readBidsEventsTsv(path: string): SeizureAnnotations {
  return parseBidsEventsTsv(readText(path), path);
}

const orNa = (x: number | null) => (x === null ? 'n/a' : pyFormat2f(x));

/** SzCORE TSV text of `events`, as epilepsy2bids' `saveTsv` writes it. */
export function formatSzcoreTsv(events: readonly SzcoreEvent[]): string {
  const lines = [SZCORE_COLUMNS.join('\t')];
  for (const e of events) {
    if (!isKnownEventType(e.eventType)) throw new FormatError('(output)', `event type "${e.eventType}" is not an SzCORE event type`, 'eventType');
    lines.push(
      [orNa(e.onsetS), orNa(e.durationS), e.eventType, orNa(e.confidence), e.channels && e.channels.length ? e.channels.join(',') : 'n/a', e.dateTime ?? 'n/a', orNa(e.recordingDurationS)].join('\t'),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes `events` to `path` through io/write-target: checked (never a project file or a protected
 * source; an existing file only with `overwrite`) and atomic. Returns the absolute path written.
 */
export function writeSzcoreTsv(path: string, events: readonly SzcoreEvent[], options: WriteTargetOptions = {}): string {
  return writeFileAtomically(path, formatSzcoreTsv(events), options);
}

/**
 * `loadEvents(events, duration)`: one `sz` row per event (onset, end - onset, the recording
 * duration on every row, other fields n/a), or a single `bckg` row covering the recording when
 * there is no event — so that a seizure-free file still states its duration.
 */
export function annotationsFromEvents(events: readonly TimeEvent[], recordingDurationS: number): SzcoreEvent[] {
  const base = { confidence: null, channels: null, dateTime: null, recordingDurationS };
  if (events.length === 0) return [{ onsetS: 0, durationS: recordingDurationS, eventType: BACKGROUND_TYPE, ...base }];
  return events.map(([start, end]) => ({ onsetS: start, durationS: end - start, eventType: 'sz', ...base }));
}
