/**
 * Draws one page of traces on a 2D canvas: gaps as shaded bands, second and fifth-of-a-second
 * gridlines, annotations as labelled markers/bands, channel labels, one Path2D per channel (min/max
 * decimated data as vertical bars) and the time axis with clock ticks each second.
 * Clinical polarity: negative up. Each row is drawn at its type's scale and colour, around its
 * robust centre, and clipped to its own lane: a channel far off scale never crosses the panel.
 */
import type { EegAnnotation, EegPage } from '../../../shared/api/index.js';
import { clockTime } from './clock.js';
import { TYPE_COLORS } from './channelTypes.js';
import type { RowScale } from './rowScales.js';
import { baselineOf, xOfTime, type TraceLayout } from './layout.js';
import { EVENT_COLORS, type EventBand } from '../seizure/colors.js';

export interface TraceTheme {
  background: string;
  text: string;
  muted: string;
  grid: string;
  gridMinor: string;
  trace: string;
  selected: string;
  gap: string;
  annotation: string;
  annotationBand: string;
}

/** Colours from the app's CSS custom properties, so the canvas follows light and dark mode. */
export function themeFromCss(element: Element): TraceTheme {
  const css = getComputedStyle(element);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const text = v('--text', '#1d1d1f');
  const accent = v('--accent', '#2f5fb3');
  return {
    background: v('--panel', '#ffffff'),
    text,
    muted: v('--muted', '#666'),
    grid: v('--border', '#d8d8d8'),
    gridMinor: v('--border', '#d8d8d8'),
    trace: text,
    selected: accent,
    gap: v('--muted', '#666'),
    annotation: '#c2410c',
    annotationBand: 'rgba(234, 88, 12, 0.14)',
  };
}

/** One channel's path, built once per page and scale: (value − centre) in display units × px per unit below the baseline. */
export function channelPath(layout: TraceLayout, channel: EegPage['channels'][number], row: number, rowScale: Pick<RowScale, 'factor' | 'pxPerUnit' | 'centre'>): Path2D {
  const path = new Path2D();
  const base = baselineOf(layout, row) - rowScale.centre * rowScale.factor * rowScale.pxPerUnit;
  const scale = rowScale.pxPerUnit * rowScale.factor;
  const secondsPerPoint = channel.bucketSamples / channel.sampleRateHz;
  const x0 = layout.plotLeft;
  const data = channel.data;
  if (channel.decimated) {
    // Pairs (min, max): a vertical bar per bucket, widened to meet the previous bar so the trace
    // stays continuous while every spike keeps its full extent.
    let prevMin: number | null = null;
    let prevMax: number | null = null;
    for (let b = 0; 2 * b + 1 < data.length; b++) {
      const lo = data[2 * b]!;
      const hi = data[2 * b + 1]!;
      if (Number.isNaN(lo) || Number.isNaN(hi)) {
        prevMin = prevMax = null;
        continue;
      }
      const x = x0 + (b + 0.5) * secondsPerPoint * layout.pxPerS;
      let yTop = base + Math.min(lo, prevMax ?? lo) * scale;
      let yBottom = base + Math.max(hi, prevMin ?? hi) * scale;
      if (yBottom - yTop < 1) {
        const mid = (yTop + yBottom) / 2;
        yTop = mid - 0.5;
        yBottom = mid + 0.5;
      }
      path.moveTo(x, yTop);
      path.lineTo(x, yBottom);
      prevMin = lo;
      prevMax = hi;
    }
    return path;
  }
  let pen = false;
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    if (Number.isNaN(value)) {
      pen = false;
      continue;
    }
    const x = x0 + i * secondsPerPoint * layout.pxPerS;
    const y = base + value * scale;
    if (pen) path.lineTo(x, y);
    else path.moveTo(x, y);
    pen = true;
  }
  return path;
}

export interface DrawInput {
  layout: TraceLayout;
  page: EegPage | null;
  labels: string[];
  paths: Path2D[];
  gains: number[];
  /** Each row's type (its colour). */
  rowTypes: RowScale['type'][];
  selectedRow: number | null;
  annotations: EegAnnotation[];
  startDateTime: string;
  sensitivityUvPerMm: number;
  theme: TraceTheme;
  /** Detected seizure events to shade (triage); the selected one gets its edges drawn. */
  eventBands?: readonly EventBand[];
}

export function drawTraces(ctx: CanvasRenderingContext2D, input: DrawInput): void {
  const { layout, theme } = input;
  const { plotLeft, plotTop, plotWidth, plotHeight } = layout;
  const plotBottom = plotTop + plotHeight;
  const pageEnd = layout.startS + layout.durationS;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, layout.width, layout.height);

  // Gaps (EDF+D) and time past the end of the recording.
  ctx.fillStyle = theme.gap;
  ctx.globalAlpha = 0.25;
  for (const [a, b] of input.page?.gaps ?? []) {
    ctx.fillRect(xOfTime(layout, a), plotTop, (b - a) * layout.pxPerS, plotHeight);
  }
  if (input.page && input.page.recordingDurationS < pageEnd) {
    const x = xOfTime(layout, Math.max(layout.startS, input.page.recordingDurationS));
    ctx.fillRect(x, plotTop, plotLeft + plotWidth - x, plotHeight);
  }
  ctx.globalAlpha = 1;

  drawEventBands(ctx, layout, input.eventBands ?? []);

  // Gridlines: every second, and every 0.2 s where there is room.
  ctx.lineWidth = 1;
  const minorStep = layout.pxPerS / 5 >= 10 ? 0.2 : null;
  if (minorStep) {
    ctx.strokeStyle = theme.gridMinor;
    ctx.globalAlpha = 0.45;
    ctx.beginPath();
    for (let t = Math.ceil(layout.startS / minorStep) * minorStep; t <= pageEnd + 1e-9; t += minorStep) {
      const x = Math.round(xOfTime(layout, t)) + 0.5;
      ctx.moveTo(x, plotTop);
      ctx.lineTo(x, plotBottom);
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
  }
  ctx.strokeStyle = theme.grid;
  ctx.beginPath();
  for (let t = Math.ceil(layout.startS); t <= pageEnd + 1e-9; t += 1) {
    const x = Math.round(xOfTime(layout, t)) + 0.5;
    ctx.moveTo(x, plotTop);
    ctx.lineTo(x, plotBottom);
  }
  ctx.moveTo(plotLeft + 0.5, plotTop);
  ctx.lineTo(plotLeft + 0.5, plotBottom);
  ctx.stroke();

  // Annotations overlapping the page: a band for their duration and a marker at their onset.
  ctx.textBaseline = 'middle';
  for (const annotation of input.annotations) {
    const end = annotation.onsetS + annotation.durationS;
    if (end < layout.startS || annotation.onsetS > pageEnd) continue;
    const x = xOfTime(layout, Math.max(layout.startS, annotation.onsetS));
    if (annotation.durationS > 0) {
      // Durations as a bar in the annotation lane: file events often tile the whole recording.
      ctx.fillStyle = theme.annotationBand;
      ctx.fillRect(x, 1, (Math.min(end, pageEnd) - Math.max(layout.startS, annotation.onsetS)) * layout.pxPerS, plotTop - 2);
    }
    if (annotation.onsetS >= layout.startS) {
      ctx.strokeStyle = theme.annotation;
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, 2);
      ctx.lineTo(Math.round(x) + 0.5, plotBottom);
      ctx.stroke();
    }
  }
  // (Their texts are elements over the canvas, in lanes that never overlap: AnnotationLabels.tsx.)

  // Channel labels.
  ctx.textAlign = 'right';
  ctx.font = '12px system-ui, sans-serif';
  input.labels.forEach((label, row) => {
    const gain = input.gains[row] ?? 1;
    const selected = row === input.selectedRow;
    ctx.fillStyle = selected ? theme.selected : rowColor(theme, input.rowTypes[row]);
    const text = gain === 1 ? label : `${label} ×${gain}`;
    if (layout.rowHeight >= 9) ctx.fillText(text, plotLeft - 6, baselineOf(layout, row), plotLeft - 10);
  });
  ctx.textAlign = 'left';

  // Traces, each clipped to its own lane.
  ctx.lineWidth = 1;
  ctx.lineJoin = 'round';
  input.paths.forEach((path, row) => {
    ctx.save();
    ctx.beginPath();
    ctx.rect(plotLeft, plotTop + row * layout.rowHeight, plotWidth, layout.rowHeight);
    ctx.clip();
    ctx.strokeStyle = row === input.selectedRow ? theme.selected : rowColor(theme, input.rowTypes[row]);
    ctx.stroke(path);
    ctx.restore();
  });

  // Time axis: a tick each second, clock labels where they fit.
  ctx.strokeStyle = theme.muted;
  ctx.fillStyle = theme.text;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'center';
  const labelEvery = Math.max(1, Math.ceil(70 / layout.pxPerS));
  ctx.beginPath();
  for (let t = Math.ceil(layout.startS); t <= pageEnd + 1e-9; t += 1) {
    const x = Math.round(xOfTime(layout, t)) + 0.5;
    ctx.moveTo(x, plotBottom);
    ctx.lineTo(x, plotBottom + 5);
    if (Math.round(t) % labelEvery === 0 && x > plotLeft + 25 && x < plotLeft + plotWidth - 25) {
      ctx.fillText(clockTime(input.startDateTime, t), x, plotBottom + 7);
    }
  }
  ctx.stroke();

  // EEG scale bar: 10 mm high (= 10 × sensitivity µV) at the gutter's left edge, ending on the
  // plot's bottom, its value in the time-axis band below (clear of the last channel's label).
  const barHeight = input.sensitivityUvPerMm * 10 * layout.pxPerUv;
  if (barHeight < plotHeight - 4) {
    const bx = 2;
    const by = plotBottom;
    ctx.strokeStyle = theme.text;
    ctx.beginPath();
    ctx.moveTo(bx + 0.5, by - barHeight);
    ctx.lineTo(bx + 0.5, by);
    ctx.stroke();
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = theme.muted;
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillText(`${input.sensitivityUvPerMm * 10} µV`, bx, plotBottom + 12, plotLeft - bx - 8);
  }
}

/** EEG in the theme's trace colour, other types in theirs. */
function rowColor(theme: TraceTheme, type: RowScale['type'] | undefined): string {
  return type === undefined || type === 'eeg' ? theme.trace : TYPE_COLORS[type];
}

/** Triage events as shaded bands over the whole plot height; the selected one with solid edges. */
function drawEventBands(ctx: CanvasRenderingContext2D, layout: TraceLayout, bands: readonly EventBand[]): void {
  const pageEnd = layout.startS + layout.durationS;
  const plotBottom = layout.plotTop + layout.plotHeight;
  for (const band of bands) {
    if (band.endS < layout.startS || band.startS > pageEnd) continue;
    const color = EVENT_COLORS[band.state];
    const x0 = xOfTime(layout, Math.max(layout.startS, band.startS));
    const x1 = xOfTime(layout, Math.min(pageEnd, band.endS));
    ctx.fillStyle = color;
    ctx.globalAlpha = band.selected ? 0.16 : 0.08;
    ctx.fillRect(x0, layout.plotTop, x1 - x0, layout.plotHeight);
    ctx.globalAlpha = 1;
    if (!band.selected) continue;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.setLineDash([]);
    ctx.beginPath();
    for (const t of [band.startS, band.endS]) {
      if (t < layout.startS || t > pageEnd) continue;
      const x = Math.round(xOfTime(layout, t));
      ctx.moveTo(x, layout.plotTop);
      ctx.lineTo(x, plotBottom);
    }
    ctx.stroke();
    ctx.lineWidth = 1;
  }
}
