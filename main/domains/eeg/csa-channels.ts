/**
 * Which channels the compressed spectral array of the overview averages: the channels typed EEG
 * (scalp electrodes, recorded bipolar pairs, `EEG …` channels), at the highest rate among them.
 * EOG, EMG, ECG, respiration, temperature, SpO2, event and DC channels never enter it: a DC input
 * of millions of µV or a saturated polygraphic lead would otherwise paint the whole strip.
 */
import type { ChannelType } from '../../../shared/api/index.js';
import { classifyChannel } from '../../signal/index.js';

export interface CsaCandidate {
  index: number;
  label: string;
  unit: string;
  sampleRateHz: number;
}

export interface CsaSelection<T extends CsaCandidate> {
  /** The EEG channels at `sampleRateHz`, in recording order; empty when the recording has no EEG. */
  channels: T[];
  sampleRateHz: number;
}

export function csaChannels<T extends CsaCandidate>(signals: readonly T[]): CsaSelection<T> {
  const eeg = signals.filter((s) => classifyChannel(s.label, s.unit) === ('eeg' satisfies ChannelType));
  const sampleRateHz = Math.max(0, ...eeg.map((s) => s.sampleRateHz));
  return { channels: eeg.filter((s) => s.sampleRateHz === sampleRateHz), sampleRateHz };
}
