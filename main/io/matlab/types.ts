/**
 * What a MATLAB v5 `.mat` file holds, as Cajal hands it on: one `MatValue` per variable.
 *
 * Numbers are always widened to float64, column-major like MATLAB keeps them (`data[i + rows * j]`
 * for a 2-D array): every consumer (ROI series, connectomes) works in float64, and the class the
 * file stated is kept in `class` for display. int64/uint64 values past 2^53 lose precision, which
 * no ROI or connectivity file comes near.
 */
export type MatNumericClass = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

export type MatValue =
  | { type: 'numeric'; class: MatNumericClass; dims: number[]; data: Float64Array /* column-major */; imaginary: Float64Array | null }
  | { type: 'char'; dims: number[]; text: string }
  | { type: 'logical'; dims: number[]; data: Uint8Array }
  | { type: 'struct'; dims: number[]; fields: Record<string, MatValue[]> }
  | { type: 'cell'; dims: number[]; cells: MatValue[] };

/** MATLAB array classes (mxCLASS ids, the low byte of the array flags). */
export const MX_CLASS: Readonly<Record<number, string>> = {
  1: 'cell',
  2: 'struct',
  3: 'object',
  4: 'char',
  5: 'sparse',
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
  16: 'function handle',
  17: 'opaque (MATLAB object or string)',
};

export const NUMERIC_CLASSES: ReadonlySet<string> = new Set(['double', 'single', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/** Data element types (miXXX) and the bytes per element of the numeric ones. */
export const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18,
} as const;

export const MI_ITEM_SIZE: Readonly<Record<number, number>> = {
  [MI.INT8]: 1,
  [MI.UINT8]: 1,
  [MI.INT16]: 2,
  [MI.UINT16]: 2,
  [MI.INT32]: 4,
  [MI.UINT32]: 4,
  [MI.SINGLE]: 4,
  [MI.DOUBLE]: 8,
  [MI.INT64]: 8,
  [MI.UINT64]: 8,
};

export const MI_NAME: Readonly<Record<number, string>> = {
  1: 'miINT8',
  2: 'miUINT8',
  3: 'miINT16',
  4: 'miUINT16',
  5: 'miINT32',
  6: 'miUINT32',
  7: 'miSINGLE',
  9: 'miDOUBLE',
  12: 'miINT64',
  13: 'miUINT64',
  14: 'miMATRIX',
  15: 'miCOMPRESSED',
  16: 'miUTF8',
  17: 'miUTF16',
  18: 'miUTF32',
};
