/**
 * The whole recording at a glance: the compressed spectral array (time on x, 0.5–30 Hz on y, power
 * in dB as a heat map), an event track with a tick per annotation above it, and the current page
 * marked. During seizure triage a strip above them shows the detection run's probability trace on
 * the same time axis, with its threshold and the detected events. Clicking anywhere jumps there.
 */
import { useLayoutEffect, useMemo, useRef, type MouseEvent as ReactMouseEvent } from 'react';
import type { EegAnnotation, EegOverview } from '../../../shared/api/index.js';
import { formatOffset } from './clock.js';
import { quantile, rampColor } from '../components/colormap.js';
import { themeFromCss } from './drawTraces.js';
import { EVENT_COLORS, type EventBand } from '../seizure/colors.js';
import { useElementSize } from '../components/useElementSize.js';

/** A detection run's probability trace (1 Hz: value i covers the second ending at i + 1 s). */
export interface ProbabilityStrip {
  runId: number;
  values: readonly number[];
  threshold: number | null;
  offThreshold: number | null;
  events: readonly EventBand[];
}
const PROB_PX = 44;

const TRACK_PX = 14;
const MAP_PX = 64;
const AXIS_PX = 14;
const GUTTER_PX = 40;
const BASE_HEIGHT_PX = TRACK_PX + MAP_PX + AXIS_PX;
const F_MIN_HZ = 0.5;
const F_MAX_HZ = 30;

/** The heat map at one pixel per epoch and frequency bin, scaled when drawn. */
function heatMapImage(overview: EegOverview): HTMLCanvasElement | null {
  const bins = overview.freqsHz.map((f, i) => [f, i] as const).filter(([f]) => f >= F_MIN_HZ && f <= F_MAX_HZ);
  const epochs = overview.powerDb.length;
  if (bins.length === 0 || epochs === 0) return null;
  const values: number[] = [];
  for (const column of overview.powerDb) for (const [, i] of bins) values.push(column[i] ?? Number.NaN);
  const lo = quantile(values, 0.05);
  const hi = quantile(values, 0.98);
  const span = hi - lo || 1;
  const canvas = document.createElement('canvas');
  canvas.width = epochs;
  canvas.height = bins.length;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const image = ctx.createImageData(epochs, bins.length);
  overview.powerDb.forEach((column, e) => {
    bins.forEach(([, i], k) => {
      const [r, g, b] = rampColor(((column[i] ?? lo) - lo) / span);
      const y = bins.length - 1 - k; // low frequencies at the bottom
      const o = (y * epochs + e) * 4;
      image.data[o] = r;
      image.data[o + 1] = g;
      image.data[o + 2] = b;
      image.data[o + 3] = 255;
    });
  });
  ctx.putImageData(image, 0, 0);
  return canvas;
}

export function OverviewStrip(props: {
  overview: EegOverview | null;
  durationS: number;
  annotations: EegAnnotation[];
  pageStartS: number;
  pageDurationS: number;
  probability?: ProbabilityStrip | null;
  onJump(timeS: number): void;
}) {
  const strip = props.probability ?? null;
  const top = strip ? PROB_PX : 0;
  const HEIGHT_PX = top + BASE_HEIGHT_PX;
  const wrapper = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const { width } = useElementSize(wrapper);
  const image = useMemo(() => (props.overview ? heatMapImage(props.overview) : null), [props.overview]);
  const duration = Math.max(props.durationS, 1e-9);
  const plotWidth = Math.max(10, width - GUTTER_PX - 4);

  useLayoutEffect(() => {
    const element = canvas.current;
    if (!element || width <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    element.width = Math.round(width * dpr);
    element.height = Math.round(HEIGHT_PX * dpr);
    element.style.width = `${width}px`;
    element.style.height = `${HEIGHT_PX}px`;
    const ctx = element.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const theme = themeFromCss(element);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, width, HEIGHT_PX);
    const x = (t: number) => GUTTER_PX + (t / duration) * plotWidth;

    // Heat map, its frequency axis, and a note while it is being computed.
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = theme.muted;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    ctx.fillText(`${F_MAX_HZ} Hz`, GUTTER_PX - 4, top + TRACK_PX);
    ctx.textBaseline = 'bottom';
    ctx.fillText(`${F_MIN_HZ}`, GUTTER_PX - 4, top + TRACK_PX + MAP_PX);
    if (image && props.overview) {
      ctx.imageSmoothingEnabled = false;
      const coveredS = props.overview.powerDb.length * props.overview.epochS;
      ctx.drawImage(image, GUTTER_PX, top + TRACK_PX, (coveredS / duration) * plotWidth, MAP_PX);
    } else {
      ctx.strokeStyle = theme.grid;
      ctx.strokeRect(GUTTER_PX + 0.5, top + TRACK_PX + 0.5, plotWidth, MAP_PX);
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText(props.overview ? 'Recording too short for a spectral overview' : 'Computing spectral overview…', GUTTER_PX + 8, top + TRACK_PX + MAP_PX / 2);
    }

    // Event track: a tick per annotation.
    ctx.strokeStyle = theme.annotation;
    ctx.beginPath();
    for (const annotation of props.annotations) {
      const ax = Math.round(x(annotation.onsetS)) + 0.5;
      ctx.moveTo(ax, top + 2);
      ctx.lineTo(ax, top + TRACK_PX - 2);
    }
    ctx.stroke();

    // Time axis: start, middle and end offsets.
    ctx.fillStyle = theme.muted;
    ctx.textBaseline = 'top';
    const axisY = top + TRACK_PX + MAP_PX + 1;
    ctx.textAlign = 'left';
    ctx.fillText(formatOffset(0), GUTTER_PX, axisY);
    ctx.textAlign = 'center';
    ctx.fillText(formatOffset(duration / 2), GUTTER_PX + plotWidth / 2, axisY);
    ctx.textAlign = 'right';
    ctx.fillText(formatOffset(duration), GUTTER_PX + plotWidth, axisY);

    if (strip) drawProbability(ctx, strip, x, plotWidth, top + TRACK_PX, theme);

    // Current page.
    const px0 = x(props.pageStartS);
    const pw = Math.max(2, (props.pageDurationS / duration) * plotWidth);
    ctx.strokeStyle = theme.selected;
    ctx.lineWidth = 2;
    ctx.strokeRect(px0, 1, pw, top + TRACK_PX + MAP_PX - 1);
    ctx.lineWidth = 1;
  }, [width, image, props.overview, props.annotations, props.pageStartS, props.pageDurationS, duration, plotWidth, strip, top, HEIGHT_PX]);

  const onClick = (event: ReactMouseEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const t = ((event.clientX - rect.left - GUTTER_PX) / plotWidth) * duration;
    props.onJump(Math.min(duration, Math.max(0, t)));
  };

  return (
    <div className="eeg-overview" ref={wrapper}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={`Overview of the whole recording (${formatOffset(duration)}): ${props.overview ? `compressed spectral array ${F_MIN_HZ}–${F_MAX_HZ} Hz` : 'spectral array being computed'}, ${props.annotations.length} annotations${strip ? `, seizure probability of run ${strip.runId}${strip.threshold !== null ? ` with threshold ${strip.threshold}` : ''} and ${strip.events.length} detected event(s)` : ''}; click to jump`}
        onClick={onClick}
      />
    </div>
  );
}

/**
 * The probability strip (0 at the bottom, 1 at the top) with the on threshold (solid) and the off
 * threshold (dashed), and the detected events as bands over the strip and the annotation track.
 */
function drawProbability(
  ctx: CanvasRenderingContext2D,
  strip: ProbabilityStrip,
  x: (t: number) => number,
  plotWidth: number,
  eventsBottom: number,
  theme: ReturnType<typeof themeFromCss>,
): void {
  const y0 = 3;
  const h = PROB_PX - 6;
  const y = (p: number) => y0 + (1 - Math.min(1, Math.max(0, p))) * h;
  ctx.strokeStyle = theme.grid;
  ctx.strokeRect(GUTTER_PX + 0.5, y0 + 0.5, plotWidth, h);
  ctx.fillStyle = theme.muted;
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'top';
  ctx.fillText('P(sz) 1', GUTTER_PX - 4, y0);
  ctx.textBaseline = 'bottom';
  ctx.fillText('0', GUTTER_PX - 4, y0 + h);

  for (const band of strip.events) {
    const bx = x(band.startS);
    const bw = Math.max(2, x(band.endS) - bx);
    ctx.fillStyle = EVENT_COLORS[band.state];
    ctx.globalAlpha = band.selected ? 0.3 : 0.18;
    ctx.fillRect(bx, y0, bw, eventsBottom - y0);
    ctx.globalAlpha = 1;
    if (band.selected) {
      ctx.strokeStyle = EVENT_COLORS[band.state];
      ctx.lineWidth = 2;
      ctx.strokeRect(bx, y0, bw, eventsBottom - y0);
      ctx.lineWidth = 1;
    }
  }

  // Probability: a step per second.
  ctx.strokeStyle = theme.text;
  ctx.beginPath();
  strip.values.forEach((p, i) => {
    const value = Number.isFinite(p) ? p : 0;
    if (i === 0) ctx.moveTo(x(i), y(value));
    else ctx.lineTo(x(i), y(value));
    ctx.lineTo(x(i + 1), y(value));
  });
  ctx.stroke();

  for (const [threshold, dash] of [
    [strip.threshold, [] as number[]],
    [strip.offThreshold, [4, 3]],
  ] as const) {
    if (threshold === null) continue;
    ctx.strokeStyle = EVENT_COLORS.unreviewed;
    ctx.setLineDash(dash);
    ctx.beginPath();
    ctx.moveTo(GUTTER_PX, Math.round(y(threshold)) + 0.5);
    ctx.lineTo(GUTTER_PX + plotWidth, Math.round(y(threshold)) + 0.5);
    ctx.stroke();
    ctx.setLineDash([]);
  }
}
