/**
 * EDF / EDF+ (continuous or discontinuous) / BDF writer: used by tests, benchmarks and exports.
 * Values are given in physical units and quantised to the digital range like any acquisition
 * system would. Annotations go into an `EDF Annotations` signal as TALs, each in the data record
 * its onset falls in. Large files are written record by record (`writeEdfFile`), never held whole.
 */
import { writeSync } from 'node:fs';
import { writeThroughTemporary } from '../write-target.js';
import { encodeTals, type EdfAnnotation } from './annotations.js';

export interface EdfSignalToWrite {
  label: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin?: number;
  digitalMax?: number;
  samplesPerRecord: number;
  /** Physical values, `recordCount * samplesPerRecord` long, or a function giving one record's values. */
  values: ArrayLike<number> | ((record: number) => ArrayLike<number>);
  prefiltering?: string;
  transducer?: string;
}

export interface EdfToWrite {
  /** 'edf' (default), 'edf+C', 'edf+D' (needs recordStartsS) or 'bdf' (24-bit). */
  variant?: 'edf' | 'edf+C' | 'edf+D' | 'bdf';
  patient?: string;
  recording?: string;
  /** Local clock time, `YYYY-MM-DDTHH:MM:SS`. */
  startDateTime?: string;
  dataRecordDurationS: number;
  recordCount: number;
  signals: EdfSignalToWrite[];
  /** EDF+ only. */
  annotations?: EdfAnnotation[];
  /** EDF+D only: start of each record, seconds from the start time. */
  recordStartsS?: number[];
}

function field(value: string | number, width: number): string {
  const text = String(value);
  if (text.length > width) throw new RangeError(`EDF field "${text}" is longer than ${width} characters`);
  return text.padEnd(width, ' ');
}

/** A number in at most `width` characters (EDF numeric fields are 8 characters). */
function numberField(value: number, width = 8): string {
  let text = String(value);
  if (text.length > width) text = value.toPrecision(width - (value < 0 ? 6 : 5));
  return field(text, width);
}

interface Layout {
  plus: boolean;
  bytesPerSample: 2 | 3;
  signals: EdfSignalToWrite[];
  /** Annotations per record (EDF+). */
  annotationsByRecord: EdfAnnotation[][];
  annotationSamples: number;
  recordBytes: number;
  headerBytes: number;
}

function recordStart(edf: EdfToWrite, record: number): number {
  return edf.recordStartsS?.[record] ?? record * edf.dataRecordDurationS;
}

function layout(edf: EdfToWrite): Layout {
  const variant = edf.variant ?? 'edf';
  const plus = variant === 'edf+C' || variant === 'edf+D';
  if (variant === 'edf+D' && edf.recordStartsS?.length !== edf.recordCount) {
    throw new RangeError('EDF+D needs recordStartsS with one start per record');
  }
  if (!plus && edf.annotations?.length) throw new RangeError('annotations need an EDF+ variant');
  const bytesPerSample = variant === 'bdf' ? 3 : 2;
  const annotationsByRecord: EdfAnnotation[][] = Array.from({ length: plus ? edf.recordCount : 0 }, () => []);
  for (const annotation of edf.annotations ?? []) {
    let record = 0;
    while (record + 1 < edf.recordCount && recordStart(edf, record + 1) <= annotation.onsetS) record++;
    annotationsByRecord[record]!.push(annotation);
  }
  // Bytes the busiest record needs (time-keeping TAL + its annotations), rounded up to samples.
  const encoder = new TextEncoder();
  let annotationBytes = 0;
  annotationsByRecord.forEach((list, record) => {
    let bytes = `+${recordStart(edf, record)}\x14\x14\x00`.length + 8;
    for (const a of list) bytes += encoder.encode(`+${a.onsetS}\x15${a.durationS}\x14${a.text}\x14\x00`).length + 8;
    annotationBytes = Math.max(annotationBytes, bytes);
  });
  const annotationSamples = plus ? Math.ceil(annotationBytes / 2) : 0;
  const signals = [...edf.signals];
  const recordBytes = signals.reduce((n, sg) => n + bytesPerSample * sg.samplesPerRecord, 0) + annotationSamples * 2;
  return { plus, bytesPerSample, signals, annotationsByRecord, annotationSamples, recordBytes, headerBytes: 256 * (signals.length + (plus ? 1 : 0) + 1) };
}

function encodeHeader(edf: EdfToWrite, lay: Layout): Buffer {
  const start = edf.startDateTime ?? '2000-01-01T00:00:00';
  const [, y, mo, d, h, mi, s] = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)$/.exec(start) ?? [];
  if (!y) throw new RangeError(`startDateTime must be YYYY-MM-DDTHH:MM:SS, got ${start}`);
  const bdf = lay.bytesPerSample === 3;
  const columns: EdfSignalToWrite[] = [...lay.signals];
  if (lay.plus) {
    columns.push({ label: 'EDF Annotations', physicalDimension: '', physicalMin: -1, physicalMax: 1, digitalMin: -32768, digitalMax: 32767, samplesPerRecord: lay.annotationSamples, values: [] });
  }
  const digitalLimit = bdf ? 8388608 : 32768;
  const reserved = lay.plus ? (edf.variant === 'edf+D' ? 'EDF+D' : 'EDF+C') : bdf ? '24BIT' : '';
  let header =
    (bdf ? '\xffBIOSEMI' : field('0', 8)) +
    field(edf.patient ?? 'X X X X', 80) +
    field(edf.recording ?? 'Startdate X X X X', 80) +
    `${d}.${mo}.${y.slice(2)}` +
    `${h}.${mi}.${s}` +
    field(lay.headerBytes, 8) +
    field(reserved, 44) +
    field(edf.recordCount, 8) +
    numberField(edf.dataRecordDurationS) +
    field(columns.length, 4);
  const column = (get: (signal: EdfSignalToWrite) => string) => columns.map(get).join('');
  header += column((sg) => field(sg.label, 16));
  header += column((sg) => field(sg.transducer ?? '', 80));
  header += column((sg) => field(sg.physicalDimension, 8));
  header += column((sg) => numberField(sg.physicalMin));
  header += column((sg) => numberField(sg.physicalMax));
  header += column((sg) => numberField(sg.digitalMin ?? -digitalLimit));
  header += column((sg) => numberField(sg.digitalMax ?? digitalLimit - 1));
  header += column((sg) => field(sg.prefiltering ?? '', 80));
  header += column((sg) => field(sg.samplesPerRecord, 8));
  header += column(() => field('', 32));
  return Buffer.from(header, 'latin1');
}

function encodeRecord(edf: EdfToWrite, lay: Layout, record: number, out: Buffer, at: number): void {
  let p = at;
  const digitalLimit = lay.bytesPerSample === 3 ? 8388608 : 32768;
  for (const sg of lay.signals) {
    const digitalMin = sg.digitalMin ?? -digitalLimit;
    const digitalMax = sg.digitalMax ?? digitalLimit - 1;
    const scale = (digitalMax - digitalMin) / (sg.physicalMax - sg.physicalMin);
    const values = typeof sg.values === 'function' ? sg.values(record) : sg.values;
    const base = typeof sg.values === 'function' ? 0 : record * sg.samplesPerRecord;
    for (let i = 0; i < sg.samplesPerRecord; i++) {
      const value = values[base + i] ?? 0;
      const digital = Math.min(digitalMax, Math.max(digitalMin, Math.round((value - sg.physicalMin) * scale + digitalMin)));
      if (lay.bytesPerSample === 2) out.writeInt16LE(digital, p);
      else out.writeIntLE(digital, p, 3);
      p += lay.bytesPerSample;
    }
  }
  if (lay.plus) {
    const tals = encodeTals(recordStart(edf, record), lay.annotationsByRecord[record] ?? [], lay.annotationSamples * 2);
    out.set(tals, p);
  }
}

/** The whole file in memory (small files: tests, exports). */
export function encodeEdf(edf: EdfToWrite): Buffer {
  const lay = layout(edf);
  const out = Buffer.alloc(lay.headerBytes + edf.recordCount * lay.recordBytes);
  encodeHeader(edf, lay).copy(out, 0);
  for (let r = 0; r < edf.recordCount; r++) encodeRecord(edf, lay, r, out, lay.headerBytes + r * lay.recordBytes);
  return out;
}

/**
 * Writes a file of any size record by record through a temporary file renamed at the end
 * (io/write-target), so a failure never leaves a half-written file under the real name. It
 * replaces `path` unchecked: callers that write where a user pointed check it first.
 */
export function writeEdfFile(path: string, edf: EdfToWrite, onProgress?: (fraction: number) => void): void {
  const lay = layout(edf);
  writeThroughTemporary(
    path,
    (fd) => {
      writeSync(fd, encodeHeader(edf, lay));
      const perChunk = Math.max(1, Math.floor((8 << 20) / lay.recordBytes));
      const chunk = Buffer.alloc(perChunk * lay.recordBytes);
      for (let first = 0; first < edf.recordCount; first += perChunk) {
        const count = Math.min(perChunk, edf.recordCount - first);
        for (let r = 0; r < count; r++) encodeRecord(edf, lay, first + r, chunk, r * lay.recordBytes);
        writeSync(fd, chunk, 0, count * lay.recordBytes);
        onProgress?.((first + count) / edf.recordCount);
      }
    },
    { replace: true },
  );
}
