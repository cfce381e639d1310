/**
 * TIFF stacks written here (main/io/tiff/write.ts, checked once against Pillow) and read back:
 * every label dtype, deflate, regions, page-slab visits, and damaged files: pages that do not form
 * one stack, RGB pages, hyperstacks, a strip that does not inflate, a cut-off file. Minimal TIFFs
 * built byte by byte (classic and BigTIFF, either byte order) for page chains that loop and LZW
 * strips without their end code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FileAccessError, FormatError } from '../../main/errors.js';
import { listTiffStack, openTiff, writeTiffStack } from '../../main/io/tiff/index.js';
import type { NdArray, VolumeArray, VolumeDtype } from '../../main/io/volume/types.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-tiff-');
afterAll(() => tmp.cleanup());

const SHAPE = [9, 13, 17];
const N = 9 * 13 * 17;

const ARRAYS: Record<VolumeDtype, (n: number) => VolumeArray> = {
  uint8: (n) => Uint8Array.from({ length: n }, (_, i) => (i * 7) % 256),
  uint16: (n) => Uint16Array.from({ length: n }, (_, i) => (i * 977) % 65536),
  uint32: (n) => Uint32Array.from({ length: n }, (_, i) => (i * 2654435761) % 4294967296),
  int8: (n) => Int8Array.from({ length: n }, (_, i) => ((i * 7) % 256) - 128),
  int16: (n) => Int16Array.from({ length: n }, (_, i) => ((i * 977) % 65536) - 32768),
  int32: (n) => Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -i * 1000 : i * 12345)),
  float32: (n) => Float32Array.from({ length: n }, (_, i) => i / 8 - 100),
  float64: (n) => Float64Array.from({ length: n }, (_, i) => Math.sqrt(i) - 3),
};

function regionOf(full: ArrayLike<number>, start: number[], extent: number[]): number[] {
  const out: number[] = [];
  for (let z = 0; z < extent[0]!; z++)
    for (let y = 0; y < extent[1]!; y++)
      for (let x = 0; x < extent[2]!; x++) out.push(full[((z + start[0]!) * SHAPE[1]! + y + start[1]!) * SHAPE[2]! + x + start[2]!]!);
  return out;
}

function writeStack(name: string, dtype: VolumeDtype, compression: 'none' | 'deflate' = 'none', description?: string): { file: string; data: VolumeArray } {
  const file = join(tmp.dir, name);
  const data = ARRAYS[dtype](N);
  writeTiffStack(file, { dtype, shape: SHAPE, data }, { compression, ...(description !== undefined ? { description } : {}) });
  return { file, data };
}

/** Offsets of each page's IFD, following the chain from the header. */
function ifdOffsets(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offsets: number[] = [];
  for (let offset = view.getUint32(4, true); offset !== 0; ) {
    offsets.push(offset);
    const count = view.getUint16(offset, true);
    offset = view.getUint32(offset + 2 + count * 12, true);
  }
  return offsets;
}

/** Sets an inline SHORT/LONG tag value in page `page`'s IFD. */
function patchTag(bytes: Uint8Array, page: number, tag: number, value: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = ifdOffsets(bytes)[page]!;
  const count = view.getUint16(offset, true);
  for (let i = 0; i < count; i++) {
    const at = offset + 2 + i * 12;
    if (view.getUint16(at, true) !== tag) continue;
    if (view.getUint16(at + 2, true) === 3) view.setUint16(at + 8, value, true);
    else view.setUint32(at + 8, value, true);
    return;
  }
  throw new Error(`tag ${tag} not in page ${page}`);
}

describe('TIFF stacks', () => {
  const cases = (Object.keys(ARRAYS) as VolumeDtype[]).flatMap((dtype) => (['none', 'deflate'] as const).map((c) => [dtype, c] as const));

  it.each(cases)('%s, %s: stack, regions and page-slab visits', async (dtype, compression) => {
    const { file, data } = writeStack(`${dtype}-${compression}.tif`, dtype, compression);
    const source = await openTiff(file);
    try {
      expect(source.info).toMatchObject({ file, dataset: '', dtype, shape: SHAPE });
      const all = await source.readAll();
      expect(all.data.constructor).toBe(data.constructor);
      expect(Array.from(all.data)).toEqual(Array.from(data));
      for (const [start, extent] of [
        [[0, 0, 0], [1, 1, 1]],
        [[2, 3, 4], [5, 6, 7]],
        [[8, 12, 16], [1, 1, 1]],
        [[1, 0, 0], [3, 13, 17]],
        [[0, 5, 0], [9, 0, 17]],
      ] as [number[], number[]][]) {
        const region = await source.readRegion(start, extent);
        expect(region.shape).toEqual(extent);
        expect(Array.from(region.data)).toEqual(regionOf(data, start, extent));
      }
    } finally {
      await source.close();
    }
  });

  it('visits pages in slabs within the byte bound, each voxel once', async () => {
    const { file, data } = writeStack('slabs.tif', 'uint16', 'deflate');
    // 3 pages of 13 × 17 × 2 bytes = 1 326 bytes fit in 1 400.
    const source = await openTiff(file, { maxBlockBytes: 1_400 });
    const origins: number[][] = [];
    const seen = new Uint8Array(N);
    await source.forEachChunk((origin, chunk: NdArray) => {
      origins.push([...origin]);
      const offset = origin[0]! * 13 * 17;
      chunk.data.forEach((value, i) => {
        seen[offset + i]!++;
        expect(value).toBe(data[offset + i]);
      });
    });
    expect(origins).toEqual([
      [0, 0, 0],
      [3, 0, 0],
      [6, 0, 0],
    ]);
    expect(seen.every((n) => n === 1)).toBe(true);
    // A region across slabs.
    expect(Array.from((await source.readRegion([2, 1, 1], [4, 3, 3])).data)).toEqual(regionOf(data, [2, 1, 1], [4, 3, 3]));
    await source.close();
  });

  it('keeps the image description, and lists the one stack', async () => {
    const { file, data } = writeStack('named.tiff', 'uint8', 'none', 'ImageJ=1.54f\nimages=9\nslices=9\n');
    const source = await openTiff(file);
    expect(source.info.dataset).toBe('');
    expect(source.info.attributes['ImageDescription']).toBe('ImageJ=1.54f\nimages=9\nslices=9\n');
    expect(Array.from((await source.readAll()).data)).toEqual(Array.from(data));
    await source.close();
    expect(await listTiffStack(file)).toEqual([{ dataset: '', shape: SHAPE, dtype: 'uint8' }]);
    // A short description sits inside its IFD entry.
    const short = writeStack('short.tif', 'uint8', 'none', 'abc');
    const s = await openTiff(short.file);
    expect(s.info.attributes['ImageDescription']).toBe('abc');
    await s.close();
  });

  it('reads a single page as a one-slice stack', async () => {
    const file = join(tmp.dir, 'page.tif');
    writeTiffStack(file, { dtype: 'uint16', shape: [4, 5], data: Uint16Array.from({ length: 20 }, (_, i) => i) });
    const source = await openTiff(file);
    expect(source.info.shape).toEqual([1, 4, 5]);
    expect(Array.from((await source.readAll()).data)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await source.close();
  });
});

describe('TIFF errors', () => {
  it('pages that do not form one stack', async () => {
    const { file } = writeStack('mixed.tif', 'uint8');
    const bytes = new Uint8Array(readFileSync(file));
    patchTag(bytes, 4, 256, 16); // ImageWidth of page 4
    writeFileSync(file, bytes);
    await expect(openTiff(file)).rejects.toThrow(/page 4 is 16×13, 1 sample\(s\) of 8 bits, sample format 1 but page 0 is 17×13.*do not form one stack/);
  });

  it('RGB pages, unsupported sample types and hyperstacks', async () => {
    const rgb = writeStack('rgb.tif', 'uint8');
    const bytes = new Uint8Array(readFileSync(rgb.file));
    patchTag(bytes, 0, 277, 3); // SamplesPerPixel
    writeFileSync(rgb.file, bytes);
    await expect(openTiff(rgb.file)).rejects.toThrow(/3 samples per pixel/);

    const odd = writeStack('odd.tif', 'uint16');
    const oddBytes = new Uint8Array(readFileSync(odd.file));
    for (let page = 0; page < 9; page++) patchTag(oddBytes, page, 339, 3); // 16-bit float
    writeFileSync(odd.file, oddBytes);
    await expect(openTiff(odd.file)).rejects.toThrow(/16-bit samples of sample format 3, which is not a supported volume type/);

    const hyper = writeStack('hyper.tif', 'uint8', 'none', 'ImageJ=1.54f\nimages=9\nchannels=3\nslices=3\nhyperstack=true\n');
    await expect(openTiff(hyper.file)).rejects.toThrow(/ImageJ hyperstack with channels=3/);
  });

  it('a strip that does not inflate names its page', async () => {
    const { file } = writeStack('bad-strip.tif', 'uint16', 'deflate');
    const bytes = new Uint8Array(readFileSync(file));
    const view = new DataView(bytes.buffer);
    // Page 2's strip offset and byte count (tags 273, 279) locate its data.
    const ifd = ifdOffsets(bytes)[2]!;
    let stripOffset = 0;
    let stripBytes = 0;
    for (let i = 0; i < view.getUint16(ifd, true); i++) {
      const at = ifd + 2 + i * 12;
      if (view.getUint16(at, true) === 273) stripOffset = view.getUint32(at + 8, true);
      if (view.getUint16(at, true) === 279) stripBytes = view.getUint32(at + 8, true);
    }
    for (let i = stripOffset + 2; i < stripOffset + stripBytes; i++) bytes[i] = 0xff;
    writeFileSync(file, bytes);
    const source = await openTiff(file);
    await expect(source.readRegion([0, 0, 0], [2, 13, 17])).resolves.toBeDefined();
    const error = await source.readAll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/page 2 cannot be decoded/);
    await source.close();
  });

  it('a cut-off file, a file that is not a TIFF, a missing file', async () => {
    const { file } = writeStack('cut.tif', 'uint8');
    const bytes = readFileSync(file);
    const cut = join(tmp.dir, 'cut-short.tif');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    await expect(openTiff(cut)).rejects.toThrow(/truncated or corrupt/);
    const cutEarly = join(tmp.dir, 'cut-early.tif');
    writeFileSync(cutEarly, bytes.subarray(0, 300));
    await expect(openTiff(cutEarly)).rejects.toThrow(FormatError);

    const text = join(tmp.dir, 'text.tif');
    writeFileSync(text, 'plain text, no TIFF header');
    await expect(openTiff(text)).rejects.toThrow(/not a readable TIFF file/);
    await expect(openTiff(join(tmp.dir, 'missing.tif'))).rejects.toThrow(FileAccessError);
  });
});

describe('page sizes checked before decoding (issue #15)', () => {
  it('pages whose size promises more than one pass can read are refused at open', async () => {
    const { file } = writeStack('wide.tif', 'uint8');
    const bytes = new Uint8Array(readFileSync(file));
    for (let page = 0; page < 9; page++) {
      patchTag(bytes, page, 256, 4_000_000_000); // ImageWidth
      patchTag(bytes, page, 278, 1); // RowsPerStrip: one row per strip, so 13 strips are needed
    }
    writeFileSync(file, bytes);
    const started = Date.now();
    await expect(openTiff(file)).rejects.toThrow(/field "ImageWidth": the stack is 9×13×4000000000 × 1 bytes = 436 GiB, more than the 64 GiB Cajal reads in one pass/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a strip past the end of the file, or too short for an uncompressed page, names the page', async () => {
    const { file } = writeStack('strips.tif', 'uint16');
    const original = new Uint8Array(readFileSync(file));

    const past = new Uint8Array(original);
    patchTag(past, 3, 273, original.length - 10); // StripOffsets of page 3: the strip runs past the end
    writeFileSync(file, past);
    let source = await openTiff(file);
    await expect(source.readRegion([0, 0, 0], [3, 13, 17])).resolves.toBeDefined();
    await expect(source.readAll()).rejects.toThrow(new RegExp(`^${file}: field "page 3": page 3: strip 0 lies at bytes ${original.length - 10}–\\d+ but the file ends at byte ${original.length}; the file is truncated or corrupt$`));
    await source.close();

    const short = new Uint8Array(original);
    patchTag(short, 5, 279, 100); // StripByteCounts of page 5: 100 of the 13 × 17 × 2 bytes
    writeFileSync(file, short);
    source = await openTiff(file);
    await expect(source.readAll()).rejects.toThrow(/field "page 5": page 5 is uncompressed 17×13 and needs 442 bytes, but its strips hold 100; the file is truncated or corrupt/);
    await source.close();
  });
});

interface RawTiffOptions {
  bigTiff: boolean;
  little: boolean;
  width: number;
  height: number;
  /** One uint8 strip per page, stored as given (compressed already when `compression` says so). */
  strips: Uint8Array[];
  compression?: number;
}

/**
 * A grayscale uint8 TIFF, one strip per page, each page's strip followed by its directory. Returns
 * the bytes, each directory's offset and where each next-IFD pointer lies (to make chains loop).
 */
function rawTiff(options: RawTiffOptions): { bytes: Uint8Array; ifds: number[]; nextAt: number[] } {
  const { bigTiff, little, width, height, strips } = options;
  const entryBytes = bigTiff ? 20 : 12;
  const entries: [tag: number, type: number, value: (strip: number, bytes: number) => number][] = [
    [256, 3, () => width],
    [257, 3, () => height],
    [258, 3, () => 8],
    [259, 3, () => options.compression ?? 1],
    [262, 3, () => 1],
    [273, 4, (strip) => strip],
    [277, 3, () => 1],
    [278, 3, () => height],
    [279, 4, (_, bytes) => bytes],
  ];
  const ifdBytes = (bigTiff ? 8 : 2) + entries.length * entryBytes + (bigTiff ? 8 : 4);
  const size = (bigTiff ? 16 : 8) + strips.reduce((n, strip) => n + strip.length + (strip.length % 2) + ifdBytes, 0);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const offset = (at: number, value: number): void => (bigTiff ? view.setBigUint64(at, BigInt(value), little) : view.setUint32(at, value, little));
  bytes.set(little ? [0x49, 0x49] : [0x4d, 0x4d]);
  view.setUint16(2, bigTiff ? 43 : 42, little);
  if (bigTiff) view.setUint16(4, 8, little);
  const headerPointer = bigTiff ? 8 : 4;
  let at = bigTiff ? 16 : 8;
  const ifds: number[] = [];
  const nextAt: number[] = [];
  strips.forEach((strip, page) => {
    const stripAt = at;
    bytes.set(strip, at);
    at += strip.length + (strip.length % 2); // directories start on a word boundary
    ifds.push(at);
    offset(page === 0 ? headerPointer : nextAt[page - 1]!, at);
    if (bigTiff) view.setBigUint64(at, BigInt(entries.length), little);
    else view.setUint16(at, entries.length, little);
    entries.forEach(([tag, type, value], k) => {
      const entry = at + (bigTiff ? 8 : 2) + k * entryBytes;
      view.setUint16(entry, tag, little);
      view.setUint16(entry + 2, type, little);
      if (bigTiff) view.setBigUint64(entry + 4, 1n, little);
      else view.setUint32(entry + 4, 1, little);
      const valueAt = entry + (bigTiff ? 12 : 8);
      if (type === 3) view.setUint16(valueAt, value(stripAt, strip.length), little);
      else view.setUint32(valueAt, value(stripAt, strip.length), little);
    });
    nextAt.push(at + (bigTiff ? 8 : 2) + entries.length * entryBytes);
    at += ifdBytes; // the next pointer stays 0 until a next page sets it
  });
  return { bytes, ifds, nextAt };
}

const pagePixels = (page: number, count: number): Uint8Array => Uint8Array.from({ length: count }, (_, i) => (page * 50 + i * 3) % 256);

describe('page chains (issue #15)', () => {
  const layouts = [
    ['classic, little-endian', false, true],
    ['classic, big-endian', false, false],
    ['BigTIFF, little-endian', true, true],
    ['BigTIFF, big-endian', true, false],
  ] as const;

  it.each(layouts)('%s: the stack is read, and a chain that loops back is refused at once, naming the byte', async (name, bigTiff, little) => {
    const strips = [0, 1, 2, 3].map((page) => pagePixels(page, 6 * 5));
    const { bytes, ifds, nextAt } = rawTiff({ bigTiff, little, width: 6, height: 5, strips });
    const file = join(tmp.dir, `chain-${bigTiff ? 'big' : 'classic'}-${little ? 'le' : 'be'}.tif`);
    writeFileSync(file, bytes);
    const source = await openTiff(file);
    expect(source.info.shape).toEqual([4, 5, 6]);
    expect(Array.from((await source.readAll()).data)).toEqual(strips.flatMap((strip) => Array.from(strip)));
    await source.close();

    // The last page points back to the first (geotiff's getImageCount() never returned), or a page to itself.
    for (const [from, to] of [
      [3, 0],
      [2, 2],
    ] as const) {
      const looped = new Uint8Array(bytes);
      const view = new DataView(looped.buffer);
      if (bigTiff) view.setBigUint64(nextAt[from]!, BigInt(ifds[to]!), little);
      else view.setUint32(nextAt[from]!, ifds[to]!, little);
      writeFileSync(file, looped);
      const started = Date.now();
      const error = await openTiff(file).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(FormatError);
      expect((error as Error).message).toBe(
        `${file}: field "IFD" at byte ${ifds[to]}: page chain loops back to byte ${ifds[to]} (page ${from} points to the directory of page ${to}); the file is corrupt`,
      );
      await expect(listTiffStack(file)).rejects.toThrow(/page chain loops back/);
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });

  it('a next-page pointer past the end of the file is refused as truncated', async () => {
    const { bytes, nextAt } = rawTiff({ bigTiff: false, little: true, width: 4, height: 4, strips: [pagePixels(0, 16), pagePixels(1, 16)] });
    new DataView(bytes.buffer).setUint32(nextAt[1]!, bytes.length + 100, true);
    const file = join(tmp.dir, 'chain-past-end.tif');
    writeFileSync(file, bytes);
    await expect(openTiff(file)).rejects.toThrow(`the directory of page 2 lies at byte ${bytes.length + 100}, past the end of the file (${bytes.length} bytes); the file is truncated or corrupt`);
  });
});

/**
 * TIFF LZW (MSB first, 9-bit codes): each byte as a Clear code and a literal, so the code table
 * never grows; `end` adds the end-of-information code that geotiff's decoder looks for.
 */
function lzwLiterals(data: Uint8Array, end: boolean): Uint8Array {
  const codes = [...Array.from(data).flatMap((byte) => [256, byte]), ...(end ? [257] : [])];
  const out = new Uint8Array(Math.ceil((codes.length * 9) / 8));
  codes.forEach((code, k) => {
    for (let bit = 0; bit < 9; bit++) {
      if ((code >> (8 - bit)) & 1) out[(k * 9 + bit) >> 3]! |= 0x80 >> ((k * 9 + bit) & 7);
    }
  });
  return out;
}

describe('LZW strips without their end code (issue #15)', () => {
  it('a cut strip is one FormatError naming the page, with geotiff’s warning in it and nothing printed', async () => {
    const pixels = [0, 1, 2].map((page) => pagePixels(page, 8 * 6));
    const strips = [lzwLiterals(pixels[0]!, true), lzwLiterals(pixels[1]!.subarray(0, 20), false), lzwLiterals(pixels[2]!, true)];
    const file = join(tmp.dir, 'lzw-cut.tif');
    writeFileSync(file, rawTiff({ bigTiff: false, little: true, width: 8, height: 6, strips, compression: 5 }).bytes);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const source = await openTiff(file);
      expect(Array.from((await source.readRegion([0, 0, 0], [1, 6, 8])).data)).toEqual(Array.from(pixels[0]!));
      const error = await source.readAll().catch((e: unknown) => e);
      await source.close();
      expect(error).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(
        /^.*lzw-cut\.tif: field "page 1": page 1 cannot be decoded \(.*; ran off the end of the buffer before finding EOI_CODE \(end on input code\)\); the file is truncated or corrupt$/,
      );
      expect(warn).not.toHaveBeenCalled();
      // The console is restored once the decode is over: other warnings are printed again.
      console.warn('after');
      expect(warn).toHaveBeenCalledWith('after');
    } finally {
      warn.mockRestore();
    }
  });

  it('a whole strip without the end code decodes to its values, quietly', async () => {
    const pixels = [0, 1].map((page) => pagePixels(page, 8 * 6));
    const file = join(tmp.dir, 'lzw-no-eoi.tif');
    writeFileSync(file, rawTiff({ bigTiff: false, little: true, width: 8, height: 6, strips: pixels.map((p) => lzwLiterals(p, false)), compression: 5 }).bytes);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const source = await openTiff(file);
      expect(Array.from((await source.readAll()).data)).toEqual(pixels.flatMap((p) => Array.from(p)));
      await source.close();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
