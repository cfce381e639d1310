/**
 * Typed arrays as BLOBs. The dtype and shape are stored beside the bytes so an array can be viewed
 * again without knowing who wrote it. Bytes are the platform's (little-endian on every target).
 */
import type { Db } from './database.js';
import { ValidationError } from '../errors.js';
import { nowIso } from './time.js';

export type Dtype = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';
export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

const CONSTRUCTORS = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

export function dtypeOf(array: NumericArray): Dtype {
  for (const [dtype, ctor] of Object.entries(CONSTRUCTORS)) {
    if (array instanceof ctor) return dtype as Dtype;
  }
  throw new ValidationError('array', `unsupported array type ${Object.prototype.toString.call(array)}`);
}

export interface StoredArray {
  id: number;
  dtype: Dtype;
  shape: number[];
  data: NumericArray;
}

interface ArrayRow {
  id: number;
  dtype: Dtype;
  shape_json: string;
  data: Buffer;
}

export function checkShape(array: NumericArray, shape: readonly number[]): void {
  if (!shape.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new ValidationError('shape', `must be non-negative integers, got [${shape.join(', ')}]`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== array.length) {
    throw new ValidationError('shape', `[${shape.join(', ')}] holds ${count} values but the array has ${array.length}`);
  }
}

export class ArrayRepository {
  constructor(private readonly db: Db) {}

  add(array: NumericArray, shape: readonly number[] = [array.length]): number {
    checkShape(array, shape);
    const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    const info = this.db
      .prepare('INSERT INTO arrays (dtype, shape_json, byte_length, data, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(dtypeOf(array), JSON.stringify(shape), bytes.byteLength, bytes, nowIso());
    return Number(info.lastInsertRowid);
  }

  get(id: number): StoredArray | undefined {
    const row = this.db.prepare('SELECT id, dtype, shape_json, data FROM arrays WHERE id = ?').get(id) as
      | ArrayRow
      | undefined;
    if (!row) return undefined;
    const ctor = CONSTRUCTORS[row.dtype];
    // Copy into a fresh, aligned buffer: a Buffer from SQLite may start at an unaligned offset.
    const copy = new Uint8Array(row.data.byteLength);
    copy.set(row.data);
    return {
      id: row.id,
      dtype: row.dtype,
      shape: JSON.parse(row.shape_json) as number[],
      data: new ctor(copy.buffer, 0, row.data.byteLength / ctor.BYTES_PER_ELEMENT),
    };
  }

  describe(id: number): { dtype: Dtype; shape: number[] } | undefined {
    const row = this.db.prepare('SELECT dtype, shape_json FROM arrays WHERE id = ?').get(id) as
      | { dtype: Dtype; shape_json: string }
      | undefined;
    return row ? { dtype: row.dtype, shape: JSON.parse(row.shape_json) as number[] } : undefined;
  }
}
