/**
 * A data-only reader of Python pickles (protocols 0–5), for the pickled numpy object arrays Suite2p
 * saves (`ops.npy`, a dict; `stat.npy`, an array of dicts).
 *
 * Why this is safe: a pickle is a program for a small stack machine, and its only dangerous
 * instructions are the ones that import a name (GLOBAL, STACK_GLOBAL, INST) and call it (REDUCE,
 * NEWOBJ, OBJ, BUILD with a `__setstate__`). Here nothing is ever imported or called: a global is
 * just its name (`PyGlobal`), and a "call" builds either one of the few plain values we recognise
 * by name (numpy arrays, dtypes and scalars, bytes via `_codecs.encode`, sets, OrderedDict), or an
 * inert `PyObject` record of the name and its arguments that callers skip. Persistent ids,
 * extension codes and out-of-band buffers are refused. Dicts are `Map`s, so a key such as
 * `__proto__` is only a key.
 */
import { FormatError } from '../../errors.js';
import { decodeNpyDescr, elementCount, isObjectDescr, npyArrayFromBytes, type NpyArray } from '../npy.js';

/** A Python value as plain JS: None → null, int → number (bigint past 2^53), tuple/list/set → array. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | Map<PyKey, PyValue>
  | PyNdArray
  | PyDtype
  | PyGlobal
  | PyObject;

export type PyKey = string | number | bigint | boolean | null;

/** A name a pickle refers to (`numpy.core.multiarray._reconstruct`…); never imported. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An object of a class we do not interpret: its class, constructor arguments and state, inert. */
export class PyObject {
  state: PyValue = null;
  readonly items: [PyValue, PyValue][] = [];
  constructor(
    readonly type: PyGlobal | null,
    readonly args: PyValue[],
  ) {}
}

/** A numpy dtype as pickled: `numpy.dtype('f8', False, True)` then a BUILD with the byte order. */
export class PyDtype {
  byteOrder = '|';
  /** True when the dtype has fields (a record dtype), which we do not decode. */
  structured = false;
  constructor(readonly code: string) {}
  /** The dtype as an .npy `descr` string (`<f8`, `|O`…). */
  get descr(): string {
    const order = this.byteOrder === '=' ? '<' : this.byteOrder;
    return `${order}${this.code}`;
  }
}

/** A numpy ndarray: numeric elements decoded to `array`, object elements in `items`. */
export class PyNdArray {
  shape: number[] = [];
  dtype: PyDtype | null = null;
  /** Numeric arrays, in C order. */
  array: NpyArray | null = null;
  /** Object arrays, in C order. */
  items: PyValue[] | null = null;
  /** Why the elements could not be decoded (an unsupported dtype), when they were not. */
  undecoded: string | null = null;
}

// numpy < 2 pickles name `numpy.core.*`, numpy 2 `numpy._core.*`.
const NUMPY_CORE = new Set(['numpy.core.multiarray', 'numpy._core.multiarray', 'numpy.core.numeric', 'numpy._core.numeric']);
const isNumpy = (global: PyGlobal, name: string): boolean => NUMPY_CORE.has(global.module) && global.name === name;

/** Little-endian two's-complement bytes → an integer (number when it fits exactly). */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) value -= 1n << BigInt(8 * bytes.length);
  return narrowInt(value);
}

function narrowInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function keyOf(value: PyValue): PyKey {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return value;
  // Tuples and other hashables as keys: a readable string stands in (rare in the data we read).
  return `<${Array.isArray(value) ? `tuple ${value.map(String).join(', ')}` : 'object'}>`;
}

/**
 * Interprets the pickle in `bytes`. `file` and `fileOffset` (where `bytes` starts in the file) are
 * for error messages. Throws a FormatError for a malformed or refused pickle.
 */
export function readPickle(bytes: Uint8Array, file: string, fileOffset = 0): PyValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: PyValue[] = [];
  /** Stack heights at each open MARK (Python keeps a metastack; the items above one are its list). */
  const marks: number[] = [];
  const floor = (): number => marks[marks.length - 1] ?? 0;
  const memo = new Map<number, PyValue>();
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8');
  let pos = 0;
  let opStart = 0;

  const fail = (problem: string): never => {
    throw new FormatError(file, `pickle: ${problem}`, undefined, fileOffset + opStart);
  };
  const need = (n: number): void => {
    if (n < 0 || pos + n > bytes.length) fail('the pickle is cut off');
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++]!;
  };
  const u16 = (): number => {
    need(2);
    pos += 2;
    return view.getUint16(pos - 2, true);
  };
  const u32 = (): number => {
    need(4);
    pos += 4;
    return view.getUint32(pos - 4, true);
  };
  const i32 = (): number => {
    need(4);
    pos += 4;
    return view.getInt32(pos - 4, true);
  };
  const u64 = (): number => {
    need(8);
    pos += 8;
    const n = view.getBigUint64(pos - 8, true);
    if (n > BigInt(bytes.length)) fail('a length runs past the end of the pickle');
    return Number(n);
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('the pickle is cut off (a text argument has no end of line)');
    const text = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const pop = (): PyValue => {
    if (stack.length <= floor()) return fail('stack underflow (malformed pickle)');
    return stack.pop()!;
  };
  const top = (): PyValue => {
    if (stack.length <= floor()) return fail('stack underflow (malformed pickle)');
    return stack[stack.length - 1]!;
  };
  const popMark = (): PyValue[] => {
    const at = marks.pop();
    if (at === undefined) return fail('no MARK for a MARK-terminated opcode');
    return stack.splice(at);
  };
  const push = (value: PyValue): void => {
    stack.push(value);
  };
  const memoGet = (index: number): PyValue => {
    if (!memo.has(index)) fail(`memo key ${index} is not defined`);
    return memo.get(index)!;
  };
  const setItems = (target: PyValue, items: PyValue[]): void => {
    if (items.length % 2) fail('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) {
      if (target instanceof Map) target.set(keyOf(items[i]!), items[i + 1]!);
      else if (target instanceof PyObject) target.items.push([items[i]!, items[i + 1]!]);
      else fail('SETITEM on something that is not a dict');
    }
  };

  /** A "call" of `callable` with `args`: a plain value for the names we know, else an inert record. */
  const construct = (callable: PyValue, args: PyValue): PyValue => {
    const argList = Array.isArray(args) ? args : [];
    if (!(callable instanceof PyGlobal)) return new PyObject(null, argList);
    if (isNumpy(callable, '_reconstruct')) return new PyNdArray();
    if (callable.module === 'numpy' && callable.name === 'dtype' && typeof argList[0] === 'string') return new PyDtype(argList[0]);
    if (isNumpy(callable, 'scalar')) return numpyScalar(argList);
    if (isNumpy(callable, '_frombuffer')) return numpyFromBuffer(argList);
    if (callable.module === '_codecs' && callable.name === 'encode' && typeof argList[0] === 'string') {
      // How protocol 2 writes a bytes object: encode(latin-1 text, 'latin1'). Pure data.
      const encoding = String(argList[1] ?? '').toLowerCase().replace('-', '');
      if (encoding === 'latin1') return Uint8Array.from(argList[0], (c) => c.charCodeAt(0) & 0xff);
    }
    if ((callable.module === 'builtins' || callable.module === '__builtin__') && ['set', 'frozenset', 'list', 'tuple'].includes(callable.name)) {
      return Array.isArray(argList[0]) ? [...argList[0]] : [];
    }
    if (callable.module === 'collections' && callable.name === 'OrderedDict') return new Map();
    if ((callable.module === 'builtins' || callable.module === '__builtin__') && callable.name === 'bytearray') {
      if (argList[0] instanceof Uint8Array) return argList[0].slice();
      if (typeof argList[0] === 'string') return Uint8Array.from(argList[0], (c) => c.charCodeAt(0) & 0xff); // (text, 'latin-1')
      if (argList.length === 0) return new Uint8Array(0);
    }
    return new PyObject(callable, argList);
  };

  /** numpy.core.multiarray.scalar(dtype, bytes) → a number, bigint or boolean. */
  const numpyScalar = (args: PyValue[]): PyValue => {
    const [dtype, raw] = args;
    if (dtype instanceof PyDtype && raw instanceof Uint8Array) {
      const descr = decodeNpyDescr(dtype.descr);
      if (descr && raw.length >= descr.itemSize) {
        const value = npyArrayFromBytes(file, descr, [], false, raw, 0).data[0]!;
        if (descr.dtype === 'bool') return value !== 0;
        return typeof value === 'bigint' ? narrowInt(value) : value;
      }
    }
    return new PyObject(new PyGlobal('numpy', 'scalar'), args);
  };

  /** Protocol 5: numpy.core.numeric._frombuffer(buffer, dtype, shape, order) with the buffer in band. */
  const numpyFromBuffer = (args: PyValue[]): PyValue => {
    const [raw, dtype, shape, order] = args;
    const target = new PyNdArray();
    if (!(dtype instanceof PyDtype) || !Array.isArray(shape)) return new PyObject(new PyGlobal('numpy', '_frombuffer'), args);
    buildArray(target, [1, shape, dtype, order === 'F', raw ?? null]);
    return target;
  };

  /** BUILD: the state of a dtype or array we reconstruct, or stored inert on anything else. */
  const build = (target: PyValue, state: PyValue): void => {
    if (target instanceof PyDtype && Array.isArray(state)) {
      if (typeof state[1] === 'string') target.byteOrder = state[1];
      target.structured = state[3] !== null && state[3] !== undefined;
    } else if (target instanceof PyNdArray && Array.isArray(state)) {
      buildArray(target, state);
    } else if (target instanceof PyObject) {
      target.state = state;
    } else if (target instanceof Map && state instanceof Map) {
      for (const [key, value] of state) target.set(key, value);
    }
    // BUILD on anything else (a number, a list) has no meaning in data we read: ignored.
  };

  /** ndarray state: (version, shape, dtype, is_fortran, raw bytes | list of objects). */
  const buildArray = (target: PyNdArray, state: PyValue[]): void => {
    const [, shape, dtype, fortran, raw] = state;
    if (!Array.isArray(shape) || !shape.every((n): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) {
      fail('a pickled numpy array has no valid shape');
    }
    if (!(dtype instanceof PyDtype)) return fail('a pickled numpy array has no dtype');
    target.shape = shape as number[];
    target.dtype = dtype;
    const count = elementCount(target.shape);
    if (isObjectDescr(dtype.descr)) {
      if (!Array.isArray(raw) || raw.length !== count) fail(`a pickled object array of shape (${target.shape.join(', ')}) does not hold ${count} items`);
      target.items = raw as PyValue[];
      if (fortran === true) target.items = fortranItems(target.items, target.shape);
      return;
    }
    const descr = decodeNpyDescr(dtype.descr);
    if (!descr || dtype.structured || !(raw instanceof Uint8Array)) {
      target.undecoded = `dtype ${dtype.descr}${dtype.structured ? ' (record)' : ''} is not decoded`;
      return;
    }
    target.array = npyArrayFromBytes(file, descr, target.shape, fortran === true, raw, 0, fileOffset + opStart);
  };

  for (;;) {
    opStart = pos;
    if (pos >= bytes.length) fail('the pickle ends without STOP');
    const op = bytes[pos++]!;
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('pickle protocol above 5');
        break;
      case 0x95: // FRAME: a length hint only
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x30: // POP (of the top item, or of an empty MARK)
        if (stack.length === floor() && marks.length > 0) marks.pop();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        push(top());
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x4b: // BININT1
        push(u8());
        break;
      case 0x4d: // BININT2
        push(u16());
        break;
      case 0x4a: // BININT
        push(i32());
        break;
      case 0x8a: // LONG1
        push(decodeLong(take(u8())));
        break;
      case 0x8b: // LONG4
        push(decodeLong(take(u32())));
        break;
      case 0x49: {
        // INT (text); protocol 0 writes booleans as I01 / I00
        const text = line().trim();
        if (text === '01' || text === '00') push(text === '01');
        else if (/^[+-]?\d+$/.test(text)) push(narrowInt(BigInt(text)));
        else fail(`bad INT "${text}"`);
        break;
      }
      case 0x4c: {
        // LONG (text, with a trailing L)
        const text = line().trim().replace(/L$/, '');
        if (!/^[+-]?\d+$/.test(text)) fail(`bad LONG "${text}"`);
        push(narrowInt(BigInt(text)));
        break;
      }
      case 0x46: {
        // FLOAT (text, Python's repr: 1.5, nan, inf, -inf)
        const text = line().trim();
        const special: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
        const value = text in special ? special[text]! : Number(text);
        if (Number.isNaN(value) && text !== 'nan') fail(`bad FLOAT "${text}"`);
        push(value);
        break;
      }
      case 0x47: // BINFLOAT: big-endian double
        need(8);
        push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x53: {
        // STRING (text, quoted repr): Python 2 str; kept as text
        const text = line().trim();
        push(text.slice(1, -1));
        break;
      }
      case 0x54: // BINSTRING
        push(latin1.decode(take(i32())));
        break;
      case 0x55: // SHORT_BINSTRING
        push(latin1.decode(take(u8())));
        break;
      case 0x56: // UNICODE (raw-unicode-escape text)
        push(
          line().replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, short?: string, long?: string) => {
            const code = parseInt(short ?? long ?? '0', 16);
            return code <= 0x10ffff ? String.fromCodePoint(code) : fail(`bad \\U escape in UNICODE`);
          }),
        );
        break;
      case 0x58: // BINUNICODE
        push(utf8.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        push(utf8.decode(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        push(utf8.decode(take(u64())));
        break;
      case 0x42: // BINBYTES
        push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        push(take(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        push(take(u64()).slice());
        break;
      case 0x5d: // EMPTY_LIST
      case 0x29: // EMPTY_TUPLE
      case 0x8f: // EMPTY_SET
        push([]);
        break;
      case 0x6c: // LIST
      case 0x74: // TUPLE
      case 0x91: // FROZENSET
        push(popMark());
        break;
      case 0x85: // TUPLE1
        push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        push([pop(), b, c]);
        break;
      }
      case 0x61: {
        // APPEND
        const value = pop();
        const list = top();
        if (!Array.isArray(list)) fail('APPEND to something that is not a list');
        (list as PyValue[]).push(value);
        break;
      }
      case 0x65: // APPENDS
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) fail('APPENDS to something that is not a list');
        for (const item of items) (list as PyValue[]).push(item);
        break;
      }
      case 0x7d: // EMPTY_DICT
        push(new Map());
        break;
      case 0x64: {
        // DICT
        const map = new Map<PyKey, PyValue>();
        setItems(map, popMark());
        push(map);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x67: // GET
        push(memoGet(Number(line())));
        break;
      case 0x68: // BINGET
        push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        push(memoGet(u32()));
        break;
      case 0x70: // PUT
        memo.set(Number(line()), top());
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x63: {
        // GLOBAL "module\nname\n": a name, never imported
        const module = line();
        push(new PyGlobal(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        push(new PyGlobal(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE: callable(*args), interpreted by name only
        const args = pop();
        push(construct(pop(), args));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args)
        const args = pop();
        push(construct(pop(), args));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs)
        pop();
        const args = pop();
        push(construct(pop(), args));
        break;
      }
      case 0x69: {
        // INST "module\nname\n" with MARKed args (protocol 0)
        const module = line();
        const name = line();
        push(new PyObject(new PyGlobal(module, name), popMark()));
        break;
      }
      case 0x6f: {
        // OBJ: MARK cls args… (protocol 1)
        const [cls, ...args] = popMark();
        push(new PyObject(cls instanceof PyGlobal ? cls : null, args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        build(top(), state);
        break;
      }
      case 0x50: // PERSID
      case 0x51: // BINPERSID
        return fail('persistent ids are not supported (the pickle refers to objects outside itself)');
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: // EXT4
        return fail('extension-registry codes are not supported');
      case 0x97: // NEXT_BUFFER
      case 0x98: // READONLY_BUFFER
        return fail('out-of-band buffers are not supported');
      default:
        return fail(`unknown opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }
}

/** Object items of a Fortran-order array, put in C order. */
function fortranItems(items: PyValue[], shape: readonly number[]): PyValue[] {
  if (shape.length < 2) return items;
  const out = new Array<PyValue>(items.length);
  const n = shape.length;
  const index = new Array<number>(n).fill(0);
  for (let i = 0; i < items.length; i++) {
    let offset = 0;
    let stride = 1;
    for (let axis = 0; axis < n; axis++) {
      offset += index[axis]! * stride;
      stride *= shape[axis]!;
    }
    out[i] = items[offset]!;
    for (let axis = n - 1; axis >= 0; axis--) {
      if (++index[axis]! < shape[axis]!) break;
      index[axis] = 0;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Small accessors for callers walking the result.

/** `value` as a finite number (a Python int/float, a numpy scalar, a 1-element array), else undefined. */
export function pyNumber(value: PyValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof PyNdArray && value.array && value.array.data.length === 1) return Number(value.array.data[0]);
  return undefined;
}

/** `value` as a list of numbers (a list/tuple of numbers or a numeric array), else undefined. */
export function pyNumbers(value: PyValue | undefined): number[] | undefined {
  if (Array.isArray(value)) {
    const out = value.map(pyNumber);
    return out.every((n): n is number => n !== undefined) ? out : undefined;
  }
  if (value instanceof PyNdArray && value.array) return Array.from(value.array.data, Number);
  return undefined;
}

/** The items of a pickled object array (`np.save` of objects pickles the ndarray itself). */
export function pyItems(value: PyValue): PyValue[] | undefined {
  if (value instanceof PyNdArray && value.items) return value.items;
  return undefined;
}
