/**
 * The .npy reader and writer: byte-for-byte agreement with numpy's own files, every dtype in both
 * byte orders and both memory orders through every format version, hand-written headers in the
 * older spellings, and each way a file can be broken.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileAccessError, FormatError } from '../../main/errors.js';
import { encodeNpy, npyToFloat32, npyToFloat64, parseNpy, parseNpyHeader, readNpy, type NpyArray, type NpyDtype } from '../../main/io/npy.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-npy-');
afterAll(() => tmp.cleanup());

const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

/** An .npy file with a header text of our own (numpy pads the same way, but we do not need to). */
function rawNpy(header: string, data: Uint8Array, version = 1): Uint8Array {
  const text = new TextEncoder().encode(`${header}\n`);
  const lengthBytes = version === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lengthBytes + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, 8 + lengthBytes);
  out.set(data, 8 + lengthBytes + text.length);
  return out;
}

/** Catches the error `run` throws (vitest's toThrow cannot check fields). */
function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

// np.save output (numpy 1.24) of the arrays named, as hex.
const NUMPY_FILES: { name: string; array: NpyArray; fortranOrder?: boolean; bigEndian?: boolean; hex: string }[] = [
  {
    name: "np.arange(6, dtype='<f4').reshape(2, 3)",
    array: { dtype: 'float32', shape: [2, 3], data: Float32Array.from([0, 1, 2, 3, 4, 5]) },
    hex: '934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000803f0000004000004040000080400000a040',
  },
  {
    name: "np.asfortranarray(np.array([[1, -2, 3], [4, 5, -6]], dtype='>i2'))",
    array: { dtype: 'int16', shape: [2, 3], data: Int16Array.from([1, -2, 3, 4, 5, -6]) },
    fortranOrder: true,
    bigEndian: true,
    hex: '934e554d5059010076007b276465736372273a20273e6932272c2027666f727472616e5f6f72646572273a20547275652c20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a00010004fffe00050003fffa',
  },
  {
    name: "np.array([1.0, -0.5, 65504], dtype='<f2')",
    array: { dtype: 'float16', shape: [3], data: Float32Array.from([1, -0.5, 65504]) },
    hex: '934e554d5059010076007b276465736372273a20273c6632272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a003c00b8ff7b',
  },
  {
    name: 'np.array(True) (0-d)',
    array: { dtype: 'bool', shape: [], data: Uint8Array.from([1]) },
    hex: '934e554d5059010076007b276465736372273a20277c6231272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a01',
  },
  {
    name: "np.asfortranarray(np.arange(8, dtype='<u8').reshape(2, 2, 2))",
    array: { dtype: 'uint64', shape: [2, 2, 2], data: BigUint64Array.from([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]) },
    fortranOrder: true,
    hex: '934e554d5059010076007b276465736372273a20273c7538272c2027666f727472616e5f6f72646572273a20547275652c20277368617065273a2028322c20322c2032292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a00000000000000000400000000000000020000000000000006000000000000000100000000000000050000000000000003000000000000000700000000000000',
  },
];

describe('numpy files', () => {
  for (const { name, array, fortranOrder, bigEndian, hex } of NUMPY_FILES) {
    it(`reads and writes ${name} exactly as numpy`, () => {
      const parsed = parseNpy(fromHex(hex), 'numpy.npy');
      expect(parsed.dtype).toBe(array.dtype);
      expect(parsed.shape).toEqual(array.shape);
      expect(Array.from(parsed.data as ArrayLike<number | bigint>)).toEqual(Array.from(array.data as ArrayLike<number | bigint>));
      expect(Buffer.from(encodeNpy(array, { fortranOrder, bigEndian })).toString('hex')).toBe(hex);
    });
  }
});

/** Values for a dtype: C-order element i of `count`, with negatives, extremes and fractions. */
function sample(dtype: NpyDtype, count: number): NpyArray['data'] {
  const pick = (i: number): number => (i * 37 + 11) % 101;
  switch (dtype) {
    case 'bool':
      return Uint8Array.from({ length: count }, (_, i) => pick(i) % 2);
    case 'int8':
      return Int8Array.from({ length: count }, (_, i) => (i === 0 ? -128 : pick(i) - 50));
    case 'uint8':
      return Uint8Array.from({ length: count }, (_, i) => (i === 0 ? 255 : pick(i)));
    case 'int16':
      return Int16Array.from({ length: count }, (_, i) => (i === 0 ? -32768 : pick(i) * 300 - 15000));
    case 'uint16':
      return Uint16Array.from({ length: count }, (_, i) => (i === 0 ? 65535 : pick(i) * 600));
    case 'int32':
      return Int32Array.from({ length: count }, (_, i) => (i === 0 ? -2147483648 : pick(i) * 1e7 - 5e8));
    case 'uint32':
      return Uint32Array.from({ length: count }, (_, i) => (i === 0 ? 4294967295 : pick(i) * 4e7));
    case 'int64':
      return BigInt64Array.from({ length: count }, (_, i) => (i === 0 ? -(2n ** 63n) : BigInt(pick(i)) * 10n ** 15n - 5n));
    case 'uint64':
      return BigUint64Array.from({ length: count }, (_, i) => (i === 0 ? 2n ** 64n - 1n : BigInt(pick(i)) * 10n ** 17n));
    case 'float16':
      return Float32Array.from({ length: count }, (_, i) => [0.5, -2, 1024, 0.099975586, -65504, 2 ** -24][i % 6]! * (i % 7 === 3 ? -1 : 1));
    case 'float32':
      return Float32Array.from({ length: count }, (_, i) => Math.fround(pick(i) / 7 - 3));
    case 'float64':
      return Float64Array.from({ length: count }, (_, i) => (i === 0 ? Number.MAX_VALUE : pick(i) / 7 - 3));
  }
}

/** The C-order element at a multi-index of `shape`. */
function cIndex(shape: readonly number[], index: readonly number[]): number {
  return index.reduce((offset, i, axis) => offset * shape[axis]! + i, 0);
}

const DTYPES: NpyDtype[] = ['bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float16', 'float32', 'float64'];
const SHAPES = [[], [0], [5], [2, 3], [3, 0], [2, 3, 4], [1, 2, 3, 2]];

describe('every dtype, order and version', () => {
  for (const dtype of DTYPES) {
    it(`round-trips ${dtype} in every layout`, () => {
      for (const shape of SHAPES) {
        const count = shape.reduce((a, b) => a * b, 1);
        const array: NpyArray = { dtype, shape, data: sample(dtype, count) };
        for (const version of [1, 2, 3] as const) {
          for (const fortranOrder of [false, true]) {
            for (const bigEndian of [false, true]) {
              const bytes = encodeNpy(array, { version, fortranOrder, bigEndian });
              const header = parseNpyHeader(bytes, 'x.npy');
              expect(header.version).toBe(`${version}.0`);
              expect(header.fortranOrder).toBe(fortranOrder);
              expect(header.dataOffset % 64).toBe(0);
              const parsed = parseNpy(bytes, 'x.npy');
              expect(parsed.dtype).toBe(dtype);
              expect(parsed.shape).toEqual(shape);
              expect(Array.from(parsed.data as ArrayLike<number | bigint>)).toEqual(Array.from(array.data as ArrayLike<number | bigint>));
            }
          }
        }
      }
    });
  }

  it('stores Fortran order with the first axis fastest, and reads it back in C order', () => {
    const shape = [2, 3, 4];
    const data = Int32Array.from({ length: 24 }, (_, i) => i);
    const bytes = encodeNpy({ dtype: 'int32', shape, data }, { fortranOrder: true });
    const stored = new Int32Array(bytes.slice(parseNpyHeader(bytes, 'f.npy').dataOffset).buffer);
    // Fortran offset of (i, j, k) is i + 2j + 6k.
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expect(stored[i + 2 * j + 6 * k]).toBe(cIndex(shape, [i, j, k]));
    expect(Array.from(parseNpy(bytes, 'f.npy').data as Int32Array)).toEqual(Array.from(data));
  });

  it('decodes float16 specials and subnormals', () => {
    const halves = Uint16Array.from([0x7c00, 0xfc00, 0x7e00, 0x0001, 0x8000, 0x3555]);
    const parsed = parseNpy(rawNpy("{'descr': '<f2', 'fortran_order': False, 'shape': (6,), }", new Uint8Array(halves.buffer)), 'h.npy');
    const values = Array.from(parsed.data as Float32Array);
    expect(values.slice(0, 2)).toEqual([Infinity, -Infinity]);
    expect(values[2]).toBeNaN();
    expect(values[3]).toBe(2 ** -24);
    expect(Object.is(values[4], -0)).toBe(true);
    expect(values[5]).toBeCloseTo(1 / 3, 3);
  });

  it('converts to float64 and float32 (64-bit integers through Number)', () => {
    const array = parseNpy(encodeNpy({ dtype: 'int64', shape: [3], data: BigInt64Array.from([-5n, 0n, 2n ** 40n]) }), 'i.npy');
    expect(Array.from(npyToFloat64(array))).toEqual([-5, 0, 2 ** 40]);
    expect(Array.from(npyToFloat32(array))).toEqual([-5, 0, 2 ** 40]);
    const f = parseNpy(encodeNpy({ dtype: 'float32', shape: [2], data: Float32Array.from([1.5, -2]) }), 'f.npy');
    expect(npyToFloat32(f)).toBe(f.data);
  });
});

describe('header spellings', () => {
  const data = new Uint8Array(new Float64Array([1, 2, 3, 4, 5, 6]).buffer);

  it('reads Python 2 long integers, double quotes and no trailing comma', () => {
    const parsed = parseNpy(rawNpy('{"descr": "<f8", "fortran_order": False, "shape": (2L, 3L)}', data), 'py2.npy');
    expect(parsed.shape).toEqual([2, 3]);
    expect(Array.from(parsed.data as Float64Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads keys in any order and a list for the shape', () => {
    const parsed = parseNpy(rawNpy("{'shape': [6], 'fortran_order': True, 'descr': '<f8'}", data), 'order.npy');
    expect(parsed.shape).toEqual([6]);
  });

  it('reads a version 3 header in UTF-8 and a version 2 header', () => {
    expect(parseNpy(rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), } ", data, 3), 'v3.npy').shape).toEqual([6]);
    expect(parseNpy(rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", data, 2), 'v2.npy').shape).toEqual([6]);
  });

  it("accepts '=' (native) as little-endian", () => {
    expect(Array.from(parseNpy(rawNpy("{'descr': '=f8', 'fortran_order': False, 'shape': (6,), }", data), 'n.npy').data as Float64Array)[5]).toBe(6);
  });
});

describe('broken files', () => {
  const good = encodeNpy({ dtype: 'float32', shape: [4, 5], data: new Float32Array(20) });
  const formatError = (bytes: Uint8Array): FormatError => {
    const error = errorOf(() => parseNpy(bytes, 'bad.npy'));
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).file).toBe('bad.npy');
    return error as FormatError;
  };

  it('no magic', () => {
    const error = formatError(new TextEncoder().encode('a,b,c\n1,2,3\n'));
    expect(error.message).toMatch(/not a NumPy \.npy file/);
    expect(error.byteOffset).toBe(0);
    expect(formatError(new Uint8Array(0)).message).toMatch(/not a NumPy/);
  });

  it('an unknown format version', () => {
    const bytes = good.slice();
    bytes[6] = 4;
    expect(formatError(bytes).message).toMatch(/version 4\.0/);
  });

  it('a header length past the end of the file', () => {
    const error = formatError(good.slice(0, 40));
    expect(error.message).toMatch(/header says it is 118 bytes long but the file ends at byte 40/);
    expect(error.byteOffset).toBe(40);
  });

  it('truncated data, with the byte offset where the file ends', () => {
    const error = formatError(good.slice(0, good.length - 3));
    expect(error.message).toMatch(/data is truncated: shape \(4, 5\) of float32 needs 80 bytes but only 77 follow the header/);
    expect(error.byteOffset).toBe(good.length - 3);
  });

  it('malformed headers', () => {
    const cases: [string, RegExp][] = [
      ["{'descr' '<f4', 'fortran_order': False, 'shape': (2,), }", /expected ":" after key 'descr'/],
      ["{'descr': '<f4, 'fortran_order': False, 'shape': (2,), }", /malformed \.npy header/],
      ["('descr', '<f4')", /it is not a dict/],
      ["{'fortran_order': False, 'shape': (2,), }", /no "descr" string/],
      ["{'descr': '<f4', 'shape': (2,), }", /True\/False "fortran_order"/],
      ["{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", /True\/False "fortran_order"/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }", /"shape" tuple of non-negative integers/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,), }", /malformed \.npy header/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } junk", /after the dict/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (2,", /unexpected end of header/],
      ["{1: '<f4'}", /dict keys must be strings/],
    ];
    for (const [header, problem] of cases) {
      const error = formatError(rawNpy(header, new Uint8Array(8)));
      expect(error.message).toMatch(problem);
      expect(error.byteOffset).toBeGreaterThanOrEqual(10);
    }
  });

  it('a shape past 2^53 elements is called damaged, not a truncation of an inexact byte count (issue #15)', () => {
    const error = formatError(rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }", new Uint8Array(8)));
    expect(error.message).toBe('bad.npy: field "shape": array: shape 1099511627776×1099511627776 has more elements than any file can hold (the shape is damaged)');
    // An empty array is still an array (numpy writes them).
    expect(parseNpy(rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", new Uint8Array(0)), 'empty.npy').shape).toEqual([0, 3]);
  });

  it('pickled objects are refused, never unpickled', () => {
    const error = formatError(rawNpy("{'descr': '|O', 'fortran_order': False, 'shape': (3,), }", fromHex('80034e2e')));
    expect(error.message).toMatch(/holds pickled Python objects.*does not unpickle them, for safety/);
  });

  it('structured and non-numeric dtypes are named', () => {
    expect(formatError(rawNpy("{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8))).message).toMatch(/structured/);
    expect(formatError(rawNpy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16))).message).toMatch(/unsupported \.npy dtype "<c16"/);
    expect(formatError(rawNpy("{'descr': '<U5', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(20))).message).toMatch(/unsupported \.npy dtype "<U5"/);
  });

  it('missing files and folders are FileAccessErrors', async () => {
    await expect(readNpy(join(tmp.dir, 'absent.npy'))).rejects.toBeInstanceOf(FileAccessError);
    mkdirSync(join(tmp.dir, 'folder.npy'));
    await expect(readNpy(join(tmp.dir, 'folder.npy'))).rejects.toBeInstanceOf(FileAccessError);
  });

  it('reads from disk', async () => {
    const file = join(tmp.dir, 'ok.npy');
    writeFileSync(file, encodeNpy({ dtype: 'uint16', shape: [2, 2], data: Uint16Array.from([1, 2, 3, 4]) }, { fortranOrder: true }));
    const array = await readNpy(file);
    expect(Array.from(array.data as Uint16Array)).toEqual([1, 2, 3, 4]);
  });
});
