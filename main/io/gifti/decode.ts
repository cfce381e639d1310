/**
 * The `<Data>` of one GIfTI DataArray turned into a typed array: the encoding undone (ASCII,
 * Base64Binary, GZipBase64Binary), the byte order made native, and column-major arrays
 * transposed to row-major so every caller sees C order (as nibabel's `darray.data` does).
 *
 * The element count is checked against Dim0×Dim1×… before anything is allocated and again
 * against what the data decodes to: a mismatch is a FormatError naming the array and the dims,
 * never a short or padded array. ExternalFileBinary (data in a side file) is refused: no file
 * at hand uses it, and following a path written inside a file is a risk of its own.
 */
import { promisify } from 'node:util';
import { unzip } from 'node:zlib';
import { FormatError } from '../../errors.js';
import { checkAllocation, checkShape, rethrowIfOutOfMemory } from '../allocation.js';
import type { GiftiData } from './types.js';

const unzipAsync = promisify(unzip);

/** What the DataArray's attributes say about its data. */
export interface DataLayout {
  /** For messages: 'DataArray 2 (NIFTI_INTENT_TRIANGLE)'. */
  what: string;
  /** The attribute path for FormatError's field: 'DataArray[1]'. */
  field: string;
  intent: string;
  datatype: string;
  dims: number[];
  encoding: string;
  endian: string;
  order: string;
}

interface DatatypeInfo {
  size: number;
  make: (length: number) => GiftiData;
  view: (buffer: ArrayBuffer) => GiftiData;
  integer: boolean;
  min: number;
  max: number;
}

const DATATYPES: Record<string, DatatypeInfo> = {
  NIFTI_TYPE_FLOAT32: { size: 4, make: (n) => new Float32Array(n), view: (b) => new Float32Array(b), integer: false, min: -Infinity, max: Infinity },
  NIFTI_TYPE_INT32: { size: 4, make: (n) => new Int32Array(n), view: (b) => new Int32Array(b), integer: true, min: -(2 ** 31), max: 2 ** 31 - 1 },
  NIFTI_TYPE_UINT8: { size: 1, make: (n) => new Uint8Array(n), view: (b) => new Uint8Array(b), integer: true, min: 0, max: 255 },
};

export const GIFTI_DATATYPES = Object.keys(DATATYPES);
const ENCODINGS = ['ASCII', 'Base64Binary', 'GZipBase64Binary'];

/** Base64 text as GIfTI writers produce it (whitespace allowed between groups); Buffer's decoder would skip anything else silently. */
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** Checks the layout and returns the datatype's description, the element count and the bytes they take (no allocation yet). */
export function checkLayout(file: string, layout: DataLayout): { info: DatatypeInfo; count: number; bytes: number } {
  const info = DATATYPES[layout.datatype];
  if (!info) {
    throw new FormatError(file, `${layout.what}: datatype ${layout.datatype || '(none)'} is not one Cajal reads (${GIFTI_DATATYPES.join(', ')})`, `${layout.field}.DataType`);
  }
  if (layout.encoding === 'ExternalFileBinary') {
    throw new FormatError(file, `${layout.what}: its data is in an external file (Encoding ExternalFileBinary), which Cajal does not read; save the GIfTI with its data inside (Base64Binary or GZipBase64Binary)`, `${layout.field}.Encoding`);
  }
  if (!ENCODINGS.includes(layout.encoding)) {
    throw new FormatError(file, `${layout.what}: Encoding "${layout.encoding}" is not a GIfTI encoding (${ENCODINGS.join(', ')}, ExternalFileBinary)`, `${layout.field}.Encoding`);
  }
  if (layout.encoding !== 'ASCII' && layout.endian !== 'LittleEndian' && layout.endian !== 'BigEndian') {
    throw new FormatError(file, `${layout.what}: Endian "${layout.endian}" is neither LittleEndian nor BigEndian`, `${layout.field}.Endian`);
  }
  if (layout.order !== 'RowMajorOrder' && layout.order !== 'ColumnMajorOrder') {
    throw new FormatError(file, `${layout.what}: ArrayIndexingOrder "${layout.order}" is neither RowMajorOrder nor ColumnMajorOrder`, `${layout.field}.ArrayIndexingOrder`);
  }
  const count = checkShape(file, layout.dims, { what: layout.what, field: `${layout.field}.Dim0` });
  const bytes = checkAllocation(file, layout.dims, info.size, layout.what);
  return { info, count, bytes };
}

const dimsText = (layout: DataLayout): string => `${layout.dims.map((d, i) => `Dim${i}`).join('×')} = ${layout.dims.join('×')}`;

/** Decodes the `<Data>` text of one DataArray. */
export async function decodeData(file: string, layout: DataLayout, text: string): Promise<GiftiData> {
  const { info, count } = checkLayout(file, layout);
  const out = layout.encoding === 'ASCII' ? parseAscii(file, layout, text, info, count) : await decodeBinary(file, layout, text, info, count);
  return layout.order === 'ColumnMajorOrder' && layout.dims.length > 1 ? toRowMajor(out, layout.dims, info) : out;
}

function parseAscii(file: string, layout: DataLayout, text: string, info: DatatypeInfo, count: number): GiftiData {
  const tokens = text.trim() === '' ? [] : text.trim().split(/\s+/);
  if (tokens.length !== count) {
    throw new FormatError(file, `${layout.what}: the ASCII data holds ${tokens.length} values, but ${dimsText(layout)} needs ${count}`, `${layout.field}.Data`);
  }
  const out = info.make(count);
  for (let i = 0; i < count; i++) {
    const token = tokens[i] as string;
    let value = Number(token);
    if (Number.isNaN(value) && !info.integer && /^[+-]?inf(inity)?$/i.test(token)) value = token.startsWith('-') ? -Infinity : Infinity;
    const bad = token === '' || (Number.isNaN(value) && (info.integer || !/^[+-]?nan$/i.test(token)));
    if (bad || (info.integer && (!Number.isInteger(value) || value < info.min || value > info.max))) {
      throw new FormatError(file, `${layout.what}: value ${i} "${token.slice(0, 40)}" is not a ${layout.datatype.replace('NIFTI_TYPE_', '').toLowerCase()}`, `${layout.field}.Data`);
    }
    out[i] = value;
  }
  return out;
}

async function decodeBinary(file: string, layout: DataLayout, text: string, info: DatatypeInfo, count: number): Promise<GiftiData> {
  if (!BASE64.test(text)) {
    throw new FormatError(file, `${layout.what}: the ${layout.encoding} data holds characters that are not base64`, `${layout.field}.Data`);
  }
  const expected = count * info.size;
  let bytes: Uint8Array = Buffer.from(text, 'base64');
  if (layout.encoding === 'GZipBase64Binary') {
    try {
      // zlib-wrapped per the GIfTI spec (and nibabel); unzip also takes a gzip-wrapped stream. One
      // byte past the expected size is enough to tell "too many bytes" without inflating them all.
      bytes = new Uint8Array(await unzipAsync(bytes, { maxOutputLength: expected + 1 }));
    } catch (error) {
      rethrowIfOutOfMemory(error, file, layout.what);
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new FormatError(file, `${layout.what}: the data inflates to more than the ${expected} bytes ${dimsText(layout)} ${layout.datatype} values take`, `${layout.field}.Data`);
      }
      const cause = (error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' ? 'truncated' : `damaged (${(error as Error).message})`;
      throw new FormatError(file, `${layout.what}: the compressed data is ${cause}`, `${layout.field}.Data`);
    }
  }
  if (bytes.length !== expected) {
    throw new FormatError(file, `${layout.what}: the data holds ${bytes.length} bytes, but ${dimsText(layout)} ${layout.datatype} values take ${expected}`, `${layout.field}.Data`);
  }
  // A fresh, aligned copy (Buffer.from may share a pooled, unaligned slab), swapped to native order.
  const copy = new Uint8Array(expected);
  copy.set(bytes);
  if (layout.endian === 'BigEndian' && info.size > 1) {
    for (let i = 0; i < expected; i += info.size) copy.subarray(i, i + info.size).reverse();
  }
  return info.view(copy.buffer);
}

/** Column-major (Fortran) elements of shape `dims` reordered to row-major. */
function toRowMajor(source: GiftiData, dims: number[], info: DatatypeInfo): GiftiData {
  const out = info.make(source.length);
  const n = dims.length;
  // Stride of each axis in the column-major source: axis 0 fastest.
  const strides: number[] = [];
  let stride = 1;
  for (const extent of dims) {
    strides.push(stride);
    stride *= extent;
  }
  const index = new Array<number>(n).fill(0);
  let from = 0;
  for (let to = 0; to < out.length; to++) {
    out[to] = source[from] as number;
    // Advance the row-major index (last axis fastest), keeping the column-major offset in step.
    for (let axis = n - 1; axis >= 0; axis--) {
      const extent = dims[axis] as number;
      const s = strides[axis] as number;
      if ((index[axis] as number) + 1 < extent) {
        index[axis] = (index[axis] as number) + 1;
        from += s;
        break;
      }
      from -= (index[axis] as number) * s;
      index[axis] = 0;
    }
  }
  return out;
}
