/**
 * How the viewer shows each channel type: its colour (as EDFbrowser and Persyst colour polygraphy
 * apart from EEG), its name in menus, the unit its scale is read in and the scale steps offered.
 * Voltage channels are scaled in µV/mm whatever their EDF unit (mV, V); others in their own unit
 * per mm (°C/mm, %/mm), or "units/mm" where the file gives none (Sleep-EDF's respiration).
 */
import type { ChannelType } from '../../../shared/api/index.js';
import { SENSITIVITY_STEPS_UV_PER_MM, toMicrovolts } from './calibration.js';

export const TYPE_TITLES: Record<ChannelType, string> = {
  eeg: 'EEG',
  eog: 'EOG',
  emg: 'EMG',
  ecg: 'ECG',
  resp: 'Resp',
  temp: 'Temp',
  spo2: 'SpO2',
  event: 'Event',
  dc: 'DC',
  misc: 'Other',
};

/** Trace colours of the non-EEG types (EEG uses the theme's text colour); mid-tones readable on light and dark panels. */
export const TYPE_COLORS: Record<Exclude<ChannelType, 'eeg'>, string> = {
  eog: '#2563eb',
  emg: '#15803d',
  ecg: '#dc2626',
  resp: '#0891b2',
  temp: '#d97706',
  spo2: '#9333ea',
  event: '#64748b',
  dc: '#a16207',
  misc: '#64748b',
};

/** Order of the types in menus and the scale summary: EEG first, then as a PSG montage lists them. */
export const TYPE_ORDER: readonly ChannelType[] = ['eeg', 'eog', 'emg', 'ecg', 'resp', 'temp', 'spo2', 'event', 'dc', 'misc'];

const VOLTAGE_UNIT = /^(uv|µv|μv|mv|v|nv)$/i;

export function isVoltageUnit(unit: string): boolean {
  return VOLTAGE_UNIT.test(unit.trim());
}

/** Factor from the channel's EDF unit to the unit its scale is read in (µV for voltages). */
export function displayFactor(unit: string): number {
  return isVoltageUnit(unit) ? toMicrovolts(unit) : 1;
}

/** The unit a channel's scale is read in: µV for voltages, else its own, else "units". */
export function displayUnit(unit: string): string {
  if (isVoltageUnit(unit)) return 'µV';
  const own = unit.trim();
  return own ? own.replace(/^deg\s*c$/i, '°C') : 'units';
}

/** 1-2-5 steps from 0.001 to 10⁷ per mm: slow channels range from tenths of a degree to thousands of digital units. */
const WIDE_STEPS: readonly number[] = Array.from({ length: 11 }, (_, decade) => [1, 2, 5].map((m) => Number((m * 10 ** (decade - 3)).toPrecision(1)))).flat();

/** The scale steps a type offers: the clinical µV/mm series for EEG and EOG, a wide 1-2-5 series for the rest. */
export function scaleSteps(type: ChannelType): readonly number[] {
  return type === 'eeg' || type === 'eog' ? SENSITIVITY_STEPS_UV_PER_MM : WIDE_STEPS;
}

/** A scale as a menu shows it: `7 µV/mm`, `0.05 °C/mm`. */
export function formatScale(value: number, unit: string): string {
  return `${value} ${unit}/mm`;
}
