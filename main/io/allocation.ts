/**
 * Sizes a reader is about to trust, checked before anything is allocated or looped over.
 *
 * A file's header states its shape; a fuzzed or damaged header can state `[3, 50, 50, 999999999]`
 * or 2^53 elements, which either hangs a chunk-by-chunk pass for hours (every missing zarr chunk is
 * a chunk of fill values) or dies inside V8 / the wasm heap with an "internal error". Three checks,
 * shared by every reader (npy, calcium HDF5, zarr, HDF5 and TIFF volumes):
 *
 * - `checkShape`: each extent a non-negative safe integer, none zero (an empty array is refused with
 *   the axis named: nothing downstream has a meaning for it), the element count a safe integer.
 * - `checkAllocation`: one dense allocation (a whole recording, a region, a chunk) must fit the
 *   memory budget: half of the memory the OS reports available, and never more than Node's own
 *   Buffer limit (4 GiB on Node 20), past which typed arrays cannot be passed on anyway.
 * - `checkStreamedSize`: a volume read block by block never sits in memory whole, but every pass
 *   visits every voxel, so its size bounds the time of a pass: MAX_STREAMED_BYTES (64 GiB, 50 times
 *   the largest real FISBe ground truth of 1.3 GB, minutes per pass at the few hundred MB/s chunked
 *   reads run at here). Past that, the shape is far more likely damaged than real.
 *
 * Out-of-memory failures that still happen (a wasm heap that cannot grow, a RangeError from V8) are
 * errors, never warnings: `isOutOfMemory` recognises them and `InsufficientMemoryError` reports them.
 */
import { constants } from 'node:buffer';
import { freemem, totalmem } from 'node:os';
import { FileAccessError, FormatError, UserError } from '../errors.js';

const GiB = 1024 ** 3;

/** The most bytes one volume pass visits (see the file comment). */
export const MAX_STREAMED_BYTES = 64 * GiB;

/**
 * The most bytes one dense allocation may take now. `os.freemem()` is MemAvailable on Linux but
 * only truly free pages on macOS (caches not counted), so it is never taken below a quarter of the
 * machine's memory: a budget of half of that still leaves the OS room.
 */
export function memoryBudgetBytes(): number {
  const available = Math.max(freemem(), totalmem() / 4);
  return Math.min(constants.MAX_LENGTH, Math.floor(available / 2));
}

/** "1.3 GiB", "640 KiB": sizes for messages. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} bytes`;
  return `${value >= 100 ? Math.round(value) : value.toPrecision(2)} ${units[unit]}`;
}

/** A reader that cannot get the memory it needs: an error for the user (close other things, crop), not a bug. */
export class InsufficientMemoryError extends FileAccessError {
  constructor(file: string, what: string) {
    super(file, `not enough memory to read it (${what})`);
    this.message = `not enough memory to read ${file} (${what})`;
    this.name = 'InsufficientMemoryError';
  }
}

const shapeText = (shape: readonly number[]): string => shape.join('×') || 'scalar';

export interface ShapeCheck {
  /** What the shape is of, for messages: "volume", "array \"labels\"", "F.npy"… */
  what: string;
  /** The field the shape comes from (FormatError field). */
  field?: string;
  /** Accept zero extents (a .npy file can legitimately hold an empty array). */
  allowEmpty?: boolean;
}

/**
 * Checks extents stated by a file and returns the element count: a FormatError naming the file,
 * the field and the axis for a negative, fractional or unsafe extent, an empty axis ("empty
 * volume: dimension 1 has size 0"), or a count past 2^53.
 */
export function checkShape(file: string, shape: readonly number[], check: ShapeCheck): number {
  const field = check.field ?? 'shape';
  shape.forEach((extent, axis) => {
    if (!Number.isSafeInteger(extent) || extent < 0) {
      throw new FormatError(file, `${check.what}: dimension ${axis} has size ${String(extent)}, not a whole number below 2^53 (the shape is damaged)`, field);
    }
  });
  if (!check.allowEmpty) {
    const axis = shape.findIndex((extent) => extent === 0);
    if (axis >= 0) {
      throw new FormatError(file, `empty ${check.what}: dimension ${axis} has size 0 (shape ${shapeText(shape)})`, field);
    }
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count)) {
    throw new FormatError(file, `${check.what}: shape ${shapeText(shape)} has more elements than any file can hold (the shape is damaged)`, field);
  }
  return count;
}

/**
 * Checks that `shape` × `bytesPerElement` fits one allocation now (InsufficientMemoryError
 * otherwise) and returns the byte count. Run `checkShape` first for shapes that come from a file.
 */
export function checkAllocation(file: string, shape: readonly number[], bytesPerElement: number, what: string): number {
  const bytes = shape.reduce((a, b) => a * b, 1) * bytesPerElement;
  const budget = memoryBudgetBytes();
  if (!(bytes <= budget)) {
    throw new InsufficientMemoryError(file, `${what}: ${shapeText(shape)} × ${bytesPerElement} bytes = ${formatBytes(bytes)}; ${formatBytes(budget)} can be allocated now`);
  }
  return bytes;
}

/** Checks a volume read block by block against MAX_STREAMED_BYTES (FormatError naming the shape). */
export function checkStreamedSize(file: string, shape: readonly number[], bytesPerElement: number, what: string, field = 'shape'): void {
  const bytes = shape.reduce((a, b) => a * b, 1) * bytesPerElement;
  if (bytes > MAX_STREAMED_BYTES) {
    throw new FormatError(
      file,
      `${what} is ${shapeText(shape)} × ${bytesPerElement} bytes = ${formatBytes(bytes)}, more than the ${formatBytes(MAX_STREAMED_BYTES)} Cajal reads in one pass; the shape is likely damaged (or crop the volume)`,
      field,
    );
  }
}

/**
 * True for the ways running out of memory surfaces in Node and in Emscripten wasm (h5wasm,
 * numcodecs): V8's RangeErrors for buffers and arrays, an aborted wasm module, a heap that cannot
 * grow, and the out-of-bounds access a failed wasm malloc turns into.
 */
export function isOutOfMemory(error: unknown): boolean {
  if (error instanceof UserError) return false;
  // Node's own limits on one read: a file past 2 GiB read whole, a text past 512 MiB characters.
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_FS_FILE_TOO_LARGE' || code === 'ERR_STRING_TOO_LONG') return true;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return /Array buffer allocation failed|Invalid typed array length|Invalid array length|Invalid string length|allocation failed|out of memory|Aborted\(OOM\)|\bOOM\b|Cannot enlarge memory|memory access out of bounds|cannot allocate/i.test(
    message,
  );
}

/** Rethrows an out-of-memory `error` as an InsufficientMemoryError on `file` (while reading `what`); returns otherwise. */
export function rethrowIfOutOfMemory(error: unknown, file: string, what: string): void {
  if (error instanceof InsufficientMemoryError) throw error;
  // The engine's own words ("Invalid typed array length: …", "Aborted(OOM)") would read as a bug.
  if (isOutOfMemory(error)) throw new InsufficientMemoryError(file, what);
}
