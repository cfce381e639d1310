import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, FileAccessError } from '../../main/errors.js';
import { EdfReader, decodeSignal, readEdfHeader } from '../../main/io/edf/index.js';
import { sniffFormat } from '../../main/io/recording.js';
import { sineEdf } from '../helpers/edf.js';
import { tempDir } from '../helpers/tmp.js';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => (tmp = tempDir()));
afterAll(() => tmp.cleanup());

function write(name: string, bytes: Buffer | string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** A 2-channel, 4-record, 8 Hz EDF with one byte patched. */
function patched(offset: number, text: string): Buffer {
  const bytes = sineEdf({ channels: 2, sampleRateHz: 8, durationS: 4 });
  bytes.write(text, offset, 'latin1');
  return bytes;
}

function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FormatError);
    return error as FormatError;
  }
  throw new Error('expected a FormatError');
}

describe('EDF header reader', () => {
  it('reads a well-formed EDF written by our writer', () => {
    const file = write('ok.edf', sineEdf({ channels: 3, sampleRateHz: 256, durationS: 10 }));
    const header = readEdfHeader(file);
    expect(header.variant).toBe('edf');
    expect(header.signals.map((s) => s.label)).toEqual(['EEG C1', 'EEG C2', 'EEG C3']);
    expect(header.signals.every((s) => s.samplesPerRecord === 256 && s.physicalDimension === 'uV')).toBe(true);
    expect(header.dataRecordCount).toBe(10);
    expect(header.startDateTime).toBe('2024-03-01T09:30:00');
    expect(header.headerBytes).toBe(256 * 4);
    expect(header.warnings).toEqual([]);
  });

  it('decodes samples to physical units within one quantisation step', () => {
    const file = write('decode.edf', sineEdf({ channels: 2, sampleRateHz: 100, durationS: 3, amplitudeUv: 100 }));
    const reader = EdfReader.open(file);
    const header = reader.header;
    const out = new Float64Array(300);
    decodeSignal(header, header.signals[1]!, reader.readRecords(0, 3), 3, out);
    reader.close();
    const step = header.signals[1]!.gain;
    for (let i = 0; i < 300; i++) expect(Math.abs(out[i]! - 200 * Math.sin((2 * Math.PI * 10 * i) / 100))).toBeLessThanOrEqual(step);
  });

  it('rejects a truncated file, naming the records declared and present', () => {
    const full = sineEdf({ channels: 2, sampleRateHz: 8, durationS: 4 });
    const file = write('truncated.edf', full.subarray(0, full.length - 10));
    const error = formatError(() => readEdfHeader(file));
    expect(error.message).toContain('truncated.edf');
    expect(error.message).toMatch(/field "number of data records" at byte 236: file is truncated: the header declares 4 data records of 32 bytes \(896 bytes in all\) but the file has 886 bytes \(3 whole records\)/);
    // Partial reading keeps the whole records, with a warning.
    const partial = readEdfHeader(file, { allowPartial: true });
    expect(partial.dataRecordCount).toBe(3);
    expect(partial.warnings[0]).toMatch(/truncated/);
  });

  it('rejects a file cut inside its header', () => {
    const file = write('short.edf', sineEdf({ channels: 2, sampleRateHz: 8, durationS: 4 }).subarray(0, 300));
    expect(formatError(() => readEdfHeader(file)).message).toMatch(/file ends inside the signal headers/);
    const tiny = write('tiny.edf', '0       ');
    expect(formatError(() => readEdfHeader(tiny)).message).toMatch(/file ends inside the header \(8 bytes/);
  });

  it('rejects a text file renamed .edf', () => {
    const file = write('notes.edf', 'Patient notes: nothing remarkable.\n'.repeat(20));
    expect(formatError(() => readEdfHeader(file)).message).toMatch(/notes\.edf: field "version" at byte 0: not an EDF or BDF file/);
    expect(formatError(() => sniffFormat(file)).message).toMatch(/unrecognised file format \(supported: EDF, EDF\+, BDF, BDF\+; calcium imaging: Suite2p folders, NWB, HDF5, CSV; morphologies: SWC\)/);
  });

  it('rejects a header byte count that disagrees with the number of signals', () => {
    const file = write('hb.edf', patched(184, '999     '));
    expect(formatError(() => readEdfHeader(file)).message).toMatch(/"number of bytes in header record" at byte 184: says 999 but 2 signals need 768/);
  });

  it('rejects non-ASCII header bytes with their offset', () => {
    const file = write('latin.edf', patched(20, '\u00e9'));
    const error = formatError(() => readEdfHeader(file));
    expect(error.message).toMatch(/field "local patient identification" at byte 20: non-ASCII byte 0xe9/);
    expect(error.byteOffset).toBe(20);
  });

  it('rejects zero-record files', () => {
    const bytes = sineEdf({ channels: 1, sampleRateHz: 8, durationS: 1 });
    bytes.write('0       ', 236, 'latin1');
    const file = write('zero.edf', bytes.subarray(0, 512));
    expect(formatError(() => readEdfHeader(file)).message).toMatch(/the file holds no data records/);
  });

  it('rejects digital minimum equal to digital maximum, naming the signal', () => {
    // With 2 signals the digital maximum column starts at 256 + 2 * (16 + 80 + 8 + 8 + 8 + 8) = 512; signal 2 at 520.
    const file = write('dig.edf', patched(520, '-32768  '));
    const error = formatError(() => readEdfHeader(file));
    expect(error.message).toMatch(/field "digital maximum of signal 2 \(EEG C2\)" at byte 520: digital maximum \(-32768\) must be greater than digital minimum \(-32768\)/);
  });

  it('rejects a non-numeric field', () => {
    const file = write('nan.edf', patched(244, 'one     '));
    expect(formatError(() => readEdfHeader(file)).message).toMatch(/"duration of a data record" at byte 244: expected a number, got "one"/);
  });

  it('reports a missing file as a file access error', () => {
    expect(() => readEdfHeader(join(tmp.dir, 'missing.edf'))).toThrow(FileAccessError);
    expect(() => sniffFormat(join(tmp.dir, 'missing.edf'))).toThrow(/missing\.edf: no such file/);
    expect(() => sniffFormat(tmp.dir)).toThrow(/is a directory/);
  });
});
