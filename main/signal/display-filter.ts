/**
 * The viewer's display filters: Butterworth high-/low-/band-pass of a chosen order and a 50/60 Hz
 * notch (Q = 30), causal (as clinical systems show EEG) or zero-phase. The sections of all active
 * filters are cascaded into one SOS, so the output equals SciPy's sosfilt / sosfiltfilt of
 * `np.vstack([butter(...), iirnotch(...)])`. Designs are cached per rate and settings since every
 * page of a recording uses the same ones.
 */
import type { FilterSettings } from '../../shared/api/index.js';
import { butter, notch } from './butterworth.js';
import type { Sos } from './sos.js';
import { sosfilt, sosfiltfilt, sosfiltfiltPadLength } from './sosfilt.js';

/** Quality factor of the mains notch (SciPy's iirnotch example value; ≈1.7 Hz wide at 50 Hz). */
export const NOTCH_Q = 30;

/** Designs kept; a session uses a handful (a few rates × a few settings), the bound only guards memory. */
const CACHE_LIMIT = 256;
const designs = new Map<string, Sos | null>();

/**
 * The cascaded sections for these settings at this rate (order of the cascade: band-pass, or
 * high-pass then low-pass, then notch), or null when every filter is off. A cut-off at or above
 * Nyquist cannot be applied at this rate (a 70 Hz low-pass on a 100 Hz channel, any filter on a
 * 1 Hz temperature channel): that filter alone is skipped, the others still apply. A high-pass at
 * or above the low-pass is applied as two filters (it would be an empty band-pass).
 */
export function designDisplayFilter(sampleRateHz: number, settings: FilterSettings): Sos | null {
  const key = `${sampleRateHz}|${settings.highpassHz}|${settings.lowpassHz}|${settings.notchHz}|${settings.order}`;
  const cached = designs.get(key);
  if (cached !== undefined) {
    // Map iteration order is insertion order: re-insert so eviction drops the least recently used.
    designs.delete(key);
    designs.set(key, cached);
    return cached;
  }
  const nyquist = sampleRateHz / 2;
  const high = settings.highpassHz !== null && settings.highpassHz < nyquist ? settings.highpassHz : null;
  const low = settings.lowpassHz !== null && settings.lowpassHz < nyquist ? settings.lowpassHz : null;
  const sos: Sos = [];
  if (high !== null && low !== null && high < low) sos.push(...butter(settings.order, [high, low], 'bandpass', sampleRateHz));
  else {
    if (high !== null) sos.push(...butter(settings.order, high, 'highpass', sampleRateHz));
    if (low !== null) sos.push(...butter(settings.order, low, 'lowpass', sampleRateHz));
  }
  if (settings.notchHz !== null && settings.notchHz < nyquist) sos.push(...notch(settings.notchHz, sampleRateHz, NOTCH_Q));
  const design = sos.length ? sos : null;
  designs.set(key, design);
  if (designs.size > CACHE_LIMIT) designs.delete(designs.keys().next().value!);
  return design;
}

/**
 * One channel through the display filters (a new array; the input is not modified). Zero-phase
 * filtering of a signal too short for SciPy's padding (a few dozen samples) falls back to causal
 * filtering rather than failing a page.
 */
export function applyDisplayFilter(samples: ArrayLike<number>, sampleRateHz: number, settings: FilterSettings): Float64Array {
  const sos = designDisplayFilter(sampleRateHz, settings);
  if (!sos) return Float64Array.from(samples);
  if (settings.zeroPhase && samples.length > sosfiltfiltPadLength(sos)) return sosfiltfilt(sos, samples);
  return sosfilt(sos, samples).output;
}
