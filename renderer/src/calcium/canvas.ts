/** Canvas set-up shared by the calcium panels: sharp on high-DPI screens, drawn in CSS pixels. */
import { prepareCanvas } from '../components/hidpiCanvas.js';

/** The colours of the panels, read from the page's CSS variables (light and dark themes). */
export function themeColors(element: Element): { text: string; muted: string; border: string; accent: string; panel: string } {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return { text: read('--text', '#1d1d1f'), muted: read('--muted', '#666'), border: read('--border', '#d8d8d8'), accent: read('--accent', '#2f5fb3'), panel: read('--panel', '#fff') };
}

/**
 * A panel's canvas made ready for a redraw (sized and cleared) with the theme's colours; null
 * before it is mounted or where the browser gives no 2D context.
 */
export function beginDrawing(
  canvas: HTMLCanvasElement | null,
  width: number,
  height: number,
): { context: CanvasRenderingContext2D; colors: ReturnType<typeof themeColors> } | null {
  if (!canvas) return null;
  const context = prepareCanvas(canvas, width, height);
  return context ? { context, colors: themeColors(canvas) } : null;
}

/** Left margin for names and scale labels, and right margin, shared by every panel so time lines up. */
export const LABEL_WIDTH = 120;
export const RIGHT_MARGIN = 12;

/** Draws min/max columns as one path (a gap where a column has no finite value). */
export function drawBand(
  context: CanvasRenderingContext2D,
  min: ArrayLike<number>,
  max: ArrayLike<number>,
  offset: number,
  columns: number,
  x0: number,
  width: number,
  y: (value: number) => number,
): void {
  const step = width / columns;
  context.beginPath();
  let drawing = false;
  for (let c = 0; c < columns; c++) {
    const lo = min[offset + c]!;
    const hi = max[offset + c]!;
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
      drawing = false;
      continue;
    }
    const x = x0 + (c + 0.5) * step;
    // Down to the column's minimum and up to its maximum: with one column per pixel this is the
    // trace itself where frames are fewer than pixels, and its envelope where they are more.
    if (!drawing) context.moveTo(x, y(lo));
    else context.lineTo(x, y(lo));
    context.lineTo(x, y(hi));
    drawing = true;
  }
  context.stroke();
}
