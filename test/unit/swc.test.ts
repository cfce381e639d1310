/**
 * The SWC reader: typed arrays, header metadata, tolerant variants (tabs, extra spaces, CRLF, blank
 * lines, trailing comments, BOM, ids in any order, several trees), the scale option, the repairable
 * warnings (radius ≤ 0, type 0) and every strict error with its line.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileAccessError, FormatError, ValidationError } from '../../main/errors.js';
import { parseSwc, readSwc } from '../../main/io/swc/index.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-swc-');
afterAll(() => tmp.cleanup());

const Y = `# ORIGINAL_SOURCE test
# SCALE 1.0 1.0 1.0
1 1 0 0 0 5 -1
2 3 0 6 0 1 1
3 3 3 10 0 0.5 2
4 3 -3 10 0 0.5 2
`;

function formatError(text: string): FormatError {
  let error: unknown;
  try {
    parseSwc(text, 'bad.swc');
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(FormatError);
  expect((error as FormatError).file).toBe('bad.swc');
  return error as FormatError;
}

describe('parsing', () => {
  it('reads the 7 columns into typed arrays, with parent indices, trees and header', () => {
    const m = parseSwc(Y, 'y.swc');
    expect(m.count).toBe(4);
    expect(Array.from(m.ids)).toEqual([1, 2, 3, 4]);
    expect(Array.from(m.types)).toEqual([1, 3, 3, 3]);
    expect(m.xyz).toBeInstanceOf(Float64Array);
    expect(Array.from(m.xyz)).toEqual([0, 0, 0, 0, 6, 0, 3, 10, 0, -3, 10, 0]);
    expect(Array.from(m.radii)).toEqual([5, 1, 0.5, 0.5]);
    expect(m.parentIndex).toBeInstanceOf(Int32Array);
    expect(Array.from(m.parentIndex)).toEqual([-1, 0, 1, 1]);
    expect(Array.from(m.lines)).toEqual([3, 4, 5, 6]);
    expect(m.trees).toEqual([{ rootIndex: 0, size: 4, rootType: 1 }]);
    expect(m.header).toEqual(['ORIGINAL_SOURCE test', 'SCALE 1.0 1.0 1.0']);
    expect(m.warnings).toEqual([]);
    expect(m.scaleUmPerUnit).toBeNull();
  });

  it('tolerates tabs, extra whitespace, CRLF, blank lines, trailing comments and a BOM', () => {
    const text = '\ufeff# header\r\n\r\n  1\t1  0 0 0\t5   -1  \r\n\r\n\t2 3 0 6 0 1 1 # first dendrite point\r\n   \r\n3 3 3 10 0 0.5 2\r\n4 3 -3 10 0 0.5 2';
    const m = parseSwc(text, 'crlf.swc');
    const plain = parseSwc(Y, 'y.swc');
    expect(Array.from(m.xyz)).toEqual(Array.from(plain.xyz));
    expect(Array.from(m.parentIndex)).toEqual(Array.from(plain.parentIndex));
    expect(m.header).toEqual(['header']); // a trailing comment is dropped, not header
    expect(Array.from(m.lines)).toEqual([3, 5, 7, 8]);
  });

  it('accepts exponents, signs and decimals without leading digits', () => {
    const m = parseSwc('1 1 +1.5e1 -.5 2. 1E0 -1\n', 'n.swc');
    expect(Array.from(m.xyz)).toEqual([15, -0.5, 2]);
    expect(m.radii[0]).toBe(1);
  });

  it('takes arbitrary positive ids in any order (children before parents)', () => {
    const m = parseSwc('70 3 1 0 0 1 12\n12 1 0 0 0 2 -1\n900000 3 2 0 0 1 70\n', 'ids.swc');
    expect(Array.from(m.ids)).toEqual([70, 12, 900000]);
    expect(Array.from(m.parentIndex)).toEqual([1, -1, 0]);
    expect(m.trees).toEqual([{ rootIndex: 1, size: 3, rootType: 1 }]);
  });

  it('holds several trees (e.g. a skeleton split in fragments, or neurites without a soma)', () => {
    const m = parseSwc('1 1 0 0 0 1 -1\n2 3 1 0 0 1 1\n10 2 5 5 5 1 -1\n11 2 6 5 5 1 10\n12 2 7 5 5 1 11\n20 7 9 9 9 1 -1\n', 'trees.swc');
    expect(m.trees).toEqual([
      { rootIndex: 0, size: 2, rootType: 1 },
      { rootIndex: 2, size: 3, rootType: 2 },
      { rootIndex: 5, size: 1, rootType: 7 },
    ]);
    expect(m.types[5]).toBe(7); // custom type kept
  });

  it('applies a scale (µm per unit) to coordinates and radii only when asked', () => {
    const m = parseSwc('1 1 1000 2000 -500 125 -1\n', 'hemibrain.swc', { scaleUmPerUnit: 0.008 });
    expect(Array.from(m.xyz)).toEqual([1000 * 0.008, 2000 * 0.008, -500 * 0.008]);
    expect(m.radii[0]).toBe(125 * 0.008);
    expect(m.scaleUmPerUnit).toBe(0.008);
    expect(() => parseSwc('1 1 0 0 0 1 -1\n', 'x.swc', { scaleUmPerUnit: 0 })).toThrow(ValidationError);
    expect(() => parseSwc('1 1 0 0 0 1 -1\n', 'x.swc', { scaleUmPerUnit: Number.NaN })).toThrow(ValidationError);
  });

  it('reads from a file, and names a missing file', async () => {
    const file = join(tmp.dir, 'y.swc');
    writeFileSync(file, Y);
    const m = await readSwc(file);
    expect(m.file).toBe(file);
    expect(m.count).toBe(4);
    await expect(readSwc(join(tmp.dir, 'absent.swc'))).rejects.toBeInstanceOf(FileAccessError);
  });
});

describe('repairable issues are kept and listed', () => {
  it('zero and negative radii', () => {
    const m = parseSwc('1 1 0 0 0 0 -1\n2 3 1 0 0 -0.5 1\n3 3 2 0 0 1 2\n', 'r.swc');
    expect(Array.from(m.radii)).toEqual([0, -0.5, 1]);
    expect(m.warnings).toEqual([
      { line: 1, message: 'sample 1 has radius 0 (≤ 0); kept as is' },
      { line: 2, message: 'sample 2 has radius -0.5 (≤ 0); kept as is' },
    ]);
  });

  it('type 0 (undefined)', () => {
    const m = parseSwc('# c\n1 1 0 0 0 1 -1\n2 0 1 0 0 1 1\n', 't.swc');
    expect(m.types[1]).toBe(0);
    expect(m.warnings).toEqual([{ line: 3, message: 'sample 2 has type 0 (undefined); kept as is' }]);
  });
});

describe('strict errors name the line', () => {
  it('an empty file', () => {
    expect(formatError('').message).toBe('bad.swc: no SWC samples (1 line, none with 7 columns)');
  });

  it('a file of comments and blank lines only', () => {
    expect(formatError('# only a header\n\n# more\n').problem).toMatch(/^no SWC samples/);
  });

  it('too few and too many columns', () => {
    const few = formatError('1 1 0 0 0 1 -1\n2 3 1 0 0 1\n');
    expect(few.problem).toBe('line 2 has 6 columns, expected 7 (id type x y z radius parent)');
    expect(few.byteOffset).toBe(15);
    expect(formatError('1 1 0 0 0 1 -1 0\n').problem).toBe('line 1 has 8 columns, expected 7 (id type x y z radius parent)');
  });

  it('non-numeric values, naming line, column and field but never quoting the cell', () => {
    const e = formatError('1 1 0 0 0 1 -1\n\n2 3 1 abc 0 1 1\n');
    expect(e.problem).toBe('line 3, column 4 (y) is not a number');
    expect(e.field).toBe('y');
    expect(e.byteOffset).toBe(22); // the cell itself
    expect(e.message).toBe('bad.swc: field "y" at byte 22: line 3, column 4 (y) is not a number');
    // Text where a number belongs may be private (a name, a password): it is never echoed.
    const secret = formatError('hunter2 1 0 0 0 1 -1\n');
    expect(secret.message).toBe('bad.swc: field "id" at byte 0: line 1, column 1 (id) is not a number');
    expect(secret.message).not.toContain('hunter2');
  });

  it('NaN and infinite coordinates or radii', () => {
    expect(formatError('1 1 NaN 0 0 1 -1\n').problem).toBe('line 1, column 3 (x) is not a number');
    expect(formatError('1 1 0 0 0 inf -1\n').problem).toBe('line 1, column 6 (radius) is not a number');
    expect(formatError('1 1 0 0 1e999 1 -1\n').problem).toBe('line 1, column 5 (z) is not a finite number');
  });

  it('coordinates and radii beyond ±1e9 file units (finite, but damage: lengths would overflow)', () => {
    const e = formatError('1 1 0 0 0 1 -1\n2 3 1e308 0 0 1 1\n');
    expect(e.problem).toBe('line 2, column 3 (x) is out of range: beyond ±1e+9 file units');
    expect(e.field).toBe('x');
    expect(formatError('1 1 0 -2e9 0 1 -1\n').problem).toBe('line 1, column 4 (y) is out of range: beyond ±1e+9 file units');
    expect(formatError('1 1 0 0 0 5e9 -1\n').field).toBe('radius');
    // The largest real volumes in nm (millimetres of tissue) stay far below the bound.
    expect(parseSwc('1 1 3.2e6 -4e6 9.9e8 12 -1\n', 'nm.swc').xyz[2]).toBe(9.9e8);
  });

  it('non-integer or out-of-range ids, types and parents', () => {
    expect(formatError('1.5 1 0 0 0 1 -1\n').problem).toBe('line 1, column 1 (id) is not an integer');
    expect(formatError('1 1 0 0 0 1 -1.0\n').problem).toBe('line 1, column 7 (parent) is not an integer');
    expect(formatError('0 1 0 0 0 1 -1\n').problem).toBe('line 1, column 1 (id) is not a positive integer below 2^32 (0)');
    expect(formatError('1 -3 0 0 0 1 -1\n').problem).toMatch(/^line 1, column 2 \(type\) is negative \(-3;/);
    expect(formatError('1 99999999999 0 0 0 1 -1\n').problem).toMatch(/^line 1, column 2 \(type\) is out of range/);
    expect(formatError('1 1 0 0 0 1 -2\n').problem).toBe('line 1, column 7 (parent) is not −1 or a sample id (-2)');
  });

  it('duplicate ids, with both lines', () => {
    const e = formatError('1 1 0 0 0 1 -1\n2 3 1 0 0 1 1\n# again\n2 3 2 0 0 1 1\n');
    expect(e.problem).toBe('line 4: duplicate id 2 (first on line 2)');
    expect(e.field).toBe('id');
  });

  it('a missing parent', () => {
    const e = formatError('1 1 0 0 0 1 -1\n2 3 1 0 0 1 1\n3 3 2 0 0 1 7\n');
    expect(e.problem).toBe('line 3: parent 7 of sample 3 does not exist');
    expect(e.field).toBe('parent');
  });

  it('a sample that is its own parent', () => {
    expect(formatError('1 1 0 0 0 1 -1\n2 3 1 0 0 1 2\n').problem).toBe('line 2, column 7 (parent) makes sample 2 its own parent (a cycle)');
  });

  it('a cycle beside a good tree', () => {
    const e = formatError('1 1 0 0 0 1 -1\n2 3 1 0 0 1 1\n5 3 0 1 0 1 7\n6 3 0 2 0 1 5\n7 3 0 3 0 1 6\n');
    expect(e.problem).toMatch(/^line 3: cycle of 3 samples through parents \(ids /);
    expect(e.problem).toContain('a tree needs a root with parent -1');
  });

  it('a file without any root (all samples on a cycle)', () => {
    expect(formatError('1 1 0 0 0 1 2\n2 3 1 0 0 1 1\n').problem).toMatch(/^line 1: cycle of 2 samples through parents \(ids [12] → [12]\)/);
  });

  it('a subtree hanging below a cycle points at the cycle', () => {
    const e = formatError('1 1 0 0 0 1 -1\n9 3 9 9 9 1 4\n3 3 0 0 0 1 4\n4 3 0 0 0 1 3\n');
    expect(e.problem).toMatch(/^line 3: cycle of 2 samples/);
  });
});

describe('a last line without a newline is checked for truncation', () => {
  const BODY = '1 1 0 0 0 5 -1\n' + Array.from({ length: 113 }, (_, i) => `${i + 2} 3 ${i + 1} 0 0 1 ${i + 1}\n`).join('');

  it('a cut inside the parent id that re-parents the sample (114 → 1) is refused, naming the line', () => {
    // Line 115 was "115 3 114 0 0 1 114"; cut after its first parent digit it still parses, as a
    // sample hanging from the soma.
    const e = formatError(`${BODY}115 3 114 0 0 1 1`);
    expect(e.problem).toBe(
      "file appears truncated at line 115 (its last line, which has no newline): line 115, column 7 (parent) has fewer digits (1) than the sample's id (115): a cut number? If the line is complete, end the file with a newline",
    );
    expect(e.field).toBe('parent');
    expect(formatError(`${BODY}115 3 114 0 0 1 11`).problem).toMatch(/^file appears truncated at line 115 /);
    // The same line with its newline is a complete file: accepted as written.
    expect(parseSwc(`${BODY}115 3 114 0 0 1 1\n`, 'ok.swc').parentIndex[114]).toBe(0);
  });

  it('a cut elsewhere in the last line: too few columns, half a number, a missing parent', () => {
    expect(formatError(`${BODY}115 3 114 0 0 1`).problem).toBe(
      'file appears truncated at line 115 (its last line, which has no newline): line 115 has 6 columns, expected 7 (id type x y z radius parent)',
    );
    expect(formatError(`${BODY}115 3 114 0 0 1 -`).problem).toBe(
      'file appears truncated at line 115 (its last line, which has no newline): line 115, column 7 (parent) is not a number',
    );
    expect(formatError(`${BODY}115 3 114 0 0 1 116`).problem).toBe(
      'file appears truncated at line 115 (its last line, which has no newline): line 115: parent 116 of sample 115 does not exist',
    );
  });

  it('a file ending in blanks without a newline is refused: a cut after a space-padded line loses the samples after it (issue #15)', () => {
    // NeuroMorpho CNG files pad each line with spaces: cut inside the next line's leading blank, or
    // after a line's trailing one, the file holds only whole lines, and samples 115… are gone.
    const padded = BODY.split('\n')
      .slice(0, -1)
      .map((line) => ` ${line} \n`)
      .join('');
    const lineStart = padded.length;
    for (const [text, line] of [
      [`${padded} `, 115],
      [`${padded}\t `, 115],
      [`${padded} 115 3 114 0 0 1 114 `, 115],
      [`${BODY}115 3 114 0 0 1 1  `, 115],
      [`${BODY}\n   `, 116],
    ] as const) {
      const e = formatError(text);
      expect(e.problem, JSON.stringify(text.slice(-24))).toBe(`file appears truncated at line ${line} (it ends in blanks without a newline)`);
      if (text.startsWith(padded)) expect(e.byteOffset).toBe(lineStart);
    }
    // Ended with a newline, the same padded lines are a complete file.
    expect(parseSwc(`${padded} 115 3 114 0 0 1 114 \n`, 'ok.swc').count).toBe(115);
    expect(parseSwc(`${padded}\n \n`, 'ok.swc').count).toBe(114);
  });

  it('complete last lines without a newline are accepted', () => {
    for (const last of ['115 3 114 0 0 1 114', '115 3 114 0 0 1 -1', '10 3 0 0 0 1 9', '115 3 114 0 0 1 1 # stem', '115 3 114 0 0 1 1\r\n']) {
      const text = last.startsWith('10 ') ? '1 1 0 0 0 5 -1\n9 3 1 0 0 1 1\n' + last : BODY + last;
      expect(() => parseSwc(text, 'ok.swc'), last).not.toThrow();
    }
  });
});
