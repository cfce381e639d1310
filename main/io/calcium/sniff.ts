/**
 * Which calcium format a path holds, by content: a folder with F.npy (or plane0/F.npy) is Suite2p,
 * an HDF5 file is NWB or plain calcium HDF5, a text file of delimited numbers is CSV.
 *
 * `sniffCalcium` is synchronous and reads at most 64 KiB, so it can run on every path a user drops.
 * It cannot open HDF5 (h5wasm loads asynchronously), so it tells NWB by the byte strings NWB files
 * carry in their root attributes (`NWBFile`, `nwb_version`) near the start of the file (the root
 * object header; at byte 9 464 of the shared pynapple NWB). `detectCalcium` is the exact, async
 * answer for HDF5 (it opens the file and looks for NWB attributes or RoiResponseSeries), and
 * `readCalcium` always decides that way.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { detectDelimiter, parseNumber, splitLine } from './csv.js';
import { hasHdf5Signature } from './h5.js';
import { suite2pPlaneFolder } from './suite2p.js';
import type { CalciumFormat } from './types.js';

const TEXT_BYTES = 4096;
const HDF5_BYTES = 64 * 1024;
const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** The first `length` bytes of `file` (fewer when it is shorter); null when it cannot be read. */
export function readHead(file: string, length: number): Uint8Array | null {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buffer = new Uint8Array(length);
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export const hasNpyMagic = (head: Uint8Array): boolean => NPY_MAGIC.every((byte, i) => head[i] === byte);

function containsAscii(bytes: Uint8Array, text: string): boolean {
  const first = text.charCodeAt(0);
  outer: for (let i = bytes.indexOf(first); i >= 0 && i + text.length <= bytes.length; i = bytes.indexOf(first, i + 1)) {
    for (let j = 1; j < text.length; j++) if (bytes[i + j] !== text.charCodeAt(j)) continue outer;
    return true;
  }
  return false;
}

/** NWB by the strings its root attributes hold; RoiResponseSeries also marks an ophys file. */
export const looksLikeNwb = (head: Uint8Array): boolean =>
  ['NWBFile', 'nwb_version', 'RoiResponseSeries'].some((marker) => containsAscii(head, marker));

/**
 * True when `head` (the start of a file; `complete` when it is the whole file) reads as rows of
 * delimited numbers, with an optional header row and an optional first column of names. A first
 * line longer than `head` (a wide matrix) is judged by its complete values.
 */
export function looksLikeNumericText(head: Uint8Array, complete: boolean): boolean {
  if (head.includes(0)) return false; // binary
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: complete }).decode(head);
  } catch {
    return false;
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  // The last line may be cut mid-value: keep it without its last value.
  const partial = complete ? null : lines.pop()!;
  const full = lines.filter((line) => line.trim() !== '');
  const delimiter = detectDelimiter(full[0] ?? partial ?? '');
  if (!delimiter) return false;
  const rows = full.map((line) => splitLine(line, delimiter));
  if (partial !== null) {
    const fields = splitLine(partial, delimiter).slice(0, -1);
    if (fields.length >= 2) rows.push(fields);
  }
  if (rows.length === 0) return false;
  const isDataRow = (fields: string[]): boolean => fields.length >= 2 && fields.slice(1).every((field) => parseNumber(field) !== undefined);
  const data = isDataRow(rows[0]!) ? rows : rows.slice(1); // else the first row is a header
  return data.length > 0 && data.every(isDataRow);
}

/**
 * True when `head` is text with a tab, comma or semicolon on its first line: a table, numeric or
 * not. `readCalcium` sends these to the CSV reader, whose errors then name the offending line.
 */
export function looksLikeDelimitedText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  const text = new TextDecoder('utf-8').decode(head);
  if (text.slice(0, -3).includes('\uFFFD')) return false; // (a character cut at the end is fine)
  return detectDelimiter(text.split(/\r\n|\n|\r/)[0] ?? '') !== null;
}

/** The calcium format at `path`, or null; synchronous and cheap (see the file comment). */
export function sniffCalcium(path: string): CalciumFormat | null {
  let kind;
  try {
    kind = statSync(path);
  } catch {
    return null;
  }
  if (kind.isDirectory()) return suite2pPlaneFolder(path) ? 'suite2p' : null;
  if (!kind.isFile()) return null;
  const head = readHead(path, TEXT_BYTES);
  if (!head) return null;
  if (hasHdf5Signature(head)) {
    const more = kind.size > head.length ? readHead(path, HDF5_BYTES) : head;
    return more && looksLikeNwb(more) ? 'nwb' : 'calcium-hdf5';
  }
  if (hasNpyMagic(head)) return null; // a lone .npy: not a recording by itself
  return looksLikeNumericText(head, head.length >= kind.size) ? 'calcium-csv' : null;
}
