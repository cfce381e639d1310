/**
 * Which input a detection uses. 'standard' is SzCORE's (the 19 10-20 electrodes, common average
 * reference, 256 Hz) and needs at least four referential scalp EEG channels at one rate;
 * 'per-channel' reads every EEG channel alone and works on any montage. 'auto' takes the standard
 * input when the recording allows it — the detectors were designed and validated on it — and
 * per-channel detection otherwise (bipolar-only, intracranial, single-channel, mixed-rate files).
 * A neural model was trained on one input and can only use that one: its config.input decides,
 * and an explicit mode that contradicts it is refused.
 */
import { ValidationError } from '../../../errors.js';
import type { EdfReader } from '../../../io/edf/index.js';
import { selectInputChannels } from '../input.js';
import type { ChannelMode } from '../params.js';

export type ResolvedMode = 'standard' | 'per-channel';

export interface ModeChoice {
  mode: ResolvedMode;
  /** Why, in words (shown in the run's log and results). */
  reason: string;
}

/** The classical detector's input for this recording. */
export function chooseChannelMode(reader: EdfReader, requested: ChannelMode, requireAllChannels: boolean, channels?: readonly string[]): ModeChoice {
  if (requested === 'standard') {
    if (channels?.length) throw new ValidationError('channels', 'a channel list applies to per-channel detection; the standard input always uses the 19 SzCORE electrodes');
    return { mode: 'standard', reason: 'standard input asked for' };
  }
  if (requested === 'per-channel') return { mode: 'per-channel', reason: 'per-channel input asked for' };
  // Naming channels only makes sense per channel: the standard input takes its 19 electrodes.
  if (channels?.length) return { mode: 'per-channel', reason: `channels named (${channels.join(', ')})` };
  try {
    const input = selectInputChannels(reader, { requireAll: requireAllChannels });
    return { mode: 'standard', reason: `the SzCORE standard input can be built (${input.channels.length} referential EEG channels)` };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { mode: 'per-channel', reason: `no SzCORE standard input: ${error.message}` };
  }
}

/** A neural model's input, checked against the mode asked for. */
export function modelChannelMode(modelInput: ResolvedMode, requested: ChannelMode, modelName: string): ModeChoice {
  if (requested !== 'auto' && requested !== modelInput) {
    throw new ValidationError('channelMode', `${modelName} was trained on the ${modelInput} input and cannot run with channelMode "${requested}" (use channelMode "auto", or a ${requested} model)`);
  }
  return { mode: modelInput, reason: `${modelName} takes the ${modelInput} input` };
}
