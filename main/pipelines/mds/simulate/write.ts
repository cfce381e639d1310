/**
 * The simulated retina on disk: a folder the spikes reader (main/io/spikes/npy-trains.ts) imports
 * as one recording, in the layout of the real retina folder, plus what the MDS pipelines need:
 *   spikes.npy               object array of per-cell spike times (s), as np.save writes it
 *   stimchanges.npy          float64 block starts (s): noise, the test repeats, each protocol trial
 *   cell_classification.txt  "<id>\t<planted type name>", ids 1…N in spike-train order
 *   stimulus.npy             float32 [frames, height, width, 2] (green, UV), 30 Hz from t = 0
 *   simulation.json          options, types, cells, protocols, splits and a fingerprint
 * `loadSimulation` re-simulates from the stored options (it is deterministic and fast) and checks
 * the fingerprint, so a folder written by another version of the simulator is refused, not misread.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveSeed, seededRandom } from '../../../../shared/random.js';
import { FormatError, ValidationError, fileAccessError } from '../../../errors.js';
import { encodeNpy } from '../../../io/npy.js';
import { encodeObjectNpy } from './object-npy.js';
import { simulateRetina, type SimulateRetinaOptions, type SimulatedRetina } from './index.js';

export const SIMULATION_FILE = 'simulation.json';
export const STIMULUS_FILE = 'stimulus.npy';
const FORMAT = 'cajal-mds-simulated-retina';
const VERSION = 1;

/** What simulation.json holds (the arrays are in the .npy files). */
export interface SimulationFile {
  format: typeof FORMAT;
  version: number;
  options: SimulatedRetina['options'];
  frameRateHz: number;
  shape: SimulatedRetina['shape'];
  types: SimulatedRetina['types'];
  cells: SimulatedRetina['cells'];
  protocols: SimulatedRetina['protocols'];
  test: SimulatedRetina['test'];
  trainRanges: SimulatedRetina['trainRanges'];
  validationRanges: SimulatedRetina['validationRanges'];
  /** FNV-1a of the stimulus and count bytes, hex. */
  fingerprint: string;
  spikes: number;
}

/** FNV-1a (32-bit) over the bytes of some typed arrays, hex. */
export function fingerprint(...arrays: ArrayBufferView[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Spike times of each cell: a frame's k spikes at uniform times inside it (seeded), ascending. */
export function spikeTimes(sim: SimulatedRetina): Float64Array[] {
  const n = sim.cells.length;
  const dt = 1 / sim.shape.frameRateHz;
  const random = seededRandom(deriveSeed(sim.options.seed, 50));
  return sim.cells.map((_, i) => {
    const times: number[] = [];
    for (let f = 0; f < sim.shape.frames; f++) {
      const k = sim.counts[f * n + i]!;
      if (k === 0) continue;
      const within: number[] = [];
      for (let j = 0; j < k; j++) within.push(random());
      within.sort((a, b) => a - b);
      for (const u of within) times.push((f + u) * dt);
    }
    return Float64Array.from(times);
  });
}

/**
 * Writes the folder (created; it must not exist or be empty — nothing is written over). Returns
 * the number of spikes written.
 */
export function writeSimulatedRetina(folder: string, sim: SimulatedRetina): { spikes: number } {
  if (existsSync(folder) && readdirSync(folder).length > 0) throw new ValidationError('folder', `${folder} exists and is not empty; choose a new folder`);
  const trains = spikeTimes(sim);
  const spikes = trains.reduce((total, t) => total + t.length, 0);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'spikes.npy'), encodeObjectNpy(trains));
  const changes = Float64Array.from(sim.changeFrames, (f) => f / sim.shape.frameRateHz);
  writeFileSync(join(folder, 'stimchanges.npy'), encodeNpy({ dtype: 'float64', shape: [changes.length], data: changes }));
  const rows = sim.cells.map((cell, i) => `${i + 1}\t${sim.types[cell.typeIndex]!.name}`);
  writeFileSync(join(folder, 'cell_classification.txt'), `# Cluster_id\tCell type (planted by cajal mds simulate, seed ${sim.options.seed})\n${rows.join('\n')}\n`);
  const { frames, height, width, channels } = sim.shape;
  writeFileSync(join(folder, STIMULUS_FILE), encodeNpy({ dtype: 'float32', shape: [frames, height, width, channels], data: sim.stimulus }));
  const file: SimulationFile = {
    format: FORMAT,
    version: VERSION,
    options: sim.options,
    frameRateHz: sim.shape.frameRateHz,
    shape: sim.shape,
    types: sim.types,
    cells: sim.cells,
    protocols: sim.protocols,
    test: sim.test,
    trainRanges: sim.trainRanges,
    validationRanges: sim.validationRanges,
    fingerprint: fingerprint(sim.stimulus, sim.counts),
    spikes,
  };
  writeFileSync(join(folder, SIMULATION_FILE), JSON.stringify(file, null, 1));
  return { spikes };
}

/** Reads and checks simulation.json (null when the folder has none). */
export function readSimulationFile(folder: string): SimulationFile | null {
  const path = join(folder, SIMULATION_FILE);
  if (!existsSync(path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) throw new FormatError(path, `not JSON (${error.message})`);
    throw fileAccessError(path, error);
  }
  const file = parsed as Partial<SimulationFile>;
  if (file?.format !== FORMAT) throw new FormatError(path, `not a Cajal simulated-retina description (format "${String(file?.format)}")`, 'format');
  if (file.version !== VERSION) throw new FormatError(path, `version ${String(file.version)} is not ${VERSION}; re-simulate with this Cajal`, 'version');
  if (!file.options || typeof file.options !== 'object') throw new FormatError(path, 'no options', 'options');
  return file as SimulationFile;
}

/**
 * The simulation behind a folder written by writeSimulatedRetina (the recording's path: the
 * folder, or its spikes.npy), or null when there is none. Throws FormatError when the stored
 * fingerprint does not match the re-simulation.
 */
export function loadSimulation(path: string): SimulatedRetina | null {
  const folder = path.endsWith('.npy') ? join(path, '..') : path;
  const file = readSimulationFile(folder);
  if (!file) return null;
  const sim = simulateRetina(file.options as SimulateRetinaOptions);
  const print = fingerprint(sim.stimulus, sim.counts);
  if (print !== file.fingerprint) {
    throw new FormatError(join(folder, SIMULATION_FILE), `written by another version of the simulator (fingerprint ${file.fingerprint}, this version gives ${print}); re-simulate`, 'fingerprint');
  }
  return sim;
}
