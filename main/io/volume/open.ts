/**
 * One entry point for label and image volumes: picks the reader from what is on disk (a folder
 * with zarr metadata, a zip, an HDF5 or TIFF signature) and falls back to the file extension only
 * to choose whose error message a user sees when the content matches nothing.
 */
import { open as openFile, readdir } from 'node:fs/promises';
import { extname } from 'node:path';
import { FormatError, fileAccessError } from '../../errors.js';
import { assertReadableSource } from '../source-file.js';
import { listHdf5Datasets, openHdf5 } from '../hdf5/reader.js';
import { listTiffStack, openTiff } from '../tiff/reader.js';
import { listZarrArrays, openZarr } from '../zarr/reader.js';
import { METADATA_KEYS } from '../zarr/store.js';
import type { DatasetEntry, VolumeSource } from './source.js';

export type VolumeFormat = 'zarr' | 'zarr-zip' | 'hdf5' | 'tiff';

const EXTENSIONS: Record<string, VolumeFormat> = {
  '.zip': 'zarr-zip',
  '.hdf': 'hdf5',
  '.h5': 'hdf5',
  '.hdf5': 'hdf5',
  '.tif': 'tiff',
  '.tiff': 'tiff',
};

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((byte, i) => bytes[i] === byte);

/** The format of `file` (a zarr folder, or a file by its first bytes, else by its extension). */
export async function detectVolumeFormat(file: string): Promise<VolumeFormat> {
  // A folder (zarr) or a regular file; a FIFO or device is refused before open() could block on it.
  const isDirectory = assertReadableSource(file, { allowDirectory: true }) === 'folder';
  if (isDirectory) {
    const names = await readdir(file).catch((error: unknown) => {
      throw fileAccessError(file, error);
    });
    if (names.some((name) => (METADATA_KEYS as readonly string[]).includes(name)) || /\.zarr\/?$/i.test(file)) return 'zarr';
    throw new FormatError(file, 'folder is not a zarr store (no .zgroup, .zarray or zarr.json in it)');
  }
  const head = new Uint8Array(8);
  const handle = await openFile(file, 'r').catch((error: unknown) => {
    throw fileAccessError(file, error);
  });
  try {
    await handle.read(head, 0, 8, 0);
  } finally {
    await handle.close();
  }
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'zarr-zip';
  if (startsWith(head, [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])) return 'hdf5';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(head, [0x49, 0x49, 0x2b, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff'; // BigTIFF
  const byExtension = EXTENSIONS[extname(file).toLowerCase()];
  if (byExtension) return byExtension; // its reader says what is wrong (an HDF5 user block, a damaged header…)
  throw new FormatError(
    file,
    'not a volume this reader knows: expected a zarr folder, a zipped zarr (.zip), HDF5 (.h5/.hdf/.hdf5) or TIFF (.tif/.tiff)',
    undefined,
    0,
  );
}

export interface VolumeOpenOptions {
  /**
   * For formats read by slabs (HDF5, TIFF): the most bytes one read, and one block that
   * `forEachChunk` visits, holds (default 32 MiB). Zarr blocks are its chunks.
   */
  maxBlockBytes?: number;
}

/**
 * Opens array `dataset` of `file`. Zarr and HDF5 name arrays by path (`volumes/gt_instances`);
 * without one, the file must hold exactly one. A TIFF holds one stack: `dataset` is ignored, so
 * callers can pass the same dataset parameter whatever the format of the file.
 */
export async function openVolume(file: string, dataset?: string, options: VolumeOpenOptions = {}): Promise<VolumeSource> {
  switch (await detectVolumeFormat(file)) {
    case 'zarr':
    case 'zarr-zip':
      return openZarr(file, dataset);
    case 'hdf5':
      return openHdf5(file, dataset, options);
    case 'tiff':
      return openTiff(file, options);
  }
}

/** The arrays of a file or store, with their shapes and element types. */
export async function listDatasets(file: string): Promise<DatasetEntry[]> {
  switch (await detectVolumeFormat(file)) {
    case 'zarr':
    case 'zarr-zip':
      return listZarrArrays(file);
    case 'hdf5':
      return listHdf5Datasets(file);
    case 'tiff':
      return listTiffStack(file);
  }
}
