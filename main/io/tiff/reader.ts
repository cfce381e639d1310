/**
 * 3D TIFF stacks: one page per z slice, grayscale, through geotiff (maintained, reads local files
 * with positioned reads, every TIFF compression Fiji and tifffile write: none, LZW, deflate,
 * PackBits, zstd…). utif was the other candidate; it decodes from one in-memory buffer of the whole
 * file, which a multi-gigabyte stack cannot afford.
 *
 * Opening parses every page's directory to check that the pages form one stack (same size and
 * element type). ImageJ hyperstacks with several channels or time points interleave them in the
 * page order; they are refused rather than read as a wrong z axis.
 */
import { stat } from 'node:fs/promises';
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
    const pages: GeoTIFFImage[] = [];
    try {
      const count = await tiff.getImageCount();
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
        try {
          raster = await pages[z0 + z]!.readRasters({ window: [x0, y0, x0 + width, y0 + height], samples: [0], interleave: true });
        } catch (error) {
          throw new FormatError(file, `page ${z0 + z} cannot be decoded (${messageOf(error)}); the file is truncated or corrupt`, `page ${z0 + z}`);
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
