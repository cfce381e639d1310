/**
 * Zeros, poles and gain → second-order sections with SciPy's `zpk2sos(..., pairing='nearest')`
 * (SciPy 1.10 algorithm). The pairing decides which poles share a section and in which order the
 * sections run, so reproducing it step by step is what makes our sections equal SciPy's row for
 * row rather than only giving the same overall response.
 */
import { abs, add, c, conj, mul, scale, sub, type Complex } from './complex.js';
import type { Sos, SosSection } from './sos.js';

const EPS = 2.220446049250313e-16;
/** numpy's isreal: exactly zero imaginary part (values snapped by cplxreal below). */
const isReal = (v: Complex): boolean => v.im === 0;

/**
 * SciPy's `_cplxreal`: one of each conjugate pair (the positive-imaginary one, averaged with its
 * partner), then the real values, each group sorted by real part; values within 100·eps of the
 * real axis count as real. Returned concatenated, as zpk2sos uses it.
 */
export function cplxreal(values: readonly Complex[]): Complex[] {
  const tol = 100 * EPS;
  const sorted = [...values].sort((a, b) => a.re - b.re || Math.abs(a.im) - Math.abs(b.im));
  const reals: Complex[] = [];
  const rest: Complex[] = [];
  for (const v of sorted) {
    if (Math.abs(v.im) <= tol * abs(v)) reals.push(c(v.re));
    else rest.push(v);
  }
  const positive = rest.filter((v) => v.im > 0);
  const negative = rest.filter((v) => v.im < 0);
  if (positive.length !== negative.length) throw new RangeError('complex value without its conjugate');
  // Runs of (nearly) equal real part, found on the positive half, are re-sorted by |imag| in both
  // halves so that each positive value lines up with its own conjugate.
  let start = 0;
  for (let i = 1; i <= positive.length; i++) {
    const sameReal = i < positive.length && positive[i]!.re - positive[i - 1]!.re <= tol * abs(positive[i - 1]!);
    if (sameReal) continue;
    for (const half of [positive, negative]) {
      const run = half.slice(start, i).sort((a, b) => Math.abs(a.im) - Math.abs(b.im));
      half.splice(start, run.length, ...run);
    }
    start = i;
  }
  positive.forEach((v, i) => {
    if (abs(sub(v, conj(negative[i]!))) > tol * abs(negative[i]!)) throw new RangeError('complex value without its conjugate');
  });
  const pairs = positive.map((v, i) => scale(add(v, conj(negative[i]!)), 0.5));
  return [...pairs, ...reals];
}

/** numpy argmin: the first index of the smallest key. */
function argmin<T>(values: readonly T[], key: (v: T) => number): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (key(values[i]!) < key(values[best]!)) best = i;
  return best;
}

/** Digital "worst" pole: the one closest to the unit circle. */
const distanceToCircle = (v: Complex): number => Math.abs(1 - abs(v));

/** SciPy's `_nearest_real_complex_idx`: index of the value nearest `to` among the real / complex / any ones. */
function nearest(from: readonly Complex[], to: Complex, which: 'real' | 'complex' | 'any'): number {
  const order = from.map((v, i) => ({ i, d: abs(sub(v, to)) })).sort((a, b) => a.d - b.d || a.i - b.i);
  const found = order.find(({ i }) => which === 'any' || (which === 'real') === isReal(from[i]!));
  if (!found) throw new RangeError(`no ${which} value left to pair with`);
  return found.i;
}

const take = (list: Complex[], index: number): Complex => list.splice(index, 1)[0]!;

/**
 * numpy's poly of up to two roots, as the real coefficients of a section row (padded on the left
 * like SciPy's `_single_zpksos`): [1, −(r1 + r2), r1·r2].
 */
function polyRow(roots: readonly Complex[]): [number, number, number] {
  if (roots.length === 0) return [0, 0, 1];
  if (roots.length === 1) return [0, 1, -roots[0]!.re];
  const [r1, r2] = roots as [Complex, Complex];
  return [1, -add(r1, r2).re, mul(r1, r2).re];
}

function section(zeros: readonly Complex[], poles: readonly Complex[]): SosSection {
  return [...polyRow(zeros), ...polyRow(poles)];
}

/** scipy.signal.zpk2sos(z, p, k) for a digital filter, pairing 'nearest'. */
export function zpk2sos(zeros: readonly Complex[], poles: readonly Complex[], k: number): Sos {
  if (zeros.length === 0 && poles.length === 0) return [[k, 0, 0, 1, 0, 0]];
  const pad = (n: number) => Array.from({ length: Math.max(n, 0) }, () => c(0));
  let p = [...poles, ...pad(zeros.length - poles.length)];
  let z = [...zeros, ...pad(poles.length - zeros.length)];
  const sectionCount = Math.floor((Math.max(p.length, z.length) + 1) / 2);
  if (p.length % 2 === 1) {
    p.push(c(0));
    z.push(c(0));
  }
  z = cplxreal(z);
  p = cplxreal(p);
  const sos: Sos = new Array<SosSection>(sectionCount);
  // Built from the last section backwards, so the poles nearest the unit circle (the most
  // sensitive ones) end up in the last sections, after the others have shaped the signal.
  for (let s = sectionCount - 1; s >= 0; s--) {
    const p1 = take(p, argmin(p, distanceToCircle));
    if (isReal(p1) && p.filter(isReal).length === 0) {
      // The last real pole: a first-order section with the nearest real zero.
      const z1 = take(z, nearest(z, p1, 'real'));
      sos[s] = section([z1, c(0)], [p1, c(0)]);
    } else if (p.length + 1 === z.length && !isReal(p1) && p.filter(isReal).length === 1 && z.filter(isReal).length === 1) {
      // One real pole and one real zero are left over for each other: this pole takes a complex zero.
      const z1 = take(z, nearest(z, p1, 'complex'));
      sos[s] = section([z1, conj(z1)], [p1, conj(p1)]);
    } else {
      let p2: Complex;
      if (isReal(p1)) {
        const realIndices = p.map((v, i) => (isReal(v) ? i : -1)).filter((i) => i >= 0);
        p2 = take(p, realIndices[argmin(realIndices, (i) => distanceToCircle(p[i]!))]!);
      } else p2 = conj(p1);
      if (z.length === 0) sos[s] = section([], [p1, p2]);
      else {
        const z1 = take(z, nearest(z, p1, 'any'));
        if (!isReal(z1)) sos[s] = section([z1, conj(z1)], [p1, p2]);
        else if (z.length > 0) sos[s] = section([z1, take(z, nearest(z, p1, 'real'))], [p1, p2]);
        else sos[s] = section([z1], [p1, p2]);
      }
    }
  }
  // The gain goes into the first section's numerator.
  const first = sos[0]!;
  for (let i = 0; i < 3; i++) first[i] = first[i]! * k;
  return sos;
}
