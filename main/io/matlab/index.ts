/**
 * MATLAB v5/v6/v7 `.mat` files: `readMat` returns every variable, `looksLikeMat` tells by content.
 *
 * Why our own reader: the npm package for v5 MAT-files (`mat-for-js` 1.1.0, a single release of
 * October 2025, checked with `npm view`) is GPL-3.0-or-later, which Cajal's MIT licence cannot take
 * in, and it brings pako where Node's zlib does the one inflate needed. The format is small and well documented (MathWorks "MAT-File
 * Format"); the part Cajal needs (numeric, logical, char, struct, cell; compressed or not; both byte
 * orders) is a few hundred lines, checked against scipy.io.loadmat on every real file
 * (test/integration/mat-real.test.ts) and against files built in the unit tests.
 *
 * v7.3 files (HDF5 inside) are routed to v73.ts (h5wasm) for numeric, logical and char variables.
 * Refused with a FormatError naming the file: Level 4 files, sparse matrices, MATLAB objects,
 * function handles, and structs or cells in v7.3 files. The subsystem data MATLAB appends for
 * objects is skipped, as are unnamed variables; of two variables with one name, the last wins.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { UserError, fileAccessError } from '../../errors.js';
import { checkAllocation, rethrowIfOutOfMemory } from '../allocation.js';
import { assertReadableSource } from '../source-file.js';
import { elementSource, parseVariables } from './elements.js';
import { hasHdf5Signature, MAT_HEADER_BYTES, matKind, parseMatHeader } from './header.js';
import { readMatV73 } from './v73.js';
import type { MatValue } from './types.js';

export type { MatNumericClass, MatValue } from './types.js';
export { matKind, type MatKind } from './header.js';

/** Parses a whole MAT-file held in memory (the readers and the tests share it). */
export function parseMat(given: Uint8Array, file: string): Map<string, MatValue> {
  // A Node Buffer's slice() is a view whose .buffer is a shared pool, and the parser copies numeric
  // data with slice().buffer: read through a plain Uint8Array view so slice() copies exactly.
  const bytes = new Uint8Array(given.buffer, given.byteOffset, given.byteLength);
  const header = parseMatHeader(bytes, file);
  const src = elementSource(file, bytes, header.littleEndian, null);
  const variables = new Map<string, MatValue>();
  for (const { name, value } of parseVariables(src, MAT_HEADER_BYTES, header.subsystemOffset)) {
    if (name) variables.set(name, value);
  }
  return variables;
}

/** Every named variable of a MATLAB v5 MAT-file, in file order. */
export async function readMat(path: string): Promise<Map<string, MatValue>> {
  assertReadableSource(path);
  let bytes: Uint8Array;
  let handle: FileHandle | undefined;
  try {
    // One open, one fstat, one read: readFile's chunked reads cost more than parsing a small file.
    handle = await open(path, 'r');
    const { size } = await handle.stat();
    // v7.3 is HDF5 behind the MAT header: route it before reading what may be gigabytes.
    const head = new Uint8Array(Math.min(size, 520));
    await handle.read(head, 0, head.length, 0);
    if (matKind(head) === 'v7.3' && hasHdf5Signature(head)) {
      await handle.close();
      handle = undefined;
      return await readMatV73(path);
    }
    checkAllocation(path, [size], 1, 'the whole .mat file');
    bytes = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled < size) bytes = bytes.subarray(0, filled); // shrank while read: parse what is there
  } catch (error) {
    rethrowIfOutOfMemory(error, path, 'the whole .mat file');
    if (error instanceof UserError) throw error;
    throw fileAccessError(path, error);
  } finally {
    await handle?.close();
  }
  try {
    return parseMat(bytes, path);
  } catch (error) {
    rethrowIfOutOfMemory(error, path, 'a .mat variable');
    throw error;
  }
}

/** True when the file starts with a MAT-file header of v5 or v7.3 (v7.3 so it can be refused by name). */
export async function looksLikeMat(path: string): Promise<boolean> {
  let handle;
  try {
    // Never open() a FIFO or a device: that can block forever (source-file.ts).
    assertReadableSource(path);
    handle = await open(path, 'r');
    const head = new Uint8Array(MAT_HEADER_BYTES);
    const { bytesRead } = await handle.read(head, 0, MAT_HEADER_BYTES, 0);
    if (bytesRead < MAT_HEADER_BYTES) return false;
    const kind = matKind(head);
    return (kind === 'v5' || kind === 'v7.3') && new TextDecoder('latin1').decode(head.subarray(0, 6)) === 'MATLAB';
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}
