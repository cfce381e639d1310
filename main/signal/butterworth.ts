/**
 * Butterworth design as second-order sections, following SciPy's `butter(..., output='sos')` step
 * by step (analog prototype → frequency transform → bilinear transform → zpk2sos with "nearest"
 * pairing) so that sections, their order and gains match SciPy's, not only the frequency response.
 * Written here because no maintained JS library reproduces SciPy's design and pairing.
 */
import { abs, add, c, conj, div, mul, prod, scale, sqrt, sub, type Complex } from './complex.js';

/** Second-order sections: one row [b0, b1, b2, a0, a1, a2] per section, as SciPy's sos arrays. */
export type Sos = number[][];

export type BandType = 'lowpass' | 'highpass' | 'bandpass' | 'bandstop';

interface Zpk {
  z: Complex[];
  p: Complex[];
  k: number;
}

function prototype(order: number): Zpk {
  const p: Complex[] = [];
  for (let m = -order + 1; m < order; m += 2) {
    const angle = (Math.PI * m) / (2 * order);
    p.push(c(-Math.cos(angle), -Math.sin(angle)));
  }
  return { z: [], p, k: 1 };
}

function lowpass({ z, p, k }: Zpk, wo: number): Zpk {
  const degree = p.length - z.length;
  return { z: z.map((v) => scale(v, wo)), p: p.map((v) => scale(v, wo)), k: k * wo ** degree };
}

function highpass({ z, p, k }: Zpk, wo: number): Zpk {
  const degree = p.length - z.length;
  const gain = div(prod(z.map((v) => scale(v, -1))), prod(p.map((v) => scale(v, -1)))).re;
  return {
    z: [...z.map((v) => div(c(wo), v)), ...Array.from({ length: degree }, () => c(0))],
    p: p.map((v) => div(c(wo), v)),
    k: k * gain,
  };
}

function bandpass({ z, p, k }: Zpk, wo: number, bw: number): Zpk {
  const degree = p.length - z.length;
  const split = (values: Complex[]) => {
    const half = values.map((v) => scale(v, bw / 2));
    const root = half.map((v) => sqrt(sub(mul(v, v), c(wo * wo))));
    return [...half.map((v, i) => add(v, root[i]!)), ...half.map((v, i) => sub(v, root[i]!))];
  };
  return { z: [...split(z), ...Array.from({ length: degree }, () => c(0))], p: split(p), k: k * bw ** degree };
}

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

/** Bilinear transform with SciPy's internal fs = 2 (frequencies pre-warped accordingly). */
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

const EPS = 2.220446049250313e-16;
const isReal = (v: Complex) => v.im === 0;

/**
 * SciPy's _cplxreal: the real values, and one of each conjugate pair (positive imaginary part),
 * sorted by real part; complex values within a tolerance of the real axis count as real.
 */
function complexAndReal(values: Complex[]): Complex[] {
  const tol = 100 * EPS;
  const sorted = [...values].sort((a, b) => a.re - b.re || Math.abs(a.im) - Math.abs(b.im));
  const reals: Complex[] = [];
  const positive: Complex[] = [];
  const negative: Complex[] = [];
  for (const v of sorted) {
    if (Math.abs(v.im) <= tol * abs(v)) reals.push(c(v.re));
    else if (v.im > 0) positive.push(v);
    else negative.push(v);
  }
  if (positive.length !== negative.length) throw new Error('complex values without conjugates');
  // Within runs of equal real part, order by |imag| (as SciPy does), then average each pair.
  const byRunThenImag = (list: Complex[]) => {
    let start = 0;
    for (let i = 1; i <= list.length; i++) {
      if (i === list.length || !(list[i]!.re - list[i - 1]!.re <= tol * abs(list[i - 1]!))) {
        const run = list.slice(start, i).sort((a, b) => Math.abs(a.im) - Math.abs(b.im));
        list.splice(start, run.length, ...run);
        start = i;
      }
    }
  };
  byRunThenImag(positive);
  byRunThenImag(negative);
  const pairs = positive.map((v, i) => scale(add(v, conj(negative[i]!)), 0.5));
  return [...pairs, ...reals];
}

function nearestIndex(from: Complex[], to: Complex, which: 'real' | 'complex'): number {
  const candidates = from
    .map((v, i) => ({ i, d: abs(sub(v, to)), real: isReal(v) }))
    .filter((entry) => (which === 'real' ? entry.real : !entry.real))
    .sort((a, b) => a.d - b.d);
  if (!candidates.length) throw new Error(`no ${which} value to pair with`);
  return candidates[0]!.i;
}

/** Polynomial with roots r1, r2 times k, as the real coefficients [k, -k(r1+r2), k r1 r2]. */
function quadratic(r1: Complex, r2: Complex, k: number): number[] {
  return [k, -k * add(r1, r2).re, k * mul(r1, r2).re];
}

/** SciPy's zpk2sos with pairing='nearest'. */
export function zpk2sos(zeros: Complex[], poles: Complex[], k: number): Sos {
  if (zeros.length === 0 && poles.length === 0) return [[k, 0, 0, 1, 0, 0]];
  let z = [...zeros, ...Array.from({ length: Math.max(poles.length - zeros.length, 0) }, () => c(0))];
  let p = [...poles, ...Array.from({ length: Math.max(zeros.length - poles.length, 0) }, () => c(0))];
  const sections = Math.floor((Math.max(p.length, z.length) + 1) / 2);
  if (p.length % 2 === 1) {
    p.push(c(0));
    z.push(c(0));
  }
  z = complexAndReal(z);
  p = complexAndReal(p);
  const pairs: { p: [Complex, Complex]; z: [Complex, Complex] }[] = [];
  const take = (list: Complex[], index: number): Complex => list.splice(index, 1)[0]!;
  for (let s = 0; s < sections; s++) {
    // The pole closest to the unit circle goes first (it ends up last, in the most robust place).
    let worst = 0;
    p.forEach((v, i) => {
      if (Math.abs(1 - abs(v)) < Math.abs(1 - abs(p[worst]!))) worst = i;
    });
    const p1 = take(p, worst);
    let p2: Complex;
    let z1: Complex;
    let z2: Complex;
    if (isReal(p1) && p.filter(isReal).length === 0) {
      z1 = take(z, nearestIndex(z, p1, 'real'));
      p2 = c(0);
      z2 = c(0);
    } else {
      let z1Index: number;
      if (!isReal(p1) && z.filter(isReal).length === 1) z1Index = nearestIndex(z, p1, 'complex');
      else {
        z1Index = 0;
        z.forEach((v, i) => {
          if (abs(sub(p1, v)) < abs(sub(p1, z[z1Index]!))) z1Index = i;
        });
      }
      z1 = take(z, z1Index);
      if (!isReal(p1)) {
        p2 = conj(p1);
        z2 = !isReal(z1) ? conj(z1) : take(z, nearestIndex(z, p1, 'real'));
      } else {
        let p2Index: number;
        if (!isReal(z1)) {
          z2 = conj(z1);
          p2Index = nearestIndex(p, z1, 'real');
        } else {
          const realIndices = p.map((v, i) => (isReal(v) ? i : -1)).filter((i) => i >= 0);
          p2Index = realIndices.reduce((best, i) => (Math.abs(abs(p[i]!) - 1) < Math.abs(abs(p[best]!) - 1) ? i : best), realIndices[0]!);
          z2 = take(z, nearestIndex(z, p[p2Index]!, 'real'));
        }
        p2 = take(p, p2Index);
      }
    }
    pairs.push({ p: [p1, p2], z: [z1, z2] });
  }
  pairs.reverse();
  return pairs.map((pair, s) => [...quadratic(pair.z[0], pair.z[1], s === 0 ? k : 1), ...quadratic(pair.p[0], pair.p[1], 1)]);
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

/** Equal to scipy.signal.iirnotch(freqHz, q, fs=sampleRateHz), as one second-order section. */
export function notch(freqHz: number, sampleRateHz: number, q = 30): Sos {
  const nyquist = sampleRateHz / 2;
  if (!(freqHz > 0 && freqHz < nyquist)) throw new RangeError(`notch at ${freqHz} Hz must lie below the Nyquist frequency (${nyquist} Hz)`);
  const w0 = (Math.PI * freqHz) / nyquist;
  const bandwidth = w0 / q;
  const beta = Math.tan(bandwidth / 2);
  const gain = 1 / (1 + beta);
  return [[gain, -2 * gain * Math.cos(w0), gain, 1, -2 * gain * Math.cos(w0), 2 * gain - 1]];
}
