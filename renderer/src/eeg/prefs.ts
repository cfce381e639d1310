/**
 * Display preferences of the viewer (page length, scales, screen calibration, filters), kept in
 * localStorage so a reader's screen calibration and habits survive restarts.
 */
import { useCallback, useState } from 'react';
import {
  DEFAULT_PAGE_S,
  DEFAULT_SENSITIVITY,
  DEFAULT_TIMEBASE,
  HIGHPASS_HZ,
  LOWPASS_HZ,
  NOTCH_HZ,
  PAGE_LENGTHS_S,
  SENSITIVITY_STEPS_UV_PER_MM,
  TIMEBASES_MM_PER_S,
} from './calibration.js';

export interface ReviewPrefs {
  pageLengthS: number;
  sensitivityUvPerMm: number;
  timebaseMmPerS: number;
  /** Fit the page to the window instead of the calibrated timebase. */
  timebaseFit: boolean;
  calibrationFactor: number;
  highpassHz: number | null;
  lowpassHz: number | null;
  notchHz: 50 | 60 | null;
  zeroPhase: boolean;
}

export const DEFAULT_PREFS: ReviewPrefs = {
  pageLengthS: DEFAULT_PAGE_S,
  sensitivityUvPerMm: DEFAULT_SENSITIVITY,
  timebaseMmPerS: DEFAULT_TIMEBASE,
  timebaseFit: false,
  calibrationFactor: 1,
  highpassHz: 0.5,
  lowpassHz: 70,
  notchHz: null,
  zeroPhase: false,
};

const STORAGE_KEY = 'cajal.eeg.prefs';

const oneOf = <T,>(allowed: readonly T[], value: unknown, fallback: T): T => (allowed.includes(value as T) ? (value as T) : fallback);

/** Stored preferences, each field checked against its allowed values. */
export function loadPrefs(): ReviewPrefs {
  let stored: Record<string, unknown> = {};
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (parsed && typeof parsed === 'object') stored = parsed as Record<string, unknown>;
  } catch {
    stored = {};
  }
  const factor = Number(stored.calibrationFactor);
  return {
    pageLengthS: oneOf<number>(PAGE_LENGTHS_S, stored.pageLengthS, DEFAULT_PREFS.pageLengthS),
    sensitivityUvPerMm: oneOf<number>(SENSITIVITY_STEPS_UV_PER_MM, stored.sensitivityUvPerMm, DEFAULT_PREFS.sensitivityUvPerMm),
    timebaseMmPerS: oneOf<number>(TIMEBASES_MM_PER_S, stored.timebaseMmPerS, DEFAULT_PREFS.timebaseMmPerS),
    timebaseFit: stored.timebaseFit === true,
    calibrationFactor: Number.isFinite(factor) && factor >= 0.5 && factor <= 2 ? factor : 1,
    highpassHz: oneOf<number | null>([null, ...HIGHPASS_HZ], stored.highpassHz, DEFAULT_PREFS.highpassHz),
    lowpassHz: oneOf<number | null>([null, ...LOWPASS_HZ], stored.lowpassHz, DEFAULT_PREFS.lowpassHz),
    notchHz: oneOf<50 | 60 | null>([null, ...NOTCH_HZ], stored.notchHz, DEFAULT_PREFS.notchHz),
    zeroPhase: stored.zeroPhase === true,
  };
}

export function useReviewPrefs(): [ReviewPrefs, (patch: Partial<ReviewPrefs>) => void] {
  const [prefs, setPrefs] = useState<ReviewPrefs>(loadPrefs);
  const update = useCallback((patch: Partial<ReviewPrefs>) => {
    setPrefs((current) => {
      const next = { ...current, ...patch };
      try {
        window.localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      } catch {
        // Storage full or disabled: preferences last for this session only.
      }
      return next;
    });
  }, []);
  return [prefs, update];
}
