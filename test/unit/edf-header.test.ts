import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, FileAccessError } from '../../main/errors.js';
import { EdfReader, decodeSignal, encodeEdf, readEdfHeader } from '../../main/io/edf/index.js';
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
    expect(formatError(() => sniffFormat(file)).message).toMatch(/unrecognised file format \(supported: EDF, EDF\+, BDF, BDF\+; calcium imaging: Suite2p folders, NWB, HDF5, CSV; morphologies: SWC; fMRI and brain maps: NIfTI-1, NIfTI-2/);
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

  it('rejects a non-numeric field without quoting it', () => {
    const file = write('nan.edf', patched(244, 'Smith   '));
    const message = formatError(() => readEdfHeader(file)).message;
    expect(message).toMatch(/"duration of a data record" at byte 244: expected a decimal number \(ASCII digits, an optional sign and point; no exponent, hex, inf or nan\)$/);
    expect(message).not.toContain('Smith');
  });

  it('reports a missing file as a file access error', () => {
    expect(() => readEdfHeader(join(tmp.dir, 'missing.edf'))).toThrow(FileAccessError);
    expect(() => sniffFormat(join(tmp.dir, 'missing.edf'))).toThrow(/missing\.edf: no such file/);
    expect(() => sniffFormat(tmp.dir)).toThrow(/is a directory/);
  });
});

/**
 * Every header field against the ranges of the EDF, EDF+ and BDF specifications (issue #15: a
 * fuzzing probe found these accepted as if real). Offsets for the 2-signal file of `patched`:
 * physical minimum 464 + 8i, physical maximum 480 + 8i, digital minimum 496 + 8i, digital maximum
 * 512 + 8i, samples per record 688 + 8i.
 */
describe('EDF header fields are checked against the specification', () => {
  const refused = (name: string, bytes: Buffer) => formatError(() => readEdfHeader(write(name, bytes)));

  it('a record duration of 0 is refused when the file has data signals (they would have 0 Hz)', () => {
    const error = refused('dur0.edf', patched(244, '0       '));
    expect(error.field).toBe('duration of a data record');
    expect(error.message).toMatch(/dur0\.edf: field "duration of a data record" at byte 244: is 0, which only a file of annotation signals may have \(signal 1 \(EEG C1\) would have no sample rate\)/);
  });

  it('a negative record duration is refused, -0 included', () => {
    expect(refused('neg.edf', patched(244, '-1      ')).message).toMatch(/"duration of a data record" at byte 244: must not be negative/);
    expect(refused('negzero.edf', patched(244, '-0      ')).message).toMatch(/"duration of a data record" at byte 244: must not be negative/);
  });

  it.each([['1e308   '], ['0x1     '], ['inf     '], ['nan     '], ['Infinity'], ['1 0     '], ['1,5     ']])('a record duration of %j is refused (not a plain decimal)', (text) => {
    const error = refused('durtext.edf', patched(244, text));
    expect(error.message).toMatch(/"duration of a data record" at byte 244: expected a decimal number/);
  });

  it('a record too large to read whole, or a sample rate above 1 MHz, is refused naming the samples field', () => {
    expect(refused('bigrec.edf', patched(688, '99999999')).message).toMatch(
      /bigrec\.edf: field "samples per data record" at byte 688: one data record would hold 200000014 bytes, more than 67108864/,
    );
    expect(refused('fast.edf', patched(244, '0.000001')).message).toMatch(
      /fast\.edf: field "samples per data record" at byte 688: signal 1 \(EEG C1\) would be sampled at 8\.00e\+6 Hz, above 1000000 Hz/,
    );
  });

  it('hex, exponents and inner blanks are refused in integer fields (Number() would take them)', () => {
    expect(refused('hexcount.edf', patched(236, '0x4     ')).message).toMatch(/"number of data records" at byte 236: expected a whole number/);
    expect(refused('expspr.edf', patched(688, '8e0     ')).message).toMatch(/"samples per data record of signal 1 \(EEG C1\)" at byte 688: expected a whole number/);
    expect(refused('blank.edf', patched(252, '    ')).message).toMatch(/"number of signals" at byte 252: empty \(expected a whole number/);
  });

  it('a digital minimum or maximum outside the 16-bit EDF range is refused', () => {
    expect(refused('dmax.edf', patched(520, '40000   ')).message).toMatch(
      /"digital maximum of signal 2 \(EEG C2\)" at byte 520: 40000 is outside the 16-bit sample range -32768\.\.32767 of EDF/,
    );
    expect(refused('dmin.edf', patched(496, '-99999  ')).message).toMatch(/"digital minimum of signal 1 \(EEG C1\)" at byte 496: -99999 is outside the 16-bit/);
  });

  it('a digital maximum outside the 24-bit BDF range is refused; the full 24-bit range is read', () => {
    const bdf = encodeEdf({
      variant: 'bdf',
      dataRecordDurationS: 1,
      recordCount: 1,
      signals: [{ label: 'A1', physicalDimension: 'uV', physicalMin: -262144, physicalMax: 262143, samplesPerRecord: 4, values: [0, 1, 2, 3] }],
    });
    expect(readEdfHeader(write('full.bdf', bdf)).signals[0]!.digitalMax).toBe(8388607);
    bdf.write('8388608 ', 256 + 16 + 80 + 8 + 8 + 8 + 8, 'latin1');
    expect(refused('wide.bdf', bdf).message).toMatch(/"digital maximum of signal 1 \(A1\)" at byte 384: 8388608 is outside the 24-bit sample range -8388608\.\.8388607 of BDF/);
  });

  it('physical limits must be finite and scale samples to finite values', () => {
    expect(refused('pinf.edf', patched(480, '1e999   ')).message).toMatch(/"physical maximum of signal 1 \(EEG C1\)" at byte 480: the number is too large to be finite/);
    const huge = patched(464, '-1e308  ');
    huge.write('1e308   ', 480, 'latin1');
    expect(refused('phuge.edf', huge).message).toMatch(/"physical maximum of signal 1 \(EEG C1\)" at byte 480: the physical range -1e\+308\.\.1e\+308 cannot scale samples to finite values/);
    // An exponent that stays finite is a number (EDFbrowser reads "1E3" too).
    expect(readEdfHeader(write('pexp.edf', patched(480, '1E3     '))).signals[0]!.physicalMax).toBe(1000);
  });

  it('the version must be "0" and seven blanks; a non-EDF file is refused without quoting its bytes', () => {
    expect(refused('ver.edf', patched(0, ' 0      ')).message).toMatch(/field "version" at byte 0: version must be "0" followed by 7 spaces/);
    const notes = write('secret.edf', 'hunter2 is the password\n'.repeat(20));
    const message = formatError(() => readEdfHeader(notes)).message;
    expect(message).toMatch(/not an EDF or BDF file/);
    expect(message).not.toContain('hunter2');
  });

  it('start date and time must exist on the calendar and the clock, and are not quoted', () => {
    const feb = refused('feb.edf', patched(168, '30.02.24'));
    expect(feb.message).toMatch(/"startdate of recording" at byte 168: day is not 01\.\.29 for its month/);
    expect(feb.message).not.toContain('30.02.24');
    expect(refused('month.edf', patched(168, '01.13.24')).message).toMatch(/"startdate of recording" at byte 171: month is not 01\.\.12/);
    expect(refused('hour.edf', patched(176, '24.00.00')).message).toMatch(/"starttime of recording" at byte 176: not a time of day/);
    expect(refused('datefmt.edf', patched(168, '1.1.2024')).message).toMatch(/"startdate of recording" at byte 168: expected dd\.mm\.yy \(two digits each, separated by points\)$/);
  });

  it('an EDF+ mark other than EDF+C or EDF+D is refused', () => {
    expect(refused('plusx.edf', patched(192, 'EDF+X')).message).toMatch(/field "reserved" at byte 192: starts with "EDF\+" but is neither EDF\+C nor EDF\+D/);
  });

  it('EDF+ without an annotation signal: EDF+D is refused, EDF+C is read as EDF with a warning', () => {
    expect(refused('plusd.edf', patched(192, 'EDF+D')).message).toMatch(/field "reserved" at byte 192: EDF\+D file without an "EDF Annotations" signal: the start time of each data record is unknown/);
    const header = readEdfHeader(write('plusc.edf', patched(192, 'EDF+C')));
    expect(header.warnings).toEqual(['EDF+C file without an "EDF Annotations" signal (EDF+ requires one); read as a plain EDF file']);
  });

  it('numeric fields padded in front are read, with one warning', () => {
    const bytes = patched(236, '       4');
    bytes.write(' 1      ', 244, 'latin1');
    const header = readEdfHeader(write('right.edf', bytes));
    expect(header.dataRecordCount).toBe(4);
    expect(header.warnings).toEqual(['numeric header fields are not left-justified as EDF requires (first: "number of data records" at byte 236); read anyway']);
  });
});

describe('an annotation signal that lost its label or its EDF+ mark', () => {
  const annotated = () =>
    encodeEdf({
      variant: 'edf+C',
      dataRecordDurationS: 1,
      recordCount: 3,
      signals: [{ label: 'EEG Cz', physicalDimension: 'uV', physicalMin: -500, physicalMax: 500, samplesPerRecord: 16, values: new Float64Array(48) }],
      annotations: [{ onsetS: 1.5, durationS: 0, text: 'spike' }],
    });
  // Two signals: labels at 256 and 272.
  it('is refused when its label is not exactly "EDF Annotations" (its TALs would become a waveform)', () => {
    const bytes = annotated();
    bytes.write('EDF Annotationz', 272, 'latin1');
    const error = formatError(() => readEdfHeader(write('flipped.edf', bytes)));
    expect(error.message).toMatch(/flipped\.edf: field "label of signal 2" at byte 272: signal 2 holds EDF\+ annotations \(TAL text\), not samples: its label is not exactly "EDF Annotations"/);
  });

  it('is refused when the reserved field lost "EDF+C"', () => {
    const bytes = annotated();
    bytes.write('     ', 192, 'latin1');
    expect(formatError(() => readEdfHeader(write('unmarked.edf', bytes))).message).toMatch(
      /signal 2 holds EDF\+ annotations \(TAL text\), not samples: it is labelled "EDF Annotations" but the header's reserved field does not start with EDF\+C or EDF\+D/,
    );
  });

  it('the well-formed file is read, and a data signal is not mistaken for text', () => {
    const header = readEdfHeader(write('annotated.edf', annotated()));
    expect(header.signals.map((s) => s.isAnnotation)).toEqual([false, true]);
    expect(header.warnings).toEqual([]);
  });
});
