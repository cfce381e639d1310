/**
 * Random access to an EDF/EDF+/BDF/BDF+ file by time, without loading it: opening reads the header
 * only; a time window costs positioned reads of the records it overlaps, so a 10 s page of a 24 h
 * recording reads ~10 records whatever the file size. EDF+D record start times (needed to place
 * records in time) are read on first use, one small read per record.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { FormatError, fileAccessError } from '../../errors.js';
import { parseTals, type EdfAnnotation } from './annotations.js';
import { readEdfHeader, type EdfHeader, type EdfSignalHeader, type ReadHeaderOptions } from './header.js';

export interface SignalWindow {
  /** Window start, seconds from the recording start. */
  startS: number;
  durationS: number;
  /** One array per requested signal, at that signal's own rate; NaN where no record covers (EDF+D gaps). */
  data: Float64Array[];
  /** Parts of the window no record covers: [startS, endS]. */
  gaps: [number, number][];
}

export class EdfReader {
  private fd: number | null;
  private recordStarts: Float64Array | null = null;
  private annotationsCache: EdfAnnotation[] | null = null;

  private constructor(readonly header: EdfHeader) {
    try {
      this.fd = openSync(header.file, 'r');
    } catch (error) {
      throw fileAccessError(header.file, error);
    }
  }

  /** Opens a file; partial files (cut inside the data) are readable to the last whole record. */
  static open(file: string, options: ReadHeaderOptions = { allowPartial: true }): EdfReader {
    return new EdfReader(readEdfHeader(file, options));
  }

  get file(): string {
    return this.header.file;
  }

  /** Signals that carry samples (not EDF+ annotation signals), with their index in the header. */
  dataSignals(): { index: number; signal: EdfSignalHeader; sampleRateHz: number }[] {
    return this.header.signals
      .map((signal, index) => ({ index, signal, sampleRateHz: this.sampleRate(signal) }))
      .filter(({ signal }) => !signal.isAnnotation);
  }

  sampleRate(signal: EdfSignalHeader): number {
    return this.header.dataRecordDurationS > 0 ? signal.samplesPerRecord / this.header.dataRecordDurationS : 0;
  }

  /** End of the last record, seconds from the start (differs from records × duration in EDF+D). */
  get durationS(): number {
    const { dataRecordCount, dataRecordDurationS } = this.header;
    if (dataRecordCount === 0) return 0;
    return this.recordStart(dataRecordCount - 1) + dataRecordDurationS;
  }

  /** Start of record r, seconds from the recording start. */
  recordStart(record: number): number {
    if (this.header.continuous) return record * this.header.dataRecordDurationS;
    return this.loadRecordStarts()[record]!;
  }

  /** Raw bytes of records [first, first + count). */
  readRecords(first: number, count: number): Buffer {
    if (this.fd === null) throw new Error(`${this.file}: reader is closed`);
    const { header } = this;
    if (first < 0 || count < 0 || first + count > header.dataRecordCount) {
      throw new RangeError(`records ${first}..${first + count} outside 0..${header.dataRecordCount}`);
    }
    return this.readAt(header.headerBytes + first * header.recordBytes, count * header.recordBytes);
  }

  /**
   * Reads [startS, startS + durationS) of the given signals (header indices), in physical units.
   * Samples are aligned to each signal's own grid: sample i of signal k lies at startS + i / rate_k.
   */
  readWindow(startS: number, durationS: number, signalIndices: readonly number[]): SignalWindow {
    const { header } = this;
    const signals = signalIndices.map((index) => {
      const signal = header.signals[index];
      if (!signal || signal.isAnnotation) throw new RangeError(`${this.file}: no data signal at index ${index}`);
      return signal;
    });
    const endS = startS + durationS;
    const data = signals.map((signal) => new Float64Array(Math.round(durationS * this.sampleRate(signal))).fill(Number.NaN));
    const [first, last] = this.recordsOverlapping(startS, endS);
    const recordDuration = header.dataRecordDurationS;
    const covered: [number, number][] = [];
    // Read the overlapping records in blocks (one positioned read per ≤ 8 MB).
    const blockRecords = Math.max(1, Math.floor((8 << 20) / header.recordBytes));
    for (let blockStart = first; blockStart < last; blockStart += blockRecords) {
      const count = Math.min(blockRecords, last - blockStart);
      const block = this.readRecords(blockStart, count);
      for (let r = 0; r < count; r++) {
        const record = blockStart + r;
        const recordStartS = this.recordStart(record);
        covered.push([recordStartS, recordStartS + recordDuration]);
        signals.forEach((signal, k) => {
          const rate = this.sampleRate(signal);
          const out = data[k]!;
          const firstIndex = Math.round((recordStartS - startS) * rate);
          const from = Math.max(0, -firstIndex);
          const to = Math.min(signal.samplesPerRecord, out.length - firstIndex);
          decodeInto(header, signal, block, r * header.recordBytes, from, to, out, firstIndex + from);
        });
      }
    }
    return { startS, durationS, data, gaps: uncovered(startS, endS, covered) };
  }

  /**
   * All annotations of all annotation signals, sorted by onset (read once, then cached). Reads and
   * checks every annotation block of the file (one small read per record and annotation signal),
   * so importing calls it: a broken block is refused at import, with its record and byte offset.
   * Time-keeping TALs that contradict EDF+C's back-to-back records add a warning to the header's.
   */
  annotations(): EdfAnnotation[] {
    if (this.annotationsCache) return this.annotationsCache;
    const annotationSignals = this.header.signals.filter((signal) => signal.isAnnotation);
    const all: EdfAnnotation[] = [];
    const starts = annotationSignals.length ? new Float64Array(this.header.dataRecordCount) : null;
    for (let record = 0; record < this.header.dataRecordCount; record++) {
      annotationSignals.forEach((signal, k) => {
        const parsed = this.readTals(record, signal, k === 0);
        for (const annotation of parsed.annotations) all.push(annotation);
        if (starts && k === 0) starts[record] = this.requireRecordStart(parsed.recordStartS, record, signal);
      });
    }
    if (starts) {
      this.checkRecordStarts(starts, annotationSignals[0]!);
      if (!this.header.continuous) this.recordStarts = starts;
    }
    all.sort((a, b) => a.onsetS - b.onsetS);
    this.annotationsCache = all;
    return all;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private readTals(record: number, signal: EdfSignalHeader, isFirstSignal: boolean) {
    const position = this.annotationOffset(record, signal);
    const bytes = this.readAt(position, signal.samplesPerRecord * this.header.bytesPerSample);
    return parseTals(bytes, isFirstSignal, this.file, { record, byteOffset: position });
  }

  private annotationOffset(record: number, signal: EdfSignalHeader): number {
    return this.header.headerBytes + record * this.header.recordBytes + signal.offsetInRecord;
  }

  private requireRecordStart(start: number | null, record: number, signal: EdfSignalHeader): number {
    if (start === null) {
      throw new FormatError(
        this.file,
        `data record ${record + 1} does not start with a time-keeping TAL ("+seconds" then 0x14 0x14; EDF+ requires one in every record)`,
        'EDF+ annotation (TAL)',
        this.annotationOffset(record, signal),
      );
    }
    return start;
  }

  /**
   * EDF+D records must follow each other without overlap (else two records would claim the same
   * time). EDF+C records are placed back to back from the start time; time-keeping TALs that say
   * otherwise are reported as a warning (EDFbrowser refuses such files; MNE ignores the TALs).
   */
  private checkRecordStarts(starts: Float64Array, signal: EdfSignalHeader): void {
    const duration = this.header.dataRecordDurationS;
    const tolerance = 1e-6; // far below any sample interval: only decimal rounding passes
    if (!this.header.continuous) {
      for (let record = 1; record < starts.length; record++) {
        if (starts[record]! < starts[record - 1]! + duration - tolerance) {
          throw new FormatError(
            this.file,
            `data record ${record + 1} starts at ${starts[record]} s, before the record preceding it ends (${starts[record - 1]} s + ${duration} s): EDF+D records must be in time order without overlap`,
            'EDF+ annotation (TAL)',
            this.annotationOffset(record, signal),
          );
        }
      }
      return;
    }
    if (duration <= 0) return;
    for (let record = 0; record < starts.length; record++) {
      if (Math.abs(starts[record]! - record * duration) > tolerance) {
        this.header.warnings.push(
          `the time-keeping TAL of data record ${record + 1} says it starts at ${starts[record]} s, but EDF+C records follow each other from the start time (${record * duration} s); the signals are shown back to back`,
        );
        return;
      }
    }
  }

  private loadRecordStarts(): Float64Array {
    if (this.recordStarts) return this.recordStarts;
    const first = this.header.signals.find((signal) => signal.isAnnotation);
    if (!first) throw new FormatError(this.file, 'EDF+D file without an annotation signal', 'reserved', 192);
    const starts = new Float64Array(this.header.dataRecordCount);
    for (let record = 0; record < starts.length; record++) {
      starts[record] = this.requireRecordStart(this.readTals(record, first, true).recordStartS, record, first);
    }
    this.checkRecordStarts(starts, first);
    this.recordStarts = starts;
    return starts;
  }

  /** Records [first, last) that overlap [startS, endS). */
  private recordsOverlapping(startS: number, endS: number): [number, number] {
    const { dataRecordCount, dataRecordDurationS } = this.header;
    if (dataRecordDurationS <= 0) return [0, 0];
    if (this.header.continuous) {
      const first = Math.max(0, Math.floor(startS / dataRecordDurationS));
      const last = Math.min(dataRecordCount, Math.ceil(endS / dataRecordDurationS));
      return [Math.min(first, last), last];
    }
    const starts = this.loadRecordStarts();
    // First record ending after startS, then every record starting before endS.
    let lo = 0;
    let hi = dataRecordCount;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! + dataRecordDurationS <= startS) lo = mid + 1;
      else hi = mid;
    }
    let last = lo;
    while (last < dataRecordCount && starts[last]! < endS) last++;
    return [lo, last];
  }

  private readAt(position: number, length: number): Buffer {
    if (this.fd === null) throw new Error(`${this.file}: reader is closed`);
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buffer, done, length - done, position + done);
      if (n === 0) {
        throw new FormatError(this.file, 'file ended while reading data records (was it truncated after opening?)', 'data record', position + done);
      }
      done += n;
    }
    return buffer;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Decodes samples [from, to) of one signal of the record at `recordOffset` into out[at…]. */
function decodeInto(
  header: EdfHeader,
  signal: EdfSignalHeader,
  block: Buffer,
  recordOffset: number,
  from: number,
  to: number,
  out: Float64Array,
  at: number,
): void {
  const { gain, offset } = signal;
  let p = recordOffset + signal.offsetInRecord + from * header.bytesPerSample;
  let k = at;
  if (header.bytesPerSample === 2) {
    const absolute = block.byteOffset + p;
    if (absolute % 2 === 0 && LITTLE_ENDIAN) {
      // Aligned: read the samples through a typed view (several times faster than readInt16LE).
      const view = new Int16Array(block.buffer, absolute, to - from);
      for (let s = 0; s < view.length; s++) out[k++] = view[s]! * gain + offset;
      return;
    }
    for (let s = from; s < to; s++, p += 2) out[k++] = block.readInt16LE(p) * gain + offset;
  } else {
    for (let s = from; s < to; s++, p += 3) out[k++] = block.readIntLE(p, 3) * gain + offset;
  }
}

function uncovered(startS: number, endS: number, covered: [number, number][]): [number, number][] {
  const gaps: [number, number][] = [];
  let cursor = startS;
  for (const [a, b] of covered) {
    if (a > cursor + 1e-9) gaps.push([cursor, Math.min(a, endS)]);
    cursor = Math.max(cursor, b);
  }
  if (cursor < endS - 1e-9) gaps.push([cursor, endS]);
  return gaps.filter(([a, b]) => b > a);
}
