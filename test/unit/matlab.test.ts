/**
 * The MATLAB v5 reader on files built in code (test/helpers/mat.ts): both byte orders, compressed
 * and not, every numeric class and storage conversions, complex, logical, char, struct, cell, and
 * damaged input (truncated elements, a compressed element that does not inflate, v7.3, v4, sparse).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../main/errors.js';
import { looksLikeMat, parseMat, readMat, type MatValue } from '../../main/io/matlab/index.js';
import { MatWriter, MI, MX } from '../helpers/mat.js';
import { tempDir } from '../helpers/tmp.js';
import { formatErrorOf } from '../helpers/format-error.js';

const tmp = tempDir('cajal-mat-');
afterAll(() => tmp.cleanup());

const numeric = (v: MatValue | undefined): Extract<MatValue, { type: 'numeric' }> => {
  if (v?.type !== 'numeric') throw new Error(`expected numeric, got ${v?.type}`);
  return v;
};


describe.each([
  ['little-endian', true],
  ['big-endian', false],
] as const)('MAT v5, %s', (_, le) => {
  const w = new MatWriter(le);

  it.each([false, true])('reads a double matrix column-major (compressed: %s)', (compress) => {
    const element = w.numeric('x', [2, 3], [1, 2, 3, 4, 5, 6.5]);
    const vars = parseMat(w.file(compress ? w.compressed(element) : element), 'x.mat');
    const x = numeric(vars.get('x'));
    expect(x.class).toBe('double');
    expect(x.dims).toEqual([2, 3]);
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4, 5, 6.5]);
    expect(x.imaginary).toBeNull();
  });

  it.each([
    ['double', MX.DOUBLE, MI.DOUBLE, [1.5, -2.25, 1e300]],
    ['single', MX.SINGLE, MI.SINGLE, [1.5, -2.25, Math.fround(0.1)]],
    ['int8', MX.INT8, MI.INT8, [-128, 0, 127]],
    ['uint8', MX.UINT8, MI.UINT8, [0, 1, 255]],
    ['int16', MX.INT16, MI.INT16, [-32768, 5, 32767]],
    ['uint16', MX.UINT16, MI.UINT16, [0, 7, 65535]],
    ['int32', MX.INT32, MI.INT32, [-2147483648, 9, 2147483647]],
    ['uint32', MX.UINT32, MI.UINT32, [0, 11, 4294967295]],
    ['int64', MX.INT64, MI.INT64, [-(2 ** 53) + 1, 13, 2 ** 53 - 1]],
    ['uint64', MX.UINT64, MI.UINT64, [0, 17, 2 ** 53]],
  ] as const)('class %s', (cls, classId, storage, values) => {
    const x = numeric(parseMat(w.file(w.numeric('v', [1, 3], values, classId, storage)), 'c.mat').get('v'));
    expect(x.class).toBe(cls);
    expect(Array.from(x.data)).toEqual(values);
  });

  it('converts values stored in a narrower type than their class (double saved as uint8, int16)', () => {
    const vars = parseMat(w.file(w.numeric('a', [1, 3], [0, 200, 255], MX.DOUBLE, MI.UINT8), w.numeric('b', [3, 1], [-300, 0, 300], MX.DOUBLE, MI.INT16)), 'n.mat');
    expect(Array.from(numeric(vars.get('a')).data)).toEqual([0, 200, 255]);
    expect(Array.from(numeric(vars.get('b')).data)).toEqual([-300, 0, 300]);
    // A single stored as double is rounded to float32, as MATLAB and scipy (mat_dtype) hold it.
    const s = numeric(parseMat(w.file(w.numeric('s', [1, 1], [0.1], MX.SINGLE, MI.DOUBLE)), 's.mat').get('s'));
    expect(s.data[0]).toBe(Math.fround(0.1));
  });

  it('reads a Node Buffer that is a view into a larger pool (as readFileSync returns small files)', () => {
    const bytes = w.file(w.numeric('b', [6, 1], [1, 2, 3, 4, 5, 6], MX.DOUBLE, MI.INT16));
    const pool = Buffer.alloc(bytes.length + 24, 0xff);
    pool.set(bytes, 8);
    const view = pool.subarray(8, 8 + bytes.length);
    expect(Array.from(numeric(parseMat(view, 'pool.mat').get('b')).data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads small data elements (a scalar stored in 4 bytes)', () => {
    const x = numeric(parseMat(w.file(w.numeric('k', [1, 1], [42], MX.DOUBLE, MI.UINT8)), 'k.mat').get('k'));
    expect(Array.from(x.data)).toEqual([42]);
  });

  it('reads complex, logical and char arrays', () => {
    const vars = parseMat(
      w.file(
        w.numeric('z', [1, 2], [1, 2], MX.DOUBLE, MI.DOUBLE, [-1, 0.5]),
        w.matrix(MX.UINT8, [2, 2], 'mask', [w.data(MI.UINT8, [1, 0, 0, 1])], { logical: true }),
        w.char('label', 'Precentral_L é'),
        w.matrix(MX.CHAR, [1, 3], 'u8', [w.element(MI.UTF8, new TextEncoder().encode('aé€'))]),
      ),
      'mixed.mat',
    );
    const z = numeric(vars.get('z'));
    expect(Array.from(z.data)).toEqual([1, 2]);
    expect(Array.from(z.imaginary!)).toEqual([-1, 0.5]);
    const mask = vars.get('mask')!;
    expect(mask.type).toBe('logical');
    expect(mask.type === 'logical' && Array.from(mask.data)).toEqual([1, 0, 0, 1]);
    expect(vars.get('label')).toEqual({ type: 'char', dims: [1, 14], text: 'Precentral_L é' });
    expect(vars.get('u8')).toEqual({ type: 'char', dims: [1, 3], text: 'aé€' });
  });

  it('reads a char matrix as lines', () => {
    // ['ab'; 'cd'] column-major: a c b d
    const m = parseMat(w.file(w.matrix(MX.CHAR, [2, 2], 'names', [w.data(MI.UINT16, [97, 99, 98, 100], false)])), 'c.mat').get('names');
    expect(m).toEqual({ type: 'char', dims: [2, 2], text: 'ab\ncd' });
  });

  it('reads structs (field names, one value per element) and cells, nested, compressed', () => {
    const fieldNames = new Uint8Array(64);
    ['tr', 'names'].forEach((name, i) => fieldNames.set(new TextEncoder().encode(name), i * 32));
    const cell = w.matrix(MX.CELL, [1, 2], '', [w.char('', 'PreCG.L'), w.char('', 'PreCG.R')]);
    const struct = w.matrix(MX.STRUCT, [1, 1], 'info', [
      w.data(MI.INT32, [32]),
      w.element(MI.INT8, fieldNames),
      w.numeric('', [1, 1], [2]),
      cell,
    ]);
    const info = parseMat(w.file(w.compressed(struct)), 's.mat').get('info')!;
    if (info.type !== 'struct') throw new Error('not a struct');
    expect(Object.keys(info.fields)).toEqual(['tr', 'names']);
    expect(Array.from(numeric(info.fields.tr![0]).data)).toEqual([2]);
    const names = info.fields.names![0]!;
    expect(names.type === 'cell' && names.cells.map((c) => c.type === 'char' && c.text)).toEqual(['PreCG.L', 'PreCG.R']);
  });

  it('reads an empty matrix element (as MATLAB writes [] in a cell)', () => {
    const c = parseMat(w.file(w.matrix(MX.CELL, [1, 1], 'c', [w.element(MI.MATRIX, new Uint8Array(0))])), 'e.mat').get('c');
    expect(c?.type === 'cell' && c.cells[0]).toMatchObject({ type: 'numeric', dims: [0, 0] });
  });

  it('refuses a truncated element, naming the file and the offset', () => {
    const bytes = w.file(w.numeric('x', [10, 10], new Array(100).fill(1)));
    const error = formatErrorOf(() => parseMat(bytes.subarray(0, bytes.length - 16), 'cut.mat'));
    expect(error.message).toMatch(/^cut\.mat: field "data element" at byte 128: truncated: the miMATRIX element states \d+ bytes/);
  });

  it('refuses an miCOMPRESSED element that does not inflate', () => {
    const garbage = w.element(MI.COMPRESSED, new Uint8Array([0x78, 0x9c, 1, 2, 3, 4, 5, 6, 7, 8]));
    const error = formatErrorOf(() => parseMat(w.file(garbage), 'z.mat'));
    expect(error.field).toBe('miCOMPRESSED');
    expect(error.message).toMatch(/z\.mat: .*does not inflate \(zlib: /);
  });

  it('refuses a compressed stream that ends early', () => {
    const full = w.compressed(w.numeric('x', [1, 200], new Array(200).fill(3.5)));
    const cut = w.element(MI.COMPRESSED, full.subarray(8, full.length - 20));
    expect(formatErrorOf(() => parseMat(w.file(cut), 'short.mat')).message).toMatch(/does not inflate|truncated/);
  });

  it('refuses data whose count disagrees with the dimensions', () => {
    const error = formatErrorOf(() => parseMat(w.file(w.numeric('x', [3, 3], [1, 2, 3])), 'n.mat'));
    expect(error.message).toMatch(/array "x" is 3×3 \(9 values\) but its real part holds 3/);
  });

  it('refuses sparse matrices by name', () => {
    const sparse = w.matrix(MX.SPARSE, [3, 3], 'S', [w.data(MI.INT32, [0]), w.data(MI.INT32, [0, 1, 1, 1]), w.data(MI.DOUBLE, [1], false)]);
    expect(formatErrorOf(() => parseMat(w.file(sparse), 'sp.mat')).message).toMatch(/array "S" is a sparse matrix.*full\(S\)/);
  });
});

describe('MAT-file kinds', () => {
  const w = new MatWriter(true);

  it('recognises v7.3 (HDF5) files: the v5 parser refuses them, a truncated one is named as such', async () => {
    const bytes = new Uint8Array(1024);
    bytes.set(w.header('MATLAB 7.3 MAT-file, Platform: GLNXA64', 0x0200));
    expect(formatErrorOf(() => parseMat(bytes, 'cut73.mat')).message).toMatch(/cut73\.mat: .*MATLAB v7\.3 MAT-file \(an HDF5 container\) and its HDF5 part is missing/);
    bytes.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 512);
    expect(formatErrorOf(() => parseMat(bytes, 'v73.mat')).message).toMatch(/read through the HDF5 reader/);
    // readMat routes it to HDF5 (matlab-v73.test.ts), where this damaged body is refused.
    const path = join(tmp.dir, 'broken73.mat');
    writeFileSync(path, bytes);
    await expect(readMat(path)).rejects.toThrow(/broken73\.mat: .*(truncated|corrupt)/);
  });

  it('refuses Level 4 files and non-MAT files', () => {
    const v4 = new Uint8Array(64);
    new DataView(v4.buffer).setInt32(0, 0, true);
    expect(formatErrorOf(() => parseMat(v4, 'old.mat')).message).toMatch(/Level 4/);
    expect(formatErrorOf(() => parseMat(new TextEncoder().encode('hello '.repeat(30)), 'text.mat')).message).toMatch(/is not a MATLAB v5 MAT-file/);
  });

  it('refuses nesting past the bound instead of overflowing the stack', () => {
    let inner = w.numeric('', [1, 1], [1]);
    for (let i = 0; i < 80; i++) inner = w.matrix(MX.CELL, [1, 1], i === 79 ? 'deep' : '', [inner]);
    expect(formatErrorOf(() => parseMat(w.file(inner), 'deep.mat')).message).toMatch(/nested deeper than 64/);
  });

  it('reads from disk, skips unnamed variables, and looksLikeMat tells by content', async () => {
    const path = join(tmp.dir, 'a.mat');
    writeFileSync(path, w.file(w.numeric('', [1, 1], [9]), w.compressed(w.numeric('tc', [2, 2], [1, 2, 3, 4]))));
    expect([...(await readMat(path)).keys()]).toEqual(['tc']);
    expect(await looksLikeMat(path)).toBe(true);
    const csv = join(tmp.dir, 'a.csv');
    writeFileSync(csv, 'a,b\n1,2\n');
    expect(await looksLikeMat(csv)).toBe(false);
    expect(await looksLikeMat(join(tmp.dir, 'missing.mat'))).toBe(false);
    await expect(readMat(join(tmp.dir, 'missing.mat'))).rejects.toThrow(/missing\.mat: no such file/);
  });
});

describe('damaged files fail cleanly', () => {
  // Every truncation and a seeded set of byte flips of a file with each element kind: the reader
  // returns variables or throws a FormatError (or InsufficientMemoryError for a huge stated shape),
  // never a RangeError, a TypeError or a hang.
  const w = new MatWriter(true);
  const fieldNames = new Uint8Array(16);
  fieldNames.set(new TextEncoder().encode('a'), 0);
  fieldNames.set(new TextEncoder().encode('b'), 8);
  const original = w.file(
    w.numeric('x', [2, 3], [1, 2, 3, 4, 5, 6], MX.DOUBLE, MI.UINT8),
    w.char('name', 'abc'),
    w.matrix(MX.STRUCT, [1, 1], 's', [w.data(MI.INT32, [8]), w.element(MI.INT8, fieldNames), w.numeric('', [1, 1], [1]), w.matrix(MX.CELL, [1, 1], '', [w.char('', 'z')])]),
    w.compressed(w.numeric('tc', [2, 2], [1, 2, 3, 4], MX.SINGLE, MI.SINGLE)),
  );

  const clean = (bytes: Uint8Array): void => {
    try {
      parseMat(bytes, 'fuzz.mat');
    } catch (error) {
      expect((error as Error).name, String(error)).toMatch(/^(FormatError|InsufficientMemoryError)$/);
    }
  };

  it('the intact file reads', () => {
    expect([...parseMat(original, 'ok.mat').keys()]).toEqual(['x', 'name', 's', 'tc']);
  });

  it('every truncation', () => {
    for (let length = 0; length < original.length; length++) clean(original.subarray(0, length));
  });

  it('byte flips', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = original.slice();
      for (let k = 0; k < 1 + Math.floor(random() * 3); k++) bytes[128 + Math.floor(random() * (bytes.length - 128))] = Math.floor(random() * 256);
      clean(bytes);
    }
  });
});
