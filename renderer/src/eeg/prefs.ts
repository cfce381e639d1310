/**
 * Display preferences of the viewer (page length, timebase, screen calibration, filters), kept in
 * localStorage so a reader's screen calibration and habits survive restarts. Sensitivities are not
 * kept: each recording opens at scales fitted to its own signals (autoScale.ts).
 */
import { useCallback, useState } from 'react';
import {
  DEFAULT_PAGE_S,
  DEFAULT_TIMEBASE,
  HIGHPASS_HZ,
  LOWPASS_HZ,
  NOTCH_HZ,
  PAGE_LENGTHS_S,
  TIMEBASES_MM_PER_S,
} from './calibration.js';

export interface ReviewPrefs {
  pageLengthS: number;
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
  timebaseMmPerS: DEFAULT_TIMEBASE,
  // A page that fits the window, so no recording opens with a sideways scroll; a calibrated mm/s is one pick away.
  timebaseFit: true,
  calibrationFactor: 1,
  highpassHz: 0.5,
  lowpassHz: 70,
  notchHz: null,
  zeroPhase: false,
};

/** v2: fit-to-window became the default, so a stored `timebaseFit: false` of v1 (the old default) is not carried over. */
const STORAGE_KEY = 'cajal.eeg.prefs.v2';
/** v1 preferences: only the screen calibration (a measurement of this screen) is carried over. */
const V1_STORAGE_KEY = 'cajal.eeg.prefs';

function readStored(key: string): Record<string, unknown> | null {
  try {
    const raw = window.localStorage.getItem(key);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const oneOf = <T,>(allowed: readonly T[], value: unknown, fallback: T): T => (allowed.includes(value as T) ? (value as T) : fallback);

/** Stored preferences, each field checked against its allowed values. */
export function loadPrefs(): ReviewPrefs {
  const stored = readStored(STORAGE_KEY) ?? { calibrationFactor: readStored(V1_STORAGE_KEY)?.calibrationFactor };
  const factor = Number(stored.calibrationFactor);
  return {
    pageLengthS: oneOf<number>(PAGE_LENGTHS_S, stored.pageLengthS, DEFAULT_PREFS.pageLengthS),
    timebaseMmPerS: oneOf<number>(TIMEBASES_MM_PER_S, stored.timebaseMmPerS, DEFAULT_PREFS.timebaseMmPerS),
    timebaseFit: typeof stored.timebaseFit === 'boolean' ? stored.timebaseFit : DEFAULT_PREFS.timebaseFit,
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
