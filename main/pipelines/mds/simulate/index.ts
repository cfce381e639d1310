/**
 * A simulated retina with planted types (issue #21 "Evaluation"): linear–nonlinear model cells of
 * ≥ 8 types (ON/OFF × transient/sustained × receptive-field size × colour; cells.ts) respond to a
 * stimulus program (stimulus.ts: dense noise for training, a repeated noise segment for testing,
 * chirp, colour steps and moving bars) on a small 2-channel canvas at 30 Hz, with generator noise
 * and Poisson spiking. Seeded and deterministic: the same options give the same stimulus, cells
 * and spikes on every machine.
 *
 * `writeSimulatedRetina` (write.ts) stores it as a folder the spikes reader imports as ONE
 * recording (spikes.npy + stimchanges.npy + cell_classification.txt, the retina-folder layout,
 * with the planted type names as cell types) plus stimulus.npy and simulation.json, which
 * `loadSimulation` and the MDS dataset builder read back. `respondToStimulus` shows a clip to
 * (new) cells of the planted types: mds-assign's 'simulated-new-cells'.
 */
import { deriveSeed, seededRandom, type Random } from '../../../../shared/random.js';
import { ValidationError } from '../../../errors.js';
import type { FrameRange, MdsProtocol, MdsStimulusShape } from '../types.js';
import {
  TEMPORAL_TAPS,
  drawCellsOfType,
  gaussian,
  poisson,
  rateOf,
  spatialFilter,
  temporalFilter,
  typeCatalogue,
  type PlantedType,
  type SimulatedCell,
} from './cells.js';
import { SIM_FRAME_RATE_HZ, buildProgram, programFrames } from './stimulus.js';

export type { PlantedType, SimulatedCell } from './cells.js';
export { SIM_FRAME_RATE_HZ } from './stimulus.js';
export { loadSimulation, writeSimulatedRetina, SIMULATION_FILE, STIMULUS_FILE } from './write.js';

export interface SimulateRetinaOptions {
  /** Seed of everything (stimulus noise, cell positions and jitter, generator noise, spikes). Default 7. */
  seed?: number;
  /** Planted types, 8–16 (the first 8 of typeCatalogue() by default). */
  types?: number;
  /** Cells per type (default 8: 64 cells for 8 types). */
  cellsPerType?: number;
  /** Canvas (default 8 × 8 pixels, 2 channels: green, UV). */
  height?: number;
  width?: number;
  /** Dense-noise training stimulus, seconds (default 240; its last tenth is validation). */
  noiseS?: number;
  /** The repeated test noise segment, seconds, and its repeats (defaults 10 s × 10). */
  testS?: number;
  testRepeats?: number;
  /** Trials of each of chirp, colour steps and moving bars (default 8; the last one validates). */
  trials?: number;
  /** SD of the additive Gaussian noise on the generator signal (trial-to-trial variability beyond Poisson; default 0.3). */
  generatorNoise?: number;
}

/** Largest stimulus or count array a simulation may hold (float32: 256 MB). */
export const MAX_SIMULATION_VALUES = 64 * 1024 * 1024;

export type ResolvedSimulateRetinaOptions = Required<SimulateRetinaOptions>;

export const SIM_DEFAULTS: ResolvedSimulateRetinaOptions = {
  seed: 7,
  types: 8,
  cellsPerType: 8,
  height: 8,
  width: 8,
  noiseS: 240,
  testS: 10,
  testRepeats: 10,
  trials: 8,
  generatorNoise: 0.3,
};

export interface SimulatedRetina {
  readonly options: ResolvedSimulateRetinaOptions;
  /** The whole program's shape: frames = every frame, channels ['green', 'uv'], 30 Hz. */
  readonly shape: MdsStimulusShape;
  readonly types: readonly PlantedType[];
  readonly cells: readonly SimulatedCell[];
  /** [frames, height, width, channels] row-major, values in [−1, 1] (grey 0). */
  readonly stimulus: Float32Array;
  /** Poisson spike counts, [frames, cells] row-major. */
  readonly counts: Float32Array;
  /** The repeated protocols: chirp, colour steps, moving bars. */
  readonly protocols: readonly MdsProtocol[];
  /** The repeated noise segment (never trained on). */
  readonly test: MdsProtocol;
  readonly trainRanges: readonly FrameRange[];
  readonly validationRanges: readonly FrameRange[];
  /** Block starts (noise, each trial), frames: written as the recording's stimulus changes. */
  readonly changeFrames: readonly number[];
}

function resolve(options: SimulateRetinaOptions): ResolvedSimulateRetinaOptions {
  const o = { ...SIM_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as ResolvedSimulateRetinaOptions;
  const int = (field: keyof ResolvedSimulateRetinaOptions, min: number, max: number): void => {
    const v = o[field];
    if (!Number.isInteger(v) || v < min || v > max) throw new ValidationError(field, `must be an integer in ${min}…${max} (got ${v})`);
  };
  int('seed', 0, 2 ** 32 - 1);
  int('types', 8, typeCatalogue().length);
  int('cellsPerType', 1, 200);
  int('height', 4, 32);
  int('width', 4, 32);
  int('testRepeats', 2, 100);
  int('trials', 1, 100);
  const num = (field: keyof ResolvedSimulateRetinaOptions, min: number, max: number): void => {
    const v = o[field];
    if (!(Number.isFinite(v) && v >= min && v <= max)) throw new ValidationError(field, `must be a number in ${min}…${max} (got ${v})`);
  };
  num('noiseS', 1, 3600);
  num('testS', 1, 600);
  num('generatorNoise', 0, 5);
  // Bounded memory: the stimulus (float32 frames × canvas × 2) and the counts (frames × cells).
  const frames = programFrames(o);
  const values = frames * Math.max(o.height * o.width * 2, o.types * o.cellsPerType);
  if (values > MAX_SIMULATION_VALUES) {
    throw new ValidationError('noiseS', `about ${frames} frames × ${o.height}×${o.width}×2 pixels or ${o.types * o.cellsPerType} cells is more than ${MAX_SIMULATION_VALUES} values; simulate less or on a smaller canvas`);
  }
  return o;
}

/** Simulates the whole recording (about 18,500 frames × 64 cells with the defaults: well under a second). */
export function simulateRetina(options: SimulateRetinaOptions = {}): SimulatedRetina {
  const o = resolve(options);
  const types = typeCatalogue().slice(0, o.types);
  const cellRandom = seededRandom(deriveSeed(o.seed, 10));
  const cells = types.flatMap((type, t) => drawCellsOfType(t, type, o.cellsPerType, o.height, o.width, cellRandom));
  const program = buildProgram({ height: o.height, width: o.width, noiseS: o.noiseS, testS: o.testS, testRepeats: o.testRepeats, trials: o.trials, seed: o.seed });
  const shape: MdsStimulusShape = { frames: program.frames, height: o.height, width: o.width, channels: 2, frameRateHz: SIM_FRAME_RATE_HZ, channelNames: ['green', 'uv'] };
  const counts = lnResponses(types, cells, program.stimulus, shape, o.generatorNoise, seededRandom(deriveSeed(o.seed, 20)));
  return {
    options: o,
    shape,
    types,
    cells,
    stimulus: program.stimulus,
    counts,
    protocols: program.protocols,
    test: program.test,
    trainRanges: program.trainRanges,
    validationRanges: program.validationRanges,
    changeFrames: program.changeFrames,
  };
}

/**
 * The LN cells' Poisson counts to `stimulus` ([frames, H, W, C] with `shape`'s canvas), [frames,
 * cells]; frames before the clip are grey (0). With `random` null the expected rates are returned
 * instead (no generator noise, no spiking).
 */
export function lnResponses(
  types: readonly PlantedType[],
  cells: readonly SimulatedCell[],
  stimulus: Float32Array,
  shape: Pick<MdsStimulusShape, 'height' | 'width' | 'channels'>,
  generatorNoise: number,
  random: Random | null,
): Float32Array {
  const frameSize = shape.height * shape.width * shape.channels;
  const frames = Math.floor(stimulus.length / frameSize);
  const n = cells.length;
  const out = new Float32Array(frames * n);
  const projection = new Float64Array(frames);
  const temporal = { transient: temporalFilter('transient'), sustained: temporalFilter('sustained') };
  cells.forEach((cell, i) => {
    const type = types[cell.typeIndex];
    if (!type) throw new ValidationError('cells', `cell ${i} has type ${cell.typeIndex}, not one of the ${types.length} planted types`);
    const w = spatialFilter(type, cell, shape.height, shape.width, shape.channels);
    for (let f = 0; f < frames; f++) {
      let sum = 0;
      const at = f * frameSize;
      for (let p = 0; p < frameSize; p++) sum += w[p]! * stimulus[at + p]!;
      projection[f] = sum;
    }
    const tf = temporal[type.kinetics];
    for (let f = 0; f < frames; f++) {
      let g = 0;
      for (let k = 0; k < TEMPORAL_TAPS && k <= f; k++) g += tf[k]! * projection[f - k]!;
      if (random) g += generatorNoise * gaussian(random);
      const rate = rateOf(cell, g);
      out[f * n + i] = random ? poisson(random, rate) : rate;
    }
  });
  return out;
}

/**
 * New cells of the planted types (`perType` each, fresh positions and jitter from `seed`), for
 * on-the-fly assignment tests: they were never seen by the response model.
 */
export function drawNewCells(sim: SimulatedRetina, perType: number, seed: number): SimulatedCell[] {
  if (!Number.isInteger(perType) || perType < 1 || perType > 1000) throw new ValidationError('perType', `must be an integer in 1…1000 (got ${perType})`);
  const random = seededRandom(deriveSeed(seed, 30));
  return sim.types.flatMap((type, t) => drawCellsOfType(t, type, perType, sim.shape.height, sim.shape.width, random));
}

export interface RespondOptions {
  /** Seed of the generator noise and the spikes (default: the simulation's seed). */
  seed?: number;
  /** Expected rates instead of Poisson counts. */
  rates?: boolean;
}

/**
 * Poisson counts of `cells` (the simulation's own, or drawNewCells') to `clip`, [frames, H, W, C]
 * on the simulation's canvas (frames before it are grey): [clipFrames, cells] row-major.
 */
export function respondToStimulus(sim: SimulatedRetina, cells: readonly SimulatedCell[], clip: Float32Array, options: RespondOptions = {}): Float32Array {
  const frameSize = sim.shape.height * sim.shape.width * sim.shape.channels;
  if (clip.length === 0 || clip.length % frameSize !== 0) {
    throw new ValidationError('clip', `${clip.length} values are not whole ${sim.shape.height}×${sim.shape.width}×${sim.shape.channels} frames`);
  }
  const random = options.rates ? null : seededRandom(deriveSeed(options.seed ?? sim.options.seed, 40));
  return lnResponses(sim.types, cells, clip, sim.shape, sim.options.generatorNoise, random);
}
