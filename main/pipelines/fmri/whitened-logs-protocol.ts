/** What whitened-logs.ts and its worker share (kept apart so the worker loads no pool code). */

/** Layout of the control words (Int32) shared with the workers. */
export const CONTROL = {
  /** Bumped by the caller to start a round; set to −1 to end the session. */
  generation: 0,
  /** Next subject to claim (Atomics.add). */
  next: 1,
  /** Subjects finished this round. */
  done: 2,
  /** Set when a worker's computation threw. */
  failed: 3,
  /** This round's operation: MODE.congruence or MODE.cholesky. */
  mode: 4,
  length: 5,
} as const;

/** What a round computes from the shared n × n `whitening` input X, per subject s. */
export const MODE = {
  /** X = W symmetric: logm(W Σₛ W). */
  congruence: 0,
  /** X = L⁻¹ (lower triangular): logm((L⁻¹Cₛ)(L⁻¹Cₛ)ᵀ), Cₛ the Cholesky factor of Σₛ. */
  cholesky: 1,
} as const;

export interface SessionMessage {
  n: number;
  count: number;
  control: SharedArrayBuffer;
  matrices: SharedArrayBuffer;
  /** Cᵀ per subject (Cₛ the lower Cholesky factor of Σₛ), for MODE.cholesky. */
  factors: SharedArrayBuffer;
  whitening: SharedArrayBuffer;
  logs: SharedArrayBuffer;
}
