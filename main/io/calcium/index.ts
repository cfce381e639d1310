/**
 * Calcium-imaging recordings: Suite2p folders, NWB files, Flavell-lab (and plain) HDF5, and CSV
 * matrices, each read into one `CalciumRecording` (cells × frames traces plus what the file says
 * about the cells and the timing). `readCalcium` decides the format by content, never by name.
 */
import { stat } from 'node:fs/promises';
import { FormatError, UserError, fileAccessError } from '../../errors.js';
import { rethrowIfOutOfMemory } from '../allocation.js';
import { readCalciumCsv } from './csv.js';
import { readFlavellHdf5, readGenericHdf5, isFlavell, type Hdf5CalciumOptions } from './flavell-hdf5.js';
import { hasHdf5Signature, openH5 } from './h5.js';
import { isNwb, readNwb } from './nwb.js';
import { hasNpyMagic, looksLikeDelimitedText, readHead, sniffCalcium } from './sniff.js';
import { readSuite2p } from './suite2p.js';
import type { CalciumFormat, CalciumRecording } from './types.js';

export type { BehaviourTrace, CalciumFormat, CalciumRecording, TraceKind } from './types.js';
export { sniffCalcium } from './sniff.js';
export { userFrameRate, withStoredFrameRate } from './stored-rate.js';
export { FLAVELL_TRACES } from './flavell-hdf5.js';

export interface ReadCalciumOptions extends Hdf5CalciumOptions {
  /**
   * Which traces to read where a file has several: a Flavell gcamp dataset (`trace_array`…), an
   * NWB RoiResponseSeries path (or its last part), or the 2-D dataset of a plain HDF5 file.
   */
  dataset?: string;
  /** A NeuroPAL labels CSV for a Flavell-lab file (default: the sibling `neuropal_labels_csv/…`). */
  labels?: string;
}

const SNIFF_BYTES = 4096;

/**
 * The format at `path` as `readCalcium` will read it: like `sniffCalcium`, but HDF5 files are
 * opened to tell NWB (root attributes or RoiResponseSeries) from plain HDF5 exactly. A file with
 * the HDF5 signature that HDF5 cannot open is a FormatError ("truncated or corrupt HDF5 file"),
 * not null: null would have it reported as an unrecognised format.
 */
export async function detectCalcium(path: string): Promise<CalciumFormat | null> {
  const sniffed = sniffCalcium(path);
  if (sniffed !== 'nwb' && sniffed !== 'calcium-hdf5') return sniffed;
  try {
    const h5 = await openH5(path);
    try {
      return isNwb(h5) ? 'nwb' : 'calcium-hdf5';
    } finally {
      h5.close();
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    return null;
  }
}

async function readHdf5Calcium(file: string, options: ReadCalciumOptions): Promise<CalciumRecording> {
  const h5 = await openH5(file);
  try {
    if (isNwb(h5)) {
      const recording = await readNwb(file, h5, options);
      if (options.labels) recording.warnings.push(`option "labels" applies to Flavell-lab files; ignored for NWB`);
      return recording;
    }
    if (isFlavell(h5)) return await readFlavellHdf5(file, h5, options);
    return await readGenericHdf5(file, h5, options);
  } catch (error) {
    // h5wasm reports damage inside a file (a broken object header, a bad heap) as plain Errors;
    // running out of wasm memory is none of that.
    if (error instanceof UserError) throw error;
    rethrowIfOutOfMemory(error, file, 'HDF5 datasets');
    throw new FormatError(file, `the HDF5 file cannot be read (${error instanceof Error ? error.message : String(error)}); it may be corrupt`);
  } finally {
    h5.close();
  }
}

/** Reads the calcium recording at `path` (a Suite2p folder, or an NWB / HDF5 / CSV file). */
export async function readCalcium(path: string, options: ReadCalciumOptions = {}): Promise<CalciumRecording> {
  try {
    return await readCalciumAt(path, options);
  } catch (error) {
    // Out of memory (V8 or a wasm heap) is an error for the user, never an "internal error".
    rethrowIfOutOfMemory(error, path, 'calcium recording');
    throw error;
  }
}

async function readCalciumAt(path: string, options: ReadCalciumOptions): Promise<CalciumRecording> {
  let kind;
  try {
    kind = await stat(path);
  } catch (error) {
    throw fileAccessError(path, error);
  }
  const ignored = (format: string): string[] =>
    (['dataset', 'labels'] as const).filter((key) => options[key] !== undefined).map((key) => `option "${key}" does not apply to ${format}; ignored`);
  if (kind.isDirectory()) {
    const recording = await readSuite2p(path);
    recording.warnings.push(...ignored('Suite2p folders'));
    return recording;
  }
  const head = readHead(path, SNIFF_BYTES);
  if (!head) throw fileAccessError(path, new Error('cannot be read'));
  if (hasHdf5Signature(head)) return readHdf5Calcium(path, options);
  if (hasNpyMagic(head)) {
    throw new FormatError(path, 'a lone .npy file is not a recording: open the Suite2p plane folder that holds F.npy (with Fneu.npy, iscell.npy…)');
  }
  if (looksLikeDelimitedText(head)) {
    const recording = await readCalciumCsv(path);
    recording.warnings.push(...ignored('CSV files'));
    return recording;
  }
  throw new FormatError(
    path,
    'not a calcium recording Cajal reads (a Suite2p folder, an NWB or HDF5 file, or a CSV matrix of cells × frames)',
    undefined,
    0,
  );
}
