/**
 * Filter menus limited to what the data can carry: a cut-off or notch at or above the Nyquist
 * frequency (half the sampling rate) of the channels the menus act on (EEG, EOG) cannot be applied,
 * so it is not offered (no 60 Hz notch or 70 Hz low-pass on 100 Hz data), and a stored choice the
 * recording cannot take reads as off.
 */
import type { FilterSettings, PageChannel } from '../../../shared/api/index.js';
import { takesUserFilter } from '../../../shared/eeg-channels.js';

/** The Nyquist frequency of the menus: half the lowest rate among the channels they filter, or of all channels when none is EEG/EOG. */
export function menuNyquistHz(channels: readonly Pick<PageChannel, 'type' | 'sampleRateHz'>[], fallbackRateHz: number): number {
  const filtered = channels.filter((c) => takesUserFilter(c.type));
  const rates = (filtered.length ? filtered : channels).map((c) => c.sampleRateHz).filter((r) => r > 0);
  return (rates.length ? Math.min(...rates) : fallbackRateHz) / 2;
}

/** The values of a menu strictly below Nyquist. */
export function choicesBelow<T extends number>(values: readonly T[], nyquistHz: number): T[] {
  return values.filter((value) => value < nyquistHz);
}

/** The settings with every cut-off the data cannot carry turned off. */
export function effectiveFilter(filter: FilterSettings, nyquistHz: number): FilterSettings {
  const below = (hz: number | null) => (hz !== null && hz < nyquistHz ? hz : null);
  const notch = filter.notchHz !== null && filter.notchHz < nyquistHz ? filter.notchHz : null;
  return { ...filter, highpassHz: below(filter.highpassHz), lowpassHz: below(filter.lowpassHz), notchHz: notch };
}
