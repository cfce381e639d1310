/**
 * Spike trains: NWB units tables, NumPy object arrays of per-cell spike times (alone or in the
 * retina folder form), Kilosort/Phy folders and text files of spike times, each read into one
 * `SpikeTrains`. `readSpikeTrains` decides the format by content, never by name.
 */
import { stat } from 'node:fs/promises';
import { FormatError, UserError, fileAccessError } from '../../errors.js';
import { rethrowIfOutOfMemory } from '../allocation.js';
import { hasHdf5Signature, openH5 } from '../calcium/h5.js';
import { hasNpyMagic, readHead } from '../calcium/sniff.js';
import { isKilosortFolder, readKilosort } from './kilosort.js';
import { looksLikeTrainsNpy, npyTrainsFolder, readNpySpikeTrains } from './npy-trains.js';
import { findUnits, readNwbUnits } from './nwb-units.js';
import { looksLikeSpikeTimesText, readSpikeTimesText } from './text.js';
import type { ReadSpikes, SpikeFormat } from './types.js';

export type { ReadSpikes, SpikeEvents, SpikeFormat, SpikeStimulus, SpikeTrains } from './types.js';
export { spikeCount } from './types.js';

const SNIFF_BYTES = 64 * 1024;

/**
 * The spike format at `path`, or null when it is not one. HDF5 files are opened (an NWB file with a
 * units table holding spike_times); a file with the HDF5 signature that cannot be opened is null
 * here (the calcium/volume readers report the damage). Object .npy files are unpickled to check
 * that every item is a numeric vector.
 */
export async function detectSpikes(path: string): Promise<SpikeFormat | null> {
  let kind;
  try {
    kind = await stat(path);
  } catch {
    return null;
  }
  if (kind.isDirectory()) {
    if (npyTrainsFolder(path) && (await looksLikeTrainsNpy(`${path}/spikes.npy`, true))) return 'npy-spike-trains';
    return isKilosortFolder(path) ? 'kilosort' : null;
  }
  if (!kind.isFile()) return null;
  const head = readHead(path, SNIFF_BYTES);
  if (!head || head.length === 0) return null;
  if (hasHdf5Signature(head)) {
    try {
      const h5 = await openH5(path);
      try {
        return findUnits(h5) ? 'nwb-units' : null;
      } finally {
        h5.close();
      }
    } catch (error) {
      if (error instanceof UserError) return null;
      rethrowIfOutOfMemory(error, path, 'HDF5 file');
      return null;
    }
  }
  if (hasNpyMagic(head)) return (await looksLikeTrainsNpy(path)) ? 'npy-spike-trains' : null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: head.length >= kind.size }).decode(head);
  } catch {
    return null;
  }
  return looksLikeSpikeTimesText(text, head.length >= kind.size) ? 'spike-times-text' : null;
}

/** Reads the spike trains at `path` (a file or a folder). */
export async function readSpikes(path: string): Promise<ReadSpikes> {
  try {
    await stat(path);
  } catch (error) {
    throw fileAccessError(path, error);
  }
  const format = await detectSpikes(path);
  try {
    switch (format) {
      case 'nwb-units':
        return await readNwbUnits(path);
      case 'npy-spike-trains':
        return await readNpySpikeTrains(path);
      case 'kilosort':
        return await readKilosort(path);
      case 'spike-times-text':
        return await readSpikeTimesText(path);
      case null:
        throw new FormatError(
          path,
          'not spike trains Cajal reads (an NWB file with a units table, a spikes.npy object array or its folder, a Kilosort/Phy folder, or a text file of spike times)',
        );
    }
  } catch (error) {
    rethrowIfOutOfMemory(error, path, 'spike trains');
    throw error;
  }
}

/** `readSpikes` as the shared engine type (the plan's entry point for the pipelines). */
export const readSpikeTrains: (path: string) => Promise<ReadSpikes> = readSpikes;
