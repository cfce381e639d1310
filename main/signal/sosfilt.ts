/**
 * Filtering with second-order sections: causal (SciPy's `sosfilt`) and forward-backward zero-phase
 * (`sosfiltfilt`, with SciPy's odd extension and steady-state initial conditions, so the output
 * equals SciPy's sample for sample).
 */
import type { Sos } from './butterworth.js';

/** Per-section state [z0, z1] of the transposed direct form II. */
export type SosState = Float64Array[];

export function sosfilt(sos: Sos, input: ArrayLike<number>, initialState?: SosState): { output: Float64Array; state: SosState } {
  const state = sos.map((_, s) => Float64Array.from(initialState?.[s] ?? [0, 0]));
  const output = Float64Array.from(input);
  for (let s = 0; s < sos.length; s++) {
    const [b0, b1, b2, a0, a1, a2] = sos[s]!.map((v, i, row) => v / row[3]!) as [number, number, number, number, number, number];
    void a0;
    let z0 = state[s]![0]!;
    let z1 = state[s]![1]!;
    for (let i = 0; i < output.length; i++) {
      const x = output[i]!;
      const y = b0 * x + z0;
      z0 = b1 * x - a1 * y + z1;
      z1 = b2 * x - a2 * y;
      output[i] = y;
    }
    state[s]![0] = z0;
    state[s]![1] = z1;
  }
  return { output, state };
}

/** SciPy's `sosfilt_zi`: the state of each section in steady state for a unit step input. */
export function sosfiltZi(sos: Sos): SosState {
  let gain = 1;
  return sos.map(([b0, b1, b2, a0, a1, a2]) => {
    const b = [b0! / a0!, b1! / a0!, b2! / a0!];
    const a = [1, a1! / a0!, a2! / a0!];
    // lfilter_zi: solve (I - companion(a)^T) zi = b[1:] - a[1:] * b[0] for the 2×2 case.
    const r0 = b[1]! - a[1]! * b[0]!;
    const r1 = b[2]! - a[2]! * b[0]!;
    const m00 = 1 + a[1]!;
    const m01 = -1;
    const m10 = a[2]!;
    const m11 = 1;
    const det = m00 * m11 - m01 * m10;
    const zi = Float64Array.of(((r0 * m11 - m01 * r1) / det) * gain, ((m00 * r1 - m10 * r0) / det) * gain);
    gain *= (b[0]! + b[1]! + b[2]!) / (a[0]! + a[1]! + a[2]!);
    return zi;
  });
}

/** Samples of odd extension SciPy's sosfiltfilt adds on each side. */
export function sosfiltfiltPadLength(sos: Sos): number {
  const zerosB = sos.filter((row) => row[2] === 0).length;
  const zerosA = sos.filter((row) => row[5] === 0).length;
  return 3 * (2 * sos.length + 1 - Math.min(zerosB, zerosA));
}

export function sosfiltfilt(sos: Sos, input: ArrayLike<number>): Float64Array {
  const edge = sosfiltfiltPadLength(sos);
  const n = input.length;
  if (n <= edge) throw new RangeError(`zero-phase filtering needs more than ${edge} samples, got ${n}`);
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
