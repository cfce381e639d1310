/**
 * The CSV calcium reader: delimiters, header rows and name columns, line endings, non-finite
 * values, the Triplett-style sibling files (coordinates, assemblies), sniffing by content, and the
 * errors (ragged rows, non-numbers) with their line and column.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../main/errors.js';
import { readCalcium, sniffCalcium } from '../../main/io/calcium/index.js';
import { csvPrefix, parseMatrix, readCalciumCsv } from '../../main/io/calcium/csv.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-csv-');
afterAll(() => tmp.cleanup());

let files = 0;
function write(text: string | Uint8Array, name = `m${files++}.csv`): string {
  const file = join(tmp.dir, name);
  writeFileSync(file, text);
  return file;
}

async function formatError(file: string): Promise<FormatError> {
  const error = await readCalcium(file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FormatError);
  expect((error as FormatError).file).toBe(file);
  return error as FormatError;
}

describe('matrices', () => {
  it('a plain comma-separated cells × frames matrix', async () => {
    const file = write('1,2,3,4\n5,6,7,8\n-1.5e2,0.25,.5,+3\n');
    expect(sniffCalcium(file)).toBe('calcium-csv');
    const recording = await readCalcium(file);
    expect(recording.format).toBe('calcium-csv');
    expect([recording.cellCount, recording.frameCount]).toEqual([3, 4]);
    expect(Array.from(recording.traces)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, -150, 0.25, 0.5, 3]);
    expect(recording.traceKind).toBe('unknown');
    expect(recording.frameRateHz).toBeNull();
    expect(recording.timestampsS).toBeNull();
    expect(recording.labels).toEqual([null, null, null]);
    expect(recording.positions).toBeNull();
    expect(recording.assemblies).toBeNull();
    expect(recording.warnings).toEqual([]);
  });

  it('tab and semicolon delimiters, CRLF, a BOM and blank lines', async () => {
    for (const text of ['1\t2\t3\r\n4\t5\t6\r\n', '\uFEFF1;2;3\n\n4;5;6\n\n\n']) {
      const file = write(text);
      expect(sniffCalcium(file)).toBe('calcium-csv');
      const recording = await readCalcium(file);
      expect(Array.from(recording.traces)).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('a header row, which may say ΔF/F', async () => {
    const plain = await readCalcium(write('t0,t1,t2\n1,2,3\n4,5,6\n'));
    expect(plain.cellCount).toBe(2);
    expect(plain.traceKind).toBe('unknown');
    const dff = await readCalcium(write('cell,dF/F frame 1,frame 2\nA,0.1,0.2\nB,0.3,0.4\n'));
    expect(dff.traceKind).toBe('dff');
    expect(dff.labels).toEqual(['A', 'B']);
  });

  it('a name column, with or without a header of frame numbers', async () => {
    const named = await readCalcium(write('AVAL,1,2,3\n"RIA, left",4,5,6\n,7,8,9\n'));
    expect(named.labels).toEqual(['AVAL', 'RIA, left', null]);
    expect(Array.from(named.traces)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const counted = await readCalcium(write('cell,0,1,2\nAVAL,1,2,3\nAVAR,4,5,6\n'));
    expect(counted.cellCount).toBe(2);
    expect(counted.labels).toEqual(['AVAL', 'AVAR']);
    const unnamed = await readCalcium(write('cell,1,2,3\n7,1,2,3\n'));
    expect(unnamed.cellCount).toBe(1);
    expect(unnamed.labels).toEqual([null]);
  });

  it('keeps NaN and Inf, and says how many cells have them', async () => {
    const recording = await readCalcium(write('1,NaN,3\n4,5,6\n-inf,Inf,nan\n'));
    expect(recording.traces[1]).toBeNaN();
    expect(recording.traces[6]).toBe(-Infinity);
    expect(recording.warnings).toEqual(['2 cells contain non-finite values (4 NaN/Inf traces values in all); they are kept as read']);
  });

  it('a first line longer than the sniffed bytes', () => {
    const row = Array.from({ length: 2000 }, (_, i) => (i / 7).toFixed(5)).join(',');
    const file = write(`${row}\n${row}\n`);
    expect(sniffCalcium(file)).toBe('calcium-csv');
    expect(parseMatrix(`${row}\n`, file).columns).toBe(2000);
  });
});

describe('sibling files', () => {
  it('coordinates and assemblies next to <prefix>_activity_matrix.csv', async () => {
    const file = write('1,2\n3,4\n5,6\n7,8\n', 'fish_activity_matrix.csv');
    write('11.5,96.5\n143.25,99.25\n1,2\n3,4\n', 'fish_cell_coordinates.csv');
    write('1, 3\n2, 3, 4\n\n', 'fish_assembly_assignments.csv');
    expect(csvPrefix(file)).toBe(join(tmp.dir, 'fish'));
    const recording = await readCalcium(file);
    expect(Array.from(recording.positions!)).toEqual([11.5, 96.5, 0, 143.25, 99.25, 0, 1, 2, 0, 3, 4, 0]);
    expect(recording.assemblies).toEqual([
      [0, 2],
      [1, 2, 3],
    ]);
    expect(recording.warnings).toEqual([]);
    expect(recording.description).toMatch(/2 assemblies from fish_assembly_assignments\.csv \(sizes 2, 3\)/);
  });

  it('x, y, z coordinates with a header, for any <prefix>.csv', async () => {
    const file = write('1,2\n3,4\n', 'z3.csv');
    write('x,y,z\n1,2,3\n4,5,6\n', 'z3_cell_coordinates.csv');
    expect(Array.from((await readCalcium(file)).positions!)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('siblings that do not fit are skipped with a warning', async () => {
    const file = write('1,2\n3,4\n', 'bad_activity_matrix.csv');
    write('1,2\n3,4\n5,6\n', 'bad_cell_coordinates.csv');
    write('1,2\n2,9\n', 'bad_assembly_assignments.csv');
    const recording = await readCalcium(file);
    expect(recording.positions).toBeNull();
    expect(recording.assemblies).toBeNull();
    expect(recording.warnings).toEqual([
      `${join(tmp.dir, 'bad_cell_coordinates.csv')}: skipped (holds 3 coordinate rows but the matrix has 2 cells)`,
      `${join(tmp.dir, 'bad_assembly_assignments.csv')}: skipped (line 2, value 2: "9" is not a cell index from 1 to 2)`,
    ]);
  });

  it('a NaN coordinate skips the positions with a warning naming the cell, rather than placing it nowhere (issue #15)', async () => {
    const file = write('1,2\n3,4\n', 'nanxy_activity_matrix.csv');
    write('1,2\n3,NaN\n', 'nanxy_cell_coordinates.csv');
    const recording = await readCalcium(file);
    expect(recording.positions).toBeNull();
    expect(recording.warnings).toEqual([`${join(tmp.dir, 'nanxy_cell_coordinates.csv')}: skipped (field "y": cell 2: coordinate y is NaN)`]);
  });
});

describe('errors', () => {
  it('a ragged row names its line', async () => {
    const error = await formatError(write('1,2,3\n4,5,6\n7,8\n'));
    expect(error.message).toMatch(/line 3 has 2 values but line 1 has 3 \(a ragged row\)/);
  });

  it('a last row cut short without a newline is refused; whole, it is read with a warning (issue #15)', async () => {
    // Cut inside the last row: fewer values than the rows above.
    let error = await formatError(write('1,2,3,4\n5,6,7,8\n9,10'));
    expect(error.problem).toBe('file appears truncated at line 3 (its last line has 2 of 4 values and no newline)');
    // With a name column, and CRLF line ends above the cut.
    error = await formatError(write('cell,f0,f1,f2\r\nA,1,2,3\r\nB,4,5,6\r\nC,7'));
    expect(error.problem).toBe('file appears truncated at line 4 (its last line has 2 of 4 values and no newline)');
    // The only row, cut: the header gives the width.
    error = await formatError(write('f0,f1,f2,f3\n1,2'));
    expect(error.problem).toBe('file appears truncated at line 2 (its last line has 2 of 4 values and no newline)');
    // Ragged rows elsewhere are still ragged rows, newline or not.
    expect((await formatError(write('1,2,3\n4,5\n7,8,9'))).problem).toBe('line 2 has 2 values but line 1 has 3 (a ragged row)');

    // A whole last row without a newline: read, but a cut inside its last value cannot be ruled out.
    for (const text of ['1,2,3,4\n5,6,7,8\n9,10,11,12', '1,2,3,4', 'f0,f1\n1,2']) {
      const file = write(text);
      const recording = await readCalcium(file);
      expect(recording.cellCount, text).toBe(text.split('\n').length - (text.startsWith('f') ? 1 : 0));
      expect(recording.warnings).toEqual([
        `${file}: the file does not end with a newline after its last row (line ${text.split('\n').length}); if it was cut short there, that row's last value may be incomplete`,
      ]);
    }
    // Trailing blanks after the last newline are not a cut row.
    expect((await readCalcium(write('1,2\n3,4\n  '))).warnings).toEqual([]);
  });

  it('a non-number names its line and column', async () => {
    expect((await formatError(write('1,2,3\n4,x5,6\n'))).message).toMatch(/line 2, column 2: "x5" is not a number/);
    expect((await formatError(write('1,2,3\n4,,6\n'))).message).toMatch(/line 2, column 2: an empty value is not a number/);
    expect((await formatError(write('A,1,2\nB,3,oops\n'))).message).toMatch(/line 2, column 3: "oops" is not a number/);
  });

  it('a text table that is not numbers goes to the CSV reader, which says where', async () => {
    const file = write('name,age\nalice,x\n');
    expect(sniffCalcium(file)).toBeNull();
    expect((await formatError(file)).message).toMatch(/line 2, column 2: "x" is not a number/);
  });

  it('empty files and a header alone', async () => {
    await expect(readCalciumCsv(write(''))).rejects.toThrow(/the file is empty/);
    await expect(readCalciumCsv(write('a,b,c\n'))).rejects.toThrow(/a header but no rows of values/);
  });

  it('files that are not tables', async () => {
    const prose = write('Hello. This is a note, not a table\n');
    expect(sniffCalcium(prose)).toBeNull();
    const binary = write(new Uint8Array([0, 1, 2, 3, 255, 254]), 'b.bin');
    expect(sniffCalcium(binary)).toBeNull();
    expect((await formatError(binary)).message).toMatch(/not a calcium recording Cajal reads/);
    const words = write('just words\n');
    expect((await formatError(words)).message).toMatch(/not a calcium recording/);
  });
});
