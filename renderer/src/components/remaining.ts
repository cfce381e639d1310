/**
 * Time remaining of a run, estimated from how long it has run and how far it has come: the rest is
 * assumed to go at the average pace so far. No estimate before there is something to average (the
 * first seconds and the first percent are mostly start-up: reading files, spawning workers).
 */

/** Below these, the estimate would be a guess dominated by start-up. */
const MIN_ELAPSED_MS = 2000;
const MIN_FRACTION = 0.02;

/** Milliseconds left, or null while no honest estimate can be made (or when done). */
export function estimateRemainingMs(elapsedMs: number, fraction: number): number | null {
  if (!(Number.isFinite(elapsedMs) && Number.isFinite(fraction))) return null;
  if (elapsedMs < MIN_ELAPSED_MS || fraction < MIN_FRACTION || fraction >= 1) return null;
  return (elapsedMs * (1 - fraction)) / fraction;
}

/** "about 40 s left", "about 3 min left", "about 1 h 05 min left": rounded, as an estimate should be. */
export function formatRemaining(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 60) return `about ${s < 10 ? s : Math.round(s / 5) * 5} s left`;
  const min = Math.round(s / 60);
  if (min < 60) return `about ${min} min left`;
  return `about ${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min left`;
}

/** The label under a progress bar: the estimate, or nothing while there is none. */
export function remainingLabel(startedAtMs: number | null, fraction: number, nowMs: number): string | null {
  if (startedAtMs === null) return null;
  const remaining = estimateRemainingMs(nowMs - startedAtMs, fraction);
  return remaining === null ? null : formatRemaining(remaining);
}
