/**
 * EDF / EDF+ / BDF / BDF+ header reader (the full reader with annotations and random access comes
 * with the EEG issue). Follows the EDF spec (Kemp et al. 1992), EDF+ (Kemp & Olivan 2003) and
 * BioSemi's 24-bit BDF. Reads only the header bytes, and checks them against the file size, so a
 * multi-day recording opens instantly and a broken file fails with the field and byte at fault.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FormatError, fileAccessError } from '../../errors.js';

export type EdfVariant = 'edf' | 'edf+' | 'bdf' | 'bdf+';

export interface EdfSignalHeader {
  label: string;
  transducer: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
  isAnnotation: boolean;
  /** Byte offset of this signal's samples within one data record. */
  offsetInRecord: number;
  /** physical = digital * gain + offset */
  gain: number;
  offset: number;
}

export interface EdfHeader {
  file: string;
  variant: EdfVariant;
  /** EDF+ only: continuous (`EDF+C`) or discontinuous (`EDF+D`). */
  continuous: boolean;
  patient: string;
  recording: string;
  /** Local clock time of the start, ISO 8601 without zone (as EDF has no zone). */
  startDateTime: string;
  headerBytes: number;
  /** Number of whole data records present (may be fewer than declared, see `warnings`). */
  dataRecordCount: number;
  dataRecordDurationS: number;
  signals: EdfSignalHeader[];
  bytesPerSample: 2 | 3;
  recordBytes: number;
  fileSizeBytes: number;
  warnings: string[];
}

const FIXED_HEADER_BYTES = 256;
const SIGNAL_HEADER_BYTES = 256;

/** Field layout of the fixed header: [name, offset, width]. */
const FIXED_FIELDS = {
  version: [0, 8],
  patient: [8, 80],
  recording: [88, 80],
  startDate: [168, 8],
  startTime: [176, 8],
  headerBytes: [184, 8],
  reserved: [192, 44],
  dataRecordCount: [236, 8],
  dataRecordDuration: [244, 8],
  signalCount: [252, 4],
} as const;

/** Per-signal fields, stored field-major: all labels, then all transducers, ... */
const SIGNAL_FIELDS = [
  ['label', 16],
  ['transducer type', 80],
  ['physical dimension', 8],
  ['physical minimum', 8],
  ['physical maximum', 8],
  ['digital minimum', 8],
  ['digital maximum', 8],
  ['prefiltering', 80],
  ['samples per data record', 8],
  ['reserved', 32],
] as const;

export interface ReadHeaderOptions {
  /** Accept a file cut short, keeping the whole records present, with a warning. Default false. */
  allowPartial?: boolean;
}

export function readEdfHeader(file: string, options: ReadHeaderOptions = {}): EdfHeader {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw fileAccessError(file, error);
  }
  try {
    const fileSizeBytes = fstatSync(fd).size;
    const fixed = readExactly(fd, file, 0, FIXED_HEADER_BYTES, fileSizeBytes, 'header');
    const parser = new FieldParser(file, fixed, 0);
    const variant0 = detectVariant(file, fixed);
    const signalCount = parser.integer('number of signals', ...FIXED_FIELDS.signalCount);
    if (signalCount < 1) throw new FormatError(file, `must be at least 1, got ${signalCount}`, 'number of signals', 252);
    const headerBytes = parser.integer('number of bytes in header record', ...FIXED_FIELDS.headerBytes);
    const expectedHeaderBytes = FIXED_HEADER_BYTES + signalCount * SIGNAL_HEADER_BYTES;
    if (headerBytes !== expectedHeaderBytes) {
      throw new FormatError(
        file,
        `says ${headerBytes} but ${signalCount} signals need ${expectedHeaderBytes}`,
        'number of bytes in header record',
        184,
      );
    }
    const signalBlock = readExactly(fd, file, FIXED_HEADER_BYTES, headerBytes - FIXED_HEADER_BYTES, fileSizeBytes, 'signal headers');
    const reserved = parser.text('reserved', ...FIXED_FIELDS.reserved);
    const isPlus = reserved.startsWith('EDF+') || reserved.startsWith('BDF+');
    const variant: EdfVariant = variant0 === 'bdf' ? (isPlus ? 'bdf+' : 'bdf') : isPlus ? 'edf+' : 'edf';
    const bytesPerSample = variant0 === 'bdf' ? 3 : 2;

    const signals = readSignalHeaders(file, signalBlock, signalCount, variant, bytesPerSample);
    const recordBytes = signals.reduce((sum, s) => sum + s.samplesPerRecord * bytesPerSample, 0);
    const dataRecordDurationS = parser.number('duration of a data record', ...FIXED_FIELDS.dataRecordDuration);
    if (dataRecordDurationS < 0) throw new FormatError(file, 'must not be negative', 'duration of a data record', 244);
    const declaredRecords = parser.integer('number of data records', ...FIXED_FIELDS.dataRecordCount);

    const warnings: string[] = [];
    const dataBytes = fileSizeBytes - headerBytes;
    const recordsInFile = Math.floor(dataBytes / recordBytes);
    let dataRecordCount = declaredRecords;
    if (declaredRecords === -1) {
      // -1 is allowed while recording is in progress: count the records the file holds.
      dataRecordCount = recordsInFile;
      warnings.push(`number of data records is -1 (recording not closed); ${recordsInFile} whole records found`);
    } else if (declaredRecords < 0) {
      throw new FormatError(file, `must be -1 or positive, got ${declaredRecords}`, 'number of data records', 236);
    } else if (recordsInFile < declaredRecords) {
      const problem =
        `file is truncated: the header declares ${declaredRecords} data records of ${recordBytes} bytes ` +
        `(${headerBytes + declaredRecords * recordBytes} bytes in all) but the file has ${fileSizeBytes} bytes ` +
        `(${recordsInFile} whole records)`;
      if (!options.allowPartial || recordsInFile === 0) throw new FormatError(file, problem, 'number of data records', 236);
      dataRecordCount = recordsInFile;
      warnings.push(`${problem}; reading the ${recordsInFile} whole records`);
    } else if (dataBytes > declaredRecords * recordBytes) {
      warnings.push(`${dataBytes - declaredRecords * recordBytes} bytes after the last data record are ignored`);
    }
    if (dataRecordCount === 0) throw new FormatError(file, 'the file holds no data records', 'number of data records', 236);

    return {
      file,
      variant,
      continuous: !reserved.startsWith('EDF+D') && !reserved.startsWith('BDF+D'),
      patient: parser.text('local patient identification', ...FIXED_FIELDS.patient),
      recording: parser.text('local recording identification', ...FIXED_FIELDS.recording),
      startDateTime: parseStart(parser),
      headerBytes,
      dataRecordCount,
      dataRecordDurationS,
      signals,
      bytesPerSample,
      recordBytes,
      fileSizeBytes,
      warnings,
    };
  } finally {
    closeSync(fd);
  }
}

function detectVariant(file: string, fixed: Buffer): 'edf' | 'bdf' {
  if (fixed[0] === 0xff && fixed.toString('latin1', 1, 8) === 'BIOSEMI') return 'bdf';
  const version = fixed.toString('latin1', 0, 8);
  if (version.trim() === '0') return 'edf';
  const shown = JSON.stringify(fixed.toString('latin1', 0, 8).replace(/[^\x20-\x7e]/g, '?'));
  throw new FormatError(file, `not an EDF or BDF file (version is ${shown}, expected "0" or 0xFF"BIOSEMI")`, 'version', 0);
}

function readSignalHeaders(
  file: string,
  block: Buffer,
  count: number,
  variant: EdfVariant,
  bytesPerSample: 2 | 3,
): EdfSignalHeader[] {
  const parser = new FieldParser(file, block, FIXED_HEADER_BYTES);
  const columns = new Map<string, { offset: number; width: number }>();
  let fieldStart = 0;
  for (const [name, width] of SIGNAL_FIELDS) {
    columns.set(name, { offset: fieldStart, width });
    fieldStart += width * count;
  }
  const at = (name: (typeof SIGNAL_FIELDS)[number][0], i: number): [number, number] => {
    const column = columns.get(name)!;
    return [column.offset + i * column.width, column.width];
  };
  const signals: EdfSignalHeader[] = [];
  let offsetInRecord = 0;
  for (let i = 0; i < count; i++) {
    const label = parser.text(`label of signal ${i + 1}`, ...at('label', i));
    const isAnnotation =
      (variant === 'edf+' && label === 'EDF Annotations') || (variant === 'bdf+' && label === 'BDF Annotations');
    const field = (name: string) => `${name} of signal ${i + 1} (${label})`;
    const physicalMin = parser.number(field('physical minimum'), ...at('physical minimum', i));
    const physicalMax = parser.number(field('physical maximum'), ...at('physical maximum', i));
    const digitalMin = parser.integer(field('digital minimum'), ...at('digital minimum', i));
    const digitalMax = parser.integer(field('digital maximum'), ...at('digital maximum', i));
    const samplesPerRecord = parser.integer(field('samples per data record'), ...at('samples per data record', i));
    if (samplesPerRecord < 1) {
      throw new FormatError(file, `must be at least 1, got ${samplesPerRecord}`, field('samples per data record'), FIXED_HEADER_BYTES + at('samples per data record', i)[0]);
    }
    if (!isAnnotation && digitalMax <= digitalMin) {
      throw new FormatError(
        file,
        `digital maximum (${digitalMax}) must be greater than digital minimum (${digitalMin})`,
        field('digital maximum'),
        FIXED_HEADER_BYTES + at('digital maximum', i)[0],
      );
    }
    if (!isAnnotation && physicalMax === physicalMin) {
      throw new FormatError(file, `physical maximum equals physical minimum (${physicalMin})`, field('physical maximum'), FIXED_HEADER_BYTES + at('physical maximum', i)[0]);
    }
    const gain = isAnnotation ? 1 : (physicalMax - physicalMin) / (digitalMax - digitalMin);
    signals.push({
      label,
      transducer: parser.text(field('transducer type'), ...at('transducer type', i)),
      physicalDimension: parser.text(field('physical dimension'), ...at('physical dimension', i)),
      physicalMin,
      physicalMax,
      digitalMin,
      digitalMax,
      prefiltering: parser.text(field('prefiltering'), ...at('prefiltering', i)),
      samplesPerRecord,
      isAnnotation,
      offsetInRecord,
      gain,
      offset: isAnnotation ? 0 : physicalMax - gain * digitalMax,
    });
    offsetInRecord += samplesPerRecord * bytesPerSample;
  }
  return signals;
}

function parseStart(parser: FieldParser): string {
  const date = parser.text('startdate of recording', ...FIXED_FIELDS.startDate);
  const time = parser.text('starttime of recording', ...FIXED_FIELDS.startTime);
  const d = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(date);
  const t = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(time);
  if (!d) parser.fail('startdate of recording', FIXED_FIELDS.startDate[0], `expected dd.mm.yy, got "${date}"`);
  if (!t) parser.fail('starttime of recording', FIXED_FIELDS.startTime[0], `expected hh.mm.ss, got "${time}"`);
  const yy = Number(d![3]);
  // EDF spec: years 85-99 are 1985-1999, 00-84 are 2000-2084.
  const year = yy >= 85 ? 1900 + yy : 2000 + yy;
  return `${year}-${d![2]}-${d![1]}T${t![1]}:${t![2]}:${t![3]}`;
}

/** Reads fixed-width ASCII fields, failing with the field name and absolute byte offset. */
class FieldParser {
  constructor(
    private readonly file: string,
    private readonly bytes: Buffer,
    private readonly baseOffset: number,
  ) {}

  fail(field: string, offset: number, problem: string): never {
    throw new FormatError(this.file, problem, field, this.baseOffset + offset);
  }

  text(field: string, offset: number, width: number): string {
    for (let i = offset; i < offset + width; i++) {
      const byte = this.bytes[i]!;
      if (byte < 0x20 || byte > 0x7e) {
        this.fail(field, i, `non-ASCII byte 0x${byte.toString(16).padStart(2, '0')} (EDF header fields are printable ASCII)`);
      }
    }
    return this.bytes.toString('latin1', offset, offset + width).trim();
  }

  number(field: string, offset: number, width: number): number {
    const text = this.text(field, offset, width);
    const value = text === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(value)) this.fail(field, offset, `expected a number, got "${text}"`);
    return value;
  }

  integer(field: string, offset: number, width: number): number {
    const value = this.number(field, offset, width);
    if (!Number.isInteger(value)) this.fail(field, offset, `expected an integer, got ${value}`);
    return value;
  }
}

function readExactly(fd: number, file: string, position: number, length: number, fileSize: number, what: string): Buffer {
  const buffer = Buffer.alloc(length);
  const read = length === 0 ? 0 : readSync(fd, buffer, 0, length, position);
  if (read < length) {
    throw new FormatError(
      file,
      `file ends inside the ${what} (${fileSize} bytes, reading it needs ${position + length})`,
      what,
      fileSize,
    );
  }
  return buffer;
}
