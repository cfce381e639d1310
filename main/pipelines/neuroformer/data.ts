/**
 * What every Neuroformer run reads from a `spikes` recording: the spike trains (main/io/spikes), the
 * stimulus definition (split.ts) and, for a network written by `cajal neuroformer simulate`, the true
 * wiring from the folder's `ground_truth.json` (simulate-write.ts).
 *
 * Stimulus choice (`stimulus: 'auto'`): a simulated network's cosine drive when the folder has
 * ground truth; else the reversals of an event set named like "stimulus changes" when the recording
 * has one (the retina's grating reversals); else none.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Recording } from '../../../shared/api/index.js';
import { FormatError, ValidationError } from '../../errors.js';
import { readSpikeTrains } from '../../io/spikes/index.js';
import type { SpikeTrains } from '../../io/spikes/types.js';
import { binSpikes } from '../spikes/bin.js';
import type { SpikeCountMatrix } from './tokenizer.js';
import type { StimulusSpec } from './split.js';

export const GROUND_TRUTH_FILE = 'ground_truth.json';

export interface GroundTruth {
  neurons: number;
  /** W[post·N + pre]. */
  weights: number[];
  excitatory: boolean[];
  hubs: number[];
  stimulusPeriodS: number;
  durationS: number;
  seed: number;
  meanRateHz: number;
  spectralRadius: number;
}

/** The ground truth beside a simulated recording, or null when there is none. */
export function readGroundTruth(sourcePath: string): GroundTruth | null {
  const folder = statSync(sourcePath, { throwIfNoEntry: false })?.isDirectory() ? sourcePath : dirname(sourcePath);
  const file = join(folder, GROUND_TRUTH_FILE);
  if (!existsSync(file)) return null;
  let value: GroundTruth;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as GroundTruth;
  } catch (error) {
    throw new FormatError(file, `not JSON: ${(error as Error).message}`, GROUND_TRUTH_FILE);
  }
  if (!Array.isArray(value.weights) || value.weights.length !== value.neurons * value.neurons) throw new FormatError(file, `weights must hold ${value.neurons}² values`, 'weights');
  return value;
}

export type StimulusChoice = 'auto' | 'none' | 'reversals' | 'cosine';

export function chooseStimulus(trains: SpikeTrains, truth: GroundTruth | null, choice: StimulusChoice, eventSet?: string): StimulusSpec {
  if (choice === 'none') return { kind: 'none' };
  if (choice === 'cosine' || (choice === 'auto' && truth)) {
    if (!truth) throw new ValidationError('stimulus', 'a cosine stimulus needs the ground truth of a simulated network (its period)');
    return { kind: 'cosine', periodS: truth.stimulusPeriodS };
  }
  const events = eventSet ? trains.events.find((e) => e.name === eventSet) : trains.events.find((e) => /stim/i.test(e.name)) ?? (choice === 'reversals' ? trains.events[0] : undefined);
  if (!events) {
    if (choice === 'reversals') throw new ValidationError('stimulus', `the recording has no event set${eventSet ? ` named "${eventSet}"` : ''} to take reversals from`);
    return { kind: 'none' };
  }
  return { kind: 'reversals', eventSet: events.name, times: Array.from(events.times) };
}

export interface NfRecordingData {
  trains: SpikeTrains;
  counts: SpikeCountMatrix;
  dtS: number;
  /** Recording seconds of bin 0's start. */
  originS: number;
  endS: number;
  truth: GroundTruth | null;
}

/**
 * The recording's spikes binned at dtS from a whole number of bins before the first spike (the
 * tokeniser's clock starts at bin 0), to the last spike or event.
 */
export async function readNfRecording(recording: Recording, dtS: number): Promise<NfRecordingData> {
  if (recording.metadata.modality !== 'spikes') throw new ValidationError('recordingId', `recording ${recording.id} is not a spike-train recording`);
  const trains = await readSpikeTrains(recording.sourcePath);
  const originS = Math.floor(trains.startS / dtS) * dtS;
  const endS = trains.endS + dtS;
  const binned = binSpikes(trains, dtS, originS, endS);
  return { trains, counts: { counts: binned.counts, units: binned.units, bins: binned.bins }, dtS, originS, endS, truth: readGroundTruth(recording.sourcePath) };
}
