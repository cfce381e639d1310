/**
 * Spike trains as labs save them with NumPy: `np.save('spikes.npy', trains)` of an object array
 * with one float vector of spike times (seconds) per cell. It is a pickle inside the .npy, read by
 * the restricted unpickler (io/calcium/pickle.ts: nothing is imported or called).
 *
 * The folder form (the retina data): `spikes.npy`, with `stimchanges.npy` (float seconds: the
 * event set "stimulus changes") and a cell-type table `cell_classification.txt` in the folder or
 * the one above (see cell-types.ts for how rows meet trains). Opening `spikes.npy` itself reads
 * the same parts beside it.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FormatError, UserError } from '../../errors.js';
import { isObjectDescr, npyToFloat64, readNpy, readNpyRaw, type NpyArray } from '../npy.js';
import { PyNdArray, pyItems, readPickle, type PyValue } from '../calcium/pickle.js';
import { describeTypes, readCellTypeTable } from './cell-types.js';
import { checkFinite, makeSpikeTrains } from './trains.js';
import { readHead } from '../calcium/sniff.js';
import type { ReadSpikes, SpikeEvents } from './types.js';

export const NPY_SPIKES_FILE = 'spikes.npy';
export const NPY_STIMULUS_FILE = 'stimchanges.npy';
export const CELL_TYPE_FILE = 'cell_classification.txt';

const isFile = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/** One spike train from a pickled item: a numeric ndarray (any shape, read flat) or a list of numbers. */
function trainOf(item: PyValue, file: string, index: number): Float64Array {
  if (item instanceof PyNdArray) {
    if (item.array) return Float64Array.from(npyToFloat64(item.array));
    throw new FormatError(file, `cell ${index}: ${item.undecoded ?? 'an array whose elements are not numbers'}`, `${basename(file)}[${index}]`);
  }
  if (Array.isArray(item) && item.every((v) => typeof v === 'number' || typeof v === 'bigint')) return Float64Array.from(item, Number);
  if (typeof item === 'number') return Float64Array.of(item);
  throw new FormatError(file, `cell ${index} is not a vector of spike times (found ${describe(item)})`, `${basename(file)}[${index}]`);
}

function describe(value: PyValue): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'a list of non-numbers';
  if (value instanceof Map) return 'a dict';
  if (typeof value === 'string') return 'a string';
  return typeof value === 'object' ? value.constructor.name : typeof value;
}

/** The per-cell trains of an object .npy (a FormatError when it is not one). */
export async function readTrainsNpy(file: string): Promise<Float64Array[]> {
  const { header, bytes } = await readNpyRaw(file);
  if (!isObjectDescr(header.descr)) {
    throw new FormatError(file, `expected an object array of per-cell spike-time vectors, found dtype ${header.descr} with shape (${header.shape.join(', ')})`, 'descr');
  }
  const value = readPickle(bytes.subarray(header.dataOffset), file, header.dataOffset);
  const items = pyItems(value);
  if (!items) throw new FormatError(file, 'the pickle does not hold a numpy object array');
  if (header.shape.length > 1) throw new FormatError(file, `expected a 1-D array of cells, found shape (${header.shape.join(', ')})`, 'shape');
  return items.map((item, i) => trainOf(item, file, i));
}

/**
 * True when `file` is a 1-D object .npy whose items are all numeric vectors (used to sniff a lone
 * file: Suite2p's stat.npy is an object array too, of dicts). With `headerOnly` (a folder's
 * `spikes.npy`, which names itself) the header's 1-D object dtype is enough: the reader then says
 * what is wrong with the items, and the 2.5 MB pickle is not unpickled twice per import.
 */
export async function looksLikeTrainsNpy(file: string, headerOnly = false): Promise<boolean> {
  // The header says whether it is an object array: a numeric .npy (Suite2p's F.npy…) is not read whole.
  const head = readHead(file, 4096);
  if (!head) return false;
  const header = new TextDecoder('latin1').decode(head.subarray(0, 1024));
  if (!/'descr':\s*'\|O'/.test(header) || !/'shape':\s*\(\s*[1-9]\d*\s*,\s*\)/.test(header)) return false;
  if (headerOnly) return true;
  try {
    await readTrainsNpy(file);
    return true;
  } catch (error) {
    if (error instanceof UserError) return false;
    throw error;
  }
}

/** The folder holding the parts: the folder itself, or the folder of a `spikes.npy` file. */
export function npyTrainsFolder(path: string): string | null {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) return isFile(join(path, NPY_SPIKES_FILE)) ? path : null;
  return null;
}

async function readEventsNpy(file: string): Promise<Float64Array> {
  const array: NpyArray = await readNpy(file);
  if (array.shape.length > 1 && array.shape.filter((n) => n > 1).length > 1) {
    throw new FormatError(file, `stimulus times must be a vector, found shape (${array.shape.join(', ')})`, 'shape');
  }
  const times = Float64Array.from(npyToFloat64(array));
  checkFinite(file, times, basename(file), 'stimulus times');
  return times;
}

/** Reads a `spikes.npy` folder, or an object .npy of spike trains (with the folder's parts when it is `spikes.npy`). */
export async function readNpySpikeTrains(path: string): Promise<ReadSpikes> {
  const folder = npyTrainsFolder(path);
  const file = folder ? join(folder, NPY_SPIKES_FILE) : path;
  const times = await readTrainsNpy(file);
  const warnings: string[] = [];
  const notes = [`${times.length} spike trains from ${basename(file)} (seconds)`];
  const partsFolder = folder ?? (basename(file) === NPY_SPIKES_FILE ? dirname(file) : null);
  const events: SpikeEvents[] = [];
  let unitIds = times.map((_, i) => String(i + 1));
  let cellTypes: (string | null)[] | undefined;
  if (partsFolder) {
    const stimulus = join(partsFolder, NPY_STIMULUS_FILE);
    if (isFile(stimulus)) {
      events.push({ name: 'stimulus changes', source: NPY_STIMULUS_FILE, times: await readEventsNpy(stimulus) });
      notes.push(`stimulus changes from ${NPY_STIMULUS_FILE}`);
    }
    const table = [join(partsFolder, CELL_TYPE_FILE), join(dirname(partsFolder), CELL_TYPE_FILE)].find(isFile);
    if (table) {
      const types = await readCellTypeTable(table);
      if (types.ids.length === times.length) {
        unitIds = types.ids;
        cellTypes = types.types;
        warnings.push(...types.warnings);
        notes.push(`cell types from ${table === join(partsFolder, CELL_TYPE_FILE) ? CELL_TYPE_FILE : `../${CELL_TYPE_FILE}`} (rows in sorted cluster-id order: ${describeTypes(types.types)})`);
      } else {
        warnings.push(`${table}: ${types.ids.length} cell-type rows for ${times.length} spike trains; cell types not used`);
      }
    }
  }
  return makeSpikeTrains({
    source: folder ?? file,
    file,
    format: 'npy-spike-trains',
    times,
    unitIds,
    ...(cellTypes ? { cellTypes } : {}),
    events,
    warnings,
    description: notes.join('; '),
    field: NPY_SPIKES_FILE,
  });
}
