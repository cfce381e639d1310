/**
 * A `spikes` recording as the MDS response model and the baselines see it (`MdsDataset`, types.ts):
 * every stimulus frame, spike counts per frame, train / validation / test frames and the repeated
 * protocols whose trial averages are the baselines' features and the cell view's traces.
 *
 * Two sources:
 *  - **Simulated retina** (a folder written by simulate/write.ts: simulation.json + stimulus.npy):
 *    the stimulus file itself (30 Hz, 2 channels), the protocols and splits the simulator stored;
 *    spikes binned at the stimulus frames.
 *  - **A recording without a stimulus file but with stimulus-change times** (the marmoset parasol
 *    folder: `stimchanges.npy`): the stimulus is *derived* from the change times as a 1 × 1 × 2
 *    sequence at `frameRateHz` (default 50 Hz). What we assume, from the data themselves (the
 *    change intervals and which cells fire when): the changes come in blocks of a long interval
 *    (≈ 1 s, "flash") followed by grating reversals (≈ 0.494 s); ON cells fire at the flash's onset
 *    and OFF cells at its end, so the flash is a uniform field brighter than the grating's mean.
 *    Channel 'flash' is +1 during the flash and 0 otherwise; channel 'grating' is the grating's
 *    phase, +1/−1 alternating at each reversal (starting +1 at the flash's end), 0 during the
 *    flash. The gratings' spatial frequency and phase are not in the file (blocks b and b + 23
 *    look like repeats of one grating, from the cells' reversal parity), so every block is the
 *    same stimulus to the model and each block is a trial of the 'reversal' protocol; the held-out
 *    test trials are whole blocks spread over the recording. The program spans the first to the
 *    last change; spikes outside it (the recording goes on after the last change) are not used.
 *
 * Memory is bounded (MAX_DATASET_VALUES); the dataset is built once per run.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FormatError, ValidationError } from '../../errors.js';
import { npyToFloat32, readNpy } from '../../io/npy.js';
import { readSpikeTrains, type SpikeTrains } from '../../io/spikes/index.js';
import { binSpikes } from '../spikes/bin.js';
import type { SimulatedRetina } from './simulate/index.js';
import { mergeRanges } from './simulate/stimulus.js';
import { STIMULUS_FILE, readSimulationFile } from './simulate/write.js';
import type { FrameRange, MdsDataset, MdsProtocol, MdsStimulusShape } from './types.js';

/** What buildMdsDataset reads. */
export interface MdsDatasetInput {
  /** The recording's source path as imported: a spikes folder, or its spikes.npy / spike file. */
  readonly path: string;
  /** The trains as the spikes reader gave them (read from `path` when absent). */
  readonly trains?: SpikeTrains;
  /** The dataset's `source` line (default: the folder's name). */
  readonly name?: string;
}

export interface MdsDatasetOptions {
  /** Frame rate of a derived stimulus (recordings without a stimulus file), Hz; default 50. */
  frameRateHz?: number;
  /** Derived stimulus: blocks held out as test trials (default 8) and for validation (default 4). */
  testBlocks?: number;
  validationBlocks?: number;
}

/** Frames × (neurons + stimulus values per frame) allowed in one dataset (float32: 1 GB). */
export const MAX_DATASET_VALUES = 256 * 1024 * 1024;
export const DERIVED_FRAME_RATE_HZ = 50;
/** A change interval this many times the median one starts a block (the flash). */
const LONG_INTERVAL_RATIO = 1.5;

/** The folder holding a recording's parts (the path itself, or the folder of a file). */
function recordingFolder(path: string): string {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ? path : dirname(path);
}

/**
 * Builds the dataset of a spikes recording: the simulated retina's folder (stimulus.npy) or a
 * recording whose stimulus is derived from its "stimulus changes" events (see the module comment).
 * ValidationError when the recording has neither.
 */
export async function buildMdsDataset(input: MdsDatasetInput, options: MdsDatasetOptions = {}): Promise<MdsDataset> {
  const trains = input.trains ?? (await readSpikeTrains(input.path));
  if (trains.times.length === 0) throw new ValidationError('recording', `${input.path} has no units`);
  const folder = recordingFolder(input.path);
  const name = input.name ?? basename(folder);
  if (existsSync(join(folder, STIMULUS_FILE)) && readSimulationFile(folder)) return simulatedDataset(folder, trains, name);
  const changes = trains.events.find((e) => /stimulus change/i.test(e.name)) ?? trains.events.find((e) => e.times.length >= 4);
  if (!changes) {
    throw new ValidationError('recording', `${input.path} has neither a stimulus file (${STIMULUS_FILE} with simulation.json) nor stimulus-change times; MDS needs the stimulus the cells saw`);
  }
  return derivedDataset(trains, changes.times, name, options);
}

function checkSize(frames: number, perFrame: number, what: string): void {
  if (frames * perFrame > MAX_DATASET_VALUES) {
    throw new ValidationError('recording', `${what}: ${frames} frames × ${perFrame} values is more than ${MAX_DATASET_VALUES} values; use a lower frame rate or a shorter recording`);
  }
}

/** Counts per frame, [frames, neurons] (binSpikes gives units × bins). */
function countsPerFrame(trains: Pick<SpikeTrains, 'times'>, startS: number, frames: number, frameRateHz: number): Float32Array {
  const dt = 1 / frameRateHz;
  const binned = binSpikes(trains, dt, startS, startS + frames * dt);
  const n = binned.units;
  const bins = Math.min(frames, binned.bins);
  const out = new Float32Array(frames * n);
  for (let u = 0; u < n; u++) for (let b = 0; b < bins; b++) out[b * n + u] = binned.counts[u * binned.bins + b]!;
  return out;
}

async function simulatedDataset(folder: string, trains: SpikeTrains, name: string): Promise<MdsDataset> {
  const file = readSimulationFile(folder)!;
  const path = join(folder, STIMULUS_FILE);
  const array = await readNpy(path);
  const { frames, height, width, channels } = file.shape;
  if (array.shape.length !== 4 || array.shape[0] !== frames || array.shape[1] !== height || array.shape[2] !== width || array.shape[3] !== channels) {
    throw new FormatError(path, `shape (${array.shape.join(', ')}) is not (${frames}, ${height}, ${width}, ${channels}) as simulation.json says`, 'shape');
  }
  if (trains.times.length !== file.cells.length) {
    throw new FormatError(join(folder, 'simulation.json'), `${file.cells.length} simulated cells but the recording has ${trains.times.length} spike trains`, 'cells');
  }
  checkSize(frames, height * width * channels + trains.times.length, path);
  const shape: MdsStimulusShape = { ...file.shape };
  return {
    source: `simulated retina (seed ${file.options.seed}, ${file.types.length} types, ${name})`,
    shape,
    nFrames: frames,
    stimulus: npyToFloat32(array),
    nNeurons: trains.times.length,
    responses: countsPerFrame(trains, 0, frames, file.frameRateHz),
    unitIds: trains.unitIds,
    cellTypes: trains.cellTypes,
    trainRanges: file.trainRanges,
    validationRanges: file.validationRanges,
    test: file.test,
    protocols: file.protocols,
    warnings: [...trains.warnings],
  };
}

/**
 * The dataset of a simulation in memory (its own counts, no files): what buildMdsDataset gives for
 * the folder writeSimulatedRetina wrote, up to spike times that round into a neighbouring frame.
 */
export function datasetFromSimulation(sim: SimulatedRetina, name = 'in memory'): MdsDataset {
  return {
    source: `simulated retina (seed ${sim.options.seed}, ${sim.types.length} types, ${name})`,
    shape: sim.shape,
    nFrames: sim.shape.frames,
    stimulus: sim.stimulus,
    nNeurons: sim.cells.length,
    responses: sim.counts,
    unitIds: sim.cells.map((_, i) => String(i + 1)),
    cellTypes: sim.cells.map((cell) => sim.types[cell.typeIndex]!.name),
    trainRanges: sim.trainRanges,
    validationRanges: sim.validationRanges,
    test: sim.test,
    protocols: sim.protocols,
    warnings: [],
  };
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
}

/** Evenly spread picks of `count` out of 0…n−1 (never the same twice), ascending. */
export function spreadPicks(n: number, count: number, offset = 0.5): number[] {
  const picks = new Set<number>();
  for (let i = 0; i < count && picks.size < n; i++) picks.add(Math.min(n - 1, Math.floor(((i + offset) * n) / count)));
  return [...picks].sort((a, b) => a - b);
}

/** The reversal program of a recording's stimulus-change times (module comment). */
export function derivedDataset(trains: SpikeTrains, changeTimes: Float64Array, name: string, options: MdsDatasetOptions = {}): MdsDataset {
  const rate = options.frameRateHz ?? DERIVED_FRAME_RATE_HZ;
  if (!(Number.isFinite(rate) && rate >= 1 && rate <= 1000)) throw new ValidationError('frameRateHz', `must be 1…1000 Hz (got ${rate})`);
  const times = Float64Array.from(changeTimes).sort();
  if (times.length < 4) throw new ValidationError('recording', `only ${times.length} stimulus changes; a derived stimulus needs repeated reversals`);
  const intervals = times.subarray(1).map((t, i) => t - times[i]!);
  const typical = median(intervals);
  if (!(typical > 0)) throw new ValidationError('recording', 'the stimulus changes do not advance in time');
  const startS = times[0]!;
  const endS = times[times.length - 1]!;
  const frames = Math.floor((endS - startS) * rate);
  const n = trains.times.length;
  checkSize(frames, 2 + n, name);
  const frameOf = (t: number): number => Math.min(frames, Math.max(0, Math.round((t - startS) * rate)));
  // Blocks: a change followed by a long interval is a flash; the changes after it are reversals.
  const flashes: number[] = [];
  for (let i = 0; i < intervals.length; i++) if (intervals[i]! >= LONG_INTERVAL_RATIO * typical) flashes.push(i);
  const stimulus = new Float32Array(frames * 2);
  let phase = 1;
  for (let i = 0; i < intervals.length; i++) {
    const a = frameOf(times[i]!);
    const b = frameOf(times[i + 1]!);
    const flash = flashes.includes(i);
    if (flash) phase = 1;
    for (let f = a; f < b; f++) {
      stimulus[f * 2] = flash ? 1 : 0;
      stimulus[f * 2 + 1] = flash ? 0 : phase;
    }
    if (!flash) phase = -phase;
  }
  const warnings = [...trains.warnings];
  // Trials: whole blocks (flash + reversals); without flashes, each reversal pair (one grating cycle).
  let trialStarts: number[];
  let lengthFrames: number;
  let protocolName: string;
  if (flashes.length >= 2) {
    const starts = flashes.map((i) => times[i]!);
    const ends = flashes.map((_, k) => (k + 1 < flashes.length ? times[flashes[k + 1]!]! : endS));
    trialStarts = starts.map(frameOf);
    lengthFrames = Math.min(...starts.map((s, k) => frameOf(ends[k]!) - frameOf(s)));
    protocolName = 'reversal';
    const lengths = starts.map((s, k) => ends[k]! - s);
    const spread = Math.max(...lengths) - Math.min(...lengths);
    if (spread > 2 * typical) warnings.push(`reversal blocks last ${Math.min(...lengths).toFixed(2)}–${Math.max(...lengths).toFixed(2)} s; trials are cut to the shortest`);
  } else {
    trialStarts = [];
    for (let i = 0; i + 2 < times.length; i += 2) trialStarts.push(frameOf(times[i]!));
    lengthFrames = Math.round(2 * typical * rate);
    protocolName = 'reversal';
    warnings.push('no long (flash) intervals between the stimulus changes: every change is taken as a grating reversal and each reversal pair is a trial');
  }
  if (lengthFrames < 2 || trialStarts.length < 3) throw new ValidationError('recording', `the stimulus changes give ${trialStarts.length} trials of ${lengthFrames} frames; too few to train and test a model`);
  const blocks = trialStarts.length;
  const testCount = Math.min(options.testBlocks ?? 8, Math.max(1, Math.floor(blocks / 4)));
  const validationCount = Math.min(options.validationBlocks ?? 4, Math.max(1, Math.floor(blocks / 8)));
  const testBlocks = spreadPicks(blocks, testCount, 0.5);
  const rest = [...Array(blocks).keys()].filter((b) => !testBlocks.includes(b));
  const validationBlocks = spreadPicks(rest.length, validationCount, 0.25).map((i) => rest[i]!);
  const blockRange = (b: number): FrameRange => [trialStarts[b]!, b + 1 < blocks ? trialStarts[b + 1]! : frames];
  const trainRanges = mergeRanges(rest.filter((b) => !validationBlocks.includes(b)).map(blockRange));
  // Frames before the first block (changes before the first flash) train too.
  if (trialStarts[0]! > 0) trainRanges.unshift([0, trialStarts[0]!]);
  const counts = countsPerFrame(trains, startS, frames, rate);
  let used = 0;
  let total = 0;
  for (let i = 0; i < counts.length; i++) used += counts[i]!;
  for (const t of trains.times) total += t.length;
  if (total > used) warnings.push(`${total - used} of ${total} spikes (${(100 * (1 - used / total)).toFixed(0)} %) fall outside the stimulus changes (${startS.toFixed(2)}–${endS.toFixed(2)} s) and are not used`);
  return {
    source: `${name}: stimulus derived from ${times.length} stimulus changes (${flashes.length} flash + reversal blocks) at ${rate} Hz`,
    shape: { frames, height: 1, width: 1, channels: 2, frameRateHz: rate, channelNames: ['flash', 'grating'] },
    nFrames: frames,
    stimulus,
    nNeurons: n,
    responses: counts,
    unitIds: trains.unitIds,
    cellTypes: trains.cellTypes,
    trainRanges: mergeRanges(trainRanges),
    validationRanges: mergeRanges(validationBlocks.map(blockRange)),
    test: { name: protocolName, trialStarts: testBlocks.map((b) => trialStarts[b]!), lengthFrames },
    protocols: [{ name: protocolName, trialStarts, lengthFrames }],
    warnings,
  };
}

/** A protocol's trial-averaged response of one neuron, with the stimulus at the same frames. */
export interface TrialAverage {
  readonly protocol: string;
  /** Seconds per bin (one stimulus frame). */
  readonly binS: number;
  /** Trials averaged (those wholly inside the recording). */
  readonly trials: number;
  /** Mean rate per frame over trials, spikes per second. */
  readonly mean: Float32Array;
  /** SD over trials, spikes per second. */
  readonly sd: Float32Array;
  /** The stimulus at the same frames: first channel, centre pixel (for a strip under a plot). */
  readonly stimulus: Float32Array;
}

/** Trials of a protocol that fit inside the dataset. */
export function wholeTrials(dataset: Pick<MdsDataset, 'nFrames'>, protocol: MdsProtocol): number[] {
  return protocol.trialStarts.filter((s) => s >= 0 && s + protocol.lengthFrames <= dataset.nFrames);
}

/** The protocol's first trial's stimulus, first channel at the centre pixel. */
export function protocolStimulusTrace(dataset: MdsDataset, protocol: MdsProtocol): Float32Array {
  const { height, width, channels } = dataset.shape;
  const frameSize = height * width * channels;
  const centre = (Math.floor(height / 2) * width + Math.floor(width / 2)) * channels;
  const start = wholeTrials(dataset, protocol)[0] ?? 0;
  const out = new Float32Array(protocol.lengthFrames);
  for (let f = 0; f < protocol.lengthFrames && start + f < dataset.nFrames; f++) out[f] = dataset.stimulus[(start + f) * frameSize + centre]!;
  return out;
}

/** Trial-averaged response of `neuron` to `protocol` (spikes per second per frame). */
export function trialAverage(dataset: MdsDataset, protocol: MdsProtocol, neuron: number): TrialAverage {
  if (!Number.isInteger(neuron) || neuron < 0 || neuron >= dataset.nNeurons) throw new ValidationError('neuron', `must be 0…${dataset.nNeurons - 1} (got ${neuron})`);
  const rate = dataset.shape.frameRateHz;
  const trials = wholeTrials(dataset, protocol);
  const L = protocol.lengthFrames;
  const sum = new Float64Array(L);
  const sq = new Float64Array(L);
  const n = dataset.nNeurons;
  for (const start of trials) {
    for (let f = 0; f < L; f++) {
      const v = dataset.responses[(start + f) * n + neuron]! * rate;
      sum[f]! += v;
      sq[f]! += v * v;
    }
  }
  const k = trials.length;
  const mean = new Float32Array(L);
  const sd = new Float32Array(L);
  for (let f = 0; f < L && k > 0; f++) {
    const m = sum[f]! / k;
    mean[f] = m;
    sd[f] = k > 1 ? Math.sqrt(Math.max(0, (sq[f]! - k * m * m) / (k - 1))) : 0;
  }
  return { protocol: protocol.name, binS: 1 / rate, trials: k, mean, sd, stimulus: protocolStimulusTrace(dataset, protocol) };
}

/** Every neuron's trial-averaged response to `protocol`, [neurons, lengthFrames] (spikes/s). */
export function trialAverages(dataset: MdsDataset, protocol: MdsProtocol): Float32Array {
  const L = protocol.lengthFrames;
  const n = dataset.nNeurons;
  const trials = wholeTrials(dataset, protocol);
  const out = new Float32Array(n * L);
  if (trials.length === 0) return out;
  const scale = dataset.shape.frameRateHz / trials.length;
  for (const start of trials) {
    for (let f = 0; f < L; f++) {
      const row = (start + f) * n;
      for (let u = 0; u < n; u++) out[u * L + f]! += dataset.responses[row + u]! * scale;
    }
  }
  return out;
}
