/**
 * Channel types of a polygraphic recording (EEG with EOG, EMG, ECG, respiration, temperature,
 * oxygen saturation, event markers and DC inputs), as EDFbrowser and MNE name them, and the
 * display filters each type gets. The engine types each channel (main/signal/channel-types.ts) and
 * sends the type with every page; the viewer scales and colours by type. Pure data: both sides use it.
 */
import type { ChannelType, FilterSettings } from './api/eeg.js';

export { CHANNEL_TYPES, type ChannelType } from './api/eeg.js';

/** Types whose samples are brain or eye potentials: they take the reviewer's filter menus. */
const USER_FILTERED: ReadonlySet<ChannelType> = new Set(['eeg', 'eog']);

/**
 * The display filter a channel of this type gets, given the reviewer's EEG filter settings.
 * EEG and EOG take the reviewer's settings. EMG is shown above 10 Hz (muscle activity, without
 * movement drift) and ECG above 0.5 Hz (without baseline wander), both with the mains notch, as
 * polysomnography viewers do. Respiration, temperature, SpO2, event markers, DC inputs and unknown
 * channels are slow or stepwise signals that any high-pass would distort: shown unfiltered.
 */
export function filterForChannelType(type: ChannelType, eegFilter: FilterSettings): FilterSettings {
  if (USER_FILTERED.has(type)) return eegFilter;
  if (type === 'emg') return { ...eegFilter, highpassHz: 10, lowpassHz: null };
  if (type === 'ecg') return { ...eegFilter, highpassHz: 0.5, lowpassHz: null };
  return { ...eegFilter, highpassHz: null, lowpassHz: null, notchHz: null };
}

/** Whether the reviewer's filter menus act on channels of this type (the menus' Nyquist limit comes from them). */
export function takesUserFilter(type: ChannelType): boolean {
  return USER_FILTERED.has(type);
}
