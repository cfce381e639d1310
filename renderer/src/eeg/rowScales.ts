/**
 * The vertical scale of each drawn row: its type's scale (display units per mm) times the row's own
 * gain, the unit it is read in, and the robust centre drawn on its baseline, so a temperature of
 * 36 °C or a DC input offset by millions of µV sits in its lane instead of across the panel (as
 * MNE's browser removes each channel's DC for display).
 */
import type { ChannelType, PageChannel } from '../../../shared/api/index.js';
import { pxPerMm } from './calibration.js';
import { robustCentre } from './autoScale.js';
import { displayFactor, displayUnit } from './channelTypes.js';

export interface RowScale {
  type: ChannelType;
  /** Display units per mm of this row's type (before the row's gain). */
  unitsPerMm: number;
  /** Display unit: µV for voltages, else the channel's own. */
  unit: string;
  /** EDF unit → display unit. */
  factor: number;
  /** CSS px per display unit, the row's gain included. */
  pxPerUnit: number;
  /** The value (EDF unit) drawn on the baseline. */
  centre: number;
}

/** EEG's scale when nothing is known yet (the page has not arrived). */
export const FALLBACK_UNITS_PER_MM = 7;

export function rowScales(
  channels: readonly PageChannel[],
  scales: Partial<Record<ChannelType, number>>,
  gains: readonly number[],
  calibrationFactor: number,
): RowScale[] {
  return channels.map((channel, row) => {
    const unitsPerMm = scales[channel.type] ?? FALLBACK_UNITS_PER_MM;
    return {
      type: channel.type,
      unitsPerMm,
      unit: displayUnit(channel.unit),
      factor: displayFactor(channel.unit),
      pxPerUnit: (pxPerMm(calibrationFactor) / unitsPerMm) * (gains[row] ?? 1),
      centre: robustCentre(channel),
    };
  });
}
