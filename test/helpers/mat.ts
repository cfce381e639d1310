/**
 * Builds MATLAB v5 MAT-files in memory for tests: the header, tagged data elements (normal or
 * small format), miMATRIX variables of any class, and miCOMPRESSED wrapping, in either byte order.
 * Written from the MathWorks "MAT-File Format" description, independently of main/io/matlab.
 */
import { deflateSync } from 'node:zlib';

export const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15, UTF8: 16, UTF16: 17 } as const;
export const MX = { CELL: 1, STRUCT: 2, CHAR: 4, SPARSE: 5, DOUBLE: 6, SINGLE: 7, INT8: 8, UINT8: 9, INT16: 10, UINT16: 11, INT32: 12, UINT32: 13, INT64: 14, UINT64: 15 } as const;

const SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8 };

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export class MatWriter {
  constructor(readonly littleEndian = true) {}

  header(text = 'MATLAB 5.0 MAT-file, Platform: test, Created by Cajal tests', version = 0x0100): Uint8Array {
    const out = new Uint8Array(128).fill(0x20);
    for (let i = 0; i < Math.min(text.length, 116); i++) out[i] = text.charCodeAt(i);
    out.fill(0, 116, 124);
    const view = new DataView(out.buffer);
    view.setUint16(124, version, this.littleEndian);
    view.setUint16(126, 0x4d49, this.littleEndian); // "MI"
    return out;
  }

  /** One tagged element, padded to 8 bytes; `small` uses the 4-byte-data format when the payload fits. */
  element(type: number, payload: Uint8Array, small = false): Uint8Array {
    if (small && payload.length <= 4) {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setUint32(0, (payload.length << 16) | type, this.littleEndian);
      out.set(payload, 4);
      return out;
    }
    const padded = type === MI.COMPRESSED ? payload.length : Math.ceil(payload.length / 8) * 8;
    const out = new Uint8Array(8 + padded);
    const view = new DataView(out.buffer);
    view.setUint32(0, type, this.littleEndian);
    view.setUint32(4, payload.length, this.littleEndian);
    out.set(payload, 8);
    return out;
  }

  numbers(type: number, values: readonly number[]): Uint8Array {
    const size = SIZE[type]!;
    const out = new Uint8Array(values.length * size);
    const view = new DataView(out.buffer);
    const le = this.littleEndian;
    values.forEach((v, i) => {
      const p = i * size;
      if (type === MI.INT8) view.setInt8(p, v);
      else if (type === MI.UINT8) view.setUint8(p, v);
      else if (type === MI.INT16) view.setInt16(p, v, le);
      else if (type === MI.UINT16) view.setUint16(p, v, le);
      else if (type === MI.INT32) view.setInt32(p, v, le);
      else if (type === MI.UINT32) view.setUint32(p, v, le);
      else if (type === MI.SINGLE) view.setFloat32(p, v, le);
      else if (type === MI.DOUBLE) view.setFloat64(p, v, le);
      else if (type === MI.INT64) view.setBigInt64(p, BigInt(v), le);
      else if (type === MI.UINT64) view.setBigUint64(p, BigInt(v), le);
    });
    return out;
  }

  /** A numeric element (tag + values); small format when it fits in 4 bytes. */
  data(type: number, values: readonly number[], small = true): Uint8Array {
    return this.element(type, this.numbers(type, values), small);
  }

  /** An miMATRIX element: flags, dims, name, then `body` (already tagged sub-elements). */
  matrix(classId: number, dims: readonly number[], name: string, body: readonly Uint8Array[], options: { complex?: boolean; logical?: boolean } = {}): Uint8Array {
    const flags = classId | (options.complex ? 0x0800 : 0) | (options.logical ? 0x0200 : 0);
    const parts = [
      this.element(MI.UINT32, this.numbers(MI.UINT32, [flags, 0])),
      this.element(MI.INT32, this.numbers(MI.INT32, dims)),
      this.element(MI.INT8, new TextEncoder().encode(name), true),
      ...body,
    ];
    return this.element(MI.MATRIX, concat(parts));
  }

  /** A numeric variable of class `classId`, values stored as `storage` (column-major). */
  numeric(name: string, dims: readonly number[], values: readonly number[], classId: number = MX.DOUBLE, storage: number = MI.DOUBLE, imaginary?: readonly number[]): Uint8Array {
    const body = [this.data(storage, values)];
    if (imaginary) body.push(this.data(storage, imaginary));
    return this.matrix(classId, dims, name, body, { complex: imaginary !== undefined });
  }

  char(name: string, text: string): Uint8Array {
    const units = Array.from(text, (c) => c.charCodeAt(0));
    return this.matrix(MX.CHAR, [1, units.length], name, [this.data(MI.UINT16, units)]);
  }

  compressed(element: Uint8Array): Uint8Array {
    return this.element(MI.COMPRESSED, new Uint8Array(deflateSync(element)));
  }

  file(...elements: Uint8Array[]): Uint8Array {
    return concat([this.header(), ...elements]);
  }
}

/** A 2-D double variable from rows (row-major input, written column-major as MATLAB does). */
export function columnMajor(rows: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (let c = 0; c < rows[0]!.length; c++) for (const row of rows) out.push(row[c]!);
  return out;
}
