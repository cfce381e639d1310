/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0, as numpy's `format.py` documents them):
 * a magic string, a Python-literal header dict (`descr`, `fortran_order`, `shape`) and the raw
 * elements. Every numeric dtype is read, either byte order, C or Fortran order; arrays always come
 * back in C order and native (little-endian) byte order, so callers never think about layout.
 *
 * Object arrays (`|O`) hold pickled Python objects. They are never unpickled here: a pickle can run
 * arbitrary code. `readNpy` refuses them with a FormatError; callers that know what to expect (the
 * Suite2p reader) take the raw payload with `readNpyRaw` and hand it to the data-only pickle reader
 * in `calcium/pickle.ts`.
 */
import { readFile } from 'node:fs/promises';
import { FormatError, fileAccessError } from '../errors.js';
import { checkAllocation, checkShape, rethrowIfOutOfMemory } from './allocation.js';

export type NpyDtype =
  | 'bool'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float16'
  | 'float32'
  | 'float64';

export type NpyData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

export interface NpyArray {
  dtype: NpyDtype;
  /** `[]` for a 0-d array (one element). */
  shape: number[];
  /**
   * The elements in C order, native byte order. bool is a Uint8Array of 0/1; float16 is widened to
   * a Float32Array (JS has no half floats); 64-bit integers stay BigInt arrays (see `npyToFloat64`).
   */
  data: NpyData;
}

export interface NpyHeader {
  /** `major.minor` of the format, e.g. `1.0`. */
  version: string;
  /** The dtype string as written (`<f4`, `|O`…). */
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the first element. */
  dataOffset: number;
}

/** What a `descr` string says about the elements. */
export interface NpyDescr {
  dtype: NpyDtype;
  itemSize: number;
  bigEndian: boolean;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DTYPES: Record<string, NpyDtype> = {
  b1: 'bool',
  '?': 'bool',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
};

const ITEM_SIZE: Record<NpyDtype, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float16: 2,
  float32: 4,
  float64: 8,
};

/** True for object dtypes (`|O`, `O8`…): elements are pickled Python objects. */
export function isObjectDescr(descr: string): boolean {
  return /^[<>|=]?O\d*$/.test(descr);
}

/** The numeric dtype a `descr` names, or undefined for anything else (strings, complex, dates…). */
export function decodeNpyDescr(descr: string): NpyDescr | undefined {
  const match = /^([<>|=]?)([a-z?]\d*)$/i.exec(descr);
  if (!match) return undefined;
  const dtype = DTYPES[match[2]!];
  if (!dtype) return undefined;
  return { dtype, itemSize: ITEM_SIZE[dtype], bigEndian: match[1] === '>' };
}

/** Number of elements of `shape` (1 for a 0-d array). */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

// ---------------------------------------------------------------------------------------------
// Header: a Python literal dict, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (23, 864), }

type PyLiteral = string | number | boolean | null | PyLiteral[] | Map<string, PyLiteral>;

/**
 * A recursive-descent parser for the literals numpy writes in headers: dicts, tuples, lists,
 * quoted strings, integers (Python 2 wrote `23L`), True/False/None. `base` is the byte offset of
 * the text in the file, for error messages.
 */
function parseLiteral(text: string, file: string, base: number): PyLiteral {
  let pos = 0;
  const fail = (problem: string): never => {
    throw new FormatError(file, `malformed .npy header: ${problem}`, 'header', base + pos);
  };
  const skip = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const value = (): PyLiteral => {
    skip();
    const c = text[pos];
    if (c === undefined) return fail('unexpected end of header');
    if (c === '{') {
      pos++;
      const map = new Map<string, PyLiteral>();
      for (;;) {
        skip();
        if (text[pos] === '}') {
          pos++;
          return map;
        }
        const key = value();
        if (typeof key !== 'string') return fail('dict keys must be strings');
        skip();
        if (text[pos] !== ':') return fail(`expected ":" after key '${key}'`);
        pos++;
        map.set(key, value());
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') return fail('expected "," or "}" in dict');
      }
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      pos++;
      const items: PyLiteral[] = [];
      for (;;) {
        skip();
        if (text[pos] === close) {
          pos++;
          return items;
        }
        items.push(value());
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== close) return fail(`expected "," or "${close}"`);
      }
    }
    if (c === "'" || c === '"') {
      pos++;
      let out = '';
      while (pos < text.length && text[pos] !== c) {
        if (text[pos] === '\\') pos++; // an escaped character stands for itself here
        out += text[pos] ?? '';
        pos++;
      }
      if (pos >= text.length) return fail('unterminated string');
      pos++;
      return out;
    }
    const word = /^(-?\d+)L?|^(True|False|None)\b/.exec(text.slice(pos));
    if (!word) return fail(`unexpected "${text.slice(pos, pos + 12)}"`);
    pos += word[0].length;
    if (word[1] !== undefined) return Number(word[1]);
    return word[2] === 'True' ? true : word[2] === 'False' ? false : null;
  };
  const result = value();
  skip();
  if (pos < text.length) fail(`unexpected "${text.slice(pos, pos + 12)}" after the dict`);
  return result;
}

/** Reads and checks the magic, version and header dict of an .npy file held in `bytes`. */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  if (bytes.length < 10 || !MAGIC.every((byte, i) => bytes[i] === byte)) {
    throw new FormatError(file, 'not a NumPy .npy file (no \\x93NUMPY magic)', undefined, 0);
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3) {
    throw new FormatError(file, `unsupported .npy format version ${major}.${minor} (Cajal reads 1.0, 2.0 and 3.0)`, 'version', 6);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new FormatError(file, 'the .npy header is cut off', 'header', bytes.length);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes;
  const dataOffset = start + headerLength;
  if (dataOffset > bytes.length) {
    throw new FormatError(file, `the .npy header says it is ${headerLength} bytes long but the file ends at byte ${bytes.length}`, 'header', bytes.length);
  }
  // Versions 1 and 2 write the header in latin-1, version 3 in UTF-8.
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, dataOffset));
  const dict = parseLiteral(text.replace(/[\s\0]+$/, ''), file, start);
  if (!(dict instanceof Map)) throw new FormatError(file, 'malformed .npy header: it is not a dict', 'header', start);

  const descr = dict.get('descr');
  if (Array.isArray(descr)) {
    throw new FormatError(file, 'the .npy file holds a structured (record) array; Cajal reads plain numeric arrays', 'descr', start);
  }
  if (typeof descr !== 'string') throw new FormatError(file, 'the .npy header has no "descr" string', 'descr', start);
  const fortranOrder = dict.get('fortran_order');
  if (typeof fortranOrder !== 'boolean') throw new FormatError(file, 'the .npy header has no True/False "fortran_order"', 'fortran_order', start);
  const shape = dict.get('shape');
  if (!Array.isArray(shape) || !shape.every((n): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) {
    throw new FormatError(file, 'the .npy header has no "shape" tuple of non-negative integers', 'shape', start);
  }
  return { version: `${major}.${minor}`, descr, fortranOrder, shape, dataOffset };
}

// ---------------------------------------------------------------------------------------------
// Elements

/** IEEE half → number. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** A writable indexed view shared by all NpyData types (numbers or bigints). */
type Indexed = { [index: number]: number | bigint; readonly length: number };

/** Copies a Fortran-order array of `shape` into C order. */
function fortranToC<T extends NpyData>(source: T, shape: readonly number[], make: (length: number) => T): T {
  const total = source.length;
  const out = make(total);
  if (shape.length < 2 || total === 0) {
    out.set(source as never);
    return out;
  }
  const n = shape.length;
  // Fortran strides: the first axis varies fastest.
  const strides = new Array<number>(n);
  strides[0] = 1;
  for (let axis = 1; axis < n; axis++) strides[axis] = strides[axis - 1]! * shape[axis - 1]!;
  const index = new Array<number>(n).fill(0);
  const src = source as unknown as Indexed;
  const dst = out as unknown as Indexed;
  let offset = 0;
  for (let i = 0; i < total; i++) {
    dst[i] = src[offset]!;
    for (let axis = n - 1; axis >= 0; axis--) {
      index[axis]!++;
      offset += strides[axis]!;
      if (index[axis]! < shape[axis]!) break;
      offset -= strides[axis]! * shape[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}

function makeArray(dtype: NpyDtype, buffer: ArrayBuffer | number): NpyData {
  // `buffer` is a fresh ArrayBuffer (aligned, owned) or a length for an empty array.
  const b = buffer as ArrayBuffer;
  switch (dtype) {
    case 'bool':
    case 'uint8':
      return new Uint8Array(b);
    case 'int8':
      return new Int8Array(b);
    case 'int16':
      return new Int16Array(b);
    case 'uint16':
      return new Uint16Array(b);
    case 'int32':
      return new Int32Array(b);
    case 'uint32':
      return new Uint32Array(b);
    case 'int64':
      return new BigInt64Array(b);
    case 'uint64':
      return new BigUint64Array(b);
    case 'float16':
    case 'float32':
      return new Float32Array(b);
    case 'float64':
      return new Float64Array(b);
  }
}

/**
 * The elements of an array of `descr`/`shape`/order stored at `bytes[offset…]`, in C order and
 * native byte order. Shared with the pickle reader, which finds the same three facts in a
 * pickled ndarray (it passes the pickled bytes object). Throws a FormatError when the bytes are fewer than the shape needs.
 */
export function npyArrayFromBytes(
  file: string,
  descr: NpyDescr,
  shape: readonly number[],
  fortranOrder: boolean,
  bytes: Uint8Array,
  offset: number,
  /** Byte offset of `bytes[0]` in the file, for error messages. */
  fileOffset = 0,
): NpyArray {
  // A shape past 2^53 elements would make `needed` inexact; say the shape is damaged instead.
  const count = checkShape(file, shape, { what: 'array', allowEmpty: true });
  const needed = count * descr.itemSize;
  const available = bytes.length - offset;
  if (available < needed) {
    throw new FormatError(
      file,
      `data is truncated: shape (${shape.join(', ')}) of ${descr.dtype} needs ${needed} bytes but only ${Math.max(0, available)} follow the header`,
      undefined,
      fileOffset + bytes.length,
    );
  }
  // The elements are copied (and float16 widened to 4 bytes): that copy must fit in memory too.
  checkAllocation(file, shape, descr.dtype === 'float16' ? 4 : descr.itemSize, `shape (${shape.join(', ')}) of ${descr.dtype}`);
  // slice() copies into a fresh, aligned ArrayBuffer that the typed array can own.
  const raw = bytes.slice(offset, offset + needed);
  if (descr.bigEndian && descr.itemSize > 1) {
    const size = descr.itemSize;
    for (let at = 0; at < raw.length; at += size) raw.subarray(at, at + size).reverse();
  }
  let data: NpyData;
  if (descr.dtype === 'float16') {
    const halves = new Uint16Array(raw.buffer);
    data = Float32Array.from(halves, halfToNumber);
  } else if (descr.dtype === 'bool') {
    data = raw.map((v) => (v ? 1 : 0));
  } else {
    data = makeArray(descr.dtype, raw.buffer);
  }
  if (fortranOrder) {
    data = fortranToC(data, shape, (length) => makeArray(descr.dtype, new ArrayBuffer(length * (descr.dtype === 'float16' ? 4 : descr.itemSize))));
  }
  return { dtype: descr.dtype, shape: [...shape], data };
}

/** Parses a whole .npy file held in `bytes`. */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const header = parseNpyHeader(bytes, file);
  if (isObjectDescr(header.descr)) {
    throw new FormatError(
      file,
      'the .npy file holds pickled Python objects (dtype object); Cajal does not unpickle them, for safety (a pickle can run code)',
      'descr',
    );
  }
  const descr = decodeNpyDescr(header.descr);
  if (!descr) {
    throw new FormatError(
      file,
      `unsupported .npy dtype "${header.descr}" (Cajal reads bool, int8–64, uint8–64, float16/32/64)`,
      'descr',
    );
  }
  return npyArrayFromBytes(file, descr, header.shape, header.fortranOrder, bytes, header.dataOffset);
}

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    rethrowIfOutOfMemory(error, file, 'the whole .npy file');
    throw fileAccessError(file, error);
  }
}

/** Reads a numeric .npy file (FileAccessError when it cannot be read, FormatError when it is not valid). */
export async function readNpy(file: string): Promise<NpyArray> {
  return parseNpy(await readBytes(file), file);
}

/** The checked header and the whole file, for callers that handle object arrays themselves. */
export async function readNpyRaw(file: string): Promise<{ header: NpyHeader; bytes: Uint8Array }> {
  const bytes = await readBytes(file);
  return { header: parseNpyHeader(bytes, file), bytes };
}

/** The elements as float64 numbers (64-bit integers beyond 2^53 lose precision, as in numpy). */
export function npyToFloat64(array: NpyArray): Float64Array {
  const { data } = array;
  if (data instanceof Float64Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float64Array.from(data, Number);
  return Float64Array.from(data);
}

/** The elements as float32 numbers. */
export function npyToFloat32(array: NpyArray): Float32Array {
  const { data } = array;
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float32Array.from(data, Number);
  return Float32Array.from(data);
}

// ---------------------------------------------------------------------------------------------
// Writing (exports, and test fixtures in every layout the reader accepts)

export interface NpyWriteOptions {
  /** Format version (default 1: numpy's own choice while the header fits in 64 KiB). */
  version?: 1 | 2 | 3;
  /** Write big-endian elements (`>` descr). */
  bigEndian?: boolean;
  /** Store the elements in Fortran order (the input is still C order). */
  fortranOrder?: boolean;
}

const DESCR_CODE: Record<NpyDtype, string> = {
  bool: 'b1',
  int8: 'i1',
  uint8: 'u1',
  int16: 'i2',
  uint16: 'u2',
  int32: 'i4',
  uint32: 'u4',
  int64: 'i8',
  uint64: 'u8',
  float16: 'f2',
  float32: 'f4',
  float64: 'f8',
};

/** number → IEEE half bits (round to nearest even), for float16 output. */
function numberToHalf(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let fraction = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (fraction ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    fraction |= 0x800000;
    const shift = 14 - e;
    let half = fraction >> shift;
    const rest = fraction & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (fraction >> 13);
  const rest = fraction & 0x1fff;
  // Rounding may carry into the exponent (up to infinity), which is the right result.
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** C-order → Fortran-order copy (the inverse of `fortranToC`). */
function cToFortran<T extends NpyData>(source: T, shape: readonly number[], make: (length: number) => T): T {
  if (shape.length < 2) return source;
  const reversed = [...shape].reverse();
  // A C-order array of shape s read as Fortran order of reversed(s) is its transpose; transposing
  // back through fortranToC with reversed axes gives the Fortran layout of the original.
  return fortranToC(source, reversed, make);
}

/** Encodes an array (elements in C order) as an .npy file. */
export function encodeNpy(array: NpyArray, options: NpyWriteOptions = {}): Uint8Array {
  const version = options.version ?? 1;
  const descr = decodeNpyDescr(DESCR_CODE[array.dtype])!;
  const order = descr.itemSize === 1 ? '|' : options.bigEndian ? '>' : '<';
  const shapeText = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let dict = `{'descr': '${order}${DESCR_CODE[array.dtype]}', 'fortran_order': ${options.fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const lengthBytes = version === 1 ? 2 : 4;
  // As numpy (≥ 1.23) writes it, byte for byte: room for the growth axis to reach 21 digits, then
  // spaces to a multiple of 64 bytes, then a newline.
  if (array.shape.length > 0) dict += ' '.repeat(21 - String(array.shape[options.fortranOrder ? array.shape.length - 1 : 0]).length);
  const unpadded = 8 + lengthBytes + dict.length + 1;
  dict += ' '.repeat(64 - (unpadded % 64)) + '\n';
  const headerBytes = new TextEncoder().encode(dict);
  const count = elementCount(array.shape);
  let data: NpyData = array.data;
  if (options.fortranOrder) {
    const Ctor = data.constructor as new (length: number) => NpyData;
    data = cToFortran(data, array.shape, (length) => new Ctor(length));
  }
  let raw: Uint8Array;
  if (array.dtype === 'float16') {
    raw = new Uint8Array(Uint16Array.from(data as Float32Array, numberToHalf).buffer);
  } else {
    raw = new Uint8Array(data.buffer, data.byteOffset, count * descr.itemSize).slice();
  }
  if (order === '>') for (let at = 0; at < raw.length; at += descr.itemSize) raw.subarray(at, at + descr.itemSize).reverse();
  const out = new Uint8Array(8 + lengthBytes + headerBytes.length + raw.length);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 8 + lengthBytes);
  out.set(raw, 8 + lengthBytes + headerBytes.length);
  return out;
}
