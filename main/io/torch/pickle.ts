/**
 * A safe reader of the pickles inside PyTorch checkpoints (`data.pkl` of a `torch.save` zip, and
 * the pickles of the legacy format).
 *
 * A pickle is a program for a small stack machine. It is dangerous only through the opcodes that
 * import a name (GLOBAL, STACK_GLOBAL, INST) and call it (REDUCE, NEWOBJ, OBJ, BUILD): a checkpoint
 * from the internet can say `os.system('…')`. Here nothing is imported or called. A global is
 * looked up in a short whitelist of the names `torch.save` emits for plain data (OrderedDict, the
 * tensor/parameter rebuild functions, the storage types) and becomes a JS function written here, or
 * a marker; any other name is refused with a FormatError naming the file, the pickle entry and the
 * global, before anything else happens. Opcodes outside the list `torch.save` and plain Python data
 * need (INST, OBJ, extensions, out-of-band buffers, protocol-0 text opcodes) are refused likewise.
 *
 * Bounds: the pickle is in memory already, every length is checked against the bytes left; the
 * metadata stack and the nesting of the values built are limited (MAX_DEPTH), so a hostile pickle
 * (deep nesting, a list that contains itself through the memo) ends in a FormatError, not a stack
 * overflow in whoever walks the result.
 *
 * Dicts are `Map`s (a key such as `__proto__` is only a key), tuples and lists are arrays, Python
 * ints are numbers (bigints past 2^53), tensors are inert `TensorRef` records that the checkpoint
 * reader materialises later, so only the tensors a caller wants are ever read from disk.
 */
import { FormatError } from '../../errors.js';

/** A storage the pickle refers to by persistent id; its bytes live elsewhere (a zip entry, the legacy tail). */
export interface StorageRef {
  readonly kind: 'storage';
  /** The zip entry name under `data/`, or the legacy root key. */
  readonly key: string;
  readonly dtype: TorchDtype;
  /** Elements in the storage, as the pickle states it (checked against the bytes later). */
  readonly numel: number;
  /** Where the storage lived when saved (`cpu`, `cuda:0`): informative only. */
  readonly location: string;
  /** Legacy format only: this storage is a view starting at this element of the root storage `key`. */
  readonly viewOffset: number;
}

/** A tensor as `_rebuild_tensor_v2` describes it: a view of a storage. */
export interface TensorRef {
  readonly kind: 'tensor';
  readonly storage: StorageRef;
  readonly offset: number;
  readonly shape: number[];
  readonly stride: number[];
  /** Saved as an `nn.Parameter`. */
  readonly parameter: boolean;
}

export type PickleKey = string | number | bigint | boolean | null;

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | Map<PickleKey, PickleValue>
  | TensorRef
  | StorageRef
  | StorageType
  | PickleCallable
  | NumpyDtype;

/** The element types of torch storages we decode. */
export type TorchDtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export const DTYPE_BYTES: Readonly<Record<TorchDtype, number>> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/** `torch.FloatStorage` etc.: only meaningful inside a persistent id. */
export class StorageType {
  constructor(
    readonly name: string,
    readonly dtype: TorchDtype,
  ) {}
}

/** A whitelisted global that REDUCE / NEWOBJ may "call": a JS function of plain data, never Python. */
export class PickleCallable {
  constructor(
    readonly name: string,
    readonly call: (args: PickleValue[], fail: (problem: string) => never) => PickleValue,
  ) {}
}

/** `numpy.dtype(...)` as pickled, for numpy scalars (a `loss` saved as `np.float64`). */
export class NumpyDtype {
  byteOrder = '=';
  constructor(readonly code: string) {}
}

const STORAGE_TYPES: Readonly<Record<string, TorchDtype>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

/** Globals we know and refuse with a reason more useful than "not allowed". */
const KNOWN_REFUSALS: Readonly<Record<string, string>> = {
  'torch.storage._load_from_bytes': 'a storage pickled with torch.save inside another pickle (its bytes are a nested legacy pickle); load it in Python and re-save it with torch.save',
  'torch._utils._rebuild_sparse_tensor': 'sparse tensors are not supported',
  // torch 2 writes v3 only for dtypes without a legacy storage type (uint16/32/64, float8…).
  'torch._utils._rebuild_tensor_v3': 'a tensor of a dtype Cajal does not read (uint16/32/64 or float8); convert it to float32 in Python first',
  'torch._utils._rebuild_qtensor': 'quantized tensors are not supported',
  'torch._utils._rebuild_meta_tensor_no_storage': 'meta tensors hold no values',
  'torch._utils._rebuild_wrapper_subclass': 'tensor subclasses are not supported',
  'torch._tensor._rebuild_from_type_v2': 'tensor subclasses are not supported',
};

export const MAX_DEPTH = 200;

export interface UnpickleOptions {
  /** For messages: the checkpoint file. */
  file: string;
  /** For messages: the entry inside it (`archive/data.pkl`). */
  entry: string;
  /** Resolves a persistent id (BINPERSID) to a storage; absent: persistent ids are refused. */
  persistentLoad?: (pid: PickleValue, fail: (problem: string) => never) => PickleValue;
}

const isDict = (value: unknown): value is Map<PickleKey, PickleValue> => value instanceof Map;

function asInt(value: PickleValue, what: string, fail: (problem: string) => never): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  return fail(`${what} is ${describe(value)}, not a whole number below 2^53`);
}

function asIntList(value: PickleValue, what: string, fail: (problem: string) => never): number[] {
  if (!Array.isArray(value)) return fail(`${what} is ${describe(value)}, not a tuple of ints`);
  return value.map((item, i) => asInt(item, `${what}[${i}]`, fail));
}

/** A short description of a value for messages, never its (possibly huge) contents. */
export function describe(value: PickleValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (Array.isArray(value)) return `a tuple/list of ${value.length}`;
  if (value instanceof Uint8Array) return `bytes (${value.length})`;
  if (isDict(value)) return 'a dict';
  if (value instanceof PickleCallable) return `the global ${value.name}`;
  if (value instanceof StorageType) return `the global torch.${value.name}`;
  if (value instanceof NumpyDtype) return `numpy dtype ${value.code}`;
  if (typeof value === 'object') return `a ${value.kind}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`. */
function rebuildTensor(args: PickleValue[], fail: (problem: string) => never): TensorRef {
  const storage = args[0];
  if (!storage || typeof storage !== 'object' || !('kind' in storage) || storage.kind !== 'storage') {
    return fail(`_rebuild_tensor_v2: its storage is ${describe(storage)}, not a storage`);
  }
  const offset = asInt(args[1] ?? null, '_rebuild_tensor_v2 storage_offset', fail);
  const shape = asIntList(args[2] ?? null, '_rebuild_tensor_v2 size', fail);
  const stride = asIntList(args[3] ?? null, '_rebuild_tensor_v2 stride', fail);
  if (shape.length !== stride.length) fail(`_rebuild_tensor_v2: size has ${shape.length} dimensions, stride ${stride.length}`);
  return { kind: 'tensor', storage, offset, shape, stride, parameter: false };
}

function rebuildParameter(args: PickleValue[], fail: (problem: string) => never): TensorRef {
  const data = args[0];
  if (!data || typeof data !== 'object' || !('kind' in data) || data.kind !== 'tensor') {
    return fail(`_rebuild_parameter: its data is ${describe(data)}, not a tensor`);
  }
  return { ...data, parameter: true };
}

/** `numpy.core.multiarray.scalar(dtype, bytes)` for the few numeric dtypes a float or int is saved as. */
function numpyScalar(args: PickleValue[], fail: (problem: string) => never): PickleValue {
  const [dtype, raw] = args;
  if (!(dtype instanceof NumpyDtype) || !(raw instanceof Uint8Array)) return fail('numpy scalar: expected (dtype, bytes)');
  if (dtype.byteOrder === '>') return fail('numpy scalar: big-endian scalars are not supported');
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const need: Record<string, number> = { f8: 8, f4: 4, i8: 8, i4: 4, u8: 8, u4: 4, b1: 1 };
  const size = need[dtype.code];
  if (size === undefined) return fail(`numpy scalar of dtype ${dtype.code} is not supported`);
  if (raw.length !== size) return fail(`numpy scalar of dtype ${dtype.code} has ${raw.length} bytes, not ${size}`);
  switch (dtype.code) {
    case 'f8':
      return view.getFloat64(0, true);
    case 'f4':
      return view.getFloat32(0, true);
    case 'i8':
      return narrowBigint(view.getBigInt64(0, true));
    case 'u8':
      return narrowBigint(view.getBigUint64(0, true));
    case 'i4':
      return view.getInt32(0, true);
    case 'u4':
      return view.getUint32(0, true);
    default:
      return raw[0] !== 0;
  }
}

function numpyDtype(args: PickleValue[], fail: (problem: string) => never): NumpyDtype {
  const code = args[0];
  if (typeof code !== 'string' || code.length > 8) return fail('numpy dtype: expected a short type code');
  return new NumpyDtype(code);
}

const narrowBigint = (value: bigint): number | bigint => (value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value);

/** Dicts that stand for an `argparse.Namespace`: BUILD sets their entries (for an OrderedDict it sets attributes, not data). */
const NAMESPACES = new WeakSet<Map<PickleKey, PickleValue>>();

/** The whitelist: the globals `torch.save` writes for plain data, and nothing else. */
function resolveGlobal(module: string, name: string): PickleValue | undefined {
  const qualified = `${module}.${name}`;
  if (module === 'torch' && name in STORAGE_TYPES) return new StorageType(name, STORAGE_TYPES[name]!);
  switch (qualified) {
    case 'collections.OrderedDict':
      // Called with () (protocol 2 REDUCE); its items follow as SETITEMS.
      return new PickleCallable(qualified, () => new Map());
    case 'torch._utils._rebuild_tensor_v2':
    case 'torch._utils._rebuild_tensor':
      return new PickleCallable(qualified, rebuildTensor);
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
      return new PickleCallable(qualified, rebuildParameter);
    case 'numpy.core.multiarray.scalar':
    case 'numpy._core.multiarray.scalar':
      return new PickleCallable(qualified, numpyScalar);
    case 'numpy.dtype':
      return new PickleCallable(qualified, numpyDtype);
    case 'argparse.Namespace':
      // Training scripts save their command-line `args`: NEWOBJ with (), then BUILD with the attributes.
      return new PickleCallable(qualified, () => {
        const namespace = new Map<PickleKey, PickleValue>();
        NAMESPACES.add(namespace);
        return namespace;
      });
    default:
      return undefined;
  }
}

// Opcodes (pickletools names).
const OP = {
  MARK: 0x28, STOP: 0x2e, POP: 0x30, POP_MARK: 0x31, DUP: 0x32, BINFLOAT: 0x47, BININT: 0x4a, BININT1: 0x4b,
  BININT2: 0x4d, NONE: 0x4e, BINPERSID: 0x51, REDUCE: 0x52, BINSTRING: 0x54, SHORT_BINSTRING: 0x55,
  BINUNICODE: 0x58, APPEND: 0x61, BUILD: 0x62, GLOBAL: 0x63, DICT: 0x64, EMPTY_DICT: 0x7d, APPENDS: 0x65,
  GET: 0x67, BINGET: 0x68, LONG_BINGET: 0x6a, LIST: 0x6c, EMPTY_LIST: 0x5d, PUT: 0x70, BINPUT: 0x71,
  LONG_BINPUT: 0x72, SETITEM: 0x73, TUPLE: 0x74, EMPTY_TUPLE: 0x29, SETITEMS: 0x75, PROTO: 0x80,
  NEWOBJ: 0x81, TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87, NEWTRUE: 0x88, NEWFALSE: 0x89, LONG1: 0x8a,
  LONG4: 0x8b, BINBYTES: 0x42, SHORT_BINBYTES: 0x43, SHORT_BINUNICODE: 0x8c, BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e, EMPTY_SET: 0x8f, ADDITEMS: 0x90, FROZENSET: 0x91, STACK_GLOBAL: 0x93, MEMOIZE: 0x94,
  FRAME: 0x95,
} as const;

const REFUSED_OPCODES: Readonly<Record<number, string>> = {
  0x69: 'INST', 0x6f: 'OBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x92: 'NEWOBJ_EX',
  0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER', 0x50: 'PERSID',
  0x49: 'INT', 0x4c: 'LONG', 0x46: 'FLOAT', 0x53: 'STRING', 0x56: 'UNICODE',
};

function dictKey(key: PickleValue, fail: (problem: string) => never): PickleKey {
  if (key === null || typeof key === 'string' || typeof key === 'number' || typeof key === 'bigint' || typeof key === 'boolean') return key;
  // Tuple keys (rare in state dicts) become their Python-ish text, so the entry is still reachable.
  if (Array.isArray(key) && key.every((k) => k === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof k))) {
    return `(${key.map((k) => (typeof k === 'string' ? `'${k}'` : String(k))).join(', ')}${key.length === 1 ? ',' : ''})`;
  }
  return fail(`a dict key is ${describe(key)}, not a string or number`);
}

/**
 * Runs the pickle in `bytes` from `start` to its STOP and returns the value and where it ended
 * (the legacy format stores several pickles back to back).
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions, start = 0): { value: PickleValue; end: number } {
  const { file, entry } = options;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pos = start;
  let opStart = start;
  const fail = (problem: string): never => {
    throw new FormatError(file, problem, entry, opStart);
  };
  // Nesting depth of each container built so far, so depth is known without walking values.
  const DEPTH = new WeakMap<object, number>();
  const depthOf = (items: readonly PickleValue[]): number => {
    let depth = 0;
    for (const item of items) {
      const d = item !== null && typeof item === 'object' ? DEPTH.get(item) : undefined;
      if (d !== undefined && d > depth) depth = d;
    }
    return depth + 1;
  };
  let stack: PickleValue[] = [];
  const marks: PickleValue[][] = [];
  const memo = new Map<number, PickleValue>();

  const need = (n: number): number => {
    if (!Number.isSafeInteger(n) || n < 0 || pos + n > bytes.length) fail(`the pickle ends early: ${n} more bytes needed, ${bytes.length - pos} left (truncated file?)`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = (): number => bytes[need(1)]!;
  const u16 = (): number => view.getUint16(need(2), true);
  const u32 = (): number => view.getUint32(need(4), true);
  const u64 = (): number => {
    const value = view.getBigUint64(need(8), true);
    if (value > BigInt(bytes.length)) fail(`a length of ${value} bytes is past the end of the pickle`);
    return Number(value);
  };
  const pop = (): PickleValue => {
    if (stack.length === 0) fail('the pickle pops an empty stack');
    return stack.pop()!;
  };
  const top = (): PickleValue => {
    if (stack.length === 0) fail('the pickle reads an empty stack');
    return stack[stack.length - 1]!;
  };
  const popMark = (): PickleValue[] => {
    const items = stack;
    const previous = marks.pop();
    if (!previous) return fail('the pickle closes a MARK it never opened');
    stack = previous;
    return items;
  };
  const container = <T extends PickleValue[] | Map<PickleKey, PickleValue>>(value: T, items: readonly PickleValue[]): T => {
    const depth = depthOf(items);
    if (depth > MAX_DEPTH) fail(`values nested more than ${MAX_DEPTH} deep`);
    DEPTH.set(value, depth);
    return value;
  };
  /** Adding items to an existing container may deepen it (a list that contains itself grows without end). */
  const deepen = (target: object, items: readonly PickleValue[]): void => {
    const depth = Math.max(DEPTH.get(target) ?? 1, depthOf(items));
    if (depth > MAX_DEPTH) fail(`values nested more than ${MAX_DEPTH} deep (or a container that contains itself)`);
    DEPTH.set(target, depth);
  };
  const text = (length: number): string => {
    const at = need(length);
    try {
      return decoder.decode(bytes.subarray(at, at + length));
    } catch {
      return fail('a string is not valid UTF-8');
    }
  };
  const signedLittle = (length: number): number | bigint => {
    const at = need(length);
    if (length === 0) return 0;
    if (length > 64) fail(`an integer of ${length} bytes is larger than any value a checkpoint holds`);
    let value = 0n;
    for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[at + i]!);
    if (bytes[at + length - 1]! & 0x80) value -= 1n << BigInt(8 * length);
    return narrowBigint(value);
  };
  const memoGet = (index: number): PickleValue => {
    if (!memo.has(index)) fail(`the pickle reads memo slot ${index}, which was never written`);
    return memo.get(index)!;
  };
  const memoPut = (index: number): void => {
    if (memo.size > bytes.length) fail('too many memo slots');
    memo.set(index, top());
  };
  const setItems = (target: PickleValue, items: PickleValue[]): void => {
    if (!isDict(target)) fail(`SETITEMS on ${describe(target)}, not a dict`);
    const dict = target as Map<PickleKey, PickleValue>;
    if (items.length % 2 !== 0) fail('SETITEMS with an odd number of items');
    deepen(dict, items);
    for (let i = 0; i < items.length; i += 2) dict.set(dictKey(items[i]!, fail), items[i + 1]!);
  };
  const appendItems = (target: PickleValue, items: PickleValue[]): void => {
    if (!Array.isArray(target)) fail(`APPENDS on ${describe(target)}, not a list`);
    const list = target as PickleValue[];
    deepen(list, items);
    for (const item of items) list.push(item);
  };
  const global = (module: string, name: string): PickleValue => {
    const qualified = `${module}.${name}`;
    const refusal = KNOWN_REFUSALS[qualified];
    if (refusal) fail(`the pickle refers to ${qualified}: ${refusal}`);
    const value = resolveGlobal(module, name);
    if (value === undefined) {
      fail(`the pickle refers to the global ${qualified}, which is not on the list of data-only names a checkpoint may use (nothing was run; a checkpoint that needs it cannot be read safely)`);
    }
    return value!;
  };
  const call = (callable: PickleValue, args: PickleValue): PickleValue => {
    if (!(callable instanceof PickleCallable)) return fail(`the pickle calls ${describe(callable)}, which is not callable here`);
    if (!Array.isArray(args)) return fail(`${callable.name} is called with ${describe(args)}, not a tuple`);
    const result = callable.call(args, fail);
    if (isDict(result) || Array.isArray(result)) DEPTH.set(result, 1);
    return result;
  };

  for (;;) {
    opStart = pos;
    const op = u8();
    switch (op) {
      case OP.PROTO: {
        const version = u8();
        if (version > 5) fail(`pickle protocol ${version} is newer than any this reader knows (5)`);
        break;
      }
      case OP.FRAME:
        u64(); // frames only group opcodes for buffered reads; the bytes are in memory already
        break;
      case OP.STOP: {
        if (marks.length > 0) fail('the pickle stops inside a MARK');
        if (stack.length !== 1) fail(`the pickle stops with ${stack.length} values on its stack, not 1`);
        return { value: stack[0]!, end: pos };
      }
      case OP.MARK:
        if (marks.length >= MAX_DEPTH) fail(`MARKs nested more than ${MAX_DEPTH} deep`);
        marks.push(stack);
        stack = [];
        break;
      case OP.POP:
        if (stack.length > 0) pop();
        else popMark(); // POP of a bare MARK discards the mark (pickle.py does the same)
        break;
      case OP.POP_MARK:
        popMark();
        break;
      case OP.DUP:
        stack.push(top());
        break;
      case OP.NONE:
        stack.push(null);
        break;
      case OP.NEWTRUE:
        stack.push(true);
        break;
      case OP.NEWFALSE:
        stack.push(false);
        break;
      case OP.BININT:
        stack.push(view.getInt32(need(4), true));
        break;
      case OP.BININT1:
        stack.push(u8());
        break;
      case OP.BININT2:
        stack.push(u16());
        break;
      case OP.LONG1:
        stack.push(signedLittle(u8()));
        break;
      case OP.LONG4: {
        const length = view.getInt32(need(4), true);
        if (length < 0) fail('LONG4 with a negative length');
        stack.push(signedLittle(length));
        break;
      }
      case OP.BINFLOAT:
        stack.push(view.getFloat64(need(8), false)); // big-endian, as pickle writes it
        break;
      case OP.BINUNICODE:
        stack.push(text(u32()));
        break;
      case OP.SHORT_BINUNICODE:
        stack.push(text(u8()));
        break;
      case OP.BINUNICODE8:
        stack.push(text(u64()));
        break;
      case OP.BINSTRING:
      case OP.SHORT_BINSTRING: {
        // Python 2 `str`: bytes that were text in practice (old checkpoints' keys); read as Latin-1.
        const length = op === OP.BINSTRING ? u32() : u8();
        const at = need(length);
        stack.push(String.fromCharCode(...bytes.subarray(at, at + Math.min(length, 65536))) + (length > 65536 ? '…' : ''));
        break;
      }
      case OP.BINBYTES:
      case OP.SHORT_BINBYTES:
      case OP.BINBYTES8: {
        const length = op === OP.BINBYTES ? u32() : op === OP.SHORT_BINBYTES ? u8() : u64();
        const at = need(length);
        stack.push(new Uint8Array(bytes.subarray(at, at + length))); // a copy (Buffer.slice would be a view)
        break;
      }
      case OP.EMPTY_TUPLE:
        stack.push(container([], []));
        break;
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const n = op - OP.TUPLE1 + 1;
        if (stack.length < n) fail(`TUPLE${n} with ${stack.length} values on the stack`);
        const items = stack.splice(stack.length - n, n);
        stack.push(container(items, items));
        break;
      }
      case OP.TUPLE:
      case OP.LIST: {
        const items = popMark();
        stack.push(container(items, items));
        break;
      }
      case OP.EMPTY_LIST:
        stack.push(container([], []));
        break;
      case OP.APPEND: {
        const item = pop();
        appendItems(top(), [item]);
        break;
      }
      case OP.APPENDS: {
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case OP.EMPTY_DICT:
        stack.push(container(new Map(), []));
        break;
      case OP.DICT: {
        const items = popMark();
        const dict = container(new Map<PickleKey, PickleValue>(), []);
        setItems(dict, items);
        stack.push(dict);
        break;
      }
      case OP.SETITEM: {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case OP.SETITEMS: {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case OP.EMPTY_SET:
        stack.push(container([], []));
        break;
      case OP.ADDITEMS: {
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case OP.FROZENSET: {
        const items = popMark();
        stack.push(container(items, items));
        break;
      }
      case OP.PUT: {
        // Protocol 0 text form: a decimal index and a newline.
        const end = bytes.indexOf(0x0a, pos);
        if (end < 0 || end - pos > 20) fail('PUT without a short decimal index');
        const index = Number(new TextDecoder().decode(bytes.subarray(pos, end)));
        pos = end + 1;
        if (!Number.isSafeInteger(index)) fail('PUT with an index that is not a number');
        memoPut(index);
        break;
      }
      case OP.BINPUT:
        memoPut(u8());
        break;
      case OP.LONG_BINPUT:
        memoPut(u32());
        break;
      case OP.MEMOIZE:
        memoPut(memo.size);
        break;
      case OP.GET: {
        const end = bytes.indexOf(0x0a, pos);
        if (end < 0 || end - pos > 20) fail('GET without a short decimal index');
        const index = Number(new TextDecoder().decode(bytes.subarray(pos, end)));
        pos = end + 1;
        stack.push(memoGet(index));
        break;
      }
      case OP.BINGET:
        stack.push(memoGet(u8()));
        break;
      case OP.LONG_BINGET:
        stack.push(memoGet(u32()));
        break;
      case OP.GLOBAL: {
        // "module\nname\n"
        const lineEnd = (from: number): number => {
          const end = bytes.indexOf(0x0a, from);
          if (end < 0 || end - from > 256) fail('GLOBAL without a short module and name');
          return end;
        };
        const moduleEnd = lineEnd(pos);
        const module = text(moduleEnd - pos);
        pos++;
        const nameEnd = lineEnd(pos);
        const name = text(nameEnd - pos);
        pos++;
        stack.push(global(module, name));
        break;
      }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL without a module and a name');
        stack.push(global(module as string, name as string));
        break;
      }
      case OP.REDUCE: {
        const args = pop();
        const callable = pop();
        stack.push(call(callable, args));
        break;
      }
      case OP.NEWOBJ: {
        const args = pop();
        const cls = pop();
        stack.push(call(cls, args));
        break;
      }
      case OP.BUILD: {
        const state = pop();
        const target = top();
        if (isDict(target) && NAMESPACES.has(target)) {
          if (!isDict(state)) fail(`BUILD on an argparse.Namespace with ${describe(state)}, not a dict`);
          setItems(target, [...(state as Map<PickleKey, PickleValue>)].flat());
        } else if (isDict(target)) {
          // An OrderedDict's instance attributes: a state dict's `_metadata` (module versions); not data.
          if (!isDict(state) && !(Array.isArray(state) && state.every((s) => s === null || isDict(s)))) {
            fail(`BUILD on a dict with ${describe(state)}`);
          }
        } else if (target instanceof NumpyDtype) {
          // numpy.dtype.__setstate__((version, byteorder, ...)): only the byte order matters here.
          if (Array.isArray(state) && typeof state[1] === 'string') target.byteOrder = state[1];
        } else if (target && typeof target === 'object' && 'kind' in target && target.kind === 'tensor') {
          // _rebuild_parameter_with_state / tensor attributes set by BUILD: ignored (not values).
        } else {
          fail(`BUILD on ${describe(target)}: objects with state are not plain data`);
        }
        break;
      }
      case OP.BINPERSID: {
        const pid = pop();
        if (!options.persistentLoad) fail('a persistent id where none is expected');
        stack.push(options.persistentLoad!(pid, fail));
        break;
      }
      default: {
        const name = REFUSED_OPCODES[op];
        fail(name ? `the pickle opcode ${name} is not allowed in a checkpoint` : `unknown pickle opcode 0x${op.toString(16).padStart(2, '0')} (not a pickle, or a damaged one)`);
      }
    }
  }
}

/**
 * The torch persistent id as a StorageRef: `('storage', storage_type, key, location, numel)` in
 * the zip format, with a sixth element `view_metadata` (None or `(view_key, offset, size)`) in the
 * legacy format.
 */
export function storageFromPid(pid: PickleValue, fail: (problem: string) => never): StorageRef {
  if (Array.isArray(pid) && pid[0] === 'module') {
    return fail('the checkpoint pickles a whole nn.Module (torch.save(model)), which needs its Python class to load; save model.state_dict() instead');
  }
  if (!Array.isArray(pid) || pid[0] !== 'storage') return fail(`a persistent id ${describe(pid)} that is not a torch storage`);
  const [, type, key, location, numel, view] = pid;
  if (!(type instanceof StorageType)) return fail(`a storage of type ${describe(type ?? null)}, not a torch storage type`);
  if (typeof key !== 'string' || key.length === 0 || key.length > 64) return fail(`a storage key ${describe(key ?? null)}, not a short string`);
  if (typeof location !== 'string') return fail(`a storage location ${describe(location ?? null)}, not a string`);
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) return fail(`storage ${key} states ${describe(numel ?? null)} elements`);
  if (view === undefined || view === null) return { kind: 'storage', key, dtype: type.dtype, numel, location, viewOffset: 0 };
  if (!Array.isArray(view) || view.length !== 3) return fail(`storage ${key} has view metadata ${describe(view)}`);
  const offset = asInt(view[1]!, `storage ${key} view offset`, fail);
  const size = asInt(view[2]!, `storage ${key} view size`, fail);
  if (offset < 0 || size < 0 || offset + size > numel) fail(`storage ${key}: a view of elements ${offset}…${offset + size} of a storage of ${numel}`);
  return { kind: 'storage', key, dtype: type.dtype, numel: size, location, viewOffset: offset };
}
