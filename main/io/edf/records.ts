/**
 * Sequential and random access to EDF/BDF data records without loading the file: a block of whole
 * records is read with one positioned read, and signals are decoded from it to physical units.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { FormatError, fileAccessError } from '../../errors.js';
import type { EdfHeader, EdfSignalHeader } from './header.js';

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
