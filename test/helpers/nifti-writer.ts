/**
 * Writes small NIfTI-1/NIfTI-2 files for tests: any version, byte order, datatype, scaling and
 * transform, so the reader can be checked on cases no real file covers (and on broken ones).
 * Independent of the reader: field offsets are written from the NIfTI-1/2 header definitions.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export interface NiftiSpec {
  version?: 1 | 2;
  littleEndian?: boolean;
  dims: number[];
  /** pixdim[0..]: qfac then voxel sizes (default qfac 1, sizes 1). */
  pixdim?: number[];
  datatype: number;
  bitpix?: number;
  /** Voxel values, written with the datatype (RGB: bytes). */
  values: ArrayLike<number>;
  voxOffset?: number;
  sclSlope?: number;
  sclInter?: number;
  qformCode?: number;
  sformCode?: number;
  quatern?: [number, number, number];
  qoffset?: [number, number, number];
  srow?: [number[], number[], number[]];
  xyztUnits?: number;
  descrip?: string;
  magic?: string;
  sizeofHdr?: number;
  gzip?: boolean;
  /** Bytes appended after the header block (an extension area). */
  extension?: Uint8Array;
}

const BYTES: Record<number, number> = { 2: 1, 4: 2, 8: 4, 16: 4, 64: 8, 128: 3, 256: 1, 512: 2, 768: 4, 1024: 8, 1280: 8, 2304: 4, 32: 8 };

function writeValue(view: DataView, at: number, code: number, v: number, le: boolean): void {
  switch (code) {
    case 2: return view.setUint8(at, v);
    case 256: return view.setInt8(at, v);
    case 4: return view.setInt16(at, v, le);
    case 512: return view.setUint16(at, v, le);
    case 8: return view.setInt32(at, v, le);
    case 768: return view.setUint32(at, v, le);
    case 16: return view.setFloat32(at, v, le);
    case 64: return view.setFloat64(at, v, le);
    case 1024: return view.setBigInt64(at, BigInt(v), le);
    case 1280: return view.setBigUint64(at, BigInt(v), le);
    default: throw new Error(`no writer for datatype ${code}`);
  }
}

export function niftiBytes(spec: NiftiSpec): Uint8Array {
  const v2 = spec.version === 2;
  const le = spec.littleEndian ?? true;
  const headerSize = v2 ? 540 : 348;
  const voxOffset = spec.voxOffset ?? headerSize + 4 + (spec.extension?.length ?? 0);
  const bytes = BYTES[spec.datatype] ?? 1;
  const rgb = spec.datatype === 128 || spec.datatype === 2304;
  const dataBytes = rgb ? spec.values.length : spec.values.length * bytes;
  const out = new Uint8Array(Math.max(voxOffset, headerSize + 4) + dataBytes);
  const view = new DataView(out.buffer);
  const real = (at: number, i: number, v: number) => (v2 ? view.setFloat64(at + 8 * i, v, le) : view.setFloat32(at + 4 * i, v, le));
  const text = (at: number, s: string) => out.set(Array.from(s, (ch) => ch.charCodeAt(0)), at);
  view.setInt32(0, spec.sizeofHdr ?? headerSize, le);
  const o = v2
    ? { dim: 16, pixdim: 104, datatype: 12, bitpix: 14, vox: 168, slope: 176, inter: 184, descrip: 240, qcode: 344, scode: 348, quatern: 352, qoffset: 376, srow: 400, units: 500, magic: 4 }
    : { dim: 40, pixdim: 76, datatype: 70, bitpix: 72, vox: 108, slope: 112, inter: 116, descrip: 148, qcode: 252, scode: 254, quatern: 256, qoffset: 268, srow: 280, units: 123, magic: 344 };
  text(o.magic, spec.magic ?? (v2 ? 'n+2\0' : 'n+1\0'));
  if (v2) out.set([13, 10, 26, 10], 8);
  const dims = [spec.dims.length, ...spec.dims];
  dims.forEach((d, i) => (v2 ? view.setBigInt64(o.dim + 8 * i, BigInt(d), le) : view.setInt16(o.dim + 2 * i, d, le)));
  for (let i = dims.length; i < 8; i++) v2 ? view.setBigInt64(o.dim + 8 * i, 1n, le) : view.setInt16(o.dim + 2 * i, 1, le);
  const pixdim = spec.pixdim ?? [1, ...spec.dims.map(() => 1)];
  for (let i = 0; i < 8; i++) real(o.pixdim, i, pixdim[i] ?? 1);
  view.setInt16(o.datatype, spec.datatype, le);
  view.setInt16(o.bitpix, spec.bitpix ?? bytes * 8, le);
  if (v2) view.setBigInt64(o.vox, BigInt(voxOffset), le);
  else view.setFloat32(o.vox, voxOffset, le);
  real(o.slope, 0, spec.sclSlope ?? 1);
  real(o.inter, 0, spec.sclInter ?? 0);
  text(o.descrip, spec.descrip ?? '');
  const code = (at: number, c: number) => (v2 ? view.setInt32(at, c, le) : view.setInt16(at, c, le));
  code(o.qcode, spec.qformCode ?? 0);
  code(o.scode, spec.sformCode ?? 0);
  (spec.quatern ?? [0, 0, 0]).forEach((q, i) => real(o.quatern, i, q));
  (spec.qoffset ?? [0, 0, 0]).forEach((q, i) => real(o.qoffset, i, q));
  (spec.srow ?? [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]).forEach((row, r) => row.forEach((v, c) => real(o.srow + r * (v2 ? 32 : 16), c, v)));
  if (v2) view.setInt32(o.units, spec.xyztUnits ?? 0, le);
  else out[o.units] = spec.xyztUnits ?? 0;
  if (spec.extension) out.set(spec.extension, headerSize + 4);
  const start = Math.max(voxOffset, headerSize + 4);
  if (rgb) out.set(Uint8Array.from(spec.values), start);
  else for (let i = 0; i < spec.values.length; i++) writeValue(view, start + i * bytes, spec.datatype, spec.values[i]!, le);
  return spec.gzip ? gzipSync(out) : out;
}

export function writeNifti(path: string, spec: NiftiSpec): string {
  writeFileSync(path, niftiBytes(spec));
  return path;
}
