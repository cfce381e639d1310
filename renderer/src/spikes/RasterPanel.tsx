/**
 * The raster: every unit a row in the chosen order, coloured by cell type, over the time window.
 * Zoomed in, each tick is a spike; zoomed out (more spikes than ticks can show) the engine sends
 * counts per screen column, drawn as a rate trace in tall lanes or a density shade in thin rows.
 * Wheel: zoom about the pointer; drag: pan; click: select a unit (Shift+click: the second unit of
 * the cross-correlogram).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { SPIKES_MAX_COLUMNS, SPIKES_MAX_UNITS, type SpikeRaster, type SpikesSummary } from '../../../shared/api/index.js';
import { hexToRgb } from '../components/color.js';
import type { TypeColors } from './colors.js';
import { beginCanvas, FONT, formatClock, type Theme } from './plot.js';
import { densityCeilings, groupRuns, LABELLED_ROW_PX, rowHeight, spikeBudget, TRACE_ROW_PX, type DensityScale } from './rasterLayout.js';
import { formatInstant, formatSpan, panWindow, ticks, zoomWindow, type TimeWindow } from './timeWindow.js';
import { useSpikesCall } from './useSpikesData.js';

export const RASTER_LABEL_WIDTH = 130;
const RIGHT = 12;
const AXIS = 34;

interface Props {
  summary: SpikesSummary;
  rows: readonly number[];
  colors: TypeColors;
  window: TimeWindow;
  onWindow(window: TimeWindow): void;
  width: number;
  /** The most height the raster may take (it takes less for a few units). */
  maxHeight: number;
  scale: DensityScale;
  onScale(scale: DensityScale): void;
  unitA: number | null;
  unitB: number | null;
  onSelect(unit: number, second: boolean): void;
}

/** The raster's height for `units` rows within `maxHeight`. */
export function rasterHeight(units: number, maxHeight: number): number {
  return Math.round(Math.min(maxHeight, rowHeight(units, Math.max(20, maxHeight - AXIS)) * units + AXIS));
}

export function RasterPanel({ summary, rows, colors, window: shown, onWindow, width, maxHeight, scale, onScale, unitA, unitB, onSelect }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ x: number; window: TimeWindow; moved: boolean } | null>(null);
  // The unit and time under the pointer: with thousands of rows the names cannot be drawn.
  const [hover, setHover] = useState<{ x: number; y: number; unit: number; timeS: number } | null>(null);
  const units = rows.slice(0, SPIKES_MAX_UNITS);
  const plotWidth = Math.max(10, Math.floor(width - RASTER_LABEL_WIDTH - RIGHT));
  const height = rasterHeight(units.length, maxHeight);
  const plotHeight = height - AXIS;
  const rowH = rowHeight(units.length, plotHeight);
  const bounds = useMemo(() => ({ startS: summary.startS, endS: summary.endS }), [summary.startS, summary.endS]);

  const request =
    width > 0 && units.length > 0
      ? { recordingId: summary.recordingId, units, startS: shown.startS, endS: shown.endS, columns: Math.min(plotWidth, SPIKES_MAX_COLUMNS), maxSpikes: spikeBudget(units.length, plotWidth) }
      : null;
  const { data, current, error } = useSpikesCall('spikes.raster', request);
  const raster = data && data.recordingId === summary.recordingId ? data : null;

  useEffect(() => {
    const drawing = beginCanvas(canvas.current, width, height);
    if (!drawing) return;
    const { context, theme } = drawing;
    const typeOf = (unit: number) => summary.units[unit]?.cellType ?? null;
    // Selected units: a band behind their rows.
    for (const [unit, alpha] of [
      [unitA, 0.16],
      [unitB, 0.1],
    ] as const) {
      const row = unit === null ? -1 : units.indexOf(unit);
      if (row < 0) continue;
      context.fillStyle = theme.accent;
      context.globalAlpha = alpha;
      context.fillRect(0, row * rowH, width, Math.max(2, rowH));
      context.globalAlpha = 1;
    }
    if (raster && raster.units.length === units.length) drawRaster(context, theme, raster, units.map(typeOf), colors, { left: RASTER_LABEL_WIDTH, width: plotWidth, rowH, scale });
    drawLabels(context, theme, summary, units, rowH, colors, unitA, unitB);
    if (rowH < LABELLED_ROW_PX) drawSelectionMarks(context, theme, units, rowH, unitA, unitB);
    drawTimeAxis(context, theme, raster ?? { startS: shown.startS, endS: shown.endS }, plotHeight, plotWidth, summary.endS - summary.startS);
    context.strokeStyle = theme.border;
    context.strokeRect(RASTER_LABEL_WIDTH - 0.5, 0.5, plotWidth + 1, plotHeight - 1);
  }, [raster, units.join(','), width, height, plotWidth, plotHeight, rowH, colors, scale, unitA, unitB, summary, shown.startS, shown.endS]); // eslint-disable-line react-hooks/exhaustive-deps

  // The wheel zooms; React's onWheel is passive, so the page would scroll too.
  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      const box = element.getBoundingClientRect();
      const anchor = (event.clientX - box.left - RASTER_LABEL_WIDTH) / plotWidth;
      if (anchor < 0 || anchor > 1) return;
      event.preventDefault();
      onWindow(zoomWindow(shown, event.deltaY > 0 ? 1.25 : 0.8, anchor, bounds));
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [shown, bounds, plotWidth, onWindow]);

  const mode = raster ? raster.mode : null;
  const spanS = shown.endS - shown.startS;
  const captionStep = spanS >= 10 ? 1 : spanS >= 1 ? 0.1 : 0.001;
  const columnS = (shown.endS - shown.startS) / plotWidth;
  return (
    <figure className="spikes-raster">
      <figcaption className="spikes-caption" data-testid="spikes-raster-caption">
        <strong>Raster</strong> · {units.length} unit{units.length === 1 ? '' : 's'} · {formatSpan(shown.endS - shown.startS)} shown ({formatClock(shown.startS, bounds.endS - bounds.startS, captionStep)} –{' '}
        {formatClock(shown.endS, bounds.endS - bounds.startS, captionStep)})
        {raster && ` · ${raster.totalSpikes.toLocaleString('en')} spikes · `}
        {!raster && !error && ' · reading the spikes…'}
        {mode === 'spikes' && 'each tick is a spike'}
        {mode === 'counts' &&
          (rowH >= TRACE_ROW_PX
            ? `zoomed out: spikes per ${formatSpan(columnS)} column as a rate trace`
            : `zoomed out: spikes per ${formatSpan(columnS)} column, darker = more, `)}
        {mode === 'counts' && (
          <select aria-label="Shade scale" className="spikes-inline-select" value={scale} onChange={(event) => onScale(event.target.value as DensityScale)}>
            <option value="unit">each unit to its own peak</option>
            <option value="shared">one scale for all units</option>
          </select>
        )}
        {rows.length > units.length && ` · first ${units.length} of ${rows.length} units`}
      </figcaption>
      <canvas
        ref={canvas}
        className="spikes-raster-canvas"
        role="img"
        aria-label={`Raster of ${units.length} units`}
        title="Wheel: zoom · drag: pan · click: select a unit (A) · Shift+click: second unit (B)"
        data-mode={mode ?? ''}
        data-complete={current && raster !== null}
        onPointerDown={(event) => {
          drag.current = { x: event.clientX, window: shown, moved: false };
          event.currentTarget.setPointerCapture(event.pointerId);
        }}
        onPointerLeave={() => setHover(null)}
        onPointerMove={(event) => {
          const start = drag.current;
          if (!start) {
            const box = event.currentTarget.getBoundingClientRect();
            const x = event.clientX - box.left;
            const y = event.clientY - box.top;
            const unit = units[Math.floor(y / rowH)];
            const fraction = (x - RASTER_LABEL_WIDTH) / plotWidth;
            setHover(unit !== undefined && y < plotHeight && fraction >= 0 && fraction <= 1 ? { x, y, unit, timeS: shown.startS + fraction * (shown.endS - shown.startS) } : null);
            return;
          }
          setHover(null);
          const dx = event.clientX - start.x;
          if (Math.abs(dx) < 3 && !start.moved) return;
          start.moved = true;
          onWindow(panWindow(start.window, (-dx / plotWidth) * (start.window.endS - start.window.startS), bounds));
        }}
        onPointerUp={(event) => {
          const start = drag.current;
          drag.current = null;
          if (!start || start.moved) return;
          const box = event.currentTarget.getBoundingClientRect();
          const row = Math.floor((event.clientY - box.top) / rowH);
          const unit = units[row];
          if (unit !== undefined && event.clientY - box.top < plotHeight) onSelect(unit, event.shiftKey);
        }}
      />
      {hover && (
        <div className="spikes-hover" style={{ left: Math.min(hover.x + 12, width - 220), top: hover.y + 30 }} data-testid="spikes-hover">
          unit {summary.units[hover.unit]?.id ?? hover.unit}
          {summary.units[hover.unit]?.cellType ? ` (${summary.units[hover.unit]!.cellType})` : ''} · {formatInstant(hover.timeS)}
        </div>
      )}
      {error && <p className="error">{error}</p>}
    </figure>
  );
}

/** Ticks (spikes mode) or counts (a trace per tall lane, a shade per thin row) inside the plot. */
function drawRaster(
  context: CanvasRenderingContext2D,
  theme: Theme,
  raster: SpikeRaster,
  types: readonly (string | null)[],
  colors: TypeColors,
  at: { left: number; width: number; rowH: number; scale: DensityScale },
): void {
  const { left, width, rowH } = at;
  const span = raster.endS - raster.startS;
  const rowColors = types.map((type) => colors.colorOf(type));
  if (raster.mode === 'spikes') {
    // One fill colour at a time: a pass per type over the spikes.
    const tick = Math.max(1, Math.min(1.5, width / 600));
    const pad = rowH >= 6 ? 1 : 0;
    for (const color of new Set(rowColors)) {
      context.fillStyle = color;
      for (let i = 0; i < raster.spikeRow.length; i++) {
        const row = raster.spikeRow[i]!;
        if (rowColors[row] !== color) continue;
        const x = left + (raster.spikeTime[i]! / span) * width;
        context.fillRect(x - tick / 2, row * rowH + pad, tick, Math.max(1, rowH - 2 * pad));
      }
    }
    return;
  }
  const columns = raster.columns;
  const ceilings = densityCeilings(raster.counts, raster.units.length, columns, at.scale);
  const step = width / columns;
  if (rowH >= TRACE_ROW_PX) {
    raster.units.forEach((_, row) => {
      const base = (row + 1) * rowH - 1;
      const top = row * rowH + 3;
      context.fillStyle = rowColors[row]!;
      context.beginPath();
      context.moveTo(left, base);
      for (let c = 0; c < columns; c++) {
        const v = Math.min(1, raster.counts[row * columns + c]! / ceilings[row]!);
        context.lineTo(left + c * step, base - v * (base - top));
        context.lineTo(left + (c + 1) * step, base - v * (base - top));
      }
      context.lineTo(left + width, base);
      context.closePath();
      context.fill();
    });
    return;
  }
  // Thin rows: one pixel per unit × column, mixed from the panel colour to the type's colour.
  const background = safeRgb(theme.panel, [255, 255, 255]);
  const image = document.createElement('canvas');
  image.width = columns;
  image.height = raster.units.length;
  const pixels = new ImageData(columns, raster.units.length);
  raster.units.forEach((_, row) => {
    const color = safeRgb(rowColors[row]!, [0, 0, 0]);
    for (let c = 0; c < columns; c++) {
      const v = Math.min(1, raster.counts[row * columns + c]! / ceilings[row]!);
      const at4 = 4 * (row * columns + c);
      for (let k = 0; k < 3; k++) pixels.data[at4 + k] = Math.round(background[k]! + v * (color[k]! - background[k]!));
      pixels.data[at4 + 3] = 255;
    }
  });
  image.getContext('2d')!.putImageData(pixels, 0, 0);
  context.imageSmoothingEnabled = false;
  context.drawImage(image, left, 0, width, rowH * raster.units.length);
}

function safeRgb(hex: string, fallback: [number, number, number]): [number, number, number] {
  try {
    return hexToRgb(hex);
  } catch {
    return fallback;
  }
}

/** Unit ids beside tall enough rows; cell-type groups beside thin ones. */
function drawLabels(context: CanvasRenderingContext2D, theme: Theme, summary: SpikesSummary, units: readonly number[], rowH: number, colors: TypeColors, unitA: number | null, unitB: number | null): void {
  context.font = FONT;
  context.textBaseline = 'middle';
  if (rowH >= LABELLED_ROW_PX) {
    units.forEach((unit, row) => {
      const info = summary.units[unit];
      const y = (row + 0.5) * rowH;
      context.fillStyle = colors.colorOf(info?.cellType ?? null);
      context.fillRect(4, y - 4, 8, 8);
      const selected = unit === unitA || unit === unitB;
      context.fillStyle = selected ? theme.accent : theme.text;
      context.font = `${selected ? '600 ' : ''}${rowH >= 14 ? 12 : 10}px system-ui, sans-serif`;
      const mark = unit === unitA ? ' (A)' : unit === unitB ? ' (B)' : '';
      context.fillText(`${info?.id ?? unit}${mark}`, 16, y);
      context.fillStyle = theme.muted;
      context.font = '10px system-ui, sans-serif';
      context.textAlign = 'right';
      if (info) context.fillText(`${rateLabel(info.rateHz)} Hz`, RASTER_LABEL_WIDTH - 6, y);
      context.textAlign = 'left';
    });
    return;
  }
  const groups = units.map((unit) => summary.units[unit]?.cellType ?? 'no type');
  const runs = groupRuns(groups);
  // Group labels only when the rows are grouped (sorted by type); otherwise just the count.
  if (runs.length <= 12) {
    for (const run of runs) {
      const top = run.first * rowH;
      const h = run.count * rowH;
      context.fillStyle = colors.colorOf(run.label === 'no type' ? null : run.label);
      context.fillRect(4, top + 1, 4, Math.max(1, h - 2));
      if (h < 12) continue;
      context.fillStyle = theme.text;
      context.fillText(`${run.label} (${run.count})`, 12, top + h / 2);
    }
  } else {
    context.fillStyle = theme.text;
    context.fillText(`${units.length} units`, 4, 10);
  }
}

/** Where rows are too thin for names: an arrow and the letter of each selected unit at its row. */
function drawSelectionMarks(context: CanvasRenderingContext2D, theme: Theme, units: readonly number[], rowH: number, unitA: number | null, unitB: number | null): void {
  let previous: number | null = null;
  for (const [unit, letter] of [
    [unitA, 'A'],
    [unitB, 'B'],
  ] as const) {
    const row = unit === null ? -1 : units.indexOf(unit);
    if (row < 0) continue;
    // Inside the plot, and B's mark clear of A's when their rows are a few pixels apart.
    let y = Math.max(6, (row + 0.5) * rowH);
    if (previous !== null && Math.abs(y - previous) < 12) y = y >= previous ? previous + 12 : previous - 12;
    previous = y;
    const x = RASTER_LABEL_WIDTH - 3;
    context.fillStyle = theme.accent;
    context.beginPath();
    context.moveTo(x - 8, y - 5);
    context.lineTo(x, y);
    context.lineTo(x - 8, y + 5);
    context.fill();
    context.font = '600 11px system-ui, sans-serif';
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    context.fillText(letter, x - 10, y);
    context.textAlign = 'left';
  }
}

const rateLabel = (hz: number) => (hz >= 10 ? hz.toFixed(0) : hz >= 1 ? hz.toFixed(1) : hz.toFixed(2));

function drawTimeAxis(context: CanvasRenderingContext2D, theme: Theme, window: { startS: number; endS: number }, top: number, plotWidth: number, durationS: number): void {
  const span = window.endS - window.startS;
  const { values, step } = ticks(window.startS, window.endS, Math.max(2, Math.floor(plotWidth / 90)), true);
  context.fillStyle = theme.muted;
  context.font = FONT;
  context.textBaseline = 'top';
  context.textAlign = 'center';
  for (const t of values) {
    const x = RASTER_LABEL_WIDTH + ((t - window.startS) / span) * plotWidth;
    context.fillRect(x, top, 1, 4);
    context.fillText(formatClock(t, durationS, step), x, top + 5);
  }
  context.textAlign = 'left';
  context.fillText(durationS >= 3600 ? 'time (h:mm:ss)' : durationS >= 120 ? 'time (m:ss)' : 'time (s)', 4, top + 5);
}
