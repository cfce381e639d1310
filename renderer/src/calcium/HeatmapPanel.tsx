/**
 * All cells × the whole recording as a heat map (a raster of activity, as Suite2p's and CaImAn's
 * viewers show it): one row per cell in the chosen order, the maximum of the drawn trace per column,
 * coloured from the 1st to the 99.5th percentile. The window shown in the traces below is outlined;
 * a click moves the window there.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { CalciumOverview } from '../../../shared/api/index.js';
import { rampColor } from '../components/colormap.js';
import { beginDrawing, LABEL_WIDTH, RIGHT_MARGIN } from './canvas.js';
import { formatTime, ticks, timeScale } from './timeAxis.js';

const AXIS_HEIGHT = 18;

interface Props {
  overview: CalciumOverview;
  rows: readonly number[];
  width: number;
  height: number;
  window: { start: number; end: number };
  selectedCell: number | null;
  onSeek(frame: number): void;
}

/** The heat map as an image of columns × cells (one pixel per value), scaled up when drawn. */
function heatImage(overview: CalciumOverview, rows: readonly number[]): HTMLCanvasElement {
  const { columns, heatmap, heatLow, heatHigh } = overview;
  const image = document.createElement('canvas');
  image.width = columns;
  image.height = rows.length;
  const context = image.getContext('2d')!;
  const pixels = context.createImageData(columns, rows.length);
  const span = heatHigh - heatLow;
  rows.forEach((cell, row) => {
    for (let c = 0; c < columns; c++) {
      const value = heatmap[cell * columns + c]!;
      const [r, g, b] = Number.isFinite(value) ? rampColor((value - heatLow) / span) : [128, 128, 128];
      const at = 4 * (row * columns + c);
      pixels.data[at] = r;
      pixels.data[at + 1] = g;
      pixels.data[at + 2] = b;
      pixels.data[at + 3] = 255;
    }
  });
  context.putImageData(pixels, 0, 0);
  return image;
}

export function HeatmapPanel({ overview, rows, width, height, window: shown, selectedCell, onSeek }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const plotWidth = Math.max(10, width - LABEL_WIDTH - RIGHT_MARGIN);
  const plotHeight = Math.max(10, height - AXIS_HEIGHT);
  // Built again only when the data or the order change, not when the window moves.
  const image = useMemo(() => heatImage(overview, rows), [overview, rows]);

  useEffect(() => {
    const drawing = beginDrawing(canvas.current, width, height);
    if (!drawing) return;
    const { context, colors } = drawing;
    context.imageSmoothingEnabled = false;
    context.drawImage(image, LABEL_WIDTH, 0, plotWidth, plotHeight);

    const frames = overview.frameCount;
    const x = (frame: number) => LABEL_WIDTH + (frame / frames) * plotWidth;
    // The window on screen below.
    context.strokeStyle = '#ffffff';
    context.lineWidth = 1.5;
    context.strokeRect(x(shown.start), 0.75, Math.max(2, x(shown.end) - x(shown.start)), plotHeight - 1.5);
    // The selected cell's row.
    if (selectedCell !== null) {
      const row = rows.indexOf(selectedCell);
      if (row >= 0) {
        const y = ((row + 0.5) / rows.length) * plotHeight;
        context.fillStyle = colors.accent;
        context.beginPath();
        context.moveTo(LABEL_WIDTH - 8, y - 5);
        context.lineTo(LABEL_WIDTH - 1, y);
        context.lineTo(LABEL_WIDTH - 8, y + 5);
        context.fill();
      }
    }
    // Labels: what the rows are, the colour scale, the time axis.
    context.fillStyle = colors.text;
    context.font = '12px system-ui, sans-serif';
    context.textBaseline = 'top';
    context.fillText(`${rows.length} cells`, 4, 2);
    context.fillStyle = colors.muted;
    context.font = '11px system-ui, sans-serif';
    const bar = { x: 4, y: 22, w: 12, h: Math.max(20, Math.min(90, plotHeight - 30)) };
    for (let i = 0; i < bar.h; i++) {
      const [r, g, b] = rampColor(1 - i / bar.h);
      context.fillStyle = `rgb(${r},${g},${b})`;
      context.fillRect(bar.x, bar.y + i, bar.w, 1);
    }
    context.fillStyle = colors.muted;
    context.textBaseline = 'middle';
    const digits = (v: number) => String(Number(v.toPrecision(2)));
    context.fillText(`${digits(overview.heatHigh)} ${overview.displayLabel}`, bar.x + bar.w + 4, bar.y + 4);
    context.fillText(digits(overview.heatLow), bar.x + bar.w + 4, bar.y + bar.h - 4);
    drawTimeAxis(context, overview, 0, frames, LABEL_WIDTH, plotWidth, plotHeight, colors.muted);
  }, [image, overview, rows, width, height, plotWidth, plotHeight, shown.start, shown.end, selectedCell]);

  return (
    <canvas
      ref={canvas}
      className="calcium-heatmap"
      role="img"
      aria-label={`Heat map of ${overview.cellCount} cells over ${overview.frameCount} frames; click to show that time in the traces`}
      onClick={(event) => {
        const box = event.currentTarget.getBoundingClientRect();
        const fraction = (event.clientX - box.left - LABEL_WIDTH) / plotWidth;
        if (fraction >= 0 && fraction <= 1) onSeek(Math.round(fraction * overview.frameCount));
      }}
    />
  );
}

/** Ticks and labels under a plot of frames [start, end) drawn over `plotWidth` from `x0`. */
export function drawTimeAxis(
  context: CanvasRenderingContext2D,
  overview: { frameRateHz: number | null },
  start: number,
  end: number,
  x0: number,
  plotWidth: number,
  y0: number,
  color: string,
): void {
  const scale = timeScale(overview.frameRateHz);
  const from = start / scale.framesPerUnit;
  const to = end / scale.framesPerUnit;
  context.strokeStyle = color;
  context.fillStyle = color;
  context.lineWidth = 1;
  context.font = '11px system-ui, sans-serif';
  context.textBaseline = 'top';
  context.textAlign = 'center';
  for (const t of ticks(from, to, Math.max(2, Math.floor(plotWidth / 90)), scale.unit)) {
    const x = x0 + ((t - from) / (to - from)) * plotWidth;
    context.beginPath();
    context.moveTo(x, y0);
    context.lineTo(x, y0 + 4);
    context.stroke();
    context.fillText(formatTime(t, scale.unit, to), x, y0 + 5);
  }
  context.textAlign = 'left';
  context.fillText(scale.unit === 'frames' ? 'frames' : to >= 120 ? 'time (m:ss)' : 'time', 4, y0 + 5);
}
