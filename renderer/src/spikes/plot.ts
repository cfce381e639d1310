/**
 * Small 2D-canvas plotting for the Spikes panels: a sharp canvas at the screen's pixel ratio, the
 * theme's colours, a plot frame with labelled axes, bars and lines. Every panel draws through these
 * so margins, fonts and ticks agree.
 */
import { prepareCanvas } from '../components/hidpiCanvas.js';
import { formatClock, ticks } from './timeWindow.js';

export interface Theme {
  text: string;
  muted: string;
  border: string;
  accent: string;
  panel: string;
  error: string;
}

/** Sizes `canvas` to width × height CSS px (sharp on high-DPI screens), cleared, with the theme's colours. */
export function beginCanvas(canvas: HTMLCanvasElement | null, width: number, height: number): { context: CanvasRenderingContext2D; theme: Theme } | null {
  if (!canvas || width <= 0 || height <= 0) return null;
  const context = prepareCanvas(canvas, width, height);
  if (!context) return null;
  const style = getComputedStyle(canvas);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const theme = {
    text: read('--text', '#1d1d1f'),
    muted: read('--muted', '#666'),
    border: read('--border', '#d8d8d8'),
    accent: read('--accent', '#2f5fb3'),
    panel: read('--panel', '#fff'),
    error: read('--error', '#b3261e'),
  };
  return { context, theme };
}

export const FONT = '11px system-ui, sans-serif';
export const TITLE_FONT = '600 12px system-ui, sans-serif';

/** A plot's area inside its canvas, and the value ranges mapped onto it. */
export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  logX?: boolean;
}

export const xOf = (f: Frame, x: number) =>
  f.logX ? f.left + (Math.log10(Math.max(x, f.x0) / f.x0) / Math.log10(f.x1 / f.x0)) * f.width : f.left + ((x - f.x0) / (f.x1 - f.x0)) * f.width;
export const yOf = (f: Frame, y: number) => f.top + f.height - ((y - f.y0) / (f.y1 - f.y0 || 1)) * f.height;

/** A number for a tick label: 3 significant digits, no trailing zeros. */
export const short = (value: number) => String(Number(value.toPrecision(3)));

/** Frame margins: room for y labels on the left, the x labels and axis title below, a title above. */
export function frameIn(width: number, height: number, x: [number, number], y: [number, number], options: { title?: boolean; left?: number } = {}): Frame {
  // Room for the rotated y title and the tick labels.
  const left = options.left ?? 50;
  const top = options.title === false ? 6 : 20;
  return { left, top, width: Math.max(10, width - left - 16), height: Math.max(10, height - top - 32), x0: x[0], x1: x[1], y0: y[0], y1: y[1] };
}

/**
 * Axes with ticks and labels: x in seconds shown as ms when the span is under 2 s ("ms" then), log
 * decades when the frame is log-x; y as plain numbers. Titles go under the x axis and above the y axis.
 */
export function drawAxes(context: CanvasRenderingContext2D, f: Frame, theme: Theme, labels: { x: string; y: string; title?: string; xAsMs?: boolean }): void {
  context.strokeStyle = theme.border;
  context.lineWidth = 1;
  context.strokeRect(f.left + 0.5, f.top + 0.5, f.width, f.height);
  context.fillStyle = theme.muted;
  context.font = FONT;
  context.textAlign = 'center';
  context.textBaseline = 'top';
  const xTicks = f.logX ? logTicks(f.x0, f.x1) : ticks(f.x0, f.x1, Math.max(2, Math.floor(f.width / 55))).values;
  for (const t of xTicks) {
    const x = xOf(f, t);
    context.fillRect(x, f.top + f.height, 1, 4);
    context.fillText(labels.xAsMs ? short(t * 1000) : f.logX ? logLabel(t) : short(t), x, f.top + f.height + 5);
  }
  context.fillText(labels.x, f.left + f.width / 2, f.top + f.height + 17);
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  for (const t of ticks(Math.min(f.y0, f.y1), Math.max(f.y0, f.y1), Math.max(2, Math.floor(f.height / 35))).values) {
    const y = yOf(f, t);
    context.fillRect(f.left - 4, y, 4, 1);
    context.fillText(short(t), f.left - 6, y);
  }
  // The y title along the axis, the plot's title above it (left-aligned, cut to the width).
  if (labels.y) {
    context.save();
    context.translate(11, f.top + f.height / 2);
    context.rotate(-Math.PI / 2);
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    context.fillText(fitText(context, labels.y, f.height + f.top), 0, 0);
    context.restore();
  }
  context.textAlign = 'left';
  context.textBaseline = 'top';
  if (labels.title) {
    context.fillStyle = theme.text;
    context.font = TITLE_FONT;
    context.fillText(fitText(context, labels.title, f.left + f.width - 6), 6, 4);
    context.font = FONT;
  }
}

/** `text` cut with an ellipsis to `width` px in the context's font. */
export function fitText(context: CanvasRenderingContext2D, text: string, width: number): string {
  if (context.measureText(text).width <= width) return text;
  let cut = text;
  while (cut.length > 1 && context.measureText(`${cut}…`).width > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Decade ticks (and 2, 5 within when there are few decades) between a and b. */
export function logTicks(a: number, b: number): number[] {
  const out: number[] = [];
  const decades = Math.log10(b / a);
  for (let p = Math.floor(Math.log10(a)); p <= Math.ceil(Math.log10(b)); p++) {
    for (const m of decades <= 3 ? [1, 2, 5] : [1]) {
      const v = m * 10 ** p;
      if (v >= a * 0.999 && v <= b * 1.001) out.push(v);
    }
  }
  return out;
}

/** A log-axis label in seconds: 1 ms, 10 ms, 1 s. */
export function logLabel(seconds: number): string {
  return seconds < 1 ? `${short(seconds * 1000)} ms` : `${short(seconds)} s`;
}

/** Bars of a histogram: bin k spans edges[k]…edges[k+1]. */
export function drawBars(context: CanvasRenderingContext2D, f: Frame, edges: readonly number[], values: ArrayLike<number>, color: string): void {
  context.fillStyle = color;
  const base = yOf(f, Math.max(0, f.y0));
  for (let k = 0; k < values.length; k++) {
    const a = xOf(f, f.logX && edges[k] === 0 ? f.x0 : edges[k]!);
    const b = xOf(f, edges[k + 1]!);
    const y = yOf(f, Math.min(values[k]!, f.y1));
    // A hair of gap between wide bars; touching bars when they are thin.
    const gap = b - a > 4 ? 1 : 0;
    context.fillRect(a, y, Math.max(0.8, b - a - gap), base - y);
  }
}

/** A line through (x[k], y[k]). */
export function drawLine(context: CanvasRenderingContext2D, f: Frame, x: ArrayLike<number>, y: ArrayLike<number>, color: string, width = 1.5): void {
  context.strokeStyle = color;
  context.lineWidth = width;
  context.beginPath();
  for (let k = 0; k < y.length; k++) {
    const px = xOf(f, x[k]!);
    const py = yOf(f, Math.min(y[k]!, f.y1));
    if (k === 0) context.moveTo(px, py);
    else context.lineTo(px, py);
  }
  context.stroke();
}

/** A vertical dashed line at x (an event at 0, a refractory limit). */
export function drawMarker(context: CanvasRenderingContext2D, f: Frame, x: number, color: string): void {
  const px = Math.round(xOf(f, x)) + 0.5;
  context.save();
  context.strokeStyle = color;
  context.setLineDash([4, 3]);
  context.beginPath();
  context.moveTo(px, f.top);
  context.lineTo(px, f.top + f.height);
  context.stroke();
  context.restore();
}

/** Text drawn in the plot's upper-right corner, one line per entry, on a veil of the panel colour. */
export function drawNote(context: CanvasRenderingContext2D, f: Frame, lines: readonly { text: string; color: string }[], background?: string): void {
  context.font = FONT;
  context.textAlign = 'right';
  context.textBaseline = 'top';
  lines.forEach((line, i) => {
    const text = fitText(context, line.text, f.width - 8);
    if (background) {
      context.fillStyle = background;
      context.globalAlpha = 0.8;
      const w = context.measureText(text).width;
      context.fillRect(f.left + f.width - 6 - w, f.top + 2 + 13 * i, w + 4, 13);
      context.globalAlpha = 1;
    }
    context.fillStyle = line.color;
    context.fillText(text, f.left + f.width - 4, f.top + 3 + 13 * i);
  });
  context.textAlign = 'left';
}

export { formatClock };

/** The largest finite value (0 when none), for an axis top. */
export function peak(values: ArrayLike<number>): number {
  let top = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!) && values[i]! > top) top = values[i]!;
  return top;
}

/** An axis top a little above `value`, at a round number. */
export function niceTop(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value * 1.05));
  return ([1, 1.5, 2, 3, 4, 5, 6, 8, 10].map((m) => m * power).find((s) => s >= value * 1.05) ?? 10 * power);
}
