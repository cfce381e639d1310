/**
 * The bytes of a file that may be gzipped (`.gii.gz`, gzipped `.mz3`), inflated when it is — by
 * content (the gzip magic 1f 8b), not by name, since `.mz3` files are gzipped without saying so.
 *
 * Bounded: the file is checked with assertReadableSource before it is opened, its size against
 * the memory budget, and the inflated size is capped at the budget too (zlib's maxOutputLength),
 * so a small gzip bomb stops with an error instead of filling memory.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createGunzip, gunzip, constants as zlibConstants } from 'node:zlib';
import { FormatError, fileAccessError } from '../../errors.js';
import { formatBytes, memoryBudgetBytes, checkAllocation, rethrowIfOutOfMemory } from '../allocation.js';
import { assertReadableSource } from '../source-file.js';

const gunzipAsync = promisify(gunzip);

export interface FileBytes {
  bytes: Uint8Array;
  /** True when the file was gzipped (and `bytes` is the inflated content). */
  compressed: boolean;
}

/** True when `bytes` start with the gzip magic. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Inflates a whole gzip stream (several members are concatenated, as gunzip does), at most `limit`
 * bytes; a FormatError naming `file` for a truncated or damaged stream or one past the limit.
 */
export async function inflateGzip(file: string, bytes: Uint8Array, limit = memoryBudgetBytes()): Promise<Uint8Array> {
  try {
    const out = await gunzipAsync(bytes, { maxOutputLength: limit });
    // A view, not a copy (readers mind byteOffset): a copy would double the peak for a large file.
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    rethrowIfOutOfMemory(error, file, 'inflating the gzip stream');
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new FormatError(file, `the gzip stream inflates to more than ${formatBytes(limit)} (the memory Cajal may use now)`, 'gzip');
    }
    const reason = code === 'Z_BUF_ERROR' ? 'the gzip stream is truncated (unexpected end of file)' : `the gzip stream is damaged (${(error as Error).message})`;
    throw new FormatError(file, reason, 'gzip');
  }
}

/**
 * The start of a possibly gzipped buffer, for sniffing: at most `want` inflated bytes, without
 * failing on a stream cut short (only the head of the file is read for sniffing).
 */
export async function headBytes(bytes: Uint8Array, want: number): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes.subarray(0, want);
  // A stream, stopped once `want` bytes are out: a one-shot inflate would either fail on the cut
  // end of the head or, with a large output limit, inflate far more than a sniff needs.
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const inflater = createGunzip({ finishFlush: zlibConstants.Z_SYNC_FLUSH });
    const finish = (): void => {
      if (done) return;
      done = true;
      inflater.removeAllListeners('data');
      inflater.destroy();
      const all = Buffer.concat(chunks);
      resolve(new Uint8Array(all.buffer, all.byteOffset, Math.min(all.length, want)));
    };
    inflater.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= want) finish();
    });
    inflater.on('end', finish);
    inflater.on('error', finish);
    inflater.end(bytes);
  });
}

/** Reads `path` whole (checked first: a readable regular file within the memory budget), inflated if gzipped. */
export async function readFileBytes(path: string): Promise<FileBytes> {
  assertReadableSource(path);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw fileAccessError(path, error);
  }
  checkAllocation(path, [size], 1, 'the file');
  let raw: Uint8Array;
  try {
    // A view, not a copy: readFile's buffer is the file's own (never Node's shared pool).
    const buffer = await readFile(path);
    raw = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    rethrowIfOutOfMemory(error, path, 'the file');
    throw fileAccessError(path, error);
  }
  if (!isGzip(raw)) return { bytes: raw, compressed: false };
  return { bytes: await inflateGzip(path, raw), compressed: true };
}

/** The first `want` bytes of `path` (inflated when gzipped), or null when it cannot be read: for `looksLike…` sniffers. */
export async function readHead(path: string, want = 4096): Promise<Uint8Array | null> {
  try {
    assertReadableSource(path);
    const handle = await open(path, 'r');
    try {
      // A gzip head of 64 KiB inflates to far more than `want` bytes of text.
      const buffer = new Uint8Array(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      return headBytes(buffer.subarray(0, bytesRead), want);
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}
