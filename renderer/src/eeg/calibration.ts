/**
 * Clinical display units calibrated to the screen: timebase in mm/s, sensitivity in µV/mm.
 * CSS defines 96 px per inch; a screen whose real pixel pitch differs is corrected by a
 * user-measured calibration factor (a 100 mm bar that measures 97 mm → factor 100/97).
 */
export const CSS_PX_PER_MM = 96 / 25.4;

export const SENSITIVITY_STEPS_UV_PER_MM = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500] as const;
export const TIMEBASES_MM_PER_S = [10, 15, 20, 25, 30, 60, 120] as const;
export const PAGE_LENGTHS_S = [5, 10, 15, 20, 30, 60] as const;
export const HIGHPASS_HZ = [0.1, 0.3, 0.5, 1, 1.6, 5] as const;
export const LOWPASS_HZ = [15, 30, 35, 40, 70, 100] as const;
export const NOTCH_HZ = [50, 60] as const;

export const DEFAULT_TIMEBASE = 30;
export const DEFAULT_PAGE_S = 10;

/** CSS pixels per millimetre on this screen. */
export function pxPerMm(calibrationFactor: number): number {
  return CSS_PX_PER_MM * (Number.isFinite(calibrationFactor) && calibrationFactor > 0 ? calibrationFactor : 1);
}

/** CSS pixels per second of signal. */
export function pxPerSecond(timebaseMmPerS: number, calibrationFactor: number): number {
  return timebaseMmPerS * pxPerMm(calibrationFactor);
}

/** CSS pixels per microvolt (before a channel's own gain). */
export function pxPerMicrovolt(sensitivityUvPerMm: number, calibrationFactor: number): number {
  return pxPerMm(calibrationFactor) / sensitivityUvPerMm;
}

/**
 * The next sensitivity step. `more gain` means fewer µV per mm (taller traces).
 */
export function stepSensitivity(current: number, moreGain: boolean): number {
  const steps = SENSITIVITY_STEPS_UV_PER_MM as readonly number[];
  let index = steps.indexOf(current);
  if (index < 0) index = steps.findIndex((step) => step >= current);
  if (index < 0) index = steps.length - 1;
  const next = moreGain ? index - 1 : index + 1;
  return steps[Math.min(steps.length - 1, Math.max(0, next))]!;
}

/** Per-channel gain multipliers, on top of the global sensitivity. */
export const CHANNEL_GAINS = [0.125, 0.25, 0.5, 1, 2, 4, 8] as const;

export function stepChannelGain(current: number, up: boolean): number {
  const gains = CHANNEL_GAINS as readonly number[];
  const index = Math.max(0, gains.indexOf(current));
  return gains[Math.min(gains.length - 1, Math.max(0, index + (up ? 1 : -1)))]!;
}

/** Amplitude unit factor to µV for a physical dimension as written in EDF headers. */
export function toMicrovolts(unit: string): number {
  const u = unit.trim().toLowerCase();
  if (u === 'v') return 1e6;
  if (u === 'mv') return 1e3;
  if (u === 'nv') return 1e-3;
  return 1; // uV, µV, or anything else drawn as-is
}
