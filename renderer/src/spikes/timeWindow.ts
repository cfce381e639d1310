/**
 * The raster's time window: zoom about a point (the wheel under the pointer, the buttons about the
 * centre), pan by a span (drag, ←/→), always inside the recording and never narrower than a few
 * milliseconds (below that a screen column is finer than the clock of most sorters).
 */
export interface TimeWindow {
  startS: number;
  endS: number;
}

/** The narrowest window: 10 ms. */
export const MIN_SPAN_S = 0.01;

/** `window` kept inside `bounds` (its span kept where it fits, else the whole of bounds). */
export function clampWindow(window: TimeWindow, bounds: TimeWindow): TimeWindow {
  const full = bounds.endS - bounds.startS;
  const span = Math.min(full, Math.max(Math.min(MIN_SPAN_S, full), window.endS - window.startS));
  const startS = Math.min(bounds.endS - span, Math.max(bounds.startS, window.startS));
  return { startS, endS: startS + span };
}

/** Zoom by `factor` (< 1 in, > 1 out) keeping the time at `anchor` (0…1 across the window) in place. */
export function zoomWindow(window: TimeWindow, factor: number, anchor: number, bounds: TimeWindow): TimeWindow {
  const span = window.endS - window.startS;
  const at = window.startS + anchor * span;
  const next = span * factor;
  return clampWindow({ startS: at - anchor * next, endS: at - anchor * next + next }, bounds);
}

/** Move by `deltaS` (positive: later). */
export function panWindow(window: TimeWindow, deltaS: number, bounds: TimeWindow): TimeWindow {
  return clampWindow({ startS: window.startS + deltaS, endS: window.endS + deltaS }, bounds);
}

/** A window of `spanS` centred on the current one's centre. */
export function windowOfSpan(window: TimeWindow, spanS: number, bounds: TimeWindow): TimeWindow {
  const centre = (window.startS + window.endS) / 2;
  return clampWindow({ startS: centre - spanS / 2, endS: centre + spanS / 2 }, bounds);
}

/** Spans offered in the toolbar: those shorter than the recording. */
export function spanChoices(durationS: number): { label: string; spanS: number }[] {
  const spans = [3600, 1800, 600, 300, 60, 30, 10, 5, 1, 0.5, 0.1];
  return spans.filter((s) => s < durationS * 0.9).map((spanS) => ({ label: formatSpan(spanS), spanS }));
}

/** A span in words: 1 h, 10 min, 30 s, 500 ms. */
export function formatSpan(spanS: number): string {
  if (spanS >= 3600) return `${Number((spanS / 3600).toPrecision(3))} h`;
  if (spanS >= 60) return `${Number((spanS / 60).toPrecision(3))} min`;
  if (spanS >= 1) return `${Number(spanS.toPrecision(3))} s`;
  return `${Number((spanS * 1000).toPrecision(3))} ms`;
}

/**
 * A clock time for axis labels: h:mm:ss or m:ss on a recording of minutes or hours (`clockSpanS` ≥
 * 2 min, its duration: zoomed in, labels stay on the recording's clock, with the decimals of the
 * step), seconds on a short one.
 */
export function formatClock(seconds: number, clockSpanS: number, stepS: number): string {
  // As many decimals as the step has (0.25 s steps: 2), so neighbouring labels differ.
  const decimals = Math.min(6, (String(Number(stepS.toPrecision(6))).split('.')[1] ?? '').length);
  if (clockSpanS >= 120) {
    const sign = seconds < 0 ? '−' : '';
    const scale = 10 ** decimals;
    const total = Math.round(Math.abs(seconds) * scale) / scale;
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = (total - 3600 * h - 60 * m).toFixed(decimals).padStart(decimals ? 3 + decimals : 2, '0');
    return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${s}` : `${sign}${m}:${s}`;
  }
  return `${seconds.toFixed(decimals)} s`;
}

/** One instant to the millisecond: 7:17.868 past a minute (h:mm:ss.sss past an hour), 12.345 s before. */
export function formatInstant(seconds: number): string {
  if (Math.abs(seconds) < 60) return `${seconds.toFixed(3)} s`;
  const sign = seconds < 0 ? '−' : '';
  const ms = Math.round(Math.abs(seconds) * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = ((ms % 60_000) / 1000).toFixed(3).padStart(6, '0');
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${s}` : `${sign}${m}:${s}`;
}

/** Steps that read on a clock (s): 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2 h. */
const CLOCK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/** About `target` tick values over [from, to]: 1-2-5 steps, clock steps for spans of seconds. */
export function ticks(from: number, to: number, target: number, clock = false): { values: number[]; step: number } {
  const span = to - from;
  if (!(span > 0) || !Number.isFinite(span)) return { values: [], step: 1 };
  const raw = span / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const decimal = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw * 0.999) ?? 10 * power;
  const step = clock && raw >= 1 ? (CLOCK_STEPS.find((s) => s >= raw) ?? decimal) : decimal;
  const values: number[] = [];
  for (let k = Math.ceil(from / step - 1e-9); k * step <= to + step * 1e-9; k++) values.push(Number((k * step).toPrecision(12)));
  return { values, step };
}
