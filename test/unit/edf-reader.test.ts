/** The EDF reader on files made in code: round trips through the writer, windows, gaps, BDF. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EdfReader, encodeEdf, writeEdfFile, type EdfToWrite } from '../../main/io/edf/index.js';
import { FormatError } from '../../main/errors.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** A ramp per channel makes every sample's position checkable: value = channel*1000 + t*10. */
function rampEdf(overrides: Partial<EdfToWrite> = {}): EdfToWrite {
  const recordCount = overrides.recordCount ?? 6;
  const starts = overrides.recordStartsS;
  return {
    dataRecordDurationS: 1,
    recordCount,
    startDateTime: '2024-05-06T07:08:09',
    patient: 'MCH-0234567 F 02-MAY-1951 Haagse_Harry',
    signals: [
      { label: 'EEG Fp1', physicalDimension: 'uV', physicalMin: -3276.8, physicalMax: 3276.7, samplesPerRecord: 256, values: (r) => Float64Array.from({ length: 256 }, (_, i) => ((starts?.[r] ?? r) + i / 256) * 10) },
      { label: 'ECG', physicalDimension: 'mV', physicalMin: -32.768, physicalMax: 32.767, samplesPerRecord: 64, values: (r) => Float64Array.from({ length: 64 }, (_, i) => 1 + ((starts?.[r] ?? r) + i / 64) / 10) },
    ],
    ...overrides,
  };
}

function write(name: string, edf: EdfToWrite): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, encodeEdf(edf));
  return path;
}

describe('EdfReader', () => {
  it('round-trips EDF+C with annotations, several rates and patient fields', () => {
    const annotations = [
      { onsetS: 0.5, durationS: 0, text: 'eyes closed' },
      { onsetS: 2.25, durationS: 1.5, text: 'spike-wave Ünïcödé' },
      { onsetS: 5.9, durationS: 0, text: 'end' },
    ];
    const reader = EdfReader.open(write('plus.edf', rampEdf({ variant: 'edf+C', annotations })));
    try {
      expect(reader.header).toMatchObject({ variant: 'edf+', continuous: true, startDateTime: '2024-05-06T07:08:09' });
      expect(reader.header.patient).toBe('MCH-0234567 F 02-MAY-1951 Haagse_Harry');
      expect(reader.dataSignals().map((d) => [d.signal.label, d.sampleRateHz])).toEqual([['EEG Fp1', 256], ['ECG', 64]]);
      expect(reader.annotations()).toEqual(annotations);
      expect(reader.durationS).toBe(6);
    } finally {
      reader.close();
    }
  });

  it('reads any window of any channels, aligned to each signal\'s own sample grid', () => {
    const reader = EdfReader.open(write('window.edf', rampEdf()));
    try {
      const window = reader.readWindow(1.5, 2, [0, 1]);
      const [eeg, ecg] = window.data;
      expect(eeg).toHaveLength(512);
      expect(ecg).toHaveLength(128);
      expect(eeg![0]).toBeCloseTo(15, 1);
      expect(eeg![511]).toBeCloseTo((1.5 + 511 / 256) * 10, 1);
      expect(ecg![0]).toBeCloseTo(1.15, 3);
      // Past the end: NaN, reported as a gap.
      const tail = reader.readWindow(5, 2, [0]);
      expect(tail.data[0]![255]).toBeCloseTo((5 + 255 / 256) * 10, 1);
      expect(Number.isNaN(tail.data[0]![256])).toBe(true);
      expect(tail.gaps).toEqual([[6, 7]]);
    } finally {
      reader.close();
    }
  });

  it('places EDF+D records at their time-keeping TAL times and reports the gaps', () => {
    const recordStartsS = [0, 1, 10, 11, 12.5, 13.5];
    const reader = EdfReader.open(write('discontinuous.edf', rampEdf({ variant: 'edf+D', recordStartsS })));
    try {
      expect(reader.header.continuous).toBe(false);
      expect(reader.durationS).toBe(14.5);
      const window = reader.readWindow(0, 14.5, [0]);
      expect(window.gaps).toEqual([
        [2, 10],
        [12, 12.5],
      ]);
      const eeg = window.data[0]!;
      expect(eeg[10 * 256]).toBeCloseTo(100, 1); // record 3 starts at 10 s
      expect(Number.isNaN(eeg[5 * 256]!)).toBe(true);
      expect(eeg[Math.round(12.5 * 256)]).toBeCloseTo(125, 1);
      // A window inside a gap reads nothing.
      expect(reader.readWindow(3, 2, [0]).gaps).toEqual([[3, 5]]);
    } finally {
      reader.close();
    }
  });

  it('reads 24-bit BDF', () => {
    const path = join(tmp.dir, 'biosemi.bdf');
    writeFileSync(
      path,
      encodeEdf({
        variant: 'bdf',
        dataRecordDurationS: 1,
        recordCount: 2,
        signals: [{ label: 'A1', physicalDimension: 'uV', physicalMin: -262144, physicalMax: 262143, samplesPerRecord: 4, values: [0, 1.5, -100000.25, 262143, -262144, 3, 4, 5] }],
      }),
    );
    const reader = EdfReader.open(path);
    try {
      expect(reader.header.variant).toBe('bdf');
      expect(reader.header.bytesPerSample).toBe(3);
      const values = Array.from(reader.readWindow(0, 2, [0]).data[0]!);
      const step = reader.header.signals[0]!.gain;
      expect(step).toBeCloseTo(1 / 32, 5); // 24 bits over ±262144 µV
      [0, 1.5, -100000.25, 262143, -262144, 3, 4, 5].forEach((v, i) => expect(Math.abs(values[i]! - v)).toBeLessThanOrEqual(step));
    } finally {
      reader.close();
    }
  });

  it('reads a partial file up to its last whole record, with a warning', () => {
    const whole = encodeEdf(rampEdf());
    const path = join(tmp.dir, 'partial.edf');
    const recordBytes = (256 + 64) * 2;
    writeFileSync(path, whole.subarray(0, whole.length - recordBytes - 100));
    const reader = EdfReader.open(path);
    try {
      expect(reader.header.dataRecordCount).toBe(4);
      expect(reader.header.warnings[0]).toMatch(/file is truncated: the header declares 6 data records .* reading the 4 whole records/);
      expect(reader.readWindow(3, 1, [0]).data[0]![0]).toBeCloseTo(30, 1);
    } finally {
      reader.close();
    }
    expect(() => EdfReader.open(path, { allowPartial: false })).toThrow(FormatError);
  });

  it('rejects an EDF+D record without a time-keeping TAL, naming the record', () => {
    const path = write('broken-tal.edf', rampEdf({ variant: 'edf+D', recordStartsS: [0, 1, 2, 3, 4, 5] }));
    const bytes = readFileSync(path);
    const reader0 = EdfReader.open(path);
    const annotationOffset = reader0.header.headerBytes + 2 * reader0.header.recordBytes + reader0.header.signals[2]!.offsetInRecord;
    reader0.close();
    bytes.write('x', annotationOffset, 'latin1');
    writeFileSync(path, bytes);
    const reader = EdfReader.open(path);
    try {
      expect(() => reader.readWindow(0, 6, [0])).toThrow(/data record 3/);
    } finally {
      reader.close();
    }
  });

  it('writes large files record by record, atomically', () => {
    const path = join(tmp.dir, 'streamed.edf');
    const fractions: number[] = [];
    writeEdfFile(path, rampEdf({ recordCount: 3000 }), (fraction) => fractions.push(fraction));
    expect(fractions.at(-1)).toBe(1);
    const reader = EdfReader.open(path);
    expect(reader.header.dataRecordCount).toBe(3000);
    expect(reader.readWindow(299, 1, [0]).data[0]![0]).toBeCloseTo(2990, 0);
    expect(reader.readWindow(200, 1, [1]).data[0]![0]).toBeCloseTo(21, 2);
    expect(reader.readWindow(2999, 1, [0]).gaps).toEqual([]);
    reader.close();
  });
});

/**
 * Every annotation block is read and checked at import (issue #15: an unreadable block used to be
 * found only when a view first asked for annotations). Errors name the file, the data record and
 * the byte offset, and never quote annotation text.
 */
describe('annotation blocks are checked at import', () => {
  const annotations = [
    { onsetS: 0.5, durationS: 0, text: 'eyes closed' },
    { onsetS: 3.25, durationS: 1.5, text: 'spike-wave' },
  ];

  /** An EDF+ file with its bytes changed by `mutate`, which gets the annotation signal's offset in record r. */
  function mutated(
    name: string,
    mutate: (bytes: Buffer, annotationAt: (record: number) => number, annotationBytes: number) => void,
    overrides: Partial<EdfToWrite> = {},
  ): string {
    const path = write(name, rampEdf({ variant: 'edf+C', annotations, ...overrides }));
    const reader = EdfReader.open(path);
    const { headerBytes, recordBytes, signals } = reader.header;
    reader.close();
    const annotation = signals.find((s) => s.isAnnotation)!;
    const bytes = readFileSync(path);
    mutate(bytes, (record) => headerBytes + record * recordBytes + annotation.offsetInRecord, annotation.samplesPerRecord * 2);
    writeFileSync(path, bytes);
    return path;
  }

  async function importError(path: string): Promise<FormatError> {
    const { inspectRecording } = await import('../../main/io/recording.js');
    const error = await inspectRecording(path).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FormatError);
    return error as FormatError;
  }

  it('a well-formed file imports without warnings', async () => {
    const { inspectRecording } = await import('../../main/io/recording.js');
    const inspected = await inspectRecording(write('tals-ok.edf', rampEdf({ variant: 'edf+C', annotations })));
    expect(inspected.warnings).toEqual([]);
  });

  it('a broken TAL in a late record fails the import, naming the record and byte', async () => {
    let at = 0;
    // Record 4 holds "+3\x14\x14\x00+3.25\x151.5\x14spike-wave\x14\x00": drop the 0x14 that closes the text.
    const path = mutated('tals-late.edf', (bytes, annotationAt) => {
      const start = annotationAt(3);
      at = bytes.indexOf(0x14, bytes.indexOf('spike-wave', start, 'latin1'));
      bytes[at] = 0x20;
    });
    const error = await importError(path);
    expect(error.message).toBe(`${path}: field "EDF+ annotation (TAL)" at byte ${at + 1}: a TAL does not end with 0x14 before its 0x00 byte in data record 4`);
    expect(error.message).not.toContain('spike');
  });

  it('bytes after the last TAL must be 0x00 (a TAL hidden after a stray 0x00 is refused)', async () => {
    const path = mutated('tals-padding.edf', (bytes, annotationAt) => {
      const start = annotationAt(1);
      const padding = bytes.indexOf('\x00\x00', start, 'latin1') + 1;
      bytes.write('+1.5\x14lost\x14\x00', padding + 1, 'latin1');
    });
    expect((await importError(path)).message).toMatch(/a non-zero byte after the last TAL \(the unused bytes of an annotation signal are 0x00\) in data record 2/);
  });

  it('a TAL without its closing 0x00, a second duration, a control byte, a bad onset', async () => {
    const cases: [string, (bytes: Buffer, start: number, length: number) => void, RegExp][] = [
      ['unclosed', (bytes, start, length) => bytes.fill(0x41, bytes.indexOf('spike', start, 'latin1'), start + length), /a TAL runs to the end of the annotation signal without its closing 0x00 byte in data record 4/],
      ['durations', (bytes, start) => bytes.write('+3.25\x151.5\x152\x14', bytes.indexOf('+3.25', start, 'latin1'), 'latin1'), /more than one duration \(0x15\) in data record 4/],
      ['control', (bytes, start) => (bytes[bytes.indexOf('spike', start, 'latin1') + 2] = 0x07), /annotation text holds a control byte .* in data record 4/],
      ['onset', (bytes, start) => bytes.write('x', bytes.indexOf('+3.25', start, 'latin1'), 'latin1'), /a TAL onset is not \+seconds or -seconds in data record 4/],
    ];
    for (const [name, mutate, expected] of cases) {
      const path = mutated(`tals-${name}.edf`, (bytes, annotationAt, length) => mutate(bytes, annotationAt(3), length));
      expect((await importError(path)).message, name).toMatch(expected);
    }
  });

  it('a record without its time-keeping TAL is refused in EDF+C too', async () => {
    // "+2\x14\x14\x00" → "+2\x14x\x14": the first TAL of record 3 now carries text, so keeps no time.
    const path = mutated('tals-notime.edf', (bytes, annotationAt) => bytes.write('+2\x14x\x14\x00', annotationAt(2), 'latin1'));
    expect((await importError(path)).message).toMatch(/data record 3 does not start with a time-keeping TAL/);
  });

  it('EDF+C time-keeping that contradicts back-to-back records is a warning the user sees', async () => {
    const { inspectRecording } = await import('../../main/io/recording.js');
    const path = mutated('tals-jump.edf', (bytes, annotationAt) => bytes.write('+9\x14\x14\x00', annotationAt(2), 'latin1'));
    const inspected = await inspectRecording(path);
    expect(inspected.warnings).toEqual([
      'the time-keeping TAL of data record 3 says it starts at 9 s, but EDF+C records follow each other from the start time (2 s); the signals are shown back to back',
    ]);
  });

  it('EDF+D records that overlap are refused', async () => {
    const path = write('overlap.edf', rampEdf({ variant: 'edf+D', recordStartsS: [0, 1, 2.5, 3, 10, 11] }));
    expect((await importError(path)).message).toMatch(/data record 4 starts at 3 s, before the record preceding it ends \(2\.5 s \+ 1 s\): EDF\+D records must be in time order without overlap/);
  });
});
