/**
 * The logistic-regression baseline's description of one labelled segment: its line length and its
 * power in the five classical EEG bands — the features of the literature's simplest Bonn and New
 * Delhi classifiers (Esteller et al. 2001 line length; band powers as in Subasi 2007 and others).
 *
 *   0    log10 line length: mean |x[k] − x[k−1]| × rate, in µV/s (per second, so collections
 *        sampled at different rates compare);
 *   1–5  log10 band power, µV², of delta 0.5–4, theta 4–8, alpha 8–13, beta 13–30 and gamma
 *        30–min(70, Nyquist) Hz.
 *
 * Band powers integrate a Welch spectrum (main/signal `welch`: Hann windows of 2 s, half overlap,
 * mean removed per window — SciPy's defaults but the length): 2 s gives 0.5 Hz bins, enough to
 * separate delta from theta, and still 4 windows on a 5.12 s New Delhi segment (21 on a 23.6 s
 * Bonn one). A bin counts in a band when lo ≤ f < hi; power = Σ PSD·Δf. Logs, because powers span
 * decades between healthy scalp EEG and ictal intracranial EEG; a floor of 1e-12 µV² keeps a flat
 * (all-zero) band finite.
 */
import { welch } from '../../../signal/index.js';

export const SEGMENT_FEATURE_NAMES: readonly string[] = [
  'log10 line length (uV/s)',
  'log10 power delta 0.5-4 Hz (uV^2)',
  'log10 power theta 4-8 Hz (uV^2)',
  'log10 power alpha 8-13 Hz (uV^2)',
  'log10 power beta 13-30 Hz (uV^2)',
  'log10 power gamma 30-70 Hz (uV^2)',
];
export const SEGMENT_FEATURE_COUNT = SEGMENT_FEATURE_NAMES.length;

/** [lo, hi) Hz; gamma's upper edge is further bounded by the Nyquist frequency. */
export const BANDS_HZ: readonly (readonly [number, number])[] = [
  [0.5, 4],
  [4, 8],
  [8, 13],
  [13, 30],
  [30, 70],
];
export const WELCH_WINDOW_S = 2;
const POWER_FLOOR = 1e-12;

/** Segments shorter than this cannot hold one Welch window. */
export const MIN_SEGMENT_S = WELCH_WINDOW_S;

export interface SegmentSignal {
  /** For messages: the segment's id or file. */
  id: string;
  rateHz: number;
  samples: ArrayLike<number>;
}

/** The SEGMENT_FEATURE_COUNT features of one segment (see the module comment). */
export function segmentFeatures(segment: SegmentSignal): Float64Array {
  const { id, rateHz, samples } = segment;
  if (!(rateHz > 0) || !Number.isFinite(rateHz)) throw new RangeError(`segment ${id}: sampling rate must be a positive number, got ${rateHz}`);
  const nperseg = Math.round(WELCH_WINDOW_S * rateHz);
  if (samples.length < nperseg) {
    throw new RangeError(`segment ${id}: ${samples.length} samples (${(samples.length / rateHz).toFixed(2)} s) is shorter than the ${WELCH_WINDOW_S} s the band powers need`);
  }
  const nyquist = rateHz / 2;
  if (nyquist <= BANDS_HZ[4]![0]) throw new RangeError(`segment ${id}: sampling rate ${rateHz} Hz has no gamma band (Nyquist ${nyquist} Hz ≤ 30 Hz)`);
  let travel = 0;
  let previous = samples[0]!;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    if (!Number.isFinite(x)) throw new RangeError(`segment ${id}: sample ${i} is not a finite number`);
    travel += Math.abs(x - previous);
    previous = x;
  }
  const out = new Float64Array(SEGMENT_FEATURE_COUNT);
  const lineLengthPerS = samples.length > 1 ? (travel / (samples.length - 1)) * rateHz : 0;
  out[0] = Math.log10(Math.max(lineLengthPerS, POWER_FLOOR));

  const { freqsHz, psd } = welch(samples, rateHz, { nperseg });
  const df = rateHz / nperseg;
  BANDS_HZ.forEach(([lo, bandHi], b) => {
    const hi = Math.min(bandHi, nyquist);
    let power = 0;
    for (let k = 0; k < freqsHz.length; k++) if (freqsHz[k]! >= lo && freqsHz[k]! < hi) power += psd[k]! * df;
    out[1 + b] = Math.log10(Math.max(power, POWER_FLOOR));
  });
  return out;
}
