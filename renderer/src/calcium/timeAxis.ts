/**
 * Time on the calcium plots: seconds when the frame rate is known, frames when it is not (the
 * zebrafish CSVs until the user sets one), with tick steps of 1, 2 or 5 × 10ⁿ.
 */
export interface TimeScale {
  /** Frames per unit on the axis (the rate in Hz, or 1 for frames). */
  framesPerUnit: number;
  unit: 's' | 'frames';
}

export const timeScale = (frameRateHz: number | null): TimeScale => (frameRateHz ? { framesPerUnit: frameRateHz, unit: 's' } : { framesPerUnit: 1, unit: 'frames' });

/** Steps that read well on a clock: 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1 h… */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/** Tick positions (in axis units) for a span, about `target` of them; clock steps for seconds. */
export function ticks(from: number, to: number, target: number, unit: TimeScale['unit'] = 'frames'): number[] {
  const span = to - from;
  if (!(span > 0)) return [];
  const raw = span / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const decimal = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const step = unit === 's' && raw >= 1 ? (TIME_STEPS.find((s) => s >= raw) ?? decimal) : decimal;
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to + 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/**
 * A tick label: frames as integers; seconds as "12 s" on short axes and "m:ss" on axes reaching two
 * minutes or more (`axisEnd`), so one axis never mixes the two.
 */
export function formatTime(value: number, unit: TimeScale['unit'], axisEnd = value): string {
  if (unit === 'frames') return String(Math.round(value));
  if (axisEnd >= 120) {
    const minutes = Math.floor(value / 60);
    const seconds = Math.round(value - minutes * 60);
    return `${minutes}:${String(seconds).padStart(2, '0')}`;
  }
  return `${Number(value.toPrecision(4))} s`;
}
