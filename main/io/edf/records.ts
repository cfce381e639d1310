/**
 * Sequential and random access to EDF/BDF data records without loading the file: a block of whole
 * records is read with one positioned read, and signals are decoded from it to physical units.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { FormatError, fileAccessError } from '../../errors.js';
import type { EdfHeader, EdfSignalHeader } from './header.js';

export class EdfRecordReader {
  private fd: number | null;

  constructor(readonly header: EdfHeader) {
    try {
      this.fd = openSync(header.file, 'r');
    } catch (error) {
      throw fileAccessError(header.file, error);
    }
  }

  /** Raw bytes of records [first, first + count). */
  readBlock(first: number, count: number): Buffer {
    if (this.fd === null) throw new Error('EdfRecordReader is closed');
    const { header } = this;
    if (first < 0 || count < 0 || first + count > header.dataRecordCount) {
      throw new RangeError(`records ${first}..${first + count} outside 0..${header.dataRecordCount}`);
    }
    const length = count * header.recordBytes;
    const buffer = Buffer.allocUnsafe(length);
    const position = header.headerBytes + first * header.recordBytes;
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buffer, done, length - done, position + done);
      if (n === 0) {
        throw new FormatError(header.file, 'file ended while reading data records (was it truncated after opening?)', 'data record', position + done);
      }
      done += n;
    }
    return buffer;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * Decodes one signal from a block of `recordCount` records into physical units, writing
 * `recordCount * samplesPerRecord` values into `out` (which must be that long or longer).
 */
export function decodeSignal(
  header: EdfHeader,
  signal: EdfSignalHeader,
  block: Buffer,
  recordCount: number,
  out: Float64Array,
): void {
  const { recordBytes, bytesPerSample } = header;
  const { samplesPerRecord, gain, offset } = signal;
  let k = 0;
  for (let r = 0; r < recordCount; r++) {
    let p = r * recordBytes + signal.offsetInRecord;
    if (bytesPerSample === 2) {
      for (let s = 0; s < samplesPerRecord; s++, p += 2) out[k++] = block.readInt16LE(p) * gain + offset;
    } else {
      for (let s = 0; s < samplesPerRecord; s++, p += 3) out[k++] = block.readIntLE(p, 3) * gain + offset;
    }
  }
}
