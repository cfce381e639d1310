/**
 * An open NIfTI image with random access by volume. An uncompressed .nii is read with positioned
 * reads of exactly one volume's bytes; a .nii.gz through a GzipCursor that inflates only as far as
 * needed and continues from where the last read stopped, with the last volumes decoded kept in a
 * VolumeCache (going back in a gzip stream means inflating it again from the start).
 *
 * Full reads are built for throughput (issue #18: at least nibabel's get_fdata). A .nii is read
 * synchronously in 1 MiB pieces into one scratch buffer, each converted into the output right after
 * its read while it is still in the cache, so the output is written once, in order (first touches
 * of fresh memory cost more than the conversion here: see bench/nifti.bench.ts). This took 8–19%
 * less CPU time than reading into the output's tail and converting in place, with or without huge
 * pages (measured in one process, orders rotated). A .nii.gz is inflated straight into the end of
 * the output Float32Array and converted where it lies (decodeInPlace), piece by piece as it arrives,
 * so the conversion of one piece overlaps the inflation of the next on the thread pool. Reads of a
 * .nii stay synchronous, open and close included: a read from the page cache takes less than the
 * thread-pool hop it would wait for on a busy machine. (Measured and dropped: reading the next piece
 * of a .nii on the thread pool while this thread converts the last, which with huge pages lost by
 * the wake-ups it waits for on a loaded machine; inflating a whole .nii.gz in one zlib call, no
 * faster, and it holds the compressed and the inflated file in memory at once.)
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FormatError, fileAccessError } from '../../errors.js';
import { checkAllocation, rethrowIfOutOfMemory } from '../allocation.js';
import { assertReadableSource } from '../source-file.js';
import { decodeInPlace, decodeVoxels, inPlaceOffset, isRgb } from './datatypes.js';
import { GzipCursor } from './gzip-cursor.js';
import { MAX_HEADER_BYTES, parseHeader, type NiftiLayout } from './header.js';
import { VolumeCache } from './volume-cache.js';
import type { NiftiHeader, NiftiImage } from './types.js';

/** Where the bytes come from: positioned reads of a file, or a decompressing cursor. */
interface ByteSource {
  /** Fills `target` with the bytes from `start`; a FormatError naming `what` when the data ends first. */
  readInto(target: Uint8Array, start: number, what: string): Promise<void>;
  close(): Promise<void>;
}

/** Decoded volumes a .nii.gz keeps for going back (see VolumeCache). */
const GZIP_CACHE_BYTES = 64 * 1024 * 1024;

/** Stored bytes read, then converted, at a time by a full read (one gzip chunk: see GzipCursor). */
const PIECE_BYTES = 1024 * 1024;

/** Bytes of 8-byte voxels (float64, int64) converted per read: they do not fit in the output, so go through a scratch buffer. */
const SCRATCH_BYTES = 4 * 1024 * 1024;

const isGzip = (head: Uint8Array): boolean => head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;

/**
 * Closes the descriptor of a FileSource that was dropped without close() (what a FileHandle does
 * for itself when collected), so that a caller that forgets to close does not leak descriptors.
 */
const unclosed = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Already gone: nothing to release.
  }
});

/**
 * Positioned synchronous reads of the descriptor openNifti read the header with. Synchronous on
 * purpose, open and close included: a read from the page cache takes less than the thread-pool
 * hop an asynchronous one waits for, and on a busy machine each hop can wait milliseconds (the
 * open and close hops of a full read of a 26 MB .nii cost up to 4 ms each, measured, against
 * ~10 ms for the read itself).
 */
class FileSource implements ByteSource {
  private fd: number | null;

  constructor(
    private readonly file: string,
    fd: number,
  ) {
    this.fd = fd;
    unclosed.register(this, fd, this);
  }

  async readInto(out: Uint8Array, start: number, what: string): Promise<void> {
    const fd = this.fd;
    if (fd === null) throw new Error(`${this.file} was closed`);
    const length = out.length;
    let filled = 0;
    while (filled < length) {
      let got: number;
      try {
        got = readSync(fd, out, filled, length - filled, start + filled);
      } catch (error) {
        throw fileAccessError(this.file, error);
      }
      if (got === 0) {
        throw new FormatError(this.file, `the file ends at byte ${start + filled}, but ${what} needs bytes up to ${start + length} (truncated, or dim, datatype or vox_offset is wrong)`, 'dim');
      }
      filled += got;
    }
  }

  close(): Promise<void> {
    const fd = this.fd;
    if (fd === null) return Promise.resolve();
    this.fd = null;
    unclosed.unregister(this);
    try {
      closeSync(fd);
    } catch (error) {
      return Promise.reject(fileAccessError(this.file, error));
    }
    return Promise.resolve();
  }
}

class GzipSource implements ByteSource {
  constructor(readonly cursor: GzipCursor) {}
  readInto(target: Uint8Array, start: number, what: string): Promise<void> {
    return this.cursor.readInto(target, start, what);
  }
  close(): Promise<void> {
    this.cursor.close();
    return Promise.resolve();
  }
}

class OpenNifti implements NiftiImage {
  readonly header: NiftiHeader;
  readonly spatialDims: [number, number, number];
  readonly volumeCount: number;
  private readonly cache: VolumeCache;
  private closed = false;

  constructor(
    private readonly layout: NiftiLayout,
    private readonly source: ByteSource,
  ) {
    this.header = layout.header;
    this.spatialDims = layout.spatialDims;
    this.volumeCount = layout.volumeCount;
    // Positioned reads of a .nii are cheap: no cache. A .nii.gz keeps up to 64 MiB of volumes.
    this.cache = new VolumeCache(layout.header.compressed ? GZIP_CACHE_BYTES : 0);
  }

  private refuseRgb(): void {
    if (isRgb(this.header.datatype)) {
      throw new FormatError(
        this.header.file,
        `${this.header.datatype} voxels hold a colour, not one value (Cajal reads the header of RGB images but not their voxels as numbers)`,
        'datatype',
      );
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`${this.header.file} was closed`);
  }

  async readVolume(t: number): Promise<Float32Array> {
    this.assertOpen();
    if (!Number.isInteger(t) || t < 0 || t >= this.volumeCount) {
      throw new RangeError(`volume ${t} does not exist in ${this.header.file} (${this.volumeCount} volume${this.volumeCount === 1 ? '' : 's'})`);
    }
    this.refuseRgb();
    const cached = this.cache.get(t);
    if (cached) return cached;
    const { bytesPerVolume, voxelsPerVolume, bytesPerVoxel, scaling } = this.layout;
    checkAllocation(this.header.file, [voxelsPerVolume], 4 + bytesPerVoxel, 'one volume');
    const out = new Float32Array(voxelsPerVolume);
    await this.readVoxels(out, this.header.voxOffset + t * bytesPerVolume, `volume ${t}`);
    this.cache.put(t, out);
    return out;
  }

  /** Reads the out.length voxels stored from byte `start` and converts them into `out`. */
  private async readVoxels(out: Float32Array, start: number, what: string): Promise<void> {
    const { bytesPerVoxel: bytes, scaling } = this.layout;
    const { datatype, littleEndian } = this.header;
    // A .nii goes through a cache-sized scratch buffer (below); a .nii.gz in place.
    const at = this.header.compressed ? inPlaceOffset(bytes, out.length) : null;
    if (at !== null) {
      // Piece by piece, each converted as soon as it is inflated: while a piece converts here, the
      // thread pool inflates the next.
      const tail = new Uint8Array(out.buffer, out.byteOffset + at, bytes * out.length);
      const perPiece = Math.max(1, Math.floor(PIECE_BYTES / bytes));
      for (let i = 0; i < out.length; i += perPiece) {
        const end = Math.min(out.length, i + perPiece);
        await this.source.readInto(tail.subarray(i * bytes, end * bytes), start + i * bytes, what);
        decodeInPlace(out, datatype, bytes, littleEndian, scaling, i, end);
      }
      return;
    }
    // The output is written once, in order, from a scratch buffer that stays in the cache between
    // its read and its conversion: for a .nii this costs less than reading into the output's tail
    // and converting in place (which writes half the output twice).
    const perRead = Math.max(1, Math.floor((this.header.compressed ? SCRATCH_BYTES : PIECE_BYTES) / bytes));
    const scratch = new Uint8Array(Math.min(perRead, out.length) * bytes);
    for (let i = 0; i < out.length; i += perRead) {
      const raw = scratch.subarray(0, Math.min(perRead, out.length - i) * bytes);
      await this.source.readInto(raw, start + i * bytes, what);
      decodeVoxels(raw, datatype, bytes, littleEndian, scaling, out, i);
    }
  }

  async readAll(): Promise<Float32Array> {
    this.assertOpen();
    this.refuseRgb();
    const count = this.layout.voxelsPerVolume * this.volumeCount;
    checkAllocation(this.header.file, [count], 4, 'all volumes');
    let out: Float32Array;
    try {
      out = new Float32Array(count);
    } catch (error) {
      rethrowIfOutOfMemory(error, this.header.file, 'all volumes');
      throw error;
    }
    // One pass in pieces: the stored bytes in memory beyond the output never exceed one piece.
    await this.readVoxels(out, this.header.voxOffset, 'the image');
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    await this.source.close();
  }
}

/** A descriptor for reading `path`, or the FileAccessError that names why not. */
function openForReading(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    throw fileAccessError(path, error);
  }
}

/**
 * The first bytes of the file open as `fd` (fewer when it is shorter) and its size. Synchronous on
 * purpose: a 540-byte read takes microseconds, and on a busy machine every hop through the thread
 * pool can wait milliseconds, which the time to the first volume would pay three times over.
 */
function readHead(path: string, fd: number, length: number): { head: Uint8Array; size: number } {
  try {
    const head = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const got = readSync(fd, head, filled, length - filled, filled);
      if (got === 0) break;
      filled += got;
    }
    return { head: head.subarray(0, filled), size: fstatSync(fd).size };
  } catch (error) {
    throw fileAccessError(path, error);
  }
}

/**
 * Opens a .nii or .nii.gz (recognised by content, not by name) and parses its header. For an
 * uncompressed file the voxel data must fit the file (checked here); for a gzip file that is only
 * known while inflating, so a short stream surfaces on the read that needs the missing bytes.
 */
export async function openNifti(path: string): Promise<NiftiImage> {
  assertReadableSource(path);
  // One descriptor from the header to close() for an uncompressed file (no second open).
  const fd = openForReading(path);
  let keepOpen = false;
  try {
    const { head, size } = readHead(path, fd, MAX_HEADER_BYTES);
    if (isGzip(head)) return await openGzip(path);
    const layout = parseHeader(path, head, false);
    const { voxOffset } = layout.header;
    const needed = voxOffset + layout.bytesPerVolume * layout.volumeCount;
    if (voxOffset > size) {
      throw new FormatError(path, `vox_offset is ${voxOffset}, past the end of the file (${size} bytes)`, 'vox_offset');
    }
    if (needed > size) {
      throw new FormatError(
        path,
        `dim ${layout.header.dims.join('×')} of ${layout.header.datatype} from vox_offset ${voxOffset} needs ${needed} bytes, but the file has ${size} (truncated, or dim/datatype/vox_offset is wrong)`,
        'dim',
      );
    }
    const image = new OpenNifti(layout, new FileSource(path, fd));
    keepOpen = true;
    return image;
  } finally {
    if (!keepOpen) closeSync(fd);
  }
}

/** A .nii.gz: its own stream of the file (GzipCursor), the header inflated from it. */
async function openGzip(path: string): Promise<NiftiImage> {
  const cursor = new GzipCursor(path);
  try {
    const header = await cursor.readUpTo(0, MAX_HEADER_BYTES);
    return new OpenNifti(parseHeader(path, header, true), new GzipSource(cursor));
  } catch (error) {
    cursor.close();
    throw error;
  }
}

/** The header only (the file is closed again). */
export async function readNiftiHeader(path: string): Promise<NiftiHeader> {
  const image = await openNifti(path);
  await image.close();
  return image.header;
}
