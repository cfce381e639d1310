/**
 * Brain-file mutations (issue #18): NIfTI-1 headers and voxels (plain and inside gzip), GIfTI XML
 * (attributes, base64, structure; plain and inside gzip), mz3 meshes, MATLAB v5 element streams
 * (header, tags, array sub-elements, miCOMPRESSED streams) and the text formats of the atlas module
 * (BrainNet .node/.edge, coordinate tables, atlas label files).
 *
 * A compressed seed is mutated where its format lives (the inflated bytes, re-deflated with level 1
 * for speed) or in the compressed stream itself (cuts, flips). Oracles are set only where the
 * format leaves no choice; the strict readings in strict-brain.ts judge the rest.
 */
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { between, blindMutation, pickOne, weighted, type Mutation, type Oracle, type Random } from './bytes.js';
import type { FolderAccess } from './npy.js';

type Result = { bytes: Buffer; mutation: Mutation };
const reject = (why: string): Oracle => ({ reject: why });
const accept = (why: string): Oracle => ({ accept: why });
const gzip = (bytes: Buffer): Buffer => gzipSync(bytes, { level: 1 });
const isGz = (bytes: Buffer): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Damage to the gzip stream itself: a cut (always refused: the stream has no end) or flips and runs. */
function gzipDamage(compressed: Buffer, random: Random, file: string, cutOracle: (at: number) => Oracle | undefined): Result {
  if (random() < 0.6) {
    const at = pickOne(random, [between(random, 0, 18), between(random, 0, compressed.length), compressed.length - between(random, 1, 9), compressed.length - between(random, 9, 4096)]);
    const cut = Math.max(0, Math.min(compressed.length - 1, at));
    const oracle = cutOracle(cut);
    return { bytes: compressed.subarray(0, cut), mutation: { description: `${file}: gzip stream cut at byte ${cut} of ${compressed.length}`, ...(oracle ? { oracle } : {}) } };
  }
  // Flips and runs past the 10-byte member header (flags, mtime): in the deflate data or the trailer.
  const { bytes, mutation } = blindMutation(compressed, random, file, [{ name: 'gzip stream', lo: 10, hi: compressed.length }]);
  return { bytes, mutation: { ...mutation, description: `${mutation.description.replace(/^[^:]*: /, `${file}: `)} (compressed bytes)` } };
}

// ---------------------------------------------------------------------------------------------
// NIfTI-1

/** Where NIfTI-1 fields lie (NIfTI-1 header, nifti1.h). */
export const NIFTI1 = {
  sizeofHdr: 0, dim: 40, intentCode: 68, datatype: 70, bitpix: 72, pixdim: 76, voxOffset: 108, sclSlope: 112, sclInter: 116,
  xyztUnits: 123, qformCode: 252, sformCode: 254, quatern: 256, qoffset: 268, srow: 280, magic: 344,
} as const;

export const NIFTI_BYTES: Readonly<Record<number, number>> = { 2: 1, 4: 2, 8: 4, 16: 4, 64: 8, 128: 3, 256: 1, 512: 2, 768: 4, 1024: 8, 1280: 8, 2304: 4, 32: 8, 1536: 16, 1792: 16, 2048: 32 };

/** The layout of an (inflated) NIfTI-1 image, read leniently from the unmutated bytes. */
export function niftiLayout(raw: Buffer): { le: boolean; ndim: number; dims: number[]; datatype: number; voxOffset: number; end: number } | null {
  if (raw.length < 348) return null;
  const le = raw.readInt32LE(0) === 348;
  if (!le && raw.readInt32BE(0) !== 348) return null;
  const i16 = (at: number): number => (le ? raw.readInt16LE(at) : raw.readInt16BE(at));
  const ndim = i16(NIFTI1.dim);
  const dims = Array.from({ length: ndim }, (_, i) => i16(NIFTI1.dim + 2 + 2 * i));
  const datatype = i16(NIFTI1.datatype);
  const voxOffset = le ? raw.readFloatLE(NIFTI1.voxOffset) : raw.readFloatBE(NIFTI1.voxOffset);
  const end = voxOffset + dims.reduce((a, b) => a * b, 1) * (NIFTI_BYTES[datatype] ?? 1);
  return { le, ndim, dims, datatype, voxOffset, end };
}

const ODD_FLOATS = [Number.NaN, Infinity, -Infinity, 0, -0, -1, 1e38, 1e-38, 2.5, 1e-6];

/**
 * Mutates a NIfTI-1 image. `raw` is the inflated image; `compressed` (the seed's own gzip bytes,
 * or null for a .nii) says whether the result is gzipped.
 */
export function mutateNifti(raw: Buffer, compressed: Buffer | null, random: Random, file: string): Result {
  const layout = niftiLayout(raw);
  const out = Buffer.from(raw);
  const pack = (bytes: Buffer, description: string, oracle?: Oracle): Result => ({
    bytes: compressed ? gzip(bytes) : bytes,
    mutation: { description: `${file}: ${description}`, ...(oracle ? { oracle } : {}) },
  });
  if (!layout) return blindMutation(raw, random, file, [{ name: 'file', lo: 0, hi: raw.length }]);
  const { le } = layout;
  const w16 = (at: number, v: number): void => void (le ? out.writeInt16LE(v, at) : out.writeInt16BE(v, at));
  const wf = (at: number, v: number): void => void (le ? out.writeFloatLE(v, at) : out.writeFloatBE(v, at));
  const i16 = (at: number): number => (le ? raw.readInt16LE(at) : raw.readInt16BE(at));
  const op = weighted(random, [
    [3, 'cut'],
    [compressed ? 4 : 0, 'gzip'],
    [4, 'dim'],
    [2, 'datatype'],
    [3, 'vox_offset'],
    [2, 'scaling'],
    [1, 'sizeof_hdr'],
    [3, 'xform'],
    [1, 'magic'],
    [1, 'pixdim'],
    [2, 'voxels'],
    [2, 'header-blind'],
    [compressed ? 1 : 0, 'uncompressed'],
    [compressed ? 1 : 0, 'multi-member'],
    [compressed ? 0.5 : 0, 'zero-padding'],
    [1, 'extension-space'],
  ] as const);
  switch (op) {
    case 'cut': {
      const at = pickOne(random, [between(random, 0, 348), between(random, 348, layout.voxOffset + 1), between(random, layout.voxOffset, raw.length), raw.length - between(random, 1, 64)]);
      const cut = Math.max(0, at);
      return pack(raw.subarray(0, cut), `image cut at byte ${cut} of ${raw.length}${compressed ? ' (re-gzipped whole)' : ''}`, cut < layout.end ? reject(`the voxels end at byte ${layout.end}`) : undefined);
    }
    case 'gzip':
      return gzipDamage(compressed!, random, file, () => undefined);
    case 'dim': {
      const axis = between(random, 0, Math.min(8, layout.ndim + 2));
      const old = i16(NIFTI1.dim + 2 * axis);
      const value = pickOne(random, [0, -1, 1, old - 1, old + 1, old * 2, 32767, -32768, 8, Math.max(1, old >> 1)]);
      w16(NIFTI1.dim + 2 * axis, value);
      return pack(out, `dim[${axis}] ${old} → ${value}`);
    }
    case 'datatype': {
      const value = pickOne(random, [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2304, 3, 999, -1]);
      w16(NIFTI1.datatype, value);
      // bitpix is ignored by nibabel (and Cajal); set it to match half of the time.
      if (random() < 0.5) w16(NIFTI1.bitpix, 8 * (NIFTI_BYTES[value] ?? 1));
      return pack(out, `datatype ${layout.datatype} → ${value}`);
    }
    case 'vox_offset': {
      const v = layout.voxOffset;
      const value = pickOne(random, [0, 100, 347, 348, 351, 352, v + 4, v + 16, Math.max(352, v - 4), raw.length, raw.length + 1, 1e9, Number.NaN, -352, 352.5, Infinity]);
      wf(NIFTI1.voxOffset, value);
      return pack(out, `vox_offset ${v} → ${value}`);
    }
    case 'scaling': {
      const slope = random() < 0.7;
      const value = pickOne(random, ODD_FLOATS);
      wf(slope ? NIFTI1.sclSlope : NIFTI1.sclInter, value);
      if (!slope && random() < 0.7) wf(NIFTI1.sclSlope, 2);
      return pack(out, `${slope ? 'scl_slope' : 'scl_inter'} → ${value}${!slope && (le ? out.readFloatLE(112) : out.readFloatBE(112)) === 2 ? ' (scl_slope 2)' : ''}`);
    }
    case 'sizeof_hdr': {
      const value = pickOne(random, [0, 347, 349, 540, 0x5c010000, -348]);
      if (le) out.writeInt32LE(value, 0);
      else out.writeInt32BE(value, 0);
      return pack(out, `sizeof_hdr 348 → ${value}`);
    }
    case 'xform': {
      const which = pickOne(random, ['qform_code', 'sform_code', 'quatern', 'qoffset', 'srow', 'qfac'] as const);
      if (which === 'qform_code' || which === 'sform_code') {
        const value = pickOne(random, [-1, 0, 1, 2, 3, 4, 5, 6, 32767]);
        w16(which === 'qform_code' ? NIFTI1.qformCode : NIFTI1.sformCode, value);
        return pack(out, `${which} → ${value}`);
      }
      if (which === 'quatern') {
        const values = [pickOne(random, [0.9, 1, 0.5, Number.NaN, Infinity, -0.9]), pickOne(random, [0.9, 0, 0.5]), pickOne(random, [0.9, 0, 0.1])];
        values.forEach((v, i) => wf(NIFTI1.quatern + 4 * i, v));
        if (random() < 0.5) w16(NIFTI1.qformCode, 1);
        return pack(out, `quatern_b/c/d → ${values.join(', ')} (qform_code ${i16(NIFTI1.qformCode)} → ${le ? out.readInt16LE(NIFTI1.qformCode) : out.readInt16BE(NIFTI1.qformCode)})`);
      }
      if (which === 'qfac') {
        const value = pickOne(random, [-1, 0, 2, Number.NaN]);
        wf(NIFTI1.pixdim, value);
        return pack(out, `pixdim[0] (qfac) → ${value}`);
      }
      const base = which === 'qoffset' ? NIFTI1.qoffset : NIFTI1.srow;
      const at = base + 4 * between(random, 0, which === 'qoffset' ? 3 : 12);
      const value = pickOne(random, ODD_FLOATS);
      wf(at, value);
      return pack(out, `${which} float at byte ${at} → ${value}`);
    }
    case 'magic': {
      const value = pickOne(random, ['ni1\0', 'n+2\0', 'n+1 ', 'N+1\0', '\0\0\0\0']);
      out.write(value, NIFTI1.magic, 'latin1');
      return pack(out, `magic → ${JSON.stringify(value)}`);
    }
    case 'pixdim': {
      const axis = between(random, 1, 5);
      const value = pickOne(random, ODD_FLOATS);
      wf(NIFTI1.pixdim + 4 * axis, value);
      return pack(out, `pixdim[${axis}] → ${value}`);
    }
    case 'voxels': {
      const lo = Math.min(raw.length, Math.max(348, Math.floor(layout.voxOffset)));
      const { bytes, mutation } = blindMutation(raw, random, file, [{ name: 'voxels', lo, hi: raw.length }], (at) => (at < layout.end ? reject(`the voxels end at byte ${layout.end}`) : undefined));
      return { bytes: compressed ? gzip(bytes) : bytes, mutation };
    }
    case 'header-blind': {
      const { bytes, mutation } = blindMutation(raw, random, file, [{ name: 'header', lo: 0, hi: 348 }], () => reject('the image is cut inside its header'));
      return { bytes: compressed ? gzip(bytes) : bytes, mutation };
    }
    case 'uncompressed':
      // A .nii.gz that holds the plain image (a name that lies about the content): read by content.
      return { bytes: raw, mutation: { description: `${file}: written uncompressed under its .gz name`, oracle: accept('a plain .nii under a .gz name is still a NIfTI image (nibabel reads it)') } };
    case 'multi-member': {
      // gzip allows several members back to back (pigz, cat a.gz b.gz); gunzip and nibabel read them as one stream.
      const at = pickOne(random, [between(random, 1, 348), 348, Math.floor(layout.voxOffset), between(random, 348, raw.length)]);
      return {
        bytes: Buffer.concat([gzip(raw.subarray(0, at)), gzip(raw.subarray(at))]),
        mutation: { description: `${file}: gzipped as two members split at byte ${at}`, oracle: accept('a multi-member gzip stream is one stream (RFC 1952)') },
      };
    }
    case 'zero-padding':
      return { bytes: Buffer.concat([compressed!, Buffer.alloc(between(random, 1, 1024))]), mutation: { description: `${file}: zero bytes after the gzip member (tape/block padding)`, oracle: accept('gzip -t and nibabel ignore zero padding after the last member') } };
    case 'extension-space': {
      // 16 more bytes before the voxels with extension[0] = 0 (no extensions): vox_offset moves by 16.
      const at = Math.floor(layout.voxOffset);
      if (!Number.isInteger(layout.voxOffset) || at < 352 || raw[348] !== 0) return pack(out, 'unchanged (no room for the edit)');
      const moved = Buffer.concat([raw.subarray(0, at), Buffer.alloc(16), raw.subarray(at)]);
      if (le) moved.writeFloatLE(at + 16, NIFTI1.voxOffset);
      else moved.writeFloatBE(at + 16, NIFTI1.voxOffset);
      return pack(moved, `16 bytes inserted before the voxels, vox_offset ${at} → ${at + 16}`, accept('vox_offset may point past unused bytes (extension[0] is 0)'));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// GIfTI

const GIFTI_ATTRIBUTE_VALUES: Record<string, readonly string[]> = {
  Dim0: ['0', '-1', '', 'abc', '1e3', '10242.5', '99999999999', '3', '1'],
  Dim1: ['0', '1', '4', '2', '', 'x'],
  Dimensionality: ['0', '1', '3', '7', '-2', ''],
  DataType: ['NIFTI_TYPE_FLOAT32', 'NIFTI_TYPE_INT32', 'NIFTI_TYPE_UINT8', 'NIFTI_TYPE_FLOAT64', 'NIFTI_TYPE_INT16', ''],
  Encoding: ['ASCII', 'Base64Binary', 'GZipBase64Binary', 'ExternalFileBinary', 'gzip', ''],
  Endian: ['BigEndian', 'LittleEndian', 'Little', ''],
  ArrayIndexingOrder: ['ColumnMajorOrder', 'RowMajorOrder', 'Row', ''],
  Intent: ['NIFTI_INTENT_POINTSET', 'NIFTI_INTENT_TRIANGLE', 'NIFTI_INTENT_LABEL', 'NIFTI_INTENT_SHAPE', 'NIFTI_INTENT_NONE', 'X'],
};

/** Offsets of the opening tags and <Data> texts of a GIfTI document's DataArrays. */
function giftiArrays(xml: string): { open: [number, number]; data: [number, number] | null }[] {
  const out: { open: [number, number]; data: [number, number] | null }[] = [];
  const re = /<DataArray\b[^>]*>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const close = xml.indexOf('</DataArray>', m.index);
    const dataOpen = xml.indexOf('<Data>', m.index);
    const dataClose = dataOpen >= 0 ? xml.indexOf('</Data>', dataOpen) : -1;
    const data = dataOpen >= 0 && dataClose >= 0 && (close < 0 || dataClose < close) ? ([dataOpen + 6, dataClose] as [number, number]) : null;
    out.push({ open: [m.index, m.index + m[0].length], data });
  }
  return out;
}

const BASE64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Mutates a GIfTI document; `gzipped` says whether the seed (and so the result) is a .gii.gz. */
export function mutateGifti(original: Buffer, random: Random, file: string): Result {
  const gzipped = isGz(original);
  const xml = (gzipped ? gunzipSync(original) : original).toString('latin1');
  const pack = (text: string, description: string, oracle?: Oracle): Result => {
    const bytes = Buffer.from(text, 'latin1');
    return { bytes: gzipped ? gzip(bytes) : bytes, mutation: { description: `${file}: ${description}`, ...(oracle ? { oracle } : {}) } };
  };
  const arrays = giftiArrays(xml);
  const rootEnd = xml.lastIndexOf('</GIFTI>');
  const op = weighted(random, [
    [3, 'xml-cut'],
    [gzipped ? 2 : 0, 'gzip'],
    [6, 'attribute'],
    [5, 'base64'],
    [xml.includes('<Label ') ? 2 : 0, 'label-table'],
    [3, 'structure'],
    [1, 'blind'],
    [1, 'valid'],
  ] as const);
  switch (op) {
    case 'valid': {
      const edit = pickOne(random, gzipped ? (['crlf', 'multi-member', 'plain'] as const) : (['crlf'] as const));
      if (edit === 'crlf') return pack(xml.replace(/\n/g, '\r\n'), 'line endings CRLF', accept('XML normalises CRLF'));
      if (edit === 'plain') return { bytes: Buffer.from(xml, 'latin1'), mutation: { description: `${file}: written uncompressed under its .gz name`, oracle: accept('the content is a GIfTI document (read by content)') } };
      const at = between(random, 1, xml.length);
      const bytes = Buffer.from(xml, 'latin1');
      return { bytes: Buffer.concat([gzip(bytes.subarray(0, at)), gzip(bytes.subarray(at))]), mutation: { description: `${file}: gzipped as two members split at byte ${at}`, oracle: accept('a multi-member gzip stream is one stream') } };
    }
    case 'xml-cut': {
      const at = between(random, 0, xml.length);
      return pack(xml.slice(0, at), `XML cut at character ${at} of ${xml.length}`, at < rootEnd + 8 ? reject('the document ends before </GIFTI>') : undefined);
    }
    case 'gzip':
      return gzipDamage(original, random, file, () => reject('a gzip stream cut short'));
    case 'attribute': {
      const root = random() < 0.1;
      if (root || !arrays.length) {
        const match = /NumberOfDataArrays="[^"]*"/.exec(xml);
        const value = pickOne(random, [String(arrays.length + 1), String(Math.max(0, arrays.length - 1)), '', 'two']);
        if (!match) return pack(xml, 'unchanged (no NumberOfDataArrays)');
        return pack(xml.slice(0, match.index) + `NumberOfDataArrays="${value}"` + xml.slice(match.index + match[0].length), `NumberOfDataArrays → "${value}"`);
      }
      const k = between(random, 0, arrays.length);
      const [lo, hi] = arrays[k]!.open;
      const tag = xml.slice(lo, hi);
      const name = pickOne(random, Object.keys(GIFTI_ATTRIBUTE_VALUES));
      const match = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
      if (random() < 0.15 && match) {
        return pack(xml.slice(0, lo) + tag.replace(match[0], '') + xml.slice(hi), `DataArray ${k}: attribute ${name} removed`);
      }
      let value = pickOne(random, GIFTI_ATTRIBUTE_VALUES[name]!);
      if (name === 'Dim0' && match && random() < 0.4) value = String(Number(match[1]) + pickOne(random, [-1, 1, 3]));
      const edited = match ? tag.replace(match[0], `${name}="${value}"`) : tag.replace(/>$/, ` ${name}="${value}">`);
      return pack(xml.slice(0, lo) + edited + xml.slice(hi), `DataArray ${k}: ${name} "${match?.[1] ?? '(absent)'}" → "${value}"`);
    }
    case 'base64': {
      const withData = arrays.filter((a) => a.data && a.data[1] > a.data[0]);
      if (!withData.length) return pack(xml, 'unchanged (no data)');
      const k = between(random, 0, withData.length);
      const [lo, hi] = withData[k]!.data!;
      const text = xml.slice(lo, hi);
      const trimmedEnd = text.trimEnd().length;
      const at = lo + between(random, 0, Math.max(1, trimmedEnd));
      const kind = weighted(random, [
        [3, 'invalid'],
        [3, 'valid'],
        [2, 'delete'],
        [1, 'insert'],
        [1, 'padding'],
        [1, 'cut-tail'],
        [1, 'whitespace'],
        [1, 'empty'],
      ] as const);
      const where = `DataArray data ${k}, character ${at - lo} of ${text.length}`;
      switch (kind) {
        case 'invalid': {
          const c = pickOne(random, ['*', '-', '_', '.', '!', '\u00e9', '%', '"']);
          return pack(xml.slice(0, at) + c + xml.slice(at + 1), `${where}: replaced by ${JSON.stringify(c)}`, reject('a character outside the base64 alphabet'));
        }
        case 'valid': {
          const old = xml[at]!;
          const c = pickOne(random, [...BASE64_CHARS].filter((ch) => ch !== old));
          return pack(xml.slice(0, at) + c + xml.slice(at + 1), `${where}: ${JSON.stringify(old)} → ${JSON.stringify(c)}`);
        }
        case 'delete':
          return pack(xml.slice(0, at) + xml.slice(at + 1), `${where}: deleted`);
        case 'insert':
          return pack(xml.slice(0, at) + pickOne(random, [...BASE64_CHARS]) + xml.slice(at), `${where}: one character inserted`);
        case 'padding':
          return pack(xml.slice(0, at) + '=' + xml.slice(at + 1), `${where}: replaced by "="`);
        case 'cut-tail': {
          const keep = between(random, 0, trimmedEnd);
          return pack(xml.slice(0, lo + keep) + xml.slice(hi), `DataArray data ${k}: only its first ${keep} of ${trimmedEnd} characters kept`);
        }
        case 'whitespace':
          return pack(xml.slice(0, at) + '\n  ' + xml.slice(at), `${where}: a line break inserted (allowed)`, accept('whitespace inside base64 is skipped (nibabel, the GIfTI writers that wrap lines)'));
        case 'empty':
          return pack(xml.slice(0, lo) + xml.slice(hi), `DataArray data ${k}: emptied`);
      }
      break;
    }
    case 'label-table': {
      const labels = [...xml.matchAll(/<Label\b[^>]*>/g)];
      const label = pickOne(random, labels);
      const tag = label[0];
      const edit = pickOne(random, ['key', 'colour', 'duplicate', 'remove-key'] as const);
      if (edit === 'duplicate') {
        const end = xml.indexOf('</Label>', label.index!) + 8;
        return pack(xml.slice(0, end) + xml.slice(label.index!, end) + xml.slice(end), `label at character ${label.index} given twice`);
      }
      if (edit === 'remove-key') return pack(xml.slice(0, label.index!) + tag.replace(/\s(Key|Index)="[^"]*"/, '') + xml.slice(label.index! + tag.length), `Key of the label at character ${label.index} removed`);
      const attr = edit === 'key' ? /\b(Key|Index)="[^"]*"/ : /\bRed="[^"]*"/;
      const value = pickOne(random, edit === 'key' ? ['x', '1.5', '-3', '', '1e30', '99999999999999999999'] : ['2', '-1', 'NaN', 'red', '']);
      return pack(xml.slice(0, label.index!) + tag.replace(attr, (m) => `${m.split('=')[0]}="${value}"`) + xml.slice(label.index! + tag.length), `label at character ${label.index}: ${edit} → "${value}"`);
    }
    case 'structure': {
      const edit = pickOne(random, ['drop-close', 'duplicate-array', 'remove-array', 'root', 'entity', 'doctype-subset', 'nest'] as const);
      const k = arrays.length ? between(random, 0, arrays.length) : 0;
      const arrayStart = arrays[k]?.open[0] ?? 0;
      const arrayEnd = arrays.length ? xml.indexOf('</DataArray>', arrayStart) + '</DataArray>'.length : 0;
      switch (edit) {
        case 'drop-close': {
          const close = pickOne(random, ['</Data>', '</DataArray>', '</MetaData>', '</GIFTI>']);
          const at = xml.indexOf(close);
          if (at < 0) return pack(xml, 'unchanged');
          return pack(xml.slice(0, at) + xml.slice(at + close.length), `first ${close} removed`, reject(`an element is never closed (${close})`));
        }
        case 'duplicate-array':
          return pack(xml.slice(0, arrayEnd) + xml.slice(arrayStart, arrayEnd) + xml.slice(arrayEnd), `DataArray ${k} given twice (NumberOfDataArrays unchanged)`);
        case 'remove-array':
          return pack(xml.slice(0, arrayStart) + xml.slice(arrayEnd), `DataArray ${k} removed (NumberOfDataArrays unchanged)`);
        case 'root':
          return pack(xml.replace('<GIFTI', '<GIFTY').replace('</GIFTI>', '</GIFTY>'), 'root element renamed <GIFTY>', reject('the root element is not <GIFTI>'));
        case 'entity': {
          const at = arrays[k]?.data?.[0] ?? xml.indexOf('<GIFTI');
          return pack(xml.slice(0, at) + '&lol;' + xml.slice(at), `undeclared entity &lol; inserted at character ${at}`, reject('an undefined entity'));
        }
        case 'doctype-subset': {
          const bomb = '<!DOCTYPE GIFTI [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>';
          const doctype = /<!DOCTYPE[^>]*>/.exec(xml);
          const text = doctype ? xml.replace(doctype[0], bomb) : xml.replace('<GIFTI', `${bomb}\n<GIFTI`);
          return pack(text.replace('<MetaData>', '<MetaData><MD><Name>x</Name><Value>&c;</Value></MD>'), 'an entity-expansion DOCTYPE subset (billion laughs, small)');
        }
        case 'nest': {
          const depth = 200;
          return pack(xml.replace('<MetaData>', `<MetaData>${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}`), `${depth} nested elements inside MetaData`);
        }
      }
      break;
    }
    case 'blind': {
      const { bytes, mutation } = blindMutation(Buffer.from(xml, 'latin1'), random, file, [{ name: 'XML', lo: 0, hi: xml.length }], (at) => (at < rootEnd + 8 ? reject('the document ends before </GIFTI>') : undefined));
      return { bytes: gzipped ? gzip(bytes) : bytes, mutation };
    }
  }
  return pack(xml, 'unchanged');
}

// ---------------------------------------------------------------------------------------------
// mz3

export function mutateMz3(original: Buffer, random: Random, file: string): Result {
  const gzipped = isGz(original);
  const raw = gzipped ? gunzipSync(original) : original;
  const out = Buffer.from(raw);
  const pack = (bytes: Buffer, description: string, oracle?: Oracle): Result => ({
    bytes: gzipped ? gzip(bytes) : bytes,
    mutation: { description: `${file}: ${description}`, ...(oracle ? { oracle } : {}) },
  });
  const attr = raw.readUInt16LE(2);
  const faces = raw.readUInt32LE(4);
  const vertices = raw.readUInt32LE(8);
  const skip = raw.readUInt32LE(12);
  const facesAt = 16 + skip;
  const verticesAt = facesAt + faces * 12;
  const end = verticesAt + vertices * 12 + ((attr & 4) !== 0 ? vertices * 4 : 0);
  const op = weighted(random, [
    [3, 'cut'],
    [gzipped ? 2 : 0, 'gzip'],
    [2, 'attributes'],
    [3, 'counts'],
    [1, 'skip'],
    [1, 'magic'],
    [3, 'faces'],
    [2, 'vertices'],
    [1, 'scalars'],
    [gzipped ? 1 : 0, 'uncompressed'],
  ] as const);
  switch (op) {
    case 'cut': {
      const at = pickOne(random, [between(random, 0, 16), between(random, 16, raw.length), raw.length - between(random, 1, 13)]);
      return pack(raw.subarray(0, at), `mesh cut at byte ${at} of ${raw.length}`, at < end ? reject(`the mesh sections end at byte ${end}`) : undefined);
    }
    case 'gzip':
      return gzipDamage(original, random, file, () => reject('a gzip stream cut short'));
    case 'attributes': {
      const value = pickOne(random, [0, 1, 2, 3, 7, 11, 15, 27, 128, 0xffff, attr | 8, attr | 4, attr & ~1, attr & ~2]);
      out.writeUInt16LE(value, 2);
      return pack(out, `attribute bits ${attr} → ${value}`);
    }
    case 'counts': {
      const field = random() < 0.5 ? 'faceCount' : 'vertexCount';
      const old = field === 'faceCount' ? faces : vertices;
      const value = pickOne(random, [0, 1, old - 1, old + 1, old * 2, 0xffffffff, 0x80000000, Math.floor(old / 2)]);
      out.writeUInt32LE(value >>> 0, field === 'faceCount' ? 4 : 8);
      return pack(out, `${field} ${old} → ${value}`);
    }
    case 'skip': {
      const value = pickOne(random, [4, 16, 12, raw.length, 0xffffffff]);
      out.writeUInt32LE(value >>> 0, 12);
      return pack(out, `bytes to skip ${skip} → ${value}`);
    }
    case 'magic':
      {
        const at = between(random, 0, 2);
        out[at] = out[at]! ^ (1 << between(random, 0, 8));
      }
      return pack(out, 'a bit of the magic flipped', reject('no mz3 magic'));
    case 'faces': {
      const { bytes, mutation } = blindMutation(raw, random, file, [{ name: 'faces', lo: facesAt, hi: verticesAt }], (at) => (at < end ? reject(`the mesh sections end at byte ${end}`) : undefined));
      return { bytes: gzipped ? gzip(bytes) : bytes, mutation };
    }
    case 'vertices': {
      const { bytes, mutation } = blindMutation(raw, random, file, [{ name: 'vertices', lo: verticesAt, hi: verticesAt + vertices * 12 }], (at) => (at < end ? reject(`the mesh sections end at byte ${end}`) : undefined));
      return { bytes: gzipped ? gzip(bytes) : bytes, mutation };
    }
    case 'scalars': {
      // Extra bytes after the mesh: whole scalar maps with the bit set, or a partial one.
      const extra = pickOne(random, [vertices * 4, vertices * 8, 7, vertices * 4 - 4]);
      out.writeUInt16LE(attr | 8, 2);
      const tail = Buffer.alloc(Math.max(0, extra));
      for (let i = 0; i < tail.length; i += 4) if (i + 4 <= tail.length) tail.writeFloatLE(i / 4, i);
      return pack(Buffer.concat([out, tail]), `scalars bit set, ${extra} bytes of scalars appended`);
    }
    case 'uncompressed':
      return { bytes: raw, mutation: { description: `${file}: written uncompressed (mz3 need not be gzipped)`, oracle: accept('mz3 files may be gzipped or not') } };
  }
}

// ---------------------------------------------------------------------------------------------
// MATLAB v5

interface MatElement {
  at: number;
  type: number;
  size: number;
  data: number;
  next: number;
}

/** The top-level elements of a little-endian v5 MAT-file (stopping at the first that overruns). */
export function matElements(bytes: Buffer, start = 128): MatElement[] {
  const out: MatElement[] = [];
  let at = start;
  while (at + 8 <= bytes.length) {
    const type = bytes.readUInt32LE(at);
    const size = bytes.readUInt32LE(at + 4);
    const next = type === 15 ? at + 8 + size : at + 8 + Math.ceil(size / 8) * 8;
    out.push({ at, type, size, data: at + 8, next });
    if (next > bytes.length) break;
    at = next;
  }
  return out;
}

/** The sub-elements (flags, dims, name, real part…) of a miMATRIX body `body` (its data bytes). */
export function matrixParts(body: Buffer): MatElement[] {
  const out: MatElement[] = [];
  let at = 0;
  while (at + 8 <= body.length && out.length < 8) {
    const first = body.readUInt32LE(at);
    if (first >>> 16 !== 0) {
      out.push({ at, type: first & 0xffff, size: first >>> 16, data: at + 4, next: at + 8 });
      at += 8;
      continue;
    }
    const size = body.readUInt32LE(at + 4);
    out.push({ at, type: first, size, data: at + 8, next: at + 8 + Math.ceil(size / 8) * 8 });
    at += 8 + Math.ceil(size / 8) * 8;
  }
  return out;
}

const MI_TYPES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 99];

/** Edits one sub-element of a miMATRIX body in place (returns what was done). */
function mutateMatrixBody(body: Buffer, random: Random): string {
  const parts = matrixParts(body);
  const [flags, dims, name, real] = parts;
  const edit = weighted(random, [
    [3, 'class'],
    [1, 'complex'],
    [1, 'logical'],
    [4, 'dims'],
    [1, 'dims-count'],
    [1, 'name'],
    [3, 'real-tag'],
    [2, 'blind'],
  ] as const);
  switch (edit) {
    case 'class': {
      if (!flags) return 'no flags';
      const value = between(random, 0, 21);
      const old = body[flags.data]!;
      body[flags.data] = value;
      return `array class ${old} → ${value}`;
    }
    case 'complex':
      if (!flags) return 'no flags';
      body[flags.data + 1] = body[flags.data + 1]! ^ 0x08;
      return 'complex flag toggled (no imaginary part follows)';
    case 'logical':
      if (!flags) return 'no flags';
      body[flags.data + 1] = body[flags.data + 1]! ^ 0x02;
      return 'logical flag toggled';
    case 'dims': {
      if (!dims || dims.size < 8) return 'no dims';
      const axis = between(random, 0, Math.floor(dims.size / 4));
      const old = body.readInt32LE(dims.data + 4 * axis);
      const value = pickOne(random, [0, 1, -1, old + 1, old - 1, old * 2, 0x7fffffff, Math.max(1, old >> 1)]);
      body.writeInt32LE(value | 0, dims.data + 4 * axis);
      return `dimension ${axis} ${old} → ${value}`;
    }
    case 'dims-count': {
      if (!dims) return 'no dims';
      const value = pickOne(random, [0, 4, 12, 16, 3]);
      body.writeUInt32LE(value, dims.at + 4);
      return `dimensions element size ${dims.size} → ${value}`;
    }
    case 'name': {
      if (!name) return 'no name';
      if (random() < 0.5) {
        const value = pickOne(random, [9, 5, 0]);
        body.writeUInt32LE(value, name.at);
        return `array name element type → ${value}`;
      }
      body[name.data] = pickOne(random, [0, 0x20, 0x7f, 0xe9]);
      return `array name first character → 0x${body[name.data]!.toString(16)}`;
    }
    case 'real-tag': {
      if (!real) return 'no real part';
      if (random() < 0.5) {
        const value = pickOne(random, MI_TYPES);
        if (real.size <= 4 && body.readUInt32LE(real.at) >>> 16) body.writeUInt16LE(value, real.at);
        else body.writeUInt32LE(value, real.at);
        return `real part type ${real.type} → ${value}`;
      }
      const value = pickOne(random, [0, real.size - 8, real.size + 8, Math.floor(real.size / 2), 0xfffffff8, real.size - 1]);
      body.writeUInt32LE(value >>> 0, real.at + 4);
      return `real part size ${real.size} → ${value}`;
    }
    case 'blind': {
      const lo = between(random, 0, Math.min(body.length, 64));
      for (let k = 0; k < 4; k++) {
        const at = between(random, lo, body.length);
        body[at] = body[at]! ^ (1 << between(random, 0, 8));
      }
      return `4 bit flips in the array body from byte ${lo}`;
    }
  }
}

export function mutateMat(original: Buffer, random: Random, file: string): Result {
  const elements = matElements(original);
  const out = Buffer.from(original);
  const done = (bytes: Buffer, description: string, oracle?: Oracle): Result => ({ bytes, mutation: { description: `${file}: ${description}`, ...(oracle ? { oracle } : {}) } });
  const element = elements.length ? pickOne(random, elements) : null;
  const op = weighted(random, [
    [3, 'cut'],
    [2, 'header'],
    [3, 'tag'],
    [6, 'matrix'],
    [element?.type === 15 ? 3 : 0, 'compressed-stream'],
    [2, 'data'],
  ] as const);
  switch (op) {
    case 'cut': {
      const at = pickOne(random, [between(random, 0, 128), between(random, 128, 200), between(random, 0, original.length), original.length - between(random, 1, 16)]);
      const cut = Math.max(0, at);
      const last = elements[elements.length - 1];
      // Padding after the last element may go; anything before its data's end may not.
      const needed = last ? last.data + last.size : 128;
      return done(original.subarray(0, cut), `cut at byte ${cut} of ${original.length}`, cut < needed ? reject('an element is cut short') : undefined);
    }
    case 'header': {
      const field = pickOne(random, ['version', 'endian', 'text', 'subsystem'] as const);
      if (field === 'version') {
        const value = pickOne(random, [0x0000, 0x0200, 0x0101, 0xffff]);
        out.writeUInt16LE(value, 124);
        return done(out, `header version → 0x${value.toString(16)}`, reject('not version 0x0100'));
      }
      if (field === 'endian') {
        const value = pickOne(random, ['MI', 'XX', 'im']);
        out.write(value, 126, 'latin1');
        return done(out, `endian indicator → "${value}"`);
      }
      if (field === 'text') {
        const fill = pickOne(random, [0, 0x20]);
        out.fill(fill, 0, between(random, 1, 116));
        // Spaces: the text is free-form (scipy reads it); NULs in the first 4 bytes mark a Level 4 file.
        return done(out, `header text blanked with ${fill ? 'spaces' : 'NUL bytes'}`, fill ? accept('the header text is descriptive only (scipy.io.loadmat reads the file)') : undefined);
      }
      const value = pickOne(random, [128, 1, 0xffffffff, original.length]);
      out.writeUInt32LE(value >>> 0, 116);
      out.writeUInt32LE(0, 120);
      return done(out, `subsystem data offset → ${value}`);
    }
    case 'tag': {
      if (!element) return done(out, 'no element');
      if (random() < 0.4) {
        const value = pickOne(random, MI_TYPES.filter((t) => t !== element.type));
        out.writeUInt32LE(value, element.at);
        return done(out, `element at byte ${element.at}: type ${element.type} → ${value}`);
      }
      const value = pickOne(random, [0, element.size - 8, element.size + 8, Math.floor(element.size / 2), 0x7ffffff8, 0xffffffff, element.size + 1]);
      out.writeUInt32LE(value >>> 0, element.at + 4);
      return done(out, `element at byte ${element.at}: size ${element.size} → ${value}`, value > original.length - element.data ? reject('an element states more bytes than the file holds') : undefined);
    }
    case 'matrix': {
      if (!element) return done(out, 'no element');
      if (element.type === 14) {
        const body = out.subarray(element.data, element.data + element.size);
        return done(out, `variable at byte ${element.at}: ${mutateMatrixBody(body, random)}`);
      }
      if (element.type === 15) {
        let inner: Buffer;
        try {
          inner = inflateSync(original.subarray(element.data, element.data + element.size));
        } catch {
          return done(out, 'unchanged (the compressed element does not inflate)');
        }
        const edited = Buffer.from(inner);
        const what = inner.length >= 8 && edited.readUInt32LE(0) === 14 ? mutateMatrixBody(edited.subarray(8, 8 + edited.readUInt32LE(4)), random) : 'no inner miMATRIX';
        const deflated = deflateSync(edited, { level: 1 });
        const tag = Buffer.alloc(8);
        tag.writeUInt32LE(15, 0);
        tag.writeUInt32LE(deflated.length, 4);
        return done(Buffer.concat([original.subarray(0, element.at), tag, deflated, original.subarray(element.next)]), `compressed variable at byte ${element.at}: ${what} (re-deflated)`);
      }
      return done(out, `unchanged (element type ${element.type})`);
    }
    case 'compressed-stream': {
      const e = element!;
      const { bytes, mutation } = blindMutation(original, random, file, [{ name: `miCOMPRESSED stream at byte ${e.at}`, lo: e.data, hi: e.data + e.size }], () => reject('a compressed element cut short'));
      return { bytes, mutation };
    }
    case 'data': {
      if (!element || element.type !== 14) return blindMutation(original, random, file, [{ name: 'elements', lo: 128, hi: original.length }]);
      const parts = matrixParts(original.subarray(element.data, element.data + element.size));
      const real = parts[3];
      const lo = real ? element.data + real.data : element.data;
      const { bytes, mutation } = blindMutation(original, random, file, [{ name: 'array data', lo, hi: element.data + element.size }], () => reject('an element is cut short'));
      return { bytes, mutation };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Text formats of the atlas module

const ODD_TOKENS = ['NaN', 'nan', 'Inf', '-inf', '1e400', '1e308', '0x10', 'abc', '1,5', '\u0663', '-', '', '1.2.3', '+', '1e-320', '--5'];

/** Line-oriented edits of a text file: values, fields, lines, line endings, BOM, NUL, cuts. */
export function mutateText(original: Buffer, random: Random, file: string, options: { comma: boolean }): Result {
  const text = original.toString('utf8');
  const lines = text.split('\n');
  const content = lines.flatMap((line, i) => (line.trim() === '' || line.trim().startsWith('#') ? [] : [i]));
  const done = (t: string, description: string, oracle?: Oracle): Result => ({ bytes: Buffer.from(t, 'utf8'), mutation: { description: `${file}: ${description}`, ...(oracle ? { oracle } : {}) } });
  const split = (line: string): string[] => (options.comma ? line.split(',') : line.trim().split(/\s+/));
  const join = (fields: string[]): string => fields.join(options.comma ? ',' : ' ');
  const line = content.length ? pickOne(random, content) : 0;
  const op = weighted(random, [
    [2, 'cut'],
    [6, 'value'],
    [2, 'drop-field'],
    [1, 'add-field'],
    [1, 'delete-line'],
    [1, 'duplicate-line'],
    [1, 'header'],
    [1, 'crlf'],
    [0.5, 'bom'],
    [0.5, 'nul'],
    [0.5, 'comment'],
    [0.3, 'empty'],
    [1, 'blind'],
  ] as const);
  switch (op) {
    case 'cut': {
      const at = between(random, 0, original.length);
      return { bytes: original.subarray(0, at), mutation: { description: `${file}: cut at byte ${at} of ${original.length}` } };
    }
    case 'value': {
      const fields = split(lines[line]!);
      const k = between(random, 0, fields.length);
      const value = pickOne(random, ODD_TOKENS);
      const old = fields[k];
      fields[k] = value;
      lines[line] = join(fields);
      return done(lines.join('\n'), `line ${line + 1}, field ${k + 1}: ${JSON.stringify(old)} → ${JSON.stringify(value)}`);
    }
    case 'drop-field': {
      const fields = split(lines[line]!);
      const k = between(random, 0, fields.length);
      fields.splice(k, 1);
      lines[line] = join(fields);
      return done(lines.join('\n'), `line ${line + 1}: field ${k + 1} removed`);
    }
    case 'add-field': {
      const fields = split(lines[line]!);
      fields.splice(between(random, 0, fields.length + 1), 0, pickOne(random, ['0', '1.5', 'x']));
      lines[line] = join(fields);
      return done(lines.join('\n'), `line ${line + 1}: a field added`);
    }
    case 'delete-line':
      lines.splice(line, 1);
      return done(lines.join('\n'), `line ${line + 1} removed`);
    case 'duplicate-line':
      lines.splice(line, 0, lines[line]!);
      return done(lines.join('\n'), `line ${line + 1} given twice`);
    case 'header': {
      const first = content[0] ?? 0;
      const fields = split(lines[first]!);
      const k = between(random, 0, fields.length);
      const value = pickOne(random, ['q', '', 'x', 'name', 'network', 'R']);
      fields[k] = value;
      lines[first] = join(fields);
      return done(lines.join('\n'), `first line, field ${k + 1} → ${JSON.stringify(value)}`);
    }
    case 'crlf': {
      const crlf = random() < 0.7;
      return done(lines.join(crlf ? '\r\n' : '\r'), `line endings ${crlf ? 'CRLF' : 'CR'}`, crlf ? accept('CRLF line endings (a file saved on Windows)') : undefined);
    }
    case 'bom':
      return done(`\ufeff${text}`, 'a UTF-8 BOM put in front', accept('a UTF-8 BOM (Excel writes one)'));
    case 'nul': {
      const at = between(random, 0, text.length);
      return done(text.slice(0, at) + '\0' + text.slice(at), `a NUL byte inserted at character ${at}`);
    }
    case 'comment':
      lines.splice(line, 0, '# a comment line');
      return done(lines.join('\n'), `a # comment inserted before line ${line + 1}`);
    case 'empty':
      return done(pickOne(random, ['', '\n\n', '# only a comment\n']), 'emptied');
    case 'blind':
      return blindMutation(original, random, file, [{ name: 'text', lo: 0, hi: original.length }]);
  }
}

/** Atlas label files (AAL2.xml, aal.json): the text edits above plus label-aware ones. */
export function mutateAtlasLabels(original: Buffer, random: Random, file: string): Result {
  const text = original.toString('latin1');
  const done = (t: string, description: string, oracle?: Oracle): Result => ({ bytes: Buffer.from(t, 'latin1'), mutation: { description: `${file}: ${description}`, ...(oracle ? { oracle } : {}) } });
  if (random() < 0.35) return mutateText(original, random, file, { comma: false });
  if (file.endsWith('.json')) {
    const json = JSON.parse(text) as Record<string, unknown[]>;
    const keys = Object.keys(json);
    const key = pickOne(random, keys);
    const array = json[key]!;
    const edit = pickOne(random, ['value', 'remove', 'cut', 'type'] as const);
    if (edit === 'cut') {
      const at = between(random, 0, text.trimEnd().length - 1);
      return done(text.slice(0, at), `JSON cut at character ${at}`, reject('the JSON document is cut'));
    }
    if (edit === 'remove') {
      array.splice(between(random, 0, array.length), 1);
      return done(JSON.stringify(json), `one element of "${key}" removed`, keys.length > 1 ? reject(`"${key}" no longer has one entry per label`) : undefined);
    }
    if (edit === 'type') {
      json[key] = pickOne(random, [null, 'x', 5, {}]) as never;
      return done(JSON.stringify(json), `"${key}" replaced by a non-array`, reject(`"${key}" is not an array`));
    }
    const k = between(random, 0, array.length);
    const value = pickOne(random, key === 'labels' ? [5, null, '', 'Duplicate'] : [-1, 1.5, 'x', null, 1e300, array[(k + 1) % array.length]]);
    array[k] = value;
    return done(JSON.stringify(json), `"${key}"[${k}] → ${JSON.stringify(value)}`);
  }
  const labels = [...text.matchAll(/<label>[\s\S]*?<\/label>/g)];
  const label = pickOne(random, labels);
  const at = label.index!;
  const edit = pickOne(random, ['index', 'duplicate', 'remove-index', 'close', 'name'] as const);
  switch (edit) {
    case 'index': {
      const value = pickOne(random, ['-1', '1.5', 'abc', '', '0', '1e3', '99999999999999999999', '0x10']);
      return done(text.slice(0, at) + label[0].replace(/<index>[^<]*<\/index>/, `<index>${value}</index>`) + text.slice(at + label[0].length), `label at character ${at}: index → ${JSON.stringify(value)}`);
    }
    case 'duplicate':
      return done(text.slice(0, at) + label[0] + label[0] + text.slice(at + label[0].length), `label at character ${at} given twice`, reject('an index given twice'));
    case 'remove-index':
      return done(text.slice(0, at) + label[0].replace(/<index>[^<]*<\/index>/, '') + text.slice(at + label[0].length), `label at character ${at}: index removed`, reject('a label without an index'));
    case 'close':
      return done(text.slice(0, at) + label[0].replace('</name>', '') + text.slice(at + label[0].length), `label at character ${at}: </name> removed`, reject('an element is never closed'));
    case 'name':
      return done(text.slice(0, at) + label[0].replace(/<name>[^<]*<\/name>/, `<name>${pickOne(random, ['', '&amp;', 'A&B', '<![CDATA[x]]>'])}</name>`) + text.slice(at + label[0].length), `label at character ${at}: name edited`);
  }
}

// ---------------------------------------------------------------------------------------------
// Cohorts: a folder of subject .mat files (Functional/) and a phenotype table

export const COHORT_TABLE = 'labels_100.csv';

/**
 * One edit of a small ABIDE cohort folder: the phenotype table (a subject's row dropped or given
 * twice, odd DX_GROUP/SEX codes, text edits, a cut), the subject files (one damaged as the mat
 * kind damages files, one removed, one replaced by a series of another atlas), or a stray file.
 * `subjects` are the subject ids laid out; `foreign` the bytes of a series with another region count.
 */
export function mutateCohort(folder: FolderAccess, subjects: readonly string[], random: Random, foreign: () => Buffer): Mutation {
  const table = folder.read(COHORT_TABLE).toString('utf8');
  const lines = table.split('\n');
  const header = lines[0]!.split(',');
  const rowOf = (id: string): number => lines.findIndex((line, i) => i > 0 && line.split(',')[0] === id);
  const subject = pickOne(random, subjects);
  const row = rowOf(subject);
  const writeTable = (text: string): void => folder.write(COHORT_TABLE, Buffer.from(text, 'utf8'));
  const op = weighted(random, [
    [3, 'drop-row'],
    [2, 'duplicate-row'],
    [2, 'dx'],
    [1, 'sex'],
    [1, 'remove-file'],
    [1, 'stray-file'],
    [2, 'foreign'],
    [4, 'mat'],
    [3, 'table'],
    [1, 'table-cut'],
  ] as const);
  switch (op) {
    case 'drop-row':
      lines.splice(row, 1);
      writeTable(lines.join('\n'));
      return { description: `${COHORT_TABLE}: the row of subject ${subject} removed`, oracle: reject(`subject ${subject} has a file but no phenotype row`) };
    case 'duplicate-row':
      lines.splice(row, 0, lines[row]!);
      writeTable(lines.join('\n'));
      return { description: `${COHORT_TABLE}: the row of subject ${subject} given twice`, oracle: reject(`subject ${subject} has two phenotype rows`) };
    case 'dx':
    case 'sex': {
      const column = header.indexOf(op === 'dx' ? 'DX_GROUP' : 'SEX');
      const cells = lines[row]!.split(',');
      const value = pickOne(random, ['3', '', 'x', '0', '-1']);
      cells[column] = value;
      lines[row] = cells.join(',');
      writeTable(lines.join('\n'));
      const what = op === 'dx' ? 'DX_GROUP' : 'SEX';
      // An empty SEX cell is "unknown" (null, no warning); every other odd code must be said.
      const flag = op === 'dx' || value !== '' ? { why: `${what} ${JSON.stringify(value)} of subject ${subject} is not a code of the ABIDE legend`, warning: op === 'dx' ? 'DX_GROUP' : 'sex' } : undefined;
      // A label the table gets wrong is the user's to see, not a reason to refuse the cohort.
      return { description: `${COHORT_TABLE}: ${what} of subject ${subject} → ${JSON.stringify(value)}`, oracle: { ...(flag ? { flag } : {}), accept: `an odd ${what} code is a label to warn about` } };
    }
    case 'remove-file':
      folder.remove(`Functional/${subject}.mat`);
      return { description: `Functional/${subject}.mat removed`, oracle: accept(`${subjects.length - 1} subjects with rows remain`) };
    case 'stray-file':
      folder.write('Functional/notes.txt', Buffer.from('scanned on the old coil\n'));
      return { description: 'a notes.txt beside the subject files', oracle: accept('a text file that is neither a subject nor a series is skipped') };
    case 'foreign':
      folder.write(`Functional/${subject}.mat`, foreign());
      return { description: `Functional/${subject}.mat replaced by a 94-region series (another atlas)`, oracle: reject('the subjects have different region counts') };
    case 'mat': {
      const { bytes, mutation } = mutateMat(folder.read(`Functional/${subject}.mat`), random, `Functional/${subject}.mat`);
      folder.write(`Functional/${subject}.mat`, bytes);
      return mutation;
    }
    case 'table': {
      const { bytes, mutation } = mutateText(Buffer.from(table, 'utf8'), random, COHORT_TABLE, { comma: true });
      folder.write(COHORT_TABLE, bytes);
      return mutation;
    }
    case 'table-cut': {
      const at = between(random, 0, table.length);
      writeTable(table.slice(0, at));
      return { description: `${COHORT_TABLE}: cut at character ${at} of ${table.length}` };
    }
  }
}
