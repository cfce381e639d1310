/**
 * The labelled-segment readers on folders made here: the three layouts read as they should, and
 * every malformed input (a truncated or empty Bonn file, text in a number line, a .mat with two
 * variables or values that are not int16, a bad labels.csv) is refused naming the file and line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeEdf } from '../../main/io/edf/index.js';
import { detectSegmentFormat, readBonn, readDelhi, readLabelsCsv, readSegmentFolder, ICTAL_LABEL } from '../../main/io/segments/index.js';
import { parseAsciiColumn } from '../../main/io/segments/ascii.js';
import { parseCsv } from '../../main/io/segments/labels-csv.js';
import { formatErrorOf } from '../helpers/format-error.js';
import { MI, MX, MatWriter } from '../helpers/mat.js';
import { tempDir } from '../helpers/tmp.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('cajal-segments-');
});
afterEach(() => tmp.cleanup());

/** A Bonn-like series: sample i of segment k is (i * 7 + k) % 201 - 100. */
function bonnValues(k: number, n = 4097): number[] {
  return Array.from({ length: n }, (_, i) => ((i * 7 + k) % 201) - 100);
}

function writeBonnFile(folder: string, name: string, values: readonly (number | string)[], eol = '\r\n'): string {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, name);
  writeFileSync(path, values.join(eol) + eol);
  return path;
}

const mat = new MatWriter();
/** A New Delhi-like file: one double variable stored as int16, as MATLAB saved the originals. */
function delhiMat(name: string, values: readonly number[]): Uint8Array {
  return mat.file(mat.compressed(mat.numeric(name, [values.length, 1], values, MX.DOUBLE, MI.INT16)));
}

function writeDelhiFile(folder: string, label: string, index: number, bytes: Uint8Array): string {
  const dir = join(folder, label);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${label}${index}.mat`);
  writeFileSync(path, bytes);
  return path;
}

describe('readBonn', () => {
  it('reads the set folders in set order, numerically within a set, with labels, groups and rate', () => {
    writeBonnFile(join(tmp.dir, 'E_S'), 'S002.txt', bonnValues(2));
    writeBonnFile(join(tmp.dir, 'E_S'), 'S010.txt', bonnValues(10));
    writeBonnFile(join(tmp.dir, 'E_S'), 'S001.txt', bonnValues(1));
    writeBonnFile(join(tmp.dir, 'A_Z'), 'Z001.txt', bonnValues(0), '\n');
    writeBonnFile(join(tmp.dir, 'n'), 'N001.TXT', bonnValues(3)); // the original zip's folder name, any case
    writeFileSync(join(tmp.dir, 'E_S', 'README'), 'not a segment');
    const c = readBonn(tmp.dir);
    expect(c.format).toBe('bonn');
    expect(c.segments.map((s) => s.id)).toEqual(['A/Z001', 'C/N001', 'E/S001', 'E/S002', 'E/S010']);
    expect(c.segments.map((s) => [s.label, s.group])).toEqual([
      ['healthy', 'A'],
      ['interictal', 'C'],
      [ICTAL_LABEL, 'E'],
      [ICTAL_LABEL, 'E'],
      [ICTAL_LABEL, 'E'],
    ]);
    expect(c.labels).toEqual(['healthy', 'ictal', 'interictal']);
    expect(c.segments.every((s) => s.rateHz === 173.61 && s.samples.length === 4097)).toBe(true);
    expect(Array.from(c.segments[4]!.samples.subarray(0, 3))).toEqual(bonnValues(10).slice(0, 3));
    expect(c.segments[4]!.file).toBe(join(tmp.dir, 'E_S', 'S010.txt'));
    expect(c.notes.join(' ')).toMatch(/taken as µV/);
    expect(c.notes.join(' ')).toMatch(/1 file in the set folders not named like a segment/);
  });

  it('notes segments that reach the 12-bit converter limit', () => {
    const values = bonnValues(0);
    values[100] = 2047;
    writeBonnFile(join(tmp.dir, 'E_S'), 'S001.txt', values);
    expect(readBonn(tmp.dir).notes.join(' ')).toMatch(/1 segment reach the 12-bit limit/);
  });

  it('refuses a truncated file, naming it and the count', () => {
    const file = writeBonnFile(join(tmp.dir, 'D_F'), 'F001.txt', bonnValues(0, 4000));
    const error = formatErrorOf(() => readBonn(tmp.dir));
    expect(error.file).toBe(file);
    expect(error.message).toMatch(/has 4000 sample lines, expected 4097 \(truncated\?\)/);
  });

  it('refuses text in a number line, naming the file and the 1-based line', () => {
    const values: (number | string)[] = bonnValues(0);
    values[41] = '12,5';
    const file = writeBonnFile(join(tmp.dir, 'B_O'), 'O007.txt', values);
    const error = formatErrorOf(() => readBonn(tmp.dir));
    expect(error.message).toBe(`${file}: line 42: expected one integer sample, found "12,5"`);
  });

  it('refuses a fraction, a blank line inside, and an empty file', () => {
    const values: (number | string)[] = bonnValues(0);
    values[9] = '3.5';
    writeBonnFile(join(tmp.dir, 'A_Z'), 'Z001.txt', values);
    expect(formatErrorOf(() => readBonn(tmp.dir)).message).toMatch(/line 10: expected one integer sample, found "3.5"/);
    values[9] = '';
    writeBonnFile(join(tmp.dir, 'A_Z'), 'Z001.txt', values);
    expect(formatErrorOf(() => readBonn(tmp.dir)).message).toMatch(/line 10: expected one integer sample, found an empty line/);
    writeFileSync(join(tmp.dir, 'A_Z', 'Z001.txt'), '\r\n\r\n');
    expect(formatErrorOf(() => readBonn(tmp.dir)).message).toMatch(/Z001.txt: the file is empty/);
  });

  it('refuses a folder without set folders, a set folder without segments, and a set given twice', () => {
    expect(formatErrorOf(() => readBonn(tmp.dir)).message).toMatch(/no Bonn set folder inside: expected A_Z, B_O/);
    mkdirSync(join(tmp.dir, 'E_S'));
    writeFileSync(join(tmp.dir, 'E_S', 'notes.txt'), '1\n');
    expect(formatErrorOf(() => readBonn(tmp.dir)).message).toMatch(/E_S: set E holds no S001.txt-style segment file/);
    writeBonnFile(join(tmp.dir, 'E_S'), 'S001.txt', bonnValues(0));
    writeBonnFile(join(tmp.dir, 'S'), 'S001.txt', bonnValues(0));
    expect(formatErrorOf(() => readBonn(tmp.dir)).message).toMatch(/set E appears twice: E_S and S/);
  });
});

describe('parseAsciiColumn', () => {
  it('takes decimals and exponents, refuses two columns, NaN and Infinity', () => {
    expect(Array.from(parseAsciiColumn(' 1.5\n-2e1\n.25 \n\n', 'x.txt'))).toEqual([1.5, -20, 0.25]);
    expect(() => parseAsciiColumn('1\n2 3\n', 'x.txt')).toThrow(/x.txt: line 2: expected one number, found "2 3"/);
    expect(() => parseAsciiColumn('NaN\n', 'x.txt')).toThrow(/line 1: expected one number, found "NaN"/);
    expect(() => parseAsciiColumn('1\nInfinity\n', 'x.txt')).toThrow(/line 2/);
    expect(() => parseAsciiColumn('1e39\n', 'x.txt')).toThrow(/line 1: 1e39 is outside the float32 range/);
  });
});

describe('readDelhi', () => {
  const values = (k: number) => Array.from({ length: 1024 }, (_, i) => ((i * 13 + k) % 301) - 150);

  it('reads the class folders (numeric order within a folder), label = group = folder', () => {
    writeDelhiFile(tmp.dir, 'preictal', 1, delhiMat('preictal', values(1)));
    writeDelhiFile(tmp.dir, 'ictal', 10, delhiMat('ictal', values(10)));
    writeDelhiFile(tmp.dir, 'ictal', 2, delhiMat('ictal', values(2)));
    const c = readDelhi(tmp.dir);
    expect(c.format).toBe('delhi');
    expect(c.segments.map((s) => s.id)).toEqual(['ictal/ictal2', 'ictal/ictal10', 'preictal/preictal1']);
    expect(c.segments.map((s) => [s.label, s.group, s.rateHz, s.samples.length])).toEqual([
      ['ictal', 'ictal', 200, 1024],
      ['ictal', 'ictal', 200, 1024],
      ['preictal', 'preictal', 200, 1024],
    ]);
    expect(Array.from(c.segments[1]!.samples)).toEqual(values(10));
    expect(c.labels).toEqual(['ictal', 'preictal']);
    expect(c.notes.join(' ')).toMatch(/taken as µV/);
  });

  it('refuses a .mat with two variables, naming them', () => {
    const file = writeDelhiFile(tmp.dir, 'ictal', 1, mat.file(mat.numeric('ictal', [1024, 1], values(1), MX.DOUBLE, MI.INT16), mat.char('note', 'hi')));
    const error = formatErrorOf(() => readDelhi(tmp.dir));
    expect(error.file).toBe(file);
    expect(error.message).toMatch(/expected one variable \(a New Delhi segment\), found 2: ictal \(double 1024×1\), note \(char 1×2\)/);
  });

  it('refuses values that are not int16 counts, a char variable, a matrix and a wrong length', () => {
    const scaled = values(1).map((v) => v * 0.1);
    writeDelhiFile(tmp.dir, 'interictal', 1, mat.file(mat.numeric('interictal', [1024, 1], scaled)));
    expect(formatErrorOf(() => readDelhi(tmp.dir)).message).toMatch(/sample 1 is -14.9, but New Delhi samples are int16 whole numbers/);
    writeDelhiFile(tmp.dir, 'interictal', 1, mat.file(mat.char('interictal', 'abc')));
    expect(formatErrorOf(() => readDelhi(tmp.dir)).message).toMatch(/variable "interictal" is char 1×3, not a numeric vector/);
    writeDelhiFile(tmp.dir, 'interictal', 1, mat.file(mat.numeric('interictal', [512, 2], values(1), MX.INT16, MI.INT16)));
    expect(formatErrorOf(() => readDelhi(tmp.dir)).message).toMatch(/is int16 512×2: expected one signal, an N×1 or 1×N vector/);
    writeDelhiFile(tmp.dir, 'interictal', 1, delhiMat('interictal', values(1).slice(0, 1000)));
    expect(formatErrorOf(() => readDelhi(tmp.dir)).message).toMatch(/has 1000 samples; New Delhi segments have 1024/);
  });

  it('refuses a file that is not a MAT-file, naming it', () => {
    const file = writeDelhiFile(tmp.dir, 'ictal', 1, new TextEncoder().encode('not a mat file at all'.repeat(10)));
    expect(formatErrorOf(() => readDelhi(tmp.dir)).file).toBe(file);
  });
});

describe('readLabelsCsv', () => {
  it('reads text, .mat and EDF segments with their labels, rates and groups', () => {
    mkdirSync(join(tmp.dir, 'p1'));
    writeFileSync(join(tmp.dir, 'p1', 'a.txt'), '1\n2.5\n-3\n');
    writeFileSync(join(tmp.dir, 'b, second.mat'), mat.file(mat.char('title', 'x'), mat.numeric('x', [1, 4], [4, 3, 2, 1], MX.SINGLE, MI.SINGLE)));
    const n = 512;
    writeFileSync(
      join(tmp.dir, 'c.edf'),
      encodeEdf({
        dataRecordDurationS: 1,
        recordCount: 2,
        startDateTime: '2024-03-01T09:30:00',
        patient: 'X',
        signals: [
          { label: 'EEG Fz', physicalDimension: 'mV', physicalMin: -1, physicalMax: 1, samplesPerRecord: 256, values: Float64Array.from({ length: n }, (_, i) => (i % 2 ? 0.5 : -0.5)) },
          { label: 'EEG Cz', physicalDimension: 'uV', physicalMin: -100, physicalMax: 100, samplesPerRecord: 128, values: new Float64Array(256) },
        ],
      }),
    );
    writeFileSync(
      join(tmp.dir, 'labels.csv'),
      '\uFEFFFile,Label,Rate_Hz,Group\r\np1/a.txt,ictal,256,p1\r\n"b, second.mat",interictal,100,\r\n\r\nc.edf,interictal,,p2\r\n',
    );
    const c = readLabelsCsv(tmp.dir);
    expect(c.format).toBe('labels-csv');
    expect(c.segments.map((s) => [s.id, s.label, s.group, s.rateHz, s.samples.length])).toEqual([
      ['p1/a.txt', 'ictal', 'p1', 256, 3],
      ['b, second.mat', 'interictal', 'interictal', 100, 4],
      ['c.edf', 'interictal', 'p2', 256, 512],
    ]);
    expect(Array.from(c.segments[0]!.samples)).toEqual([1, 2.5, -3]);
    expect(Array.from(c.segments[1]!.samples)).toEqual([4, 3, 2, 1]);
    // mV → µV; EDF's 16-bit quantisation of ±0.5 mV over ±1 mV is within 0.02 µV.
    expect(c.segments[2]!.samples[0]).toBeCloseTo(-500, 1);
    expect(c.segments[2]!.samples[1]).toBeCloseTo(500, 1);
    expect(c.labels).toEqual(['ictal', 'interictal']);
    expect(c.notes.join(' ')).toMatch(/1 EDF\/BDF file/);
  });

  const csvError = (text: string) => {
    writeFileSync(join(tmp.dir, 'labels.csv'), text);
    return formatErrorOf(() => readLabelsCsv(tmp.dir)).message;
  };

  it('refuses a bad header, a missing rate, an empty label, a duplicate, an unknown type and a missing file, naming the line', () => {
    writeFileSync(join(tmp.dir, 'a.txt'), '1\n2\n');
    expect(csvError('')).toMatch(/labels.csv: is empty/);
    expect(csvError('file,rate\na.txt,1\n')).toMatch(/line 1: unknown column "rate" \(expected file, label, rate_hz, group\)/);
    expect(csvError('file,rate_hz\na.txt,1\n')).toMatch(/line 1: the header has no "label" column/);
    expect(csvError('file,label\n')).toMatch(/has a header but no segment rows/);
    expect(csvError('file,label\na.txt,ictal\n')).toMatch(/line 2: rate_hz is needed for .*a.txt \(a text file carries no rate\)/);
    expect(csvError('file,label,rate_hz\na.txt, ,100\n')).toMatch(/line 2: the label of a.txt is empty/);
    expect(csvError('file,label,rate_hz\na.txt,x,-5\n')).toMatch(/line 2: rate_hz "-5" is not a positive number/);
    expect(csvError('file,label,rate_hz\na.txt,x,100\n\na.txt,y,100\n')).toMatch(/line 4: a.txt is listed again \(first on line 2\)/);
    expect(csvError('file,label,rate_hz\na.wav,x,100\n')).toMatch(/line 2: a.wav: unknown segment file type ".wav"/);
    expect(csvError('file,label,rate_hz\na.txt,x\n')).toMatch(/line 2: has 2 fields, the header 3/);
    expect(csvError('file,label,rate_hz\n"a.txt,x,100\n')).toMatch(/line 2: a quoted field is not closed/);
    writeFileSync(join(tmp.dir, 'labels.csv'), 'file,label,rate_hz\nmissing.txt,x,100\n');
    expect(() => readLabelsCsv(tmp.dir)).toThrow(/missing.txt/);
  });

  it("passes on a segment file's own error (text in a number line)", () => {
    writeFileSync(join(tmp.dir, 'a.txt'), '1\nabc\n');
    expect(csvError('file,label,rate_hz\na.txt,x,100\n')).toBe(`${join(tmp.dir, 'a.txt')}: line 2: expected one number, found "abc"`);
  });

  it('refuses an EDF whose unit is not a voltage, or whose rate disagrees', () => {
    const edf = (unit: string) =>
      encodeEdf({
        dataRecordDurationS: 1,
        recordCount: 1,
        startDateTime: '2024-03-01T09:30:00',
        patient: 'X',
        signals: [{ label: 'SpO2', physicalDimension: unit, physicalMin: 0, physicalMax: 100, samplesPerRecord: 100, values: new Float64Array(100) }],
      });
    writeFileSync(join(tmp.dir, 'c.edf'), edf('%'));
    expect(csvError('file,label\nc.edf,x\n')).toMatch(/c.edf: field "physical dimension": first data signal "SpO2" is in "%", not a voltage/);
    writeFileSync(join(tmp.dir, 'c.edf'), edf('uV'));
    expect(csvError('file,label,rate_hz\nc.edf,x,256\n')).toMatch(/line 2: rate_hz 256 disagrees with .*c.edf, whose first signal is sampled at 100 Hz/);
  });

  it('parses RFC 4180 quoting and keeps the starting line of a row', () => {
    expect(parseCsv('a,b\n"x ""y""","1\n2"\nlast,', 'f.csv')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x "y"', '1\n2'] },
      { line: 4, cells: ['last', ''] },
    ]);
  });
});

describe('readSegmentFolder', () => {
  it('tells the layout by the contents, labels.csv first', () => {
    expect(detectSegmentFormat(tmp.dir)).toBeNull();
    writeDelhiFile(tmp.dir, 'ictal', 1, delhiMat('ictal', new Array(1024).fill(1)));
    expect(detectSegmentFormat(tmp.dir)).toBe('delhi');
    expect(readSegmentFolder(tmp.dir).format).toBe('delhi');
    writeBonnFile(join(tmp.dir, 'E_S'), 'S001.txt', bonnValues(0));
    expect(detectSegmentFormat(tmp.dir)).toBe('bonn');
    writeFileSync(join(tmp.dir, 'labels.csv'), 'file,label,rate_hz\nE_S/S001.txt,ictal,173.61\n');
    const c = readSegmentFolder(tmp.dir);
    expect(c.format).toBe('labels-csv');
    expect(c.segments[0]!.samples.length).toBe(4097);
    expect(readSegmentFolder(tmp.dir, 'bonn').format).toBe('bonn');
  });

  it('says which layouts are accepted, refuses a file and an unknown format', () => {
    expect(formatErrorOf(() => readSegmentFolder(tmp.dir)).message).toMatch(
      /not a labelled-segments folder; accepted layouts: labels.csv .*Bonn set folders A_Z.*New Delhi class folders ictal, interictal, preictal/,
    );
    writeFileSync(join(tmp.dir, 'x.txt'), '1\n');
    expect(() => readSegmentFolder(join(tmp.dir, 'x.txt'))).toThrow(/x.txt: is a file; a labelled-segments dataset is a folder/);
    expect(() => readSegmentFolder(tmp.dir, 'edf' as never)).toThrow(/unknown segment format "edf" \(expected bonn, delhi, labels-csv\)/);
    expect(() => readSegmentFolder(join(tmp.dir, 'absent'))).toThrow(/absent/);
  });
});
