/**
 * Suite2p output: one folder per plane (`plane0/`) of .npy files.
 *
 * - `F.npy` (ROIs × frames) → traces ('fluorescence'); `Fneu.npy` → neuropil (same shape).
 * - `iscell.npy` (ROIs × 2: the 0/1 classification, then its probability) → isCell. All ROIs are
 *   kept, cells or not: choosing is the pipeline's call, and indices then match Suite2p's.
 * - `spks.npy` (deconvolved, same shape) → deconvolved; one of another shape is skipped with a warning.
 * - `ops.npy` (a pickled dict) → frame rate `fs`, image size; `stat.npy` (a pickled array of dicts)
 *   → positions from `med` = [y, x]. Both are read with the data-only pickle reader; what it
 *   cannot make sense of is skipped with a warning, never guessed.
 *
 * Values that cannot be data are refused (see `recording.ts` for the policy of every reader): an
 * iscell flag other than 0/1 or a probability outside [0, 1] (NaN included), an `fs` that is not a
 * positive number, an empty F. A non-finite `med` skips the positions with a warning, like any other
 * unusable stat. NaN in F / Fneu is kept and counted in a warning, as in every format.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FileAccessError, FormatError, UserError } from '../../errors.js';
import { rethrowIfOutOfMemory } from '../allocation.js';
import { isObjectDescr, npyToFloat32, npyToFloat64, readNpy, readNpyRaw, type NpyArray } from '../npy.js';
import { pyItems, pyNumber, pyNumbers, readPickle, type PyValue } from './pickle.js';
import { makeRecording } from './recording.js';
import type { CalciumRecording } from './types.js';

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * The plane folder to read for `path`: the folder itself when it holds F.npy, else its `plane0/`
 * (a Suite2p root); null when neither. Synchronous and cheap (two stats), for sniffing.
 */
export function suite2pPlaneFolder(path: string): string | null {
  if (isFile(join(path, 'F.npy'))) return path;
  if (isFile(join(path, 'plane0', 'F.npy'))) return join(path, 'plane0');
  return null;
}

/** A 2-D array's shape as "23 × 864". */
const dims = (array: NpyArray): string => array.shape.join(' × ') || 'scalar';

/** Reads an optional .npy file: undefined when absent; read errors propagate. */
async function optionalNpy(file: string): Promise<NpyArray | undefined> {
  return existsSync(file) ? readNpy(file) : undefined;
}

/** Unpickles an object .npy (ops, stat); a FormatError for anything that is not one. */
async function readObjectNpy(file: string): Promise<PyValue> {
  const { header, bytes } = await readNpyRaw(file);
  if (!isObjectDescr(header.descr)) throw new FormatError(file, `expected a pickled object array, found dtype ${header.descr}`, 'descr');
  const value = readPickle(bytes.subarray(header.dataOffset), file, header.dataOffset);
  const items = pyItems(value);
  if (!items) throw new FormatError(file, 'the pickle does not hold a numpy object array');
  return items.length === 1 && header.shape.length === 0 ? items[0]! : items;
}

/** Why a part was skipped, without repeating the file name the warning starts with. */
const reason = (error: unknown, file?: string): string => {
  if (!(error instanceof UserError)) return `internal error: ${String(error)}`;
  return file && error.message.startsWith(`${file}: `) ? error.message.slice(file.length + 2) : error.message;
};

/**
 * Checks iscell: column 0 is Suite2p's classification, exactly 0 or 1; column 1 its probability in
 * [0, 1]. A NaN there is no classification at all (it used to count as a cell, being ≠ 0).
 */
function checkIsCell(file: string, values: Float64Array, cells: number, columns: number): void {
  for (let row = 0; row < cells; row++) {
    const flag = values[row * columns]!;
    if (flag !== 0 && flag !== 1) {
      throw new FormatError(file, `ROI ${row}: classification ${flag} is not 0 or 1 (iscell column 0 is the 0/1 cell flag)`, `iscell[${row}, 0]`);
    }
    if (columns < 2) continue;
    const probability = values[row * columns + 1]!;
    if (!(probability >= 0 && probability <= 1)) {
      throw new FormatError(file, `ROI ${row}: cell probability ${probability} is not in [0, 1]`, `iscell[${row}, 1]`);
    }
  }
}

export async function readSuite2p(path: string): Promise<CalciumRecording> {
  const plane = suite2pPlaneFolder(path);
  if (!plane) {
    if (!existsSync(path)) throw new FileAccessError(path, 'no such folder');
    throw new FormatError(path, 'not a Suite2p output folder (no F.npy, nor plane0/F.npy)');
  }
  const warnings: string[] = [];
  const notes: string[] = [];
  if (plane !== path) {
    const others = readdirSync(path).filter((name) => /^plane\d+$/.test(name) && name !== 'plane0');
    if (others.length > 0) warnings.push(`${path}: only plane0 is read; ${others.sort().join(', ')} not read (open a plane folder to read it)`);
  }
  const file = (name: string): string => join(plane, name);

  const f = await readNpy(file('F.npy'));
  if (f.shape.length !== 2) throw new FormatError(file('F.npy'), `F is ${dims(f)}; Suite2p writes ROIs × frames (2-D)`, 'shape');
  const [cells, frames] = f.shape as [number, number];
  if (cells === 0 || frames === 0) {
    throw new FormatError(file('F.npy'), `empty recording: F is ${dims(f)} (${cells === 0 ? 'no ROIs' : 'no frames'})`, 'shape');
  }
  notes.push(`Suite2p plane folder ${basename(plane)}: F.npy ${cells} ROIs × ${frames} frames`);

  const fneu = await optionalNpy(file('Fneu.npy'));
  if (fneu && (fneu.shape.length !== 2 || fneu.shape[0] !== cells || fneu.shape[1] !== frames)) {
    throw new FormatError(file('Fneu.npy'), `Fneu is ${dims(fneu)} but F is ${cells} × ${frames}; they must match`, 'shape');
  }
  if (!fneu) warnings.push(`${file('Fneu.npy')}: absent; no neuropil traces`);

  let isCell: boolean[] | null = null;
  const iscell = await optionalNpy(file('iscell.npy'));
  if (iscell) {
    if (iscell.shape[0] !== cells || iscell.shape.length > 2 || iscell.shape.length === 0 || iscell.shape[1] === 0) {
      throw new FormatError(file('iscell.npy'), `iscell is ${dims(iscell)} but F has ${cells} ROIs; expected ${cells} × 2`, 'shape');
    }
    // Column 0 is the classification (1 = cell); column 1, when there, its probability.
    const columns = iscell.shape[1] ?? 1;
    const values = npyToFloat64(iscell);
    checkIsCell(file('iscell.npy'), values, cells, columns);
    isCell = Array.from({ length: cells }, (_, row) => values[row * columns]! === 1);
    notes.push(`iscell.npy: ${isCell.filter(Boolean).length} of ${cells} ROIs classified as cells`);
  } else {
    warnings.push(`${file('iscell.npy')}: absent; no cell classification`);
  }

  // spks.npy: deconvolved activity beside F; a damaged or mis-shaped one is skipped, F is still good.
  let deconvolved: Float32Array | null = null;
  if (existsSync(file('spks.npy'))) {
    try {
      const spks = await readNpy(file('spks.npy'));
      if (spks.shape.length === 2 && spks.shape[0] === cells && spks.shape[1] === frames) {
        deconvolved = npyToFloat32(spks);
        notes.push('spks.npy: deconvolved activity');
      } else {
        warnings.push(`${file('spks.npy')}: spks is ${dims(spks)} but F is ${cells} × ${frames}; not read`);
      }
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      warnings.push(`${file('spks.npy')}: skipped (${error.message})`);
    }
  }

  // ops.npy: frame rate and image size.
  let frameRateHz: number | null = null;
  let badFrameRate: number | undefined;
  if (existsSync(file('ops.npy'))) {
    try {
      const ops = await readObjectNpy(file('ops.npy'));
      if (!(ops instanceof Map)) throw new FormatError(file('ops.npy'), 'does not hold a dict');
      const fs = pyNumber(ops.get('fs'));
      // A stated frame rate that cannot be one is damage, not a gap: refused below, outside this catch.
      if (fs !== undefined && !(Number.isFinite(fs) && fs > 0)) badFrameRate = fs;
      else if (fs !== undefined) {
        frameRateHz = fs;
        notes.push(`ops.npy: fs ${fs} Hz`);
      } else {
        warnings.push(`${file('ops.npy')}: no usable "fs" (frame rate); frame rate unknown`);
      }
      const ly = pyNumber(ops.get('Ly'));
      const lx = pyNumber(ops.get('Lx'));
      if (ly !== undefined && lx !== undefined) notes.push(`image ${ly} × ${lx} px (Ly × Lx)`);
      const nframes = pyNumber(ops.get('nframes'));
      if (nframes !== undefined && nframes !== frames) warnings.push(`${file('ops.npy')}: nframes is ${nframes} but F has ${frames} frames`);
    } catch (error) {
      rethrowIfOutOfMemory(error, file('ops.npy'), 'the pickled ops dict');
      warnings.push(`${file('ops.npy')}: skipped (${reason(error, file('ops.npy'))}); frame rate unknown`);
    }
  } else {
    warnings.push(`${file('ops.npy')}: absent; frame rate unknown`);
  }
  if (badFrameRate !== undefined) {
    throw new FormatError(file('ops.npy'), `frame rate fs is ${badFrameRate}; it must be a positive number of Hz`, 'fs');
  }

  // stat.npy: ROI centroids, med = [y, x] in pixels.
  let positions: Float32Array | null = null;
  if (existsSync(file('stat.npy'))) {
    try {
      const stat = await readObjectNpy(file('stat.npy'));
      if (!Array.isArray(stat) || stat.length !== cells) {
        throw new FormatError(file('stat.npy'), `holds ${Array.isArray(stat) ? stat.length : 'no'} ROI records but F has ${cells} ROIs`);
      }
      const xyz = new Float32Array(cells * 3);
      stat.forEach((roi, i) => {
        const med = roi instanceof Map ? pyNumbers(roi.get('med')) : undefined;
        if (!med || med.length < 2) throw new FormatError(file('stat.npy'), `ROI ${i} has no "med" [y, x] centroid`);
        if (!Number.isFinite(med[0]) || !Number.isFinite(med[1])) {
          throw new FormatError(file('stat.npy'), `ROI ${i} has a non-finite "med" centroid [${med[0]}, ${med[1]}]`, 'med');
        }
        xyz[i * 3] = med[1]!;
        xyz[i * 3 + 1] = med[0]!;
        xyz[i * 3 + 2] = 0;
      });
      positions = xyz;
      notes.push('positions from stat.npy "med" (x = med[1], y = med[0], z = 0, pixels)');
    } catch (error) {
      rethrowIfOutOfMemory(error, file('stat.npy'), 'the pickled ROI records');
      warnings.push(`${file('stat.npy')}: skipped (${reason(error, file('stat.npy'))}); no positions`);
    }
  } else {
    warnings.push(`${file('stat.npy')}: absent; no positions`);
  }

  return makeRecording({
    source: plane,
    format: 'suite2p',
    cellCount: cells,
    frameCount: frames,
    traces: npyToFloat32(f),
    traceKind: 'fluorescence',
    neuropil: fneu ? npyToFloat32(fneu) : null,
    deconvolved,
    frameRateHz,
    isCell,
    positions,
    warnings,
    description: notes.join('; '),
  });
}
