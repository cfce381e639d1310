/**
 * 3D TIFF stacks: one page per z slice, grayscale, through geotiff (maintained, reads local files
 * with positioned reads, every TIFF compression Fiji and tifffile write: none, LZW, deflate,
 * PackBits, zstd…). utif was the other candidate; it decodes from one in-memory buffer of the whole
 * file, which a multi-gigabyte stack cannot afford.
 *
 * Opening walks the chain of page directories (IFDs) itself first, with a visited set: geotiff's
 * getImageCount() follows next-IFD pointers until one is 0, so a chain that loops back never ends.
 * Then it parses every page's directory to check that the pages form one stack (same size and
 * element type). ImageJ hyperstacks with several channels or time points interleave them in the
 * page order; they are refused rather than read as a wrong z axis.
 *
 * geotiff's LZW decoder warns on the console (and returns what it has) when a strip ends before
 * its end-of-information code; decoding captures those warnings, so a page that then fails to
 * decode is one FormatError, with nothing else printed.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { fromFile, type GeoTIFF, type GeoTIFFImage } from 'geotiff';
import { FormatError } from '../../errors.js';
import { checkAllocation, checkStreamedSize } from '../allocation.js';
import { expectFile } from '../volume/file.js';
import { bytesPerVoxel, dtypeOf, slabShape, zeros } from '../volume/ndarray.js';
import { blockedSource, type DatasetEntry, type VolumeSource } from '../volume/source.js';
import type { DatasetInfo, VolumeDtype } from '../volume/types.js';

/** Upper bound of the pages read together for a chunk visit (32 MiB, as HDF5 slabs). */
export const PAGE_BLOCK_BYTES = 32 * 1024 * 1024;

interface PageLayout {
  width: number;
  height: number;
  samples: number;
  bits: number;
  format: number;
}

const describeLayout = (page: PageLayout): string =>
  `${page.width}×${page.height}, ${page.samples} sample(s) of ${page.bits} bits, sample format ${page.format}`;

function layoutOf(image: GeoTIFFImage): PageLayout {
  return {
    width: image.getWidth(),
    height: image.getHeight(),
    samples: image.getSamplesPerPixel(),
    bits: image.getBitsPerSample(0),
    // SampleFormat is optional in TIFF: absent means unsigned integer.
    format: image.getSampleFormat(0) ?? 1,
  };
}

/** TIFF (SampleFormat, BitsPerSample) as a dtype: 1 unsigned, 2 signed, 3 float. */
function dtypeOfLayout(page: PageLayout): VolumeDtype | undefined {
  const kind = page.format === 1 ? 'uint' : page.format === 2 ? 'int' : page.format === 3 ? 'float' : undefined;
  const name = kind ? `${kind}${page.bits}` : '';
  const supported: readonly VolumeDtype[] = ['uint8', 'uint16', 'uint32', 'int8', 'int16', 'int32', 'float32', 'float64'];
  return supported.find((dtype) => dtype === name);
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * At most this many pages. Without loops a chain is still bounded only by the file size (page
 * directories may overlap, one byte apart), and each page costs a parsed directory in memory.
 */
export const MAX_TIFF_PAGES = 1_000_000;

/** Positioned reads through one cached window: consecutive page directories usually lie together. */
class ByteWindow {
  private start = 0;
  private bytes = new Uint8Array(0);

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** `length` bytes at `offset` (the caller checks that they lie inside the file). */
  async view(offset: number, length: number): Promise<DataView> {
    if (offset < this.start || offset + length > this.start + this.bytes.length) {
      this.bytes = new Uint8Array(Math.min(Math.max(length, 64 * 1024), this.size - offset));
      this.start = offset;
      await this.handle.read(this.bytes, 0, this.bytes.length, offset);
    }
    return new DataView(this.bytes.buffer, offset - this.start, length);
  }
}

/** The warning lists of the geotiff calls in flight (several sources may decode at once). */
const warningSinks = new Set<string[]>();
let consoleWarn: typeof console.warn | null = null;

/** Whether the console.warn being made comes from geotiff's code (its frame is on the stack). */
const calledFromGeotiff = (): boolean => /[\\/]geotiff[\\/]/.test(new Error().stack ?? '');

/**
 * Runs `decode` (geotiff work) with geotiff's console warnings going to `warnings` instead of
 * stderr: its LZW decoder prints "ran off the end of the buffer…" for a cut strip, which a user
 * would see beside (or instead of) the reader's error. The console is patched while any such call
 * is in flight and restored after the last; warnings from other code pass through meanwhile.
 */
async function capturingGeotiffWarnings<T>(warnings: string[], decode: () => Promise<T>): Promise<T> {
  if (warningSinks.size === 0) {
    const original = console.warn;
    consoleWarn = original;
    console.warn = (...args: unknown[]): void => {
      if (!calledFromGeotiff()) return original.apply(console, args);
      for (const sink of warningSinks) sink.push(args.map(String).join(' '));
    };
  }
  const patched = console.warn;
  warningSinks.add(warnings);
  try {
    return await decode();
  } finally {
    warningSinks.delete(warnings);
    // Leave the console alone if someone else replaced console.warn meanwhile.
    if (warningSinks.size === 0 && consoleWarn) {
      if (console.warn === patched) console.warn = consoleWarn;
      consoleWarn = null;
    }
  }
}

interface ChainLayout {
  littleEndian: boolean;
  bigTiff: boolean;
  firstIFDOffset: number;
}

/**
 * Byte offsets of every page directory, following next-IFD pointers from the header (classic TIFF:
 * 2-byte entry count, 12-byte entries, 4-byte pointer; BigTIFF: 8, 20, 8). Refuses a chain that
 * loops back, one that runs past the end of the file, and one longer than MAX_TIFF_PAGES, so that
 * geotiff, which walks the same chain from the first page for every getImage(i), always stops.
 */
async function pageOffsets(file: string, layout: ChainLayout): Promise<number[]> {
  const { littleEndian, bigTiff } = layout;
  const countBytes = bigTiff ? 8 : 2;
  const entryBytes = bigTiff ? 20 : 12;
  const pointerBytes = bigTiff ? 8 : 4;
  // BigTIFF's 64-bit values past 2^53 lose precision as numbers, but they lie past any file's end too.
  const readCount = (view: DataView): number => (bigTiff ? Number(view.getBigUint64(0, littleEndian)) : view.getUint16(0, littleEndian));
  const readPointer = (view: DataView): number => (bigTiff ? Number(view.getBigUint64(0, littleEndian)) : view.getUint32(0, littleEndian));
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new FormatError(file, `not a readable TIFF file (${messageOf(error)})`, undefined, 0);
  }
  try {
    const window = new ByteWindow(handle, (await handle.stat()).size);
    const pageAt = new Map<number, number>();
    const offsets: number[] = [];
    for (let offset = layout.firstIFDOffset; offset !== 0; ) {
      const page = offsets.length;
      const seen = pageAt.get(offset);
      if (seen !== undefined) {
        throw new FormatError(file, `page chain loops back to byte ${offset} (page ${page - 1} points to the directory of page ${seen}); the file is corrupt`, 'IFD', offset);
      }
      if (page === MAX_TIFF_PAGES) {
        throw new FormatError(file, `the page chain goes on past ${MAX_TIFF_PAGES} pages; the file is corrupt (or a stack larger than Cajal reads)`, 'IFD', offset);
      }
      if (offset + countBytes > window.size) {
        throw new FormatError(file, `the directory of page ${page} lies at byte ${offset}, past the end of the file (${window.size} bytes); the file is truncated or corrupt`, 'IFD', offset);
      }
      const entries = readCount(await window.view(offset, countBytes));
      const pointerAt = offset + countBytes + entries * entryBytes;
      if (pointerAt + pointerBytes > window.size) {
        throw new FormatError(file, `the directory of page ${page} (${entries} entries from byte ${offset}) runs past the end of the file (${window.size} bytes); the file is truncated or corrupt`, 'IFD', offset);
      }
      pageAt.set(offset, page);
      offsets.push(offset);
      offset = readPointer(await window.view(pointerAt, pointerBytes));
    }
    if (offsets.length === 0) throw new FormatError(file, 'the header points to no page directory (first IFD offset 0): the file holds no image', 'IFD', bigTiff ? 8 : 4);
    return offsets;
  } finally {
    await handle.close();
  }
}

interface Stack {
  tiff: GeoTIFF;
  pages: GeoTIFFImage[];
  dtype: VolumeDtype;
  layout: PageLayout;
  description: string | undefined;
}

async function readStack(file: string): Promise<Stack> {
  await expectFile(file);
  let tiff: GeoTIFF;
  try {
    tiff = await fromFile(file);
  } catch (error) {
    throw new FormatError(file, `not a readable TIFF file (${messageOf(error)})`, undefined, 0);
  }
  try {
    // Not tiff.getImageCount(): it follows a looping chain forever. With the chain known to be
    // finite, getImage(i), which walks it from the first page, stops too.
    const count = (await pageOffsets(file, tiff)).length;
    const pages: GeoTIFFImage[] = [];
    try {
      for (let index = 0; index < count; index++) pages.push(await tiff.getImage(index));
    } catch (error) {
      throw new FormatError(file, `page directory ${pages.length} cannot be read (${messageOf(error)}); the file is truncated or corrupt`, 'IFD');
    }
    const first = layoutOf(pages[0]!);
    if (first.samples !== 1) {
      throw new FormatError(
        file,
        `pages have ${first.samples} samples per pixel (RGB or multi-channel); a volume stack needs grayscale pages`,
        'SamplesPerPixel',
      );
    }
    const dtype = dtypeOfLayout(first);
    if (!dtype) {
      throw new FormatError(
        file,
        `pages hold ${first.bits}-bit samples of sample format ${first.format}, which is not a supported volume type`,
        'BitsPerSample',
      );
    }
    pages.forEach((page, index) => {
      const layout = layoutOf(page);
      if (layout.width === 0 || layout.height === 0) {
        throw new FormatError(file, `page ${index} has no image size (its directory is incomplete); the file is truncated or corrupt`, 'IFD');
      }
      if (describeLayout(layout) !== describeLayout(first)) {
        throw new FormatError(
          file,
          `page ${index} is ${describeLayout(layout)} but page 0 is ${describeLayout(first)}; the pages do not form one stack`,
          'IFD',
        );
      }
    });
    let description: string | undefined;
    try {
      const value: unknown = await pages[0]!.getFileDirectory().loadValue('ImageDescription');
      // geotiff keeps the NUL that ends a TIFF ASCII value.
      description = typeof value === 'string' ? value.replace(/\0+$/, '') : undefined;
    } catch {
      description = undefined;
    }
    for (const match of (description ?? '').matchAll(/\b(channels|frames)=(\d+)/g)) {
      if (Number(match[2]) > 1) {
        throw new FormatError(
          file,
          `ImageJ hyperstack with ${match[1]}=${match[2]}: only single-channel, single-time-point stacks are read`,
          'ImageDescription',
        );
      }
    }
    return { tiff, pages, dtype, layout: first, description };
  } catch (error) {
    await tiff.close();
    throw error;
  }
}

/** A TIFF stack as a one-entry listing (the dataset name is empty: a TIFF holds one stack). */
export async function listTiffStack(file: string): Promise<DatasetEntry[]> {
  const stack = await readStack(file);
  await stack.tiff.close();
  return [{ dataset: '', shape: [stack.pages.length, stack.layout.height, stack.layout.width], dtype: stack.dtype }];
}

export interface TiffReadOptions {
  /** Upper bound of the pages read together for a chunk visit (default PAGE_BLOCK_BYTES). */
  maxBlockBytes?: number;
}

const asNumbers = (value: unknown): number[] =>
  typeof value === 'number' || typeof value === 'bigint' ? [Number(value)] : Array.from((value ?? []) as ArrayLike<number | bigint>, Number);

/**
 * Checks, before geotiff decodes page `index`, that its strips (or tiles) lie inside the file, that
 * uncompressed ones hold as many bytes as the page's size needs, and that one decoded strip fits in
 * memory. The page size comes from the directory: damaged, it would have geotiff read past the end
 * of the file (or allocate a strip of gigabytes) instead of saying what is wrong.
 */
async function checkPageStorage(file: string, page: GeoTIFFImage, index: number, fileSize: number, bytesPerSample: number): Promise<void> {
  const directory = page.getFileDirectory();
  const what = page.isTiled ? 'tile' : 'strip';
  let offsets: number[];
  let counts: number[];
  try {
    offsets = asNumbers(await directory.loadValue(page.isTiled ? 'TileOffsets' : 'StripOffsets'));
    counts = asNumbers(await directory.loadValue(page.isTiled ? 'TileByteCounts' : 'StripByteCounts'));
  } catch (error) {
    throw new FormatError(file, `page ${index}: the ${what} table cannot be read (${messageOf(error)}); the file is truncated or corrupt`, `page ${index}`);
  }
  const blockWidth = page.getTileWidth();
  const blockHeight = page.getTileHeight();
  const blocks = page.isTiled
    ? Math.ceil(page.getWidth() / Math.max(1, blockWidth)) * Math.ceil(page.getHeight() / Math.max(1, blockHeight))
    : Math.ceil(page.getHeight() / Math.max(1, blockHeight));
  if (offsets.length < blocks || counts.length < blocks) {
    throw new FormatError(file, `page ${index} needs ${blocks} ${what}s but its directory lists ${Math.min(offsets.length, counts.length)}; the file is truncated or corrupt`, `page ${index}`);
  }
  for (let i = 0; i < blocks; i++) {
    const end = offsets[i]! + counts[i]!;
    if (!Number.isFinite(end) || end > fileSize) {
      throw new FormatError(file, `page ${index}: ${what} ${i} lies at bytes ${offsets[i]}–${end} but the file ends at byte ${fileSize}; the file is truncated or corrupt`, `page ${index}`);
    }
  }
  checkAllocation(file, [blockHeight, blockWidth], bytesPerSample, `one ${what} of page ${index}`);
  const compression = directory.hasTag('Compression') ? Number(directory.getValue('Compression')) : 1;
  if (compression === 1) {
    const needed = page.isTiled ? blocks * blockWidth * blockHeight * bytesPerSample : page.getWidth() * page.getHeight() * bytesPerSample;
    const stored = counts.slice(0, blocks).reduce((a, b) => a + b, 0);
    if (stored < needed) {
      throw new FormatError(file, `page ${index} is uncompressed ${page.getWidth()}×${page.getHeight()} and needs ${needed} bytes, but its ${what}s hold ${stored}; the file is truncated or corrupt`, `page ${index}`);
    }
  }
}

/** Opens a multi-page TIFF as a ZYX volume (page = z). */
export async function openTiff(file: string, options: TiffReadOptions = {}): Promise<VolumeSource> {
  const { tiff, pages, dtype, layout, description } = await readStack(file);
  const shape = [pages.length, layout.height, layout.width];
  let fileSize: number;
  try {
    // Width × height × pages come from the directories: a damaged one could promise terabytes.
    checkStreamedSize(file, shape, bytesPerVoxel(dtype), 'the stack', 'ImageWidth');
    fileSize = (await stat(file)).size;
  } catch (error) {
    await tiff.close();
    throw error;
  }
  const checkedPages = new Set<number>();
  const info: DatasetInfo = {
    file,
    dataset: '',
    dtype,
    shape,
    attributes: description !== undefined ? { ImageDescription: description } : {},
  };
  return blockedSource({
    info,
    block: slabShape(shape, bytesPerVoxel(dtype), options.maxBlockBytes ?? PAGE_BLOCK_BYTES),
    async read(start, extent) {
      const [z0, y0, x0] = start as [number, number, number];
      const [depth, height, width] = extent as [number, number, number];
      const out = zeros(dtype, extent);
      const pageValues = height * width;
      for (let z = 0; z < depth; z++) {
        if (!checkedPages.has(z0 + z)) {
          await checkPageStorage(file, pages[z0 + z]!, z0 + z, fileSize, bytesPerVoxel(dtype));
          checkedPages.add(z0 + z);
        }
        let raster: unknown;
        const warnings: string[] = [];
        try {
          raster = await capturingGeotiffWarnings(warnings, () =>
            pages[z0 + z]!.readRasters({ window: [x0, y0, x0 + width, y0 + height], samples: [0], interleave: true }),
          );
        } catch (error) {
          // The decoder's warning (an LZW strip without its end code) says why the read then failed.
          const why = [messageOf(error), ...new Set(warnings)].join('; ');
          throw new FormatError(file, `page ${z0 + z} cannot be decoded (${why}); the file is truncated or corrupt`, `page ${z0 + z}`);
        }
        const values = raster as ArrayLike<number>;
        if (dtypeOf(raster) !== dtype || values.length !== pageValues) {
          const got = `${values.length} ${dtypeOf(raster) ?? 'unknown'} values`;
          throw new FormatError(file, `page ${z0 + z} decodes to ${got}, expected ${pageValues} ${dtype}`, `page ${z0 + z}`);
        }
        out.data.set(values, z * pageValues);
      }
      return out;
    },
    async close() {
      await tiff.close();
    },
  });
}
