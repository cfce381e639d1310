/**
 * Butterworth design as second-order sections, following SciPy's `butter(..., output='sos')` step
 * by step (analog prototype → frequency transform → bilinear transform → zpk2sos with "nearest"
 * pairing) so that sections, their order and gains match SciPy's, not only the frequency response.
 * Written here because no maintained JS library reproduces SciPy's design and pairing. Each step
 * mirrors the SciPy function named in its comment, including the order of floating-point
 * operations where it matters for the last bits.
 */
import { add, c, div, mul, prod, scale, sqrt, sub, type Complex } from './complex.js';
import type { Sos } from './sos.js';
import { zpk2sos } from './zpk2sos.js';

export type BandType = 'lowpass' | 'highpass' | 'bandpass' | 'bandstop';

interface Zpk {
  z: Complex[];
  p: Complex[];
  k: number;
}

/** buttap: the analog prototype, poles evenly spaced on the left half of the unit circle. */
function prototype(order: number): Zpk {
  const p: Complex[] = [];
  for (let m = -order + 1; m < order; m += 2) {
    const angle = (Math.PI * m) / (2 * order);
    p.push(c(-Math.cos(angle), -Math.sin(angle)));
  }
  return { z: [], p, k: 1 };
}

/** lp2lp_zpk: scale to the cut-off. */
function lowpass({ z, p, k }: Zpk, wo: number): Zpk {
  const degree = p.length - z.length;
  return { z: z.map((v) => scale(v, wo)), p: p.map((v) => scale(v, wo)), k: k * wo ** degree };
}

/** lp2hp_zpk: s → wo/s; the zeros at infinity move to the origin. */
function highpass({ z, p, k }: Zpk, wo: number): Zpk {
  const degree = p.length - z.length;
  const gain = div(prod(z.map((v) => scale(v, -1))), prod(p.map((v) => scale(v, -1)))).re;
  return {
    z: [...z.map((v) => div(c(wo), v)), ...Array.from({ length: degree }, () => c(0))],
    p: p.map((v) => div(c(wo), v)),
    k: k * gain,
  };
}

/** lp2bp_zpk: each root splits into two around the centre wo; zeros at infinity move to the origin. */
function bandpass({ z, p, k }: Zpk, wo: number, bw: number): Zpk {
  const degree = p.length - z.length;
  const split = (values: Complex[]) => {
    const half = values.map((v) => scale(v, bw / 2));
    const root = half.map((v) => sqrt(sub(mul(v, v), c(wo * wo))));
    return [...half.map((v, i) => add(v, root[i]!)), ...half.map((v, i) => sub(v, root[i]!))];
  };
  return { z: [...split(z), ...Array.from({ length: degree }, () => c(0))], p: split(p), k: k * bw ** degree };
}

/** lp2bs_zpk: high-pass inversion then split; zeros at infinity move to ±j·wo (the stop band). */
function bandstop({ z, p, k }: Zpk, wo: number, bw: number): Zpk {
  const degree = p.length - z.length;
  const invert = (values: Complex[]) => values.map((v) => div(c(bw / 2), v));
  const split = (half: Complex[]) => {
    const root = half.map((v) => sqrt(sub(mul(v, v), c(wo * wo))));
    return [...half.map((v, i) => add(v, root[i]!)), ...half.map((v, i) => sub(v, root[i]!))];
  };
  const gain = div(prod(z.map((v) => scale(v, -1))), prod(p.map((v) => scale(v, -1)))).re;
  const extraZeros = [...Array.from({ length: degree }, () => c(0, wo)), ...Array.from({ length: degree }, () => c(0, -wo))];
  return { z: [...split(invert(z)), ...extraZeros], p: split(invert(p)), k: k * gain };
}

/** bilinear_zpk at SciPy's internal fs = 2 (cut-offs pre-warped accordingly); zeros at infinity go to z = −1. */
function bilinear({ z, p, k }: Zpk): Zpk {
  const fs2 = c(4);
  const degree = p.length - z.length;
  const gain = div(prod(z.map((v) => sub(fs2, v))), prod(p.map((v) => sub(fs2, v)))).re;
  return {
    z: [...z.map((v) => div(add(fs2, v), sub(fs2, v))), ...Array.from({ length: degree }, () => c(-1))],
    p: p.map((v) => div(add(fs2, v), sub(fs2, v))),
    k: k * gain,
  };
}

/**
 * Digital Butterworth filter, `cutoffHz` a number (low/high-pass) or [low, high] (band-pass/stop).
 * Equal to scipy.signal.butter(order, cutoffHz, type, fs=sampleRateHz, output='sos').
 */
export function butter(order: number, cutoffHz: number | [number, number], type: BandType, sampleRateHz: number): Sos {
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`filter order must be a positive integer, got ${order}`);
  const nyquist = sampleRateHz / 2;
  const edges = typeof cutoffHz === 'number' ? [cutoffHz] : cutoffHz;
  for (const edge of edges) {
    if (!(edge > 0 && edge < nyquist)) {
      throw new RangeError(`cut-off ${edge} Hz must lie between 0 and the Nyquist frequency (${nyquist} Hz) for a sampling rate of ${sampleRateHz} Hz`);
    }
  }
  // Pre-warp for the bilinear transform at SciPy's internal fs = 2.
  const warped = edges.map((edge) => 4 * Math.tan((Math.PI * (edge / nyquist)) / 2));
  const analog = prototype(order);
  let zpk: Zpk;
  if (type === 'lowpass' || type === 'highpass') {
    if (edges.length !== 1) throw new RangeError(`${type} takes one cut-off frequency`);
    zpk = type === 'lowpass' ? lowpass(analog, warped[0]!) : highpass(analog, warped[0]!);
  } else {
    if (edges.length !== 2 || !(edges[0]! < edges[1]!)) throw new RangeError(`${type} takes two increasing cut-off frequencies`);
    const bw = warped[1]! - warped[0]!;
    const wo = Math.sqrt(warped[0]! * warped[1]!);
    zpk = type === 'bandpass' ? bandpass(analog, wo, bw) : bandstop(analog, wo, bw);
  }
  const digital = bilinear(zpk);
  return zpk2sos(digital.z, digital.p, digital.k);
}

/**
 * Second-order IIR notch, equal to scipy.signal.iirnotch(freqHz, q, fs=sampleRateHz) as one
 * section [b0, b1, b2, 1, a1, a2]; `q` = centre frequency / −3 dB bandwidth.
 */
export function notch(freqHz: number, sampleRateHz: number, q = 30): Sos {
  const nyquist = sampleRateHz / 2;
  if (!(freqHz > 0 && freqHz < nyquist)) throw new RangeError(`notch at ${freqHz} Hz must lie between 0 and the Nyquist frequency (${nyquist} Hz)`);
  if (!(q > 0)) throw new RangeError(`notch quality factor must be positive, got ${q}`);
  // Same operation order as SciPy's _design_notch_peak_filter, so the coefficients agree to the bit.
  const normalised = (2 * freqHz) / sampleRateHz;
  const bandwidth = (normalised / q) * Math.PI;
  const w0 = normalised * Math.PI;
  const beta = Math.tan(bandwidth / 2);
  const gain = 1 / (1 + beta);
  const cos = Math.cos(w0);
  return [[gain * 1, gain * (-2 * cos), gain * 1, 1, -2 * gain * cos, 2 * gain - 1]];
}
