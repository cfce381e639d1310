/**
 * The 128-byte header of a MATLAB Level 5 MAT-file: 116 bytes of text ("MATLAB 5.0 MAT-file, …"),
 * an 8-byte subsystem data offset, a 2-byte version (0x0100) and a 2-byte endian indicator: the
 * characters "MI" written as one 16-bit integer, so a little-endian writer leaves "IM" on disk.
 *
 * Two other kinds of file share the `.mat` extension and are recognised here to be refused by name:
 * - v7.3 files are HDF5 containers behind a MAT header whose version is 0x0200 (the HDF5 signature
 *   sits at byte 512): readMat sends them to v73.ts (h5wasm); this parser refuses them.
 * - Level 4 files have no text header: they start with a 4-byte MOPT code whose bytes include 0
 *   (text never does), the same test scipy's `get_matfile_version` makes.
 */
import { FormatError } from '../../errors.js';

export const MAT_HEADER_BYTES = 128;
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export interface MatHeader {
  /** The descriptive text, trailing spaces and NULs removed. */
  text: string;
  littleEndian: boolean;
  /** Byte offset of subsystem data (MATLAB objects), 0 when none. */
  subsystemOffset: number;
}

export type MatKind = 'v5' | 'v7.3' | 'v4' | 'unknown';

/** Which kind of MAT-file `bytes` (at least the first 128 bytes of a file) start. */
export function matKind(bytes: Uint8Array): MatKind {
  if (bytes.length >= 4 && bytes.subarray(0, 4).includes(0)) return 'v4';
  if (bytes.length < MAT_HEADER_BYTES) return 'unknown';
  const endian = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (endian !== 'IM' && endian !== 'MI') return 'unknown';
  const version = endian === 'IM' ? bytes[124]! | (bytes[125]! << 8) : (bytes[124]! << 8) | bytes[125]!;
  if (version === 0x0100) return 'v5';
  if (version === 0x0200) return 'v7.3';
  return 'unknown';
}

/** True when an HDF5 superblock signature sits at byte 512 (where v7.3 files put it). */
export function hasHdf5Signature(bytes: Uint8Array): boolean {
  return bytes.length >= 520 && HDF5_SIGNATURE.every((b, i) => bytes[512 + i] === b);
}

/** Parses the header, refusing v7.3, v4 and anything else with a FormatError naming the file. */
export function parseMatHeader(bytes: Uint8Array, file: string): MatHeader {
  const kind = matKind(bytes);
  if (kind === 'v7.3' || (kind === 'unknown' && hasHdf5Signature(bytes))) {
    // readMat routes intact v7.3 files to v73.ts before this parser; what gets here is damaged or misrouted.
    const why = hasHdf5Signature(bytes) ? 'its variables are read through the HDF5 reader (readMat), not as v5 elements' : 'and its HDF5 part is missing (no HDF5 signature at byte 512: truncated?)';
    throw new FormatError(file, `is a MATLAB v7.3 MAT-file (an HDF5 container) ${why}`, 'version', 124);
  }
  if (kind === 'v4') {
    throw new FormatError(file, 'is a MATLAB Level 4 MAT-file (or not a MAT-file at all: it has no text header); Cajal reads Level 5 (v5/v6/v7): save it in MATLAB with save(..., \'-v7\')', 'header', 0);
  }
  if (kind === 'unknown') {
    const why = bytes.length < MAT_HEADER_BYTES ? `it is ${bytes.length} bytes, shorter than the 128-byte header` : 'no "IM"/"MI" endian indicator with version 0x0100 at bytes 124–127';
    throw new FormatError(file, `is not a MATLAB v5 MAT-file: ${why}`, 'header', bytes.length < MAT_HEADER_BYTES ? 0 : 124);
  }
  const littleEndian = bytes[126] === 0x49; // 'I' first: "MI" written little-endian
  const view = new DataView(bytes.buffer, bytes.byteOffset, MAT_HEADER_BYTES);
  const low = view.getUint32(116, littleEndian);
  const high = view.getUint32(120, littleEndian);
  // Writers without subsystem data leave zeros or spaces (0x20202020…) here.
  const spaces = bytes.subarray(116, 124).every((b) => b === 0x20);
  const subsystemOffset = spaces ? 0 : high * 2 ** 32 + low;
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 116)).replace(/[\s\0]+$/, '');
  return { text, littleEndian, subsystemOffset };
}
