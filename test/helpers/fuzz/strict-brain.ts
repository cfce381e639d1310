/**
 * Independent strict readings of mutated brain files, written from the format documents (nifti1.h,
 * the GIfTI 1.0 spec, Surf Ice's mz3 notes, MathWorks' "MAT-File Format", BrainNet Viewer's manual)
 * and not from Cajal's readers: what a file breaks that a reader must not accept. Each returns the
 * violations it finds (a reader that accepts a file with one is silently wrong) and, where the
 * reader's summary can be compared, what the file holds.
 *
 * Where a format leaves room (nibabel's fixes of pixdim and xform codes, a gzip trailer that is
 * never reached) nothing is claimed: only what no reading of the document allows is a violation.
 */
import { readFileSync } from 'node:fs';
import { constants, gunzipSync, inflateSync } from 'node:zlib';
import type { Violation } from './strict.js';

const isGz = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/**
 * The decompressed bytes of a gzip file that a streaming reader can get, and whether the stream is
 * whole (ends properly, checksum right). A stream cut short yields what inflates before the cut;
 * a damaged one what inflates before the damage (found by bisecting the input).
 */
export function inflatable(bytes: Buffer): { bytes: Buffer; whole: boolean } {
  try {
    return { bytes: gunzipSync(bytes), whole: true };
  } catch {
    // fall through: partial
  }
  const partial = (length: number): Buffer | null => {
    try {
      return gunzipSync(bytes.subarray(0, length), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return null;
    }
  };
  const all = partial(bytes.length);
  if (all) return { bytes: all, whole: false };
  let lo = 0;
  let hi = bytes.length;
  let best: Buffer = Buffer.alloc(0);
  while (hi - lo > 64) {
    const mid = (lo + hi) >> 1;
    const out = partial(mid);
    if (out) {
      best = out;
      lo = mid;
    } else hi = mid;
  }
  return { bytes: best, whole: false };
}

// ---------------------------------------------------------------------------------------------
// NIfTI

const READABLE_DTYPES: Readonly<Record<number, number>> = { 2: 1, 4: 2, 8: 4, 16: 4, 64: 8, 256: 1, 512: 2, 768: 4, 1024: 8, 1280: 8 };
const INTEGER_DTYPES = new Set([2, 4, 8, 256, 512, 768, 1024, 1280]);

export interface StrictNifti {
  violations: Violation[];
  version: 1 | 2 | null;
  dims: number[] | null;
  datatype: number | null;
  /** True when voxels are integers and no scaling applies (they can never be NaN). */
  integerUnscaled: boolean;
}

/** nifti1.h / nifti2.h: what a single-file image must hold for its voxels to be read as numbers. */
export function strictNifti(path: string): StrictNifti {
  const file = readFileSync(path);
  const out: StrictNifti = { violations: [], version: null, dims: null, datatype: null, integerUnscaled: false };
  const problem = (text: string): void => void out.violations.push({ problem: text });
  let raw: Buffer;
  if (isGz(file)) {
    raw = inflatable(file).bytes;
  } else raw = file;
  if (raw.length < 4) {
    problem(`${raw.length} bytes`);
    return out;
  }
  let le: boolean;
  let version: 1 | 2;
  if (raw.readInt32LE(0) === 348) [le, version] = [true, 1];
  else if (raw.readInt32BE(0) === 348) [le, version] = [false, 1];
  else if (raw.readInt32LE(0) === 540) [le, version] = [true, 2];
  else if (raw.readInt32BE(0) === 540) [le, version] = [false, 2];
  else {
    problem('sizeof_hdr is neither 348 nor 540');
    return out;
  }
  out.version = version;
  const size = version === 1 ? 348 : 540;
  if (raw.length < size) {
    problem(`the header is cut (${raw.length} of ${size} bytes)`);
    return out;
  }
  const int = (at: number, width: 2 | 4 | 8): number =>
    width === 2 ? (le ? raw.readInt16LE(at) : raw.readInt16BE(at)) : width === 4 ? (le ? raw.readInt32LE(at) : raw.readInt32BE(at)) : Number(le ? raw.readBigInt64LE(at) : raw.readBigInt64BE(at));
  const real = (at: number): number => (version === 1 ? (le ? raw.readFloatLE(at) : raw.readFloatBE(at)) : le ? raw.readDoubleLE(at) : raw.readDoubleBE(at));
  const magic = raw.toString('latin1', version === 1 ? 344 : 4, version === 1 ? 348 : 8);
  if (magic !== `n+${version}\0`) problem(`magic ${JSON.stringify(magic)} is not a single-file image's`);
  const dimAt = version === 1 ? 40 : 16;
  const dimWidth = version === 1 ? 2 : 8;
  const ndim = int(dimAt, dimWidth);
  if (!(ndim >= 1 && ndim <= 7)) {
    problem(`dim[0] ${ndim}`);
    return out;
  }
  const dims = Array.from({ length: ndim }, (_, i) => int(dimAt + dimWidth * (i + 1), dimWidth));
  if (dims.some((d) => !(Number.isSafeInteger(d) && d >= 1))) problem(`dim ${dims.join('×')}`);
  out.dims = dims;
  const datatype = int(version === 1 ? 70 : 12, 2);
  out.datatype = datatype;
  const itemSize = READABLE_DTYPES[datatype];
  if (itemSize === undefined) problem(`datatype ${datatype} is not a real-number type`);
  const voxOffset = version === 1 ? real(108) : int(168, 8);
  if (!(Number.isInteger(voxOffset) && voxOffset >= size)) problem(`vox_offset ${voxOffset}`);
  const voxels = dims.reduce((a, b) => a * b, 1);
  if (itemSize !== undefined && Number.isInteger(voxOffset) && voxOffset >= size && raw.length < voxOffset + voxels * itemSize) {
    problem(`the voxels need ${voxOffset + voxels * itemSize} bytes, ${isGz(file) ? 'the stream inflates to' : 'the file has'} ${raw.length}`);
  }
  const slope = real(version === 1 ? 112 : 176);
  const inter = real(version === 1 ? 116 : 184);
  const scaled = slope !== 0 && Number.isFinite(slope);
  if (scaled && !Number.isFinite(inter)) problem(`scl_slope ${slope} with scl_inter ${inter}`);
  out.integerUnscaled = INTEGER_DTYPES.has(datatype) && (!scaled || (slope === 1 && inter === 0));
  // The affine nibabel chooses must be finite: sform (codes 1…4 as nibabel knows them, 5 too), else qform, else pixdim.
  const code = (at: number): number => (version === 1 ? int(at, 2) : int(at, 4));
  const sformCode = code(version === 1 ? 254 : 348);
  const qformCode = code(version === 1 ? 252 : 344);
  const pix = (i: number): number => real((version === 1 ? 76 : 104) + (version === 1 ? 4 : 8) * i);
  const spatial = [1, 2, 3].map((i) => (pix(i) === 0 ? 1 : Math.abs(pix(i))));
  const w = version === 1 ? 4 : 8;
  if (sformCode >= 1 && sformCode <= 5) {
    const srow = Array.from({ length: 12 }, (_, i) => real((version === 1 ? 280 : 400) + w * i));
    if (!srow.every(Number.isFinite)) problem('the sform (srow_x/y/z) holds a non-finite value');
  } else if (qformCode >= 1 && qformCode <= 5) {
    const q = [0, 1, 2].map((i) => real((version === 1 ? 256 : 352) + w * i));
    const o = [0, 1, 2].map((i) => real((version === 1 ? 268 : 376) + w * i));
    if (![...q, ...o, ...spatial].every(Number.isFinite)) problem('the qform holds a non-finite value');
    else if (q[0]! ** 2 + q[1]! ** 2 + q[2]! ** 2 > 1.001) problem('quatern_b/c/d are not a rotation (b² + c² + d² > 1)');
  } else if (!spatial.every(Number.isFinite)) problem('pixdim (the fallback affine) holds a non-finite value');
  return out;
}

// ---------------------------------------------------------------------------------------------
// GIfTI

const GIFTI_SIZES: Readonly<Record<string, number>> = { NIFTI_TYPE_FLOAT32: 4, NIFTI_TYPE_INT32: 4, NIFTI_TYPE_UINT8: 1 };

export interface StrictGifti {
  violations: Violation[];
  /** Dims of each DataArray as the document states them (null when the document cannot be scanned). */
  arrays: number[][] | null;
}

/** GIfTI 1.0: the document closes, NumberOfDataArrays agrees, each array's data decodes to Dim0×… values. */
export function strictGifti(path: string): StrictGifti {
  const file = readFileSync(path);
  const out: StrictGifti = { violations: [], arrays: null };
  const problem = (text: string): void => void out.violations.push({ problem: text });
  let bytes: Buffer = file;
  if (isGz(file)) {
    const inflated = inflatable(file);
    if (!inflated.whole) problem('the gzip stream is damaged or cut');
    bytes = inflated.bytes;
  }
  const xml = bytes.toString('latin1');
  if (!/<\/GIFTI>\s*$/.test(xml)) problem('the document does not end with </GIFTI>');
  if (!/^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE[^>[]*>\s*)?<GIFTI[\s>]/.test(xml)) return out;
  const blocks = [...xml.matchAll(/<DataArray\b([^>]*)>([\s\S]*?)<\/DataArray>/g)];
  const declared = /<GIFTI\b[^>]*\bNumberOfDataArrays="([^"]*)"/.exec(xml)?.[1];
  if (declared !== undefined && Number(declared) !== blocks.length) problem(`NumberOfDataArrays "${declared}" for ${blocks.length} DataArray elements`);
  const arrays: number[][] = [];
  for (const [k, block] of blocks.entries()) {
    const attrs = Object.fromEntries([...block[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const dimensionality = Number(attrs['Dimensionality']);
    const dims = Number.isInteger(dimensionality) && dimensionality >= 1 && dimensionality <= 6 ? Array.from({ length: dimensionality }, (_, i) => Number(attrs[`Dim${i}`])) : [];
    arrays.push(dims);
    const where = `DataArray ${k}`;
    if (!dims.length || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      problem(`${where}: Dimensionality/Dim attributes ${JSON.stringify(attrs['Dimensionality'])}`);
      continue;
    }
    const size = GIFTI_SIZES[attrs['DataType'] ?? ''];
    if (size === undefined) {
      problem(`${where}: DataType ${JSON.stringify(attrs['DataType'])}`);
      continue;
    }
    if (!['RowMajorOrder', 'ColumnMajorOrder', undefined].includes(attrs['ArrayIndexingOrder'])) problem(`${where}: ArrayIndexingOrder ${JSON.stringify(attrs['ArrayIndexingOrder'])}`);
    const encoding = attrs['Encoding'];
    if (encoding !== 'ASCII' && !['LittleEndian', 'BigEndian', undefined].includes(attrs['Endian'])) problem(`${where}: Endian ${JSON.stringify(attrs['Endian'])}`);
    const count = dims.reduce((a, b) => a * b, 1);
    const data = /<Data>([\s\S]*?)<\/Data>/.exec(block[2]!)?.[1];
    if (data === undefined) {
      problem(`${where}: no <Data>`);
      continue;
    }
    if (encoding === 'ASCII') {
      const tokens = data.trim() === '' ? [] : data.trim().split(/\s+/);
      if (tokens.length !== count) problem(`${where}: ${tokens.length} ASCII values for ${count}`);
      continue;
    }
    if (encoding !== 'Base64Binary' && encoding !== 'GZipBase64Binary') {
      problem(`${where}: Encoding ${JSON.stringify(encoding)}`);
      continue;
    }
    const b64 = data.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
      problem(`${where}: the data is not base64 (RFC 4648, padded)`);
      continue;
    }
    let decoded: Buffer = Buffer.from(b64, 'base64');
    if (encoding === 'GZipBase64Binary') {
      try {
        decoded = inflateSync(decoded);
      } catch {
        try {
          decoded = gunzipSync(decoded);
        } catch {
          problem(`${where}: the compressed data does not inflate`);
          continue;
        }
      }
    }
    if (decoded.length !== count * size) problem(`${where}: ${decoded.length} bytes for ${count} × ${size}`);
  }
  out.arrays = arrays;
  return out;
}

// ---------------------------------------------------------------------------------------------
// mz3

export interface StrictMz3 {
  violations: Violation[];
  faceCount: number | null;
  vertexCount: number | null;
}

/** Surf Ice's mz3: header, sections present by their bits and within the file, faces < vertex count. */
export function strictMz3(path: string): StrictMz3 {
  const file = readFileSync(path);
  const out: StrictMz3 = { violations: [], faceCount: null, vertexCount: null };
  const problem = (text: string): void => void out.violations.push({ problem: text });
  let raw: Buffer = file;
  if (isGz(file)) {
    const inflated = inflatable(file);
    if (!inflated.whole) problem('the gzip stream is damaged or cut');
    raw = inflated.bytes;
  }
  if (raw.length < 16) return (problem('shorter than the header'), out);
  if (raw.readUInt16LE(0) !== 0x5a4d) return (problem('no "MZ" magic'), out);
  const attr = raw.readUInt16LE(2);
  const faces = raw.readUInt32LE(4);
  const vertices = raw.readUInt32LE(8);
  const skip = raw.readUInt32LE(12);
  if (attr > 127) problem(`attribute bits ${attr}`);
  if ((attr & 3) !== 3) problem('no faces or no vertices');
  out.faceCount = faces;
  out.vertexCount = vertices;
  const need = 16 + skip + faces * 12 + vertices * 12 + ((attr & 4) !== 0 ? vertices * 4 : 0);
  if (need > raw.length) problem(`the sections need ${need} bytes, the file has ${raw.length}`);
  else if (need <= raw.length) {
    const at = 16 + skip;
    for (let i = 0; i < faces * 3; i++) {
      if (raw.readUInt32LE(at + 4 * i) >= vertices) {
        problem(`face ${Math.floor(i / 3)} names vertex ${raw.readUInt32LE(at + 4 * i)} of ${vertices}`);
        break;
      }
    }
    if ((attr & 8) !== 0 && raw.length - need < vertices * ((attr & 16) !== 0 ? 8 : 4)) problem('the scalars bit is set without one whole map');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// MATLAB v5

export interface StrictMat {
  violations: Violation[];
}

const MI_SIZE: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8 };
const NUMERIC_CLASS = new Set([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);

/** One miMATRIX of a numeric class: flags, dims, name, real part whose count equals the dims' product. */
function strictMatrix(body: Buffer, where: string, problem: (text: string) => void): void {
  const parts: { type: number; size: number; data: number }[] = [];
  let at = 0;
  while (at < body.length && parts.length < 5) {
    if (at + 8 > body.length) return problem(`${where}: a sub-element tag is cut`);
    const first = body.readUInt32LE(at);
    if (first >>> 16 !== 0) {
      if (first >>> 16 > 4) return problem(`${where}: a small element of ${first >>> 16} bytes`);
      parts.push({ type: first & 0xffff, size: first >>> 16, data: at + 4 });
      at += 8;
      continue;
    }
    const size = body.readUInt32LE(at + 4);
    if (at + 8 + size > body.length) return problem(`${where}: a sub-element states ${size} bytes past the array's end`);
    parts.push({ type: first, size, data: at + 8 });
    at += 8 + Math.ceil(size / 8) * 8;
  }
  const [flags, dims, name, real] = parts;
  if (!flags || flags.type !== 6 || flags.size !== 8) return problem(`${where}: array flags are not an 8-byte miUINT32`);
  const cls = body[flags.data]!;
  if (!NUMERIC_CLASS.has(cls)) return; // cells, structs, chars: not judged here
  if (!dims || dims.type !== 5 || dims.size < 8 || dims.size % 4 !== 0) return problem(`${where}: dimensions are not miINT32 × 2 or more`);
  const shape = Array.from({ length: dims.size / 4 }, (_, i) => body.readInt32LE(dims.data + 4 * i));
  if (shape.some((d) => d < 0)) return problem(`${where}: dimension ${shape.join('×')}`);
  if (!name || (name.type !== 1 && name.type !== 2)) return problem(`${where}: the name is not miINT8`);
  const itemSize = real ? MI_SIZE[real.type] : undefined;
  if (!real || itemSize === undefined) return problem(`${where}: no numeric real part`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (real.size !== count * itemSize) return problem(`${where}: the real part holds ${real.size / itemSize} values for ${shape.join('×')}`);
  if ((body[flags.data + 1]! & 0x08) !== 0) {
    const imaginary = parts[4];
    const imaginarySize = imaginary ? MI_SIZE[imaginary.type] : undefined;
    if (!imaginary || imaginarySize === undefined || imaginary.size !== count * imaginarySize) problem(`${where}: complex without a whole imaginary part`);
  }
}

/** MAT-File Format, level 5: header, element tags within the file, compressed elements inflate, numeric arrays whole. */
export function strictMat(path: string): StrictMat {
  const bytes = readFileSync(path);
  const out: StrictMat = { violations: [] };
  const problem = (text: string): void => void out.violations.push({ problem: text });
  if (bytes.length < 128) return (problem('shorter than the 128-byte header'), out);
  if (bytes.toString('latin1', 126, 128) !== 'IM' || bytes.readUInt16LE(124) !== 0x0100) return (problem('not a little-endian version 0x0100 header'), out);
  if (bytes.subarray(0, 4).includes(0)) problem('the header text starts with a NUL (a Level 4 file)');
  const low = bytes.readUInt32LE(116);
  const high = bytes.readUInt32LE(120);
  const subsystem = bytes.subarray(116, 124).every((b) => b === 0x20) ? 0 : high * 2 ** 32 + low;
  let at = 128;
  while (at < bytes.length) {
    if (bytes.length - at < 8) {
      if (!bytes.subarray(at).every((b) => b === 0)) problem(`${bytes.length - at} bytes after the last element`);
      break;
    }
    const type = bytes.readUInt32LE(at);
    const size = bytes.readUInt32LE(at + 4);
    if (type >>> 16 !== 0) {
      problem(`a small element at the top level (byte ${at})`);
      break;
    }
    if (at + 8 + size > bytes.length) {
      problem(`the element at byte ${at} states ${size} bytes, ${bytes.length - at - 8} remain`);
      break;
    }
    const body = bytes.subarray(at + 8, at + 8 + size);
    if (at === subsystem) {
      // subsystem data: not a variable
    } else if (type === 14) strictMatrix(body, `variable at byte ${at}`, problem);
    else if (type === 15) {
      let inner: Buffer;
      try {
        inner = inflateSync(body);
      } catch {
        problem(`the compressed element at byte ${at} does not inflate`);
        break;
      }
      if (inner.length < 8 || inner.readUInt32LE(0) !== 14 || 8 + inner.readUInt32LE(4) > inner.length) problem(`the compressed element at byte ${at} holds no whole miMATRIX`);
      else strictMatrix(inner.subarray(8, 8 + inner.readUInt32LE(4)), `compressed variable at byte ${at}`, problem);
    } else problem(`a top-level element of type ${type} at byte ${at}`);
    at += type === 15 ? 8 + size : 8 + Math.ceil(size / 8) * 8;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text formats of the atlas module

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

function textLines(path: string): { lines: string[]; binary: boolean } {
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  return { lines: text.split(/\r\n|\n|\r/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')), binary: bytes.includes(0) };
}

/** BrainNet .edge: a square matrix of numbers (NaN/Inf allowed), one row per line. */
export function strictEdges(path: string): { violations: Violation[]; n: number; nonFinite: number } {
  const { lines, binary } = textLines(path);
  const violations: Violation[] = [];
  if (binary) violations.push({ problem: 'a NUL byte' });
  const n = lines.length;
  let nonFinite = 0;
  if (!n) violations.push({ problem: 'no rows' });
  lines.forEach((line, r) => {
    const fields = line.split(/[\s,]+/).filter(Boolean);
    if (fields.length !== n) violations.push({ problem: `row ${r + 1}: ${fields.length} values for ${n} rows` });
    for (const f of fields) {
      if (NON_FINITE.test(f)) nonFinite++;
      else if (!NUMBER.test(f)) violations.push({ problem: `row ${r + 1}: ${JSON.stringify(f.slice(0, 20))} is not a number` });
      else if (!Number.isFinite(Number(f))) nonFinite++;
    }
  });
  return { violations: violations.slice(0, 5), n, nonFinite };
}

/** BrainNet .node (six whitespace fields, five numbers) or a coordinate table with a header (x/y/z columns numbers). */
export function strictNodes(path: string): { violations: Violation[]; count: number } {
  const { lines, binary } = textLines(path);
  const violations: Violation[] = [];
  if (binary) violations.push({ problem: 'a NUL byte' });
  if (!lines.length) return { violations: [{ problem: 'no nodes' }], count: 0 };
  const finite = (f: string | undefined): boolean => f !== undefined && NUMBER.test(f) && Number.isFinite(Number(f));
  const comma = lines[0]!.includes(',');
  const split = (l: string): string[] => (comma ? l.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1')) : l.split(/\s+/));
  const header = split(lines[0]!).map((h) => h.toLowerCase().replace(/[^a-z0-9]/g, ''));
  const axes = [['x', 'r', 'mnix', 'xmm'], ['y', 'a', 'mniy', 'ymm'], ['z', 's', 'mniz', 'zmm']].map((names) => names.map((n) => header.indexOf(n)).find((i) => i >= 0) ?? -1);
  if (axes.every((i) => i >= 0)) {
    const rows = lines.slice(1);
    if (!rows.length) violations.push({ problem: 'a header and no nodes' });
    rows.forEach((row, r) => {
      const fields = split(row);
      if (fields.length !== header.length) violations.push({ problem: `row ${r + 1}: ${fields.length} fields for ${header.length}` });
      else if (!axes.every((i) => finite(fields[i]))) violations.push({ problem: `row ${r + 1}: a coordinate is not a finite number` });
    });
    return { violations: violations.slice(0, 5), count: rows.length };
  }
  if (comma) violations.push({ problem: 'a comma table without x/y/z columns' });
  lines.forEach((line, r) => {
    const fields = line.split(/\s+/);
    if (fields.length !== 6) violations.push({ problem: `line ${r + 1}: ${fields.length} fields` });
    else if (!fields.slice(0, 5).every(finite)) violations.push({ problem: `line ${r + 1}: a coordinate, colour or size is not a finite number` });
  });
  return { violations: violations.slice(0, 5), count: lines.length };
}
