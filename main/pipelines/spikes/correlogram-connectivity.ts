/**
 * Baseline 1: directed connectivity from cross-correlogram peaks. For each ordered pair pre → post,
 * the cross-correlogram C(k) counts post spikes at lag k bins after a pre spike. Slow co-modulation
 * (the shared stimulus, slow rate changes) is removed with the jitter predictor: jittering the post
 * spikes uniformly by ±J/2 turns C into C ⊛ box(J), so the corrected CCG is C − C ⊛ box(J) and only
 * structure finer than J (a synapse) is left. The score of pre → post is the corrected CCG's
 * extremum over short positive lags (1…maxLag bins), in units of its Poisson s.d. √(C ⊛ box):
 * a signed z (positive for excitation, negative for inhibition). Both directions of a pair come from
 * one CCG (negative lags are post → pre), so each unordered pair is visited once.
 */
import { ValidationError } from '../../errors.js';

export interface CcgParams {
  /** CCG bin. */
  binS?: number;
  /** Positive-lag window searched for the peak, in seconds (lags binS … maxLagS). */
  maxLagS?: number;
  /** Jitter window J. */
  jitterS?: number;
}

export const CCG_DEFAULTS = { binS: 0.001, maxLagS: 0.02, jitterS: 0.05 } as const;

export interface CcgConnectivity {
  /** Signed peak z, S[post·N + pre]; diagonal 0. */
  z: Float64Array;
  /** Lag (s) of the peak for each pair. */
  lagS: Float64Array;
  params: Required<CcgParams>;
}

/**
 * Raw CCG of two ascending trains over lags −m…m bins (index k + m): counts of b-spikes at
 * floor((t_b − t_a)/bin + ½)-rounded lags within ±m bins of each a-spike (two moving pointers).
 */
export function crossCorrelogram(a: Float64Array, b: Float64Array, binS: number, m: number): Float64Array {
  const out = new Float64Array(2 * m + 1);
  const reach = (m + 0.5) * binS;
  let lo = 0;
  for (let i = 0; i < a.length; i++) {
    const ta = a[i]!;
    while (lo < b.length && b[lo]! < ta - reach) lo++;
    for (let j = lo; j < b.length; j++) {
      const d = b[j]! - ta;
      if (d >= reach) break;
      const k = Math.round(d / binS);
      if (k >= -m && k <= m) out[k + m]!++;
    }
  }
  return out;
}

export function ccgConnectivity(trains: readonly Float64Array[], params: CcgParams = {}): CcgConnectivity {
  const p = { ...CCG_DEFAULTS, ...params };
  if (!(p.binS > 0)) throw new ValidationError('binS', `expected > 0, got ${p.binS}`);
  const maxLag = Math.round(p.maxLagS / p.binS);
  const half = Math.max(1, Math.round(p.jitterS / p.binS / 2));
  if (maxLag < 1) throw new ValidationError('maxLagS', `expected at least one bin (${p.binS} s), got ${p.maxLagS}`);
  if (half * 2 + 1 > 20000) throw new ValidationError('jitterS', `expected at most 20000 bins, got ${p.jitterS}`);
  const n = trains.length;
  const m = maxLag + half;
  const z = new Float64Array(n * n);
  const lagS = new Float64Array(n * n);
  const width = 2 * half + 1;
  // One direction's peak from the corrected CCG: `sign` +1 reads lags +1…+maxLag (b after a).
  const peak = (c: Float64Array, sign: 1 | -1): { z: number; lag: number } => {
    let best = 0;
    let bestLag = 0;
    for (let lag = 1; lag <= maxLag; lag++) {
      const k = m + sign * lag;
      let s = 0;
      for (let d = -half; d <= half; d++) s += c[k + d]!;
      const expected = s / width;
      const value = (c[k]! - expected) / Math.sqrt(Math.max(expected, 1));
      if (Math.abs(value) > Math.abs(best)) {
        best = value;
        bestLag = lag;
      }
    }
    return { z: best, lag: bestLag * p.binS };
  };
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const c = crossCorrelogram(trains[a]!, trains[b]!, p.binS, m);
      const ab = peak(c, 1); // b after a: a → b
      const ba = peak(c, -1); // a after b: b → a
      z[b * n + a] = ab.z;
      lagS[b * n + a] = ab.lag;
      z[a * n + b] = ba.z;
      lagS[a * n + b] = ba.lag;
    }
  }
  return { z, lagS, params: p };
}
