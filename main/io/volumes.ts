/**
 * One entry point for label and image volumes. `VOLUME_FORMATS` is the table of volume formats
 * (as NiiVue's `ImageReaders/` each return one parsed type, here a `VolumeSource`): each entry says
 * how it is recognised on disk (a folder with zarr metadata, a file's first bytes), which file
 * extensions it goes by, and how to open and list it. The file extension is used only to choose
 * whose error message a user sees when the content matches nothing. The readers (`zarr/`, `hdf5/`,
 * `tiff/`) sit below this module and share `volume/`; neither imports it.
 */
import { open as openFile, readdir } from 'node:fs/promises';
import { extname } from 'node:path';
import { FormatError, fileAccessError } from '../errors.js';
import { listHdf5Datasets, openHdf5 } from './hdf5/reader.js';
import { assertReadableSource } from './source-file.js';
import { listTiffStack, openTiff } from './tiff/reader.js';
import type { DatasetEntry, VolumeSource } from './volume/source.js';
import { listZarrArrays, openZarr } from './zarr/reader.js';
import { METADATA_KEYS } from './zarr/store.js';

export * from './volume/index.js';

export type VolumeFormat = 'zarr' | 'zarr-zip' | 'hdf5' | 'tiff';

export interface VolumeOpenOptions {
  /**
   * For formats read by slabs (HDF5, TIFF): the most bytes one read, and one block that
   * `forEachChunk` visits, holds (default 32 MiB). Zarr blocks are its chunks.
   */
  maxBlockBytes?: number;
}

/** One volume format, as `detectVolumeFormat` recognises it and `openVolume`/`listDatasets` read it. */
export interface VolumeReader {
  readonly id: VolumeFormat;
  /** How the "expected …" message names it. */
  readonly label: string;
  /** For a format stored as a folder: whether the folder (its entry names) holds one. */
  readonly folder?: (path: string, names: readonly string[]) => boolean;
  /** For a format stored as a file: the byte prefixes it starts with (at most `HEAD_BYTES` long). */
  readonly signatures?: readonly (readonly number[])[];
  /** Lower-case file extensions that pick this reader's error message when no signature matches. */
  readonly extensions?: readonly string[];
  open(file: string, dataset: string | undefined, options: VolumeOpenOptions): Promise<VolumeSource>;
  list(file: string): Promise<DatasetEntry[]>;
}

const HEAD_BYTES = 8;

/** In the order signatures are tried. */
export const VOLUME_FORMATS: readonly VolumeReader[] = Object.freeze([
  {
    id: 'zarr',
    label: 'a zarr folder',
    folder: (path, names) => names.some((name) => (METADATA_KEYS as readonly string[]).includes(name)) || /\.zarr\/?$/i.test(path),
    open: (file, dataset) => openZarr(file, dataset),
    list: listZarrArrays,
  },
  {
    id: 'zarr-zip',
    label: 'a zipped zarr (.zip)',
    signatures: [[0x50, 0x4b, 0x03, 0x04], [0x50, 0x4b, 0x05, 0x06]],
    extensions: ['.zip'],
    open: (file, dataset) => openZarr(file, dataset),
    list: listZarrArrays,
  },
  {
    id: 'hdf5',
    label: 'HDF5 (.h5/.hdf/.hdf5)',
    signatures: [[0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]],
    extensions: ['.h5', '.hdf', '.hdf5'],
    open: (file, dataset, options) => openHdf5(file, dataset, options),
    list: listHdf5Datasets,
  },
  {
    id: 'tiff',
    label: 'TIFF (.tif/.tiff)',
    // Classic TIFF, then BigTIFF, in both byte orders.
    signatures: [[0x49, 0x49, 0x2a, 0x00], [0x4d, 0x4d, 0x00, 0x2a], [0x49, 0x49, 0x2b, 0x00], [0x4d, 0x4d, 0x00, 0x2b]],
    extensions: ['.tif', '.tiff'],
    open: (file, _dataset, options) => openTiff(file, options),
    list: listTiffStack,
  },
] satisfies VolumeReader[]);

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((byte, i) => bytes[i] === byte);

const FOLDER_MISMATCH = 'folder is not a zarr store (no .zgroup, .zarray or zarr.json in it)';

const labels = VOLUME_FORMATS.map((format) => format.label);
const FILE_MISMATCH = `not a volume this reader knows: expected ${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}`;

async function detect(file: string): Promise<VolumeReader> {
  // A folder (zarr) or a regular file; a FIFO or device is refused before open() could block on it.
  if (assertReadableSource(file, { allowDirectory: true }) === 'folder') {
    const names = await readdir(file).catch((error: unknown) => {
      throw fileAccessError(file, error);
    });
    const format = VOLUME_FORMATS.find((candidate) => candidate.folder?.(file, names));
    if (format) return format;
    throw new FormatError(file, FOLDER_MISMATCH);
  }
  const head = new Uint8Array(HEAD_BYTES);
  const handle = await openFile(file, 'r').catch((error: unknown) => {
    throw fileAccessError(file, error);
  });
  try {
    await handle.read(head, 0, HEAD_BYTES, 0);
  } finally {
    await handle.close();
  }
  const bySignature = VOLUME_FORMATS.find((format) => format.signatures?.some((signature) => startsWith(head, signature)));
  if (bySignature) return bySignature;
  const extension = extname(file).toLowerCase();
  const byExtension = VOLUME_FORMATS.find((format) => format.extensions?.includes(extension));
  if (byExtension) return byExtension; // its reader says what is wrong (an HDF5 user block, a damaged header…)
  throw new FormatError(file, FILE_MISMATCH, undefined, 0);
}

/** The format of `file` (a zarr folder, or a file by its first bytes, else by its extension). */
export async function detectVolumeFormat(file: string): Promise<VolumeFormat> {
  return (await detect(file)).id;
}

/**
 * Opens array `dataset` of `file`. Zarr and HDF5 name arrays by path (`volumes/gt_instances`);
 * without one, the file must hold exactly one. A TIFF holds one stack: `dataset` is ignored, so
 * callers can pass the same dataset parameter whatever the format of the file.
 */
export async function openVolume(file: string, dataset?: string, options: VolumeOpenOptions = {}): Promise<VolumeSource> {
  return (await detect(file)).open(file, dataset, options);
}

/** The arrays of a file or store, with their shapes and element types. */
export async function listDatasets(file: string): Promise<DatasetEntry[]> {
  return (await detect(file)).list(file);
}
