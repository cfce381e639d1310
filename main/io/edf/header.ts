/**
 * EDF / EDF+ / BDF / BDF+ header reader (the full reader with annotations and random access comes
 * with the EEG issue). Follows the EDF spec (Kemp et al. 1992), EDF+ (Kemp & Olivan 2003) and
 * BioSemi's 24-bit BDF. Reads the header bytes (and a few bytes of each data signal in the first
 * record), and checks every field against the specifications' ranges and the file size, as
 * EDFbrowser's header check does, so a multi-day recording opens instantly and a broken file fails
 * with the field and byte at fault. What is odd but readable is kept, with a warning.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FormatError, fileAccessError } from '../../errors.js';
import { assertReadableSource } from '../source-file.js';

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
  assertReadableSource(file); // every caller (import, info, training, detection): a FIFO's open() would block
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw fileAccessError(file, error);
  }
  try {
    const fileSizeBytes = fstatSync(fd).size;
    const fixed = readExactly(fd, file, 0, FIXED_HEADER_BYTES, fileSizeBytes, 'header');
    const variant0 = detectVariant(file, fixed);
    const parser = new FieldParser(file, fixed, 0);
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
    // EDF+ spec 2.1.3: the reserved field starts with EDF+C or EDF+D; anything else leaves it unknown
    // whether the records are contiguous, so the data could not be placed in time.
    if (isPlus && reserved[4] !== 'C' && reserved[4] !== 'D') {
      parser.fail('reserved', FIXED_FIELDS.reserved[0], `starts with "${reserved.slice(0, 4)}" but is neither ${reserved.slice(0, 3)}+C nor ${reserved.slice(0, 3)}+D`);
    }
    const continuous = !isPlus || reserved[4] === 'C';
    const variant: EdfVariant = variant0 === 'bdf' ? (isPlus ? 'bdf+' : 'bdf') : isPlus ? 'edf+' : 'edf';
    const bytesPerSample = variant0 === 'bdf' ? 3 : 2;

    const signalParser = new FieldParser(file, signalBlock, FIXED_HEADER_BYTES);
    const signals = readSignalHeaders(signalParser, signalCount, variant, bytesPerSample);
    const recordBytes = signals.reduce((sum, s) => sum + s.samplesPerRecord * bytesPerSample, 0);
    const durationText = parser.text('duration of a data record', ...FIXED_FIELDS.dataRecordDuration);
    // A plain decimal: "-0", "1e308", "0x10", "inf" are refused (EDFbrowser refuses them too).
    const dataRecordDurationS = parser.decimal('duration of a data record', ...FIXED_FIELDS.dataRecordDuration);
    if (durationText.startsWith('-')) throw new FormatError(file, 'must not be negative', 'duration of a data record', 244);
    const declaredRecords = parser.integer('number of data records', ...FIXED_FIELDS.dataRecordCount);
    checkRecordScale(file, signals, recordBytes, dataRecordDurationS);

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

    // Before the checks below: a mislabelled annotation signal explains them best.
    refuseAnnotationTextInDataSignals(fd, file, headerBytes, signals, variant0, bytesPerSample);
    const firstData = signals.findIndex((s) => !s.isAnnotation);
    if (dataRecordDurationS === 0 && firstData >= 0) {
      // EDF+ spec 2.1.3: only a file without data signals may have records of duration 0.
      throw new FormatError(
        file,
        `is 0, which only a file of annotation signals may have (signal ${firstData + 1} (${signals[firstData]!.label}) would have no sample rate)`,
        'duration of a data record',
        244,
      );
    }
    const annotationLabel = variant0 === 'bdf' ? 'BDF Annotations' : 'EDF Annotations';
    if (isPlus && !signals.some((s) => s.isAnnotation)) {
      if (!continuous) {
        parser.fail('reserved', FIXED_FIELDS.reserved[0], `${reserved.slice(0, 5)} file without an "${annotationLabel}" signal: the start time of each data record is unknown`);
      }
      warnings.push(`${reserved.slice(0, 5)} file without an "${annotationLabel}" signal (EDF+ requires one); read as a plain ${variant0 === 'bdf' ? 'BDF' : 'EDF'} file`);
    }
    const unjustified = parser.unjustified ?? signalParser.unjustified;
    if (unjustified) {
      warnings.push(`numeric header fields are not left-justified as EDF requires (first: "${unjustified.field}" at byte ${unjustified.byteOffset}); read anyway`);
    }

    return {
      file,
      variant,
      continuous,
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
  // The spec's version is "0" and seven spaces. The bytes found are not quoted: in a file that is
  // not EDF at all they may be the start of someone's text.
  if (fixed.toString('latin1', 0, 8) === '0       ') return 'edf';
  const problem = fixed.toString('latin1', 0, 8).trim() === '0'
    ? 'version must be "0" followed by 7 spaces (EDF) or 0xFF"BIOSEMI" (BDF)'
    : 'not an EDF or BDF file (the version field is neither "0" nor 0xFF"BIOSEMI")';
  throw new FormatError(file, problem, 'version', 0);
}

/** 16-bit EDF and 24-bit BDF sample ranges. */
const DIGITAL_RANGE = { 2: [-32768, 32767], 3: [-8388608, 8388607] } as const;

function readSignalHeaders(
  parser: FieldParser,
  count: number,
  variant: EdfVariant,
  bytesPerSample: 2 | 3,
): EdfSignalHeader[] {
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
  const [digitalLow, digitalHigh] = DIGITAL_RANGE[bytesPerSample];
  const bits = bytesPerSample * 8;
  const signals: EdfSignalHeader[] = [];
  let offsetInRecord = 0;
  for (let i = 0; i < count; i++) {
    const label = parser.text(`label of signal ${i + 1}`, ...at('label', i));
    const isAnnotation =
      (variant === 'edf+' && label === 'EDF Annotations') || (variant === 'bdf+' && label === 'BDF Annotations');
    const field = (name: string) => `${name} of signal ${i + 1} (${label})`;
    const fail = (name: (typeof SIGNAL_FIELDS)[number][0], problem: string): never =>
      parser.fail(field(name), at(name, i)[0], problem);
    const physicalMin = parser.real(field('physical minimum'), ...at('physical minimum', i));
    const physicalMax = parser.real(field('physical maximum'), ...at('physical maximum', i));
    const digitalMin = parser.integer(field('digital minimum'), ...at('digital minimum', i));
    const digitalMax = parser.integer(field('digital maximum'), ...at('digital maximum', i));
    const samplesPerRecord = parser.integer(field('samples per data record'), ...at('samples per data record', i));
    if (samplesPerRecord < 1) fail('samples per data record', `must be at least 1, got ${samplesPerRecord}`);
    // Samples are stored in `bits` bits, so a wider digital range cannot describe them.
    for (const [name, value] of [['digital minimum', digitalMin], ['digital maximum', digitalMax]] as const) {
      if (value < digitalLow || value > digitalHigh) {
        fail(name, `${value} is outside the ${bits}-bit sample range ${digitalLow}..${digitalHigh} of ${bytesPerSample === 2 ? 'EDF' : 'BDF'}`);
      }
    }
    if (!isAnnotation && digitalMax <= digitalMin) {
      fail('digital maximum', `digital maximum (${digitalMax}) must be greater than digital minimum (${digitalMin})`);
    }
    if (!isAnnotation && physicalMax === physicalMin) {
      fail('physical maximum', `physical maximum equals physical minimum (${physicalMin})`);
    }
    const gain = isAnnotation ? 1 : (physicalMax - physicalMin) / (digitalMax - digitalMin);
    const offset = isAnnotation ? 0 : physicalMax - gain * digitalMax;
    if (!Number.isFinite(gain) || gain === 0 || !Number.isFinite(offset)) {
      fail('physical maximum', `the physical range ${physicalMin}..${physicalMax} cannot scale samples to finite values`);
    }
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
      offset,
    });
    offsetInRecord += samplesPerRecord * bytesPerSample;
  }
  return signals;
}

/**
 * The first TAL of an annotation signal: onset, optional duration, texts each ended by 0x14, then
 * 0x00 (EDF+ spec 2.2.2). Random bytes start like this far less than once in a million signals.
 */
const TAL_AT_START = /^[+-]\d+(?:\.\d+)?(?:\x15\d+(?:\.\d+)?)?\x14[^\x00]*\x14\x00/;
const TAL_PROBE_BYTES = 512;

/**
 * A data signal whose first record holds a TAL is an annotation signal that lost its label (or an
 * EDF+ file that lost its "EDF+C" mark): read as samples it would turn the annotations into a
 * meaningless waveform, and lose them. One small read per data signal, from the first record.
 */
function refuseAnnotationTextInDataSignals(
  fd: number,
  file: string,
  headerBytes: number,
  signals: EdfSignalHeader[],
  variant0: 'edf' | 'bdf',
  bytesPerSample: 2 | 3,
): void {
  const annotationLabel = variant0 === 'bdf' ? 'BDF Annotations' : 'EDF Annotations';
  const plusMark = variant0 === 'bdf' ? 'BDF+C or BDF+D' : 'EDF+C or EDF+D';
  const probe = Buffer.alloc(TAL_PROBE_BYTES);
  signals.forEach((signal, i) => {
    if (signal.isAnnotation) return;
    const length = Math.min(TAL_PROBE_BYTES, signal.samplesPerRecord * bytesPerSample);
    const read = readSync(fd, probe, 0, length, headerBytes + signal.offsetInRecord);
    if (!TAL_AT_START.test(probe.toString('latin1', 0, read))) return;
    const why =
      signal.label === annotationLabel
        ? `it is labelled "${annotationLabel}" but the header's reserved field does not start with ${plusMark}`
        : `its label is not exactly "${annotationLabel}"`;
    throw new FormatError(
      file,
      `signal ${i + 1} holds EDF+ annotations (TAL text), not samples: ${why}`,
      `label of signal ${i + 1}`,
      FIXED_HEADER_BYTES + i * 16,
    );
  });
}

const DATE = /^(\d\d)\.(\d\d)\.(\d\d)$/;

function parseStart(parser: FieldParser): string {
  const date = parser.text('startdate of recording', ...FIXED_FIELDS.startDate);
  const time = parser.text('starttime of recording', ...FIXED_FIELDS.startTime);
  // The date is identifying: say what is wrong with it, never what it is.
  const d = DATE.exec(date);
  const t = DATE.exec(time);
  if (!d) parser.fail('startdate of recording', FIXED_FIELDS.startDate[0], 'expected dd.mm.yy (two digits each, separated by points)');
  if (!t) parser.fail('starttime of recording', FIXED_FIELDS.startTime[0], 'expected hh.mm.ss (two digits each, separated by points)');
  const [day, month, yy] = [Number(d![1]), Number(d![2]), Number(d![3])];
  // EDF spec: years 85-99 are 1985-1999, 00-84 are 2000-2084.
  const year = yy >= 85 ? 1900 + yy : 2000 + yy;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12) parser.fail('startdate of recording', FIXED_FIELDS.startDate[0] + 3, 'month is not 01..12');
  if (day < 1 || day > daysInMonth) parser.fail('startdate of recording', FIXED_FIELDS.startDate[0], `day is not 01..${daysInMonth} for its month`);
  if (Number(t![1]) > 23 || Number(t![2]) > 59 || Number(t![3]) > 59) {
    parser.fail('starttime of recording', FIXED_FIELDS.startTime[0], 'not a time of day (hours 00..23, minutes and seconds 00..59)');
  }
  return `${year}-${d![2]}-${d![1]}T${t![1]}:${t![2]}:${t![3]}`;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const REAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads fixed-width ASCII fields, failing with the field name and absolute byte offset. Numeric
 * fields hold ASCII digits, sign and point, left-justified and padded with spaces (EDF spec 2.1.3);
 * JavaScript's Number() would also take hex, exponents, "Infinity" and inner whitespace, so the
 * text is matched first. Errors say what is wrong, never quote the field's bytes.
 */
class FieldParser {
  /** The numeric field padded in front at the lowest offset (read, but worth a warning). */
  unjustified: { field: string; byteOffset: number } | undefined;

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

  private numeric(field: string, offset: number, width: number, pattern: RegExp, expected: string): number {
    const text = this.text(field, offset, width);
    if (text === '') this.fail(field, offset, `empty (expected ${expected})`);
    const byteOffset = this.baseOffset + offset;
    if (this.bytes[offset] === 0x20 && !(this.unjustified && this.unjustified.byteOffset < byteOffset)) {
      this.unjustified = { field, byteOffset };
    }
    if (!pattern.test(text)) this.fail(field, offset, `expected ${expected}`);
    const value = Number(text);
    if (!Number.isFinite(value)) this.fail(field, offset, 'the number is too large to be finite');
    return value;
  }

  /** A whole number: digits with an optional sign. */
  integer(field: string, offset: number, width: number): number {
    return this.numeric(field, offset, width, INTEGER, 'a whole number (ASCII digits and an optional sign)');
  }

  /** A plain decimal: digits, optional sign and point; no exponent. */
  decimal(field: string, offset: number, width: number): number {
    return this.numeric(field, offset, width, DECIMAL, 'a decimal number (ASCII digits, an optional sign and point; no exponent, hex, inf or nan)');
  }

  /** A decimal with an optional exponent (physical limits such as "1E-3"; EDFbrowser accepts them). */
  real(field: string, offset: number, width: number): number {
    return this.numeric(field, offset, width, REAL, 'a decimal number (ASCII digits, an optional sign, point and exponent)');
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

/**
 * Bounds no specification states but every reader needs: one data record is read and decoded
 * whole, so its size bounds a page's memory (EDFlib refuses records over 10–15 MB; 64 MiB leaves room
 * for high-density ECoG at 20 kHz), and a sample rate above 1 MHz is a damaged duration or count
 * field, not a recording (scalp, intracranial and unit recordings stay well below 100 kHz).
 */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
export const MAX_SAMPLE_RATE_HZ = 1_000_000;

function checkRecordScale(file: string, signals: readonly EdfSignalHeader[], recordBytes: number, recordDurationS: number): void {
  // Byte offset of signal i's "samples per data record" field: after the fixed header and the
  // label … prefiltering fields of every signal (216 bytes a signal), 8 bytes a signal.
  const samplesFieldOffset = (i: number) => FIXED_HEADER_BYTES + signals.length * 216 + 8 * i;
  if (recordBytes > MAX_RECORD_BYTES) {
    throw new FormatError(file, `one data record would hold ${recordBytes} bytes, more than ${MAX_RECORD_BYTES} (damaged header?)`, 'samples per data record', samplesFieldOffset(0));
  }
  if (recordDurationS <= 0) return; // annotation-only files; checked where duration 0 is decided
  signals.forEach((signal, i) => {
    if (signal.isAnnotation) return;
    const rateHz = signal.samplesPerRecord / recordDurationS;
    if (rateHz > MAX_SAMPLE_RATE_HZ) {
      throw new FormatError(
        file,
        `signal ${i + 1} (${signal.label}) would be sampled at ${rateHz.toPrecision(3)} Hz, above ${MAX_SAMPLE_RATE_HZ} Hz (damaged duration or samples field?)`,
        'samples per data record',
        samplesFieldOffset(i),
      );
    }
  });
}
