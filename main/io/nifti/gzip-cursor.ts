/**
 * Random reads from the decompressed bytes of a .gz file without inflating it whole: a streaming
 * gunzip (node:zlib) that is pulled only as far as a read needs, and that remembers where it
 * stopped. Reads at or after that position continue the same stream (volume after volume costs one
 * pass in total); a read before it starts a new stream from the beginning, since deflate cannot
 * seek. Reading volume 0 of a 4D .nii.gz therefore inflates the header and that volume, plus at
 * most one chunk of read-ahead.
 *
 * Reads are serialised (a second read waits for the first), so callers may issue them concurrently.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { createGunzip, type Gunzip } from 'node:zlib';
import { FormatError, fileAccessError } from '../../errors.js';

/** Decompressed bytes per chunk: large enough that per-chunk overhead is small, small enough to bound the read-ahead. */
const CHUNK_BYTES = 1024 * 1024;

/** The FormatError (or FileAccessError) for a failure of zlib or of the file while inflating `file`. */
function inflateError(file: string, error: unknown, where: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'Z_NEED_DICT') {
    const why = code === 'Z_BUF_ERROR' ? 'the gzip stream is truncated' : `the gzip stream is damaged (${(error as Error).message})`;
    return new FormatError(file, `${why}: ${where}`, 'gzip');
  }
  // The file itself could not be read (removed, a lost share): name it as the other readers do.
  if ((error as NodeJS.ErrnoException).syscall) return fileAccessError(file, error);
  return error as Error;
}

export class GzipCursor {
  private source: ReadStream | null = null;
  private gunzip: Gunzip | null = null;
  private chunks: AsyncIterator<Buffer> | null = null;
  /** Decompressed offset of the first byte of `pending` (or of the next chunk when pending is null). */
  private position = 0;
  private pending: Uint8Array | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** How many times a stream was started (tests check that sequential reads do not restart). */
  restarts = 0;
  private closed = false;

  constructor(readonly file: string) {}

  /** `length` decompressed bytes from offset `start`; a FormatError when the stream is damaged or ends first. */
  read(start: number, length: number, what: string): Promise<Uint8Array> {
    const next = this.queue.then(() => this.readNow(new Uint8Array(length), start, what));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Fills `target` with the decompressed bytes from offset `start` (as read, without a buffer of its own). */
  readInto(target: Uint8Array, start: number, what: string): Promise<void> {
    const next = this.queue.then(() => this.readNow(target, start, what)).then(() => undefined);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Reads up to `length` bytes from `start`, fewer when the stream ends first (sniffing a header). */
  readUpTo(start: number, length: number): Promise<Uint8Array> {
    const next = this.queue.then(() => this.readNow(new Uint8Array(length), start, null));
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.closed = true;
    this.stop();
  }

  private stop(): void {
    this.source?.destroy();
    this.gunzip?.destroy();
    this.source = null;
    this.gunzip = null;
    this.chunks = null;
    this.pending = null;
    this.position = 0;
  }

  private restart(): void {
    this.stop();
    this.restarts++;
    const source = createReadStream(this.file, { highWaterMark: 1 << 20 });
    const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
    // pipe() does not forward the source's errors: hand them to the gunzip, whose iterator rethrows.
    source.on('error', (error) => gunzip.destroy(error));
    source.pipe(gunzip);
    this.source = source;
    this.gunzip = gunzip;
    this.chunks = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  private async nextChunk(): Promise<Uint8Array | null> {
    try {
      const step = await this.chunks!.next();
      return step.done ? null : (step.value as Uint8Array);
    } catch (error) {
      const at = this.position;
      this.stop();
      // close() during a read destroys the stream: say so rather than blame the file.
      if (this.closed) throw new Error(`${this.file} was closed while it was being read`);
      throw inflateError(this.file, error, `it ends or breaks after ${at} decompressed bytes`);
    }
  }

  private async readNow(out: Uint8Array, start: number, what: string | null): Promise<Uint8Array> {
    if (this.closed) throw new Error(`${this.file} was closed`);
    if (!this.chunks || start < this.position) this.restart();
    const length = out.length;
    let filled = 0;
    while (filled < length) {
      const chunk = this.pending ?? (await this.nextChunk());
      if (!chunk) {
        if (what === null) return out.subarray(0, filled);
        throw new FormatError(
          this.file,
          `the decompressed image ends at byte ${this.position}, but ${what} needs bytes up to ${start + length} (the file is truncated, or dim, datatype or vox_offset is wrong)`,
          'dim',
        );
      }
      const chunkStart = this.position;
      const from = Math.max(start + filled - chunkStart, 0);
      if (from >= chunk.length) {
        this.position = chunkStart + chunk.length;
        this.pending = null;
        continue;
      }
      const take = Math.min(chunk.length - from, length - filled);
      out.set(chunk.subarray(from, from + take), filled);
      filled += take;
      const used = from + take;
      this.pending = used < chunk.length ? chunk.subarray(used) : null;
      this.position = chunkStart + used;
    }
    return out;
  }
}
