/**
 * Data elements of a MATLAB v5 MAT-file (MathWorks, "MAT-File Format", R2024a, chapter 1).
 *
 * Every element is a tag (type, byte count) and its data, padded to 8 bytes. A tag whose first
 * 32-bit word has a non-zero upper half is a *small* element: count in the upper 16 bits, type in
 * the lower, up to 4 data bytes in the second word. Variables are `miMATRIX` elements (array flags,
 * dimensions, name, then the class's parts) or `miCOMPRESSED` elements: a zlib stream holding one
 * `miMATRIX`, unpadded. Numeric parts may be stored in a narrower type than their class (MATLAB
 * saves a double array of small integers as miUINT8): values are converted, never reinterpreted.
 *
 * Every count is checked against the bytes that are there before anything is allocated, nesting of
 * cells and structs is bounded, and inflating is bounded by the memory budget: a damaged or hostile
 * file fails with a FormatError naming the file, the field and the byte offset.
 */
import { inflateSync } from 'node:zlib';
import { FormatError } from '../../errors.js';
import { checkAllocation, checkShape, memoryBudgetBytes } from '../allocation.js';
import { MI, MI_ITEM_SIZE, MI_NAME, MX_CLASS, NUMERIC_CLASSES, type MatNumericClass, type MatValue } from './types.js';

/** Deeper nesting than this is refused: real files nest a few levels; a crafted one could overflow the stack. */
const MAX_NESTING = 64;

const FLAG_COMPLEX = 0x0800;
const FLAG_LOGICAL = 0x0200;

/** A run of element bytes: the file, or the inflated contents of one miCOMPRESSED element. */
export interface ElementSource {
  file: string;
  bytes: Uint8Array;
  view: DataView;
  littleEndian: boolean;
  /** File offset of the miCOMPRESSED element these bytes came from; null for the file itself. */
  compressedAt: number | null;
}

interface Tag {
  type: number;
  size: number;
  /** Offset of the first data byte. */
  data: number;
  /** Offset of the next element. */
  next: number;
  /** Offset of the tag itself. */
  at: number;
}

export function elementSource(file: string, bytes: Uint8Array, littleEndian: boolean, compressedAt: number | null): ElementSource {
  return { file, bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), littleEndian, compressedAt };
}

function fail(src: ElementSource, offset: number, field: string, problem: string): never {
  // Offsets inside a compressed element are offsets into its inflated bytes: say so.
  if (src.compressedAt !== null) {
    throw new FormatError(src.file, `${problem} (at byte ${offset} of the inflated miCOMPRESSED element)`, field, src.compressedAt);
  }
  throw new FormatError(src.file, problem, field, offset);
}

const typeName = (type: number): string => MI_NAME[type] ?? `type ${type}`;

/** Reads the tag at `offset`; its data must lie before `end`. */
export function readTag(src: ElementSource, offset: number, end: number, field: string): Tag {
  if (offset + 8 > end) fail(src, offset, field, `truncated: a data element tag needs 8 bytes, ${Math.max(0, end - offset)} remain`);
  const first = src.view.getUint32(offset, src.littleEndian);
  if (first >>> 16 !== 0) {
    const size = first >>> 16;
    if (size > 4) fail(src, offset, field, `small data element states ${size} bytes; at most 4 fit`);
    return { type: first & 0xffff, size, data: offset + 4, next: offset + 8, at: offset };
  }
  const size = src.view.getUint32(offset + 4, src.littleEndian);
  const data = offset + 8;
  if (data + size > end) {
    fail(src, offset, field, `truncated: the ${typeName(first)} element states ${size} bytes, ${end - data} remain`);
  }
  // miCOMPRESSED elements are not padded; everything else is, to 8 bytes (a last element may lack it).
  const next = first === MI.COMPRESSED ? data + size : Math.min(end, data + Math.ceil(size / 8) * 8);
  return { type: first, size, data, next, at: offset };
}

/** The numbers of a numeric element, converted to float64 whatever miXXX type stores them. */
function readNumbers(src: ElementSource, tag: Tag, field: string): Float64Array {
  const itemSize = MI_ITEM_SIZE[tag.type];
  if (itemSize === undefined) fail(src, tag.at, field, `expected numeric data, found a ${typeName(tag.type)} element`);
  if (tag.size % itemSize !== 0) fail(src, tag.at, field, `${tag.size} bytes is not a whole number of ${typeName(tag.type)} values`);
  const count = tag.size / itemSize;
  if (src.littleEndian === NATIVE_LITTLE_ENDIAN) {
    const native = nativeNumbers(src.bytes.slice(tag.data, tag.data + tag.size).buffer, tag.type);
    if (native) return native;
  }
  const out = new Float64Array(count);
  const { view, littleEndian: le } = src;
  let p = tag.data;
  switch (tag.type) {
    case MI.DOUBLE:
      for (let i = 0; i < count; i++, p += 8) out[i] = view.getFloat64(p, le);
      break;
    case MI.SINGLE:
      for (let i = 0; i < count; i++, p += 4) out[i] = view.getFloat32(p, le);
      break;
    case MI.INT8:
      for (let i = 0; i < count; i++, p += 1) out[i] = view.getInt8(p);
      break;
    case MI.UINT8:
      for (let i = 0; i < count; i++, p += 1) out[i] = view.getUint8(p);
      break;
    case MI.INT16:
      for (let i = 0; i < count; i++, p += 2) out[i] = view.getInt16(p, le);
      break;
    case MI.UINT16:
      for (let i = 0; i < count; i++, p += 2) out[i] = view.getUint16(p, le);
      break;
    case MI.INT32:
      for (let i = 0; i < count; i++, p += 4) out[i] = view.getInt32(p, le);
      break;
    case MI.UINT32:
      for (let i = 0; i < count; i++, p += 4) out[i] = view.getUint32(p, le);
      break;
    case MI.INT64:
      for (let i = 0; i < count; i++, p += 8) out[i] = Number(view.getBigInt64(p, le));
      break;
    case MI.UINT64:
      for (let i = 0; i < count; i++, p += 8) out[i] = Number(view.getBigUint64(p, le));
      break;
  }
  return out;
}

const NATIVE_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Fast path when the file's byte order is the machine's: a typed-array view of an aligned copy,
 * widened to float64 in one pass (several times the DataView loop on the ABIDE files).
 */
function nativeNumbers(buffer: ArrayBuffer, type: number): Float64Array | null {
  switch (type) {
    case MI.DOUBLE:
      return new Float64Array(buffer);
    case MI.SINGLE:
      return Float64Array.from(new Float32Array(buffer));
    case MI.INT8:
      return Float64Array.from(new Int8Array(buffer));
    case MI.UINT8:
      return Float64Array.from(new Uint8Array(buffer));
    case MI.INT16:
      return Float64Array.from(new Int16Array(buffer));
    case MI.UINT16:
      return Float64Array.from(new Uint16Array(buffer));
    case MI.INT32:
      return Float64Array.from(new Int32Array(buffer));
    case MI.UINT32:
      return Float64Array.from(new Uint32Array(buffer));
    default:
      return null; // 64-bit integers go through BigInt in the DataView loop
  }
}

/** The integer values of a small miINT32/miUINT32 (or narrower) element: dimensions, field-name length. */
function readIntegers(src: ElementSource, tag: Tag, field: string): number[] {
  if (tag.type === MI.SINGLE || tag.type === MI.DOUBLE || MI_ITEM_SIZE[tag.type] === undefined) {
    fail(src, tag.at, field, `expected integers, found a ${typeName(tag.type)} element`);
  }
  return Array.from(readNumbers(src, tag, field));
}

function readAscii(src: ElementSource, tag: Tag): string {
  let text = '';
  for (let i = 0; i < tag.size; i++) {
    const c = src.bytes[tag.data + i]!;
    if (c === 0) break;
    text += String.fromCharCode(c);
  }
  return text;
}

/** The characters of a char array, one string per element, column-major. */
function readChars(src: ElementSource, tag: Tag, field: string): string[] {
  switch (tag.type) {
    case MI.UTF8:
      return Array.from(new TextDecoder('utf-8').decode(src.bytes.subarray(tag.data, tag.data + tag.size)));
    case MI.UTF32: {
      if (tag.size % 4 !== 0) fail(src, tag.at, field, `${tag.size} bytes is not a whole number of miUTF32 characters`);
      const out: string[] = [];
      for (let p = tag.data; p < tag.data + tag.size; p += 4) {
        const code = src.view.getUint32(p, src.littleEndian);
        out.push(code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd');
      }
      return out;
    }
    case MI.UTF16:
    case MI.UINT16:
    case MI.INT16:
    case MI.UINT8:
    case MI.INT8: {
      // MATLAB chars are UTF-16 code units, one per element (a surrogate pair is two elements).
      const units = readNumbers(src, tag, field);
      return Array.from(units, (u) => String.fromCharCode(u));
    }
    default:
      fail(src, tag.at, field, `a char array stored as ${typeName(tag.type)} is not readable`);
  }
}

/** Rows of a char matrix (column-major elements), joined by newlines; a row vector is just its text. */
export function charText(chars: string[], dims: number[]): string {
  const rows = dims[0] ?? 0;
  if (rows <= 1) return chars.join('');
  const columns = chars.length / rows;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < columns; c++) line += chars[r + c * rows];
    lines.push(line);
  }
  return lines.join('\n');
}

export interface NamedValue {
  name: string;
  value: MatValue;
}

/**
 * Parses the miMATRIX element at `tag` (already read; its type checked by the caller). `what`
 * names it in messages ("variable", "cell element 3 of \"subjects\"").
 */
export function parseMatrix(src: ElementSource, tag: Tag, what: string, depth: number): NamedValue {
  if (depth > MAX_NESTING) fail(src, tag.at, 'miMATRIX', `cells and structs nested deeper than ${MAX_NESTING} levels`);
  const end = tag.data + tag.size;
  // An empty miMATRIX (no bytes) is how MATLAB writes [] inside cells and structs.
  if (tag.size === 0) return { name: '', value: { type: 'numeric', class: 'double', dims: [0, 0], data: new Float64Array(0), imaginary: null } };

  const flagsTag = readTag(src, tag.data, end, 'array flags');
  if (flagsTag.size < 4 || (flagsTag.type !== MI.UINT32 && flagsTag.type !== MI.INT32)) {
    fail(src, flagsTag.at, 'array flags', `expected an miUINT32 array-flags element, found ${typeName(flagsTag.type)} of ${flagsTag.size} bytes`);
  }
  const flags = src.view.getUint32(flagsTag.data, src.littleEndian);
  const classId = flags & 0xff;
  const className = MX_CLASS[classId];

  const dimsTag = readTag(src, flagsTag.next, end, 'dimensions');
  const dims = readIntegers(src, dimsTag, 'dimensions');
  if (dims.length < 2) fail(src, dimsTag.at, 'dimensions', `an array has at least 2 dimensions, found ${dims.length}`);
  const nameTag = readTag(src, dimsTag.next, end, 'array name');
  if (nameTag.type !== MI.INT8 && nameTag.type !== MI.UINT8) fail(src, nameTag.at, 'array name', `expected miINT8 text, found ${typeName(nameTag.type)}`);
  const name = readAscii(src, nameTag);
  const label = name ? `"${name}"` : what;

  const count = checkShape(src.file, dims, { what: `array ${label}`, field: 'dimensions', allowEmpty: true });
  let offset = nameTag.next;

  if (className === undefined) fail(src, flagsTag.at, 'array flags', `array ${label} has unknown class id ${classId}`);
  if (classId === 5) fail(src, flagsTag.at, 'array flags', `array ${label} is a sparse matrix, which Cajal does not read: save it as full(${name || 'x'})`);
  if (classId === 3 || classId === 16 || classId === 17) {
    fail(src, flagsTag.at, 'array flags', `array ${label} is a MATLAB ${className}, which Cajal does not read: save plain numeric arrays, structs or cells`);
  }

  if (className === 'char') {
    const dataTag = readTag(src, offset, end, 'char data');
    const chars = dataTag.size === 0 ? [] : readChars(src, dataTag, 'char data');
    if (chars.length !== count && !(dims.length === 2 && dims[0] === 1)) {
      fail(src, dataTag.at, 'char data', `char array ${label} is ${dims.join('×')} but holds ${chars.length} characters`);
    }
    return { name, value: { type: 'char', dims, text: charText(chars, dims) } };
  }

  if (className === 'cell') {
    const cells: MatValue[] = [];
    for (let i = 0; i < count; i++) {
      const cellTag = readTag(src, offset, end, 'cell element');
      if (cellTag.type !== MI.MATRIX) fail(src, cellTag.at, 'cell element', `cell ${i} of ${label} is a ${typeName(cellTag.type)}, not an miMATRIX`);
      cells.push(parseMatrix(src, cellTag, `cell ${i} of ${label}`, depth + 1).value);
      offset = cellTag.next;
    }
    return { name, value: { type: 'cell', dims, cells } };
  }

  if (className === 'struct') {
    const lengthTag = readTag(src, offset, end, 'field name length');
    const [fieldNameLength] = readIntegers(src, lengthTag, 'field name length');
    if (!fieldNameLength || fieldNameLength < 1) fail(src, lengthTag.at, 'field name length', `struct ${label} states field names of ${String(fieldNameLength)} bytes`);
    const namesTag = readTag(src, lengthTag.next, end, 'field names');
    if (namesTag.size % fieldNameLength !== 0) fail(src, namesTag.at, 'field names', `${namesTag.size} bytes of field names is not a multiple of ${fieldNameLength}`);
    const fieldNames: string[] = [];
    for (let p = namesTag.data; p < namesTag.data + namesTag.size; p += fieldNameLength) {
      fieldNames.push(readAscii(src, { ...namesTag, data: p, size: fieldNameLength }));
    }
    // No prototype: a field named "__proto__" must stay a field.
    const fields = Object.create(null) as Record<string, MatValue[]>;
    for (const field of fieldNames) fields[field] = [];
    offset = namesTag.next;
    for (let i = 0; i < count; i++) {
      for (const field of fieldNames) {
        const fieldTag = readTag(src, offset, end, 'struct field');
        if (fieldTag.type !== MI.MATRIX) fail(src, fieldTag.at, 'struct field', `field "${field}" of ${label} is a ${typeName(fieldTag.type)}, not an miMATRIX`);
        fields[field]!.push(parseMatrix(src, fieldTag, `field "${field}" of ${label}`, depth + 1).value);
        offset = fieldTag.next;
      }
    }
    return { name, value: { type: 'struct', dims, fields } };
  }

  if (!NUMERIC_CLASSES.has(className)) fail(src, flagsTag.at, 'array flags', `array ${label} has class ${className}, which Cajal does not read`);
  checkAllocation(src.file, dims, 8, `array ${label}`);
  const readPart = (part: 'real part' | 'imaginary part'): Float64Array => {
    const partTag = readTag(src, offset, end, part);
    const values = readNumbers(src, partTag, part);
    if (values.length !== count) {
      fail(src, partTag.at, part, `array ${label} is ${dims.join('×')} (${count} values) but its ${part} holds ${values.length}`);
    }
    offset = partTag.next;
    // scipy (mat_dtype) and MATLAB hold a single-class array as float32, whatever stored it.
    if (className === 'single') for (let i = 0; i < values.length; i++) values[i] = Math.fround(values[i]!);
    return values;
  };
  const real = readPart('real part');
  if (flags & FLAG_LOGICAL) {
    return { name, value: { type: 'logical', dims, data: Uint8Array.from(real, (v) => (v !== 0 ? 1 : 0)) } };
  }
  const imaginary = flags & FLAG_COMPLEX ? readPart('imaginary part') : null;
  return { name, value: { type: 'numeric', class: className as MatNumericClass, dims, data: real, imaginary } };
}

/** Inflates a miCOMPRESSED element's zlib stream, bounded by the memory budget. */
export function inflateElement(src: ElementSource, tag: Tag): Uint8Array {
  try {
    return new Uint8Array(inflateSync(src.bytes.subarray(tag.data, tag.data + tag.size), { maxOutputLength: memoryBudgetBytes() }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    fail(src, tag.at, 'miCOMPRESSED', `the compressed variable does not inflate (zlib: ${reason})`);
  }
}

/** Every top-level variable of the element stream in `src` from `start` on, in file order. */
export function parseVariables(src: ElementSource, start: number, subsystemOffset: number): NamedValue[] {
  const out: NamedValue[] = [];
  const end = src.bytes.length;
  let offset = start;
  while (offset < end) {
    // Trailing padding after the last element is not another element.
    if (end - offset < 8 && src.bytes.subarray(offset).every((b) => b === 0)) break;
    const tag = readTag(src, offset, end, 'data element');
    // The subsystem data of MATLAB objects is an unnamed uint8 variable: not user data.
    if (offset !== subsystemOffset) {
      if (tag.type === MI.MATRIX) {
        out.push(parseMatrix(src, tag, 'variable', 0));
      } else if (tag.type === MI.COMPRESSED) {
        const inner = elementSource(src.file, inflateElement(src, tag), src.littleEndian, tag.at);
        const innerTag = readTag(inner, 0, inner.bytes.length, 'miCOMPRESSED');
        if (innerTag.type !== MI.MATRIX) fail(inner, 0, 'miCOMPRESSED', `a compressed element holds a ${typeName(innerTag.type)}, not an miMATRIX`);
        out.push(parseMatrix(inner, innerTag, 'variable', 0));
      } else {
        fail(src, offset, 'data element', `expected a variable (miMATRIX or miCOMPRESSED), found a ${typeName(tag.type)} element`);
      }
    }
    offset = tag.next;
  }
  return out;
}
