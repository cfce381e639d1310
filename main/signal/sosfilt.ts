/**
 * Filtering with second-order sections: causal (SciPy's `sosfilt`) and forward-backward zero-phase
 * (`sosfiltfilt`, with SciPy's odd extension and steady-state initial conditions, so the output
 * equals SciPy's sample for sample).
 */
import { toSections, type SosLike } from './sos.js';

/** Per-section state [z0, z1] of the transposed direct form II (SciPy's zi/zf, shape n×2). */
export type SosState = Float64Array[];

/**
 * Causal filtering, equal to scipy.signal.sosfilt(sos, x, zi=initialState). Returns the output and
 * the final state (SciPy's zf), so a long signal filtered chunk by chunk, passing each chunk's
 * state to the next, equals the signal filtered at once. Sections need not have a0 = 1.
 */
export function sosfilt(sos: SosLike, input: ArrayLike<number>, initialState?: SosState): { output: Float64Array; state: SosState } {
  const sections = toSections(sos);
  if (initialState && initialState.length !== sections.length) {
    throw new RangeError(`initial state has ${initialState.length} sections, the filter ${sections.length}`);
  }
  const state = sections.map((_, s) => Float64Array.from(initialState?.[s] ?? [0, 0]));
  const output = Float64Array.from(input);
  // Section by section over the whole signal (cache-friendly); each section sees exactly the
  // sequence it would sample by sample, so results are identical to SciPy's loop order.
  sections.forEach(([b0, b1, b2, a0, a1, a2], s) => {
    const nb0 = b0 / a0, nb1 = b1 / a0, nb2 = b2 / a0, na1 = a1 / a0, na2 = a2 / a0;
    let z0 = state[s]![0]!;
    let z1 = state[s]![1]!;
    for (let i = 0; i < output.length; i++) {
      const x = output[i]!;
      const y = nb0 * x + z0;
      z0 = nb1 * x - na1 * y + z1;
      z1 = nb2 * x - na2 * y;
      output[i] = y;
    }
    state[s]![0] = z0;
    state[s]![1] = z1;
  });
  return { output, state };
}

/**
 * scipy.signal.sosfilt_zi: the state of each section at steady state for a unit step input
 * (scale by the first sample to start a filter without its step transient).
 */
export function sosfiltZi(sos: SosLike): SosState {
  let gain = 1;
  return toSections(sos).map(([b0, b1, b2, a0, a1, a2]) => {
    const b = [b0 / a0, b1 / a0, b2 / a0] as const;
    const a = [1, a1 / a0, a2 / a0] as const;
    // lfilter_zi: solve (I − companion(a)ᵀ)·zi = b[1:] − a[1:]·b[0], here 2×2 in closed form.
    const r0 = b[1] - a[1] * b[0];
    const r1 = b[2] - a[2] * b[0];
    const m00 = 1 + a[1];
    const m01 = -1;
    const m10 = a[2];
    const m11 = 1;
    const det = m00 * m11 - m01 * m10;
    const zi = Float64Array.of(((r0 * m11 - m01 * r1) / det) * gain, ((m00 * r1 - m10 * r0) / det) * gain);
    // Each later section sees the step scaled by the DC gain of those before it.
    gain *= (b0 + b1 + b2) / (a0 + a1 + a2);
    return zi;
  });
}

/** Samples of odd extension SciPy's sosfiltfilt adds on each side (its default padlen). */
export function sosfiltfiltPadLength(sos: SosLike): number {
  const zerosB = sos.filter((row) => row[2] === 0).length;
  const zerosA = sos.filter((row) => row[5] === 0).length;
  return 3 * (2 * sos.length + 1 - Math.min(zerosB, zerosA));
}

/**
 * Zero-phase filtering, equal to scipy.signal.sosfiltfilt(sos, x) with its defaults
 * (padtype 'odd', padlen = sosfiltfiltPadLength(sos), initial conditions from sosfilt_zi).
 * Like SciPy, refuses a signal not longer than the padding (RangeError naming both lengths).
 */
export function sosfiltfilt(sos: SosLike, input: ArrayLike<number>): Float64Array {
  const edge = sosfiltfiltPadLength(sos);
  const n = input.length;
  if (n <= edge) {
    throw new RangeError(`zero-phase filtering needs more than ${edge} samples (SciPy's padlen for ${sos.length} sections), got ${n}`);
  }
  // Odd extension: 2·x[0] − x[edge…1] before, 2·x[n−1] − x[n−2…n−1−edge] after.
  const extended = new Float64Array(n + 2 * edge);
  for (let i = 0; i < edge; i++) extended[i] = 2 * input[0]! - input[edge - i]!;
  for (let i = 0; i < n; i++) extended[edge + i] = input[i]!;
  for (let i = 0; i < edge; i++) extended[edge + n + i] = 2 * input[n - 1]! - input[n - 2 - i]!;
  const zi = sosfiltZi(sos);
  const scaled = (factor: number) => zi.map((state) => state.map((v) => v * factor));
  const forward = sosfilt(sos, extended, scaled(extended[0]!)).output;
  forward.reverse();
  const backward = sosfilt(sos, forward, scaled(forward[0]!)).output;
  backward.reverse();
  return backward.slice(edge, edge + n);
}
