/**
 * The viewer's display filters: Butterworth high-/low-/band-pass of a chosen order and a 50/60 Hz
 * notch, causal (as clinical systems show EEG) or zero-phase. Designs are cached per rate and
 * settings since every page of a recording uses the same ones.
 */
import type { FilterSettings } from '../../shared/api/index.js';
import { butter, notch, type Sos } from './butterworth.js';
import { sosfilt, sosfiltfilt } from './sosfilt.js';

const designs = new Map<string, Sos>();

/** The sections for these settings at this rate, or null when every filter is off or out of range. */
export function designDisplayFilter(sampleRateHz: number, settings: FilterSettings): Sos | null {
  const key = `${sampleRateHz}|${settings.highpassHz}|${settings.lowpassHz}|${settings.notchHz}|${settings.order}`;
  const cached = designs.get(key);
  if (cached) return cached;
  const nyquist = sampleRateHz / 2;
  // A cut-off at or above Nyquist cannot be applied at this rate (e.g. a 70 Hz low-pass on a
  // 100 Hz channel, or any filter on a 1 Hz temperature channel): that filter is skipped.
  const high = settings.highpassHz !== null && settings.highpassHz < nyquist ? settings.highpassHz : null;
  const low = settings.lowpassHz !== null && settings.lowpassHz < nyquist ? settings.lowpassHz : null;
  const sos: Sos = [];
  if (high !== null && low !== null && high < low) sos.push(...butter(settings.order, [high, low], 'bandpass', sampleRateHz));
  else {
    if (high !== null) sos.push(...butter(settings.order, high, 'highpass', sampleRateHz));
    if (low !== null) sos.push(...butter(settings.order, low, 'lowpass', sampleRateHz));
  }
  if (settings.notchHz !== null && settings.notchHz < nyquist) sos.push(...notch(settings.notchHz, sampleRateHz));
  const design = sos.length ? sos : null;
  if (design) designs.set(key, design);
  return design;
}

export function applyDisplayFilter(samples: Float64Array, sampleRateHz: number, settings: FilterSettings): Float64Array {
  const sos = designDisplayFilter(sampleRateHz, settings);
  if (!sos) return Float64Array.from(samples);
  if (settings.zeroPhase) {
    // Too short for SciPy's padding: fall back to causal filtering rather than fail a page.
    try {
      return sosfiltfilt(sos, samples);
    } catch {
      return sosfilt(sos, samples).output;
    }
  }
  return sosfilt(sos, samples).output;
}
