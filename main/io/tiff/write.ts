/**
 * Multi-page TIFF writer for label and image stacks: one page per z slice, one strip per page,
 * grayscale, little-endian, uncompressed or deflate (zlib, TIFF compression 8). Used by tests and
 * to export volumes that Fiji/ImageJ, tifffile and napari open. Pages are written one at a time, so
 * a stack is never encoded whole in memory. Classic TIFF (32-bit offsets): files up to 4 GiB.
 */
import { writeSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { bytesPerVoxel } from '../volume/ndarray.js';
import { writeThroughTemporary } from '../write-target.js';
import type { NdArray, VolumeDtype } from '../volume/types.js';

export interface TiffWriteOptions {
  compression?: 'none' | 'deflate';
  /** ImageDescription of the first page (ASCII), e.g. ImageJ's `ImageJ=1.54f\nimages=…\nslices=…`. */
  description?: string;
}

// Tag ids and field types of TIFF 6.0.
const TAG = {
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  PhotometricInterpretation: 262,
  ImageDescription: 270,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfiguration: 284,
  SampleFormat: 339,
} as const;
const ASCII = 2;
const SHORT = 3;
const LONG = 4;

/** TIFF SampleFormat: 1 unsigned integer, 2 signed integer, 3 IEEE float. */
function sampleFormat(dtype: VolumeDtype): number {
  if (dtype.startsWith('uint')) return 1;
  if (dtype.startsWith('int')) return 2;
  return 3;
}

const MAX_OFFSET = 0xffffffff;

/**
 * Writes `volume` (ZYX, or YX for one page) to `file` as a multi-page TIFF. Written to a temporary
 * name and renamed, so a failed write leaves no partial file behind.
 */
export function writeTiffStack(file: string, volume: NdArray, options: TiffWriteOptions = {}): void {
  const { shape, dtype } = volume;
  if (shape.length !== 2 && shape.length !== 3) throw new RangeError(`a TIFF stack is ZYX or YX, got shape ${shape.join('×')}`);
  const [depth, height, width] = shape.length === 3 ? (shape as [number, number, number]) : [1, shape[0]!, shape[1]!];
  if (depth === 0 || height === 0 || width === 0) throw new RangeError(`cannot write an empty stack (${shape.join('×')})`);
  const compression = options.compression ?? 'none';
  const bytes = bytesPerVoxel(dtype);
  const pageValues = height * width;
  const raw = new Uint8Array(volume.data.buffer, volume.data.byteOffset, volume.data.byteLength);

  // Through a temporary renamed into place (io/write-target); `file` is replaced unchecked: callers
  // that write where a user pointed check it first.
  writeThroughTemporary(file, (fd) => {
    let position = 0;
    const write = (chunk: Uint8Array, at = position): void => {
      writeSync(fd, chunk, 0, chunk.length, at);
      if (at === position) position += chunk.length;
    };
    // Header: byte order, magic 42, offset of the first IFD (patched below).
    const header = new DataView(new ArrayBuffer(8));
    header.setUint16(0, 0x4949);
    header.setUint16(2, 42, true);
    write(new Uint8Array(header.buffer));
    let previousNextField = 4;

    for (let z = 0; z < depth; z++) {
      const page = raw.subarray(z * pageValues * bytes, (z + 1) * pageValues * bytes);
      const strip = compression === 'deflate' ? deflateSync(page) : page;
      const stripOffset = position;
      write(strip);
      if (position % 2) write(new Uint8Array(1)); // IFDs start on a word boundary
      // Entries are [tag, type, count, value or offset], sorted by tag as TIFF requires.
      const described: [number, number, number, number][] = [];
      let inlineText: Uint8Array | undefined; // a value of 4 bytes or less sits in the entry itself
      if (z === 0 && options.description !== undefined) {
        const text = new TextEncoder().encode(`${options.description}\0`);
        if (text.length <= 4) inlineText = text;
        described.push([TAG.ImageDescription, ASCII, text.length, text.length <= 4 ? 0 : position]);
        if (text.length > 4) write(text);
        if (position % 2) write(new Uint8Array(1));
      }

      const entries: [number, number, number, number][] = [
        [TAG.ImageWidth, LONG, 1, width],
        [TAG.ImageLength, LONG, 1, height],
        [TAG.BitsPerSample, SHORT, 1, bytes * 8],
        [TAG.Compression, SHORT, 1, compression === 'deflate' ? 8 : 1],
        [TAG.PhotometricInterpretation, SHORT, 1, 1], // BlackIsZero
        ...described,
        [TAG.StripOffsets, LONG, 1, stripOffset],
        [TAG.SamplesPerPixel, SHORT, 1, 1],
        [TAG.RowsPerStrip, LONG, 1, height],
        [TAG.StripByteCounts, LONG, 1, strip.length],
        [TAG.PlanarConfiguration, SHORT, 1, 1],
        [TAG.SampleFormat, SHORT, 1, sampleFormat(dtype)],
      ];
      const ifdOffset = position;
      if (ifdOffset + 2 + entries.length * 12 + 4 > MAX_OFFSET) throw new RangeError(`${file}: stack exceeds the 4 GiB of a classic TIFF`);
      const ifd = new DataView(new ArrayBuffer(2 + entries.length * 12 + 4));
      ifd.setUint16(0, entries.length, true);
      entries.forEach(([tag, type, count, value], i) => {
        const at = 2 + i * 12;
        ifd.setUint16(at, tag, true);
        ifd.setUint16(at + 2, type, true);
        ifd.setUint32(at + 4, count, true);
        if (type === ASCII && inlineText) inlineText.forEach((byte, k) => ifd.setUint8(at + 8 + k, byte));
        else if (type === SHORT) ifd.setUint16(at + 8, value, true);
        else ifd.setUint32(at + 8, value, true);
      });
      // Next-IFD offset stays 0 here; the next page patches it.
      const pointer = new DataView(new ArrayBuffer(4));
      pointer.setUint32(0, ifdOffset, true);
      write(new Uint8Array(pointer.buffer), previousNextField);
      write(new Uint8Array(ifd.buffer));
      previousNextField = ifdOffset + 2 + entries.length * 12;
    }
  }, { replace: true });
}
