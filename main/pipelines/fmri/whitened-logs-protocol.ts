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
  length: 4,
} as const;

export interface SessionMessage {
  n: number;
  count: number;
  control: SharedArrayBuffer;
  matrices: SharedArrayBuffer;
  whitening: SharedArrayBuffer;
  logs: SharedArrayBuffer;
}
