/**
 * Bounded views of long traces: a window of frames reduced to a number of columns (one per screen
 * pixel), so what crosses the wire depends on the screen, never on the recording's length.
 * Non-finite values are skipped; a column with none is NaN (drawn as a gap).
 */

/** First frame of column `column` when `frames` frames from `start` are split into `columns`. */
export const columnStart = (start: number, frames: number, columns: number, column: number): number => start + Math.floor((column * frames) / columns);

/** Min and max per column of `trace[start, end)`, written at `offset` of `min` and `max`. */
export function minMaxColumns(trace: ArrayLike<number>, start: number, end: number, columns: number, min: Float32Array, max: Float32Array, offset = 0): void {
  const frames = end - start;
  for (let column = 0; column < columns; column++) {
    const from = columnStart(start, frames, columns, column);
    const to = Math.max(from + 1, columnStart(start, frames, columns, column + 1));
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = from; t < to && t < end; t++) {
      const v = trace[t]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[offset + column] = lo === Infinity ? Number.NaN : lo;
    max[offset + column] = hi === -Infinity ? Number.NaN : hi;
  }
}

/** The `low` and `high` quantiles of the finite values among `values` (sampled to at most 200 000). */
export function quantiles(values: ArrayLike<number>, low: number, high: number): [number, number] {
  const step = Math.max(1, Math.floor(values.length / 200_000));
  const sample: number[] = [];
  for (let i = 0; i < values.length; i += step) if (Number.isFinite(values[i]!)) sample.push(values[i]!);
  if (sample.length === 0) return [0, 1];
  sample.sort((a, b) => a - b);
  const at = (q: number) => sample[Math.min(sample.length - 1, Math.max(0, Math.round(q * (sample.length - 1))))]!;
  const lo = at(low);
  const hi = at(high);
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/** Standard deviation of the finite values (0 when fewer than two). */
export function standardDeviation(values: ArrayLike<number>): number {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    n++;
    const delta = v - mean;
    mean += delta / n;
    m2 += delta * (v - mean);
  }
  return n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
}
