/**
 * The plots of spikes aligned to an event set: the population PSTH as a heat map (every unit a row
 * in the raster's order, each scaled to its own peak, its cell type in the strip on the left), the
 * mean PSTH per cell type, and for the selected unit its aligned raster over its PSTH in spikes/s.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { SpikePsth, SpikesSummary } from '../../../shared/api/index.js';
import { rampColor } from '../components/colormap.js';
import type { TypeColors } from './colors.js';
import { meanByType, normaliseRows } from './psth.js';
import { beginCanvas, drawAxes, drawBars, drawLine, drawMarker, drawNote, FONT, frameIn, niceTop, peak, short, xOf, yOf } from './plot.js';

interface Size {
  width: number;
  height: number;
}

const timeLabel = (eventName: string) => `time from ${eventName.replace(/s$/, '')} (s)`;

/** Bin centres in seconds from the event. */
export function binCentres(psth: Pick<SpikePsth, 'preS' | 'binS'>, bins: number): Float64Array {
  return Float64Array.from({ length: bins }, (_, b) => -psth.preS + (b + 0.5) * psth.binS);
}

export const binsOf = (psth: SpikePsth) => (psth.units.length ? psth.rateHz.length / psth.units.length : 0);

export function PopulationPsth({ psth, summary, colors, size }: { psth: SpikePsth; summary: SpikesSummary; colors: TypeColors; size: Size }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const bins = binsOf(psth);
  const image = useMemo(() => {
    const rows = psth.units.length;
    const scaled = normaliseRows(psth.rateHz, rows, bins);
    const data = new ImageData(Math.max(1, bins), Math.max(1, rows));
    for (let i = 0; i < rows * bins; i++) {
      const [r, g, b] = rampColor(scaled[i]!);
      data.data.set([r, g, b, 255], 4 * i);
    }
    const off = document.createElement('canvas');
    off.width = data.width;
    off.height = data.height;
    off.getContext('2d')!.putImageData(data, 0, 0);
    return off;
  }, [psth, bins]);

  useEffect(() => {
    const drawing = beginCanvas(canvas.current, size.width, size.height);
    if (!drawing || bins === 0) return;
    const { context, theme } = drawing;
    const f = frameIn(size.width, size.height, [-psth.preS, psth.postS], [0, 1], { left: 22 });
    context.imageSmoothingEnabled = false;
    context.drawImage(image, f.left, f.top, f.width, f.height);
    // The cell type of each row, in the strip left of the map.
    const rowH = f.height / psth.units.length;
    psth.units.forEach((unit, row) => {
      context.fillStyle = colors.colorOf(summary.units[unit]?.cellType ?? null);
      context.fillRect(6, f.top + row * rowH, 10, Math.max(1, rowH));
    });
    const labels = { x: timeLabel(psth.eventSet), y: '', title: `PSTH of ${psth.units.length} units ÷ each peak` };
    drawAxesX(context, f, theme, labels);
    drawMarker(context, f, 0, '#ffffff');
  }, [image, psth, size.width, size.height, bins, colors, summary]);

  return <canvas ref={canvas} className="spikes-plot" role="img" aria-label={`PSTH heat map of ${psth.units.length} units around ${psth.eventSet}`} />;
}

/** The x axis and title of a heat map (no y ticks: its rows are units). */
function drawAxesX(context: CanvasRenderingContext2D, f: ReturnType<typeof frameIn>, theme: Parameters<typeof drawAxes>[2], labels: { x: string; y: string; title: string }) {
  drawAxes(context, { ...f, y0: 0, y1: 0 }, theme, labels);
}

export function TypeMeans({ psth, summary, colors, size }: { psth: SpikePsth; summary: SpikesSummary; colors: TypeColors; size: Size }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const bins = binsOf(psth);
  const means = useMemo(() => meanByType(psth.rateHz, psth.units.map((unit) => summary.units[unit]?.cellType ?? null), bins), [psth, summary, bins]);
  useEffect(() => {
    const drawing = beginCanvas(canvas.current, size.width, size.height);
    if (!drawing || bins === 0) return;
    const { context, theme } = drawing;
    const top = niceTop(Math.max(...means.map((m) => peak(m.mean))));
    const f = frameIn(size.width, size.height, [-psth.preS, psth.postS], [0, top]);
    drawAxes(context, f, theme, { x: timeLabel(psth.eventSet), y: 'mean rate (spikes/s)', title: means.length > 1 ? 'mean PSTH per cell type' : 'mean PSTH of all units' });
    drawMarker(context, f, 0, theme.muted);
    const x = binCentres(psth, bins);
    for (const group of means) drawLine(context, f, x, group.mean, colors.colorOf(group.type), 2);
    drawNote(
      context,
      f,
      means.map((group) => ({ text: `${group.type ?? 'no type'} (${group.units})`, color: colors.colorOf(group.type) })),
      theme.panel,
    );
  }, [means, psth, size.width, size.height, bins, colors]);
  return <canvas ref={canvas} className="spikes-plot" role="img" aria-label={`Mean PSTH per cell type around ${psth.eventSet}`} />;
}

/** The selected unit's spikes per event (one row per event, first at the top) over its PSTH. */
export function UnitAligned({ psth, summary, colors, size, part }: { psth: SpikePsth; summary: SpikesSummary; colors: TypeColors; size: Size; part: 'raster' | 'psth' }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const bins = binsOf(psth);
  const unit = psth.rasterUnit;
  const row = unit === null ? -1 : psth.units.indexOf(unit);
  useEffect(() => {
    const drawing = beginCanvas(canvas.current, size.width, size.height);
    if (!drawing || unit === null) return;
    const { context, theme } = drawing;
    const info = summary.units[unit];
    const color = colors.colorOf(info?.cellType ?? null);
    const name = `unit ${info?.id ?? unit}`;
    if (part === 'raster') {
      const trials = Math.max(1, psth.eventCount);
      const f = frameIn(size.width, size.height, [-psth.preS, psth.postS], [trials, 0]);
      drawAxes(context, f, theme, { x: timeLabel(psth.eventSet), y: `${psth.eventCount} ${psth.eventSet}`, title: `${name}: aligned raster` });
      const rowH = f.height / trials;
      const dot = Math.max(1, Math.min(3, rowH));
      context.fillStyle = color;
      // Many trials per pixel row: overlapping dots build up to a shade (a density, not a blot).
      context.globalAlpha = rowH >= 1 ? 1 : Math.max(0.15, rowH);
      for (let i = 0; i < psth.rasterTime.length; i++) {
        const x = xOf(f, psth.rasterTime[i]!);
        const y = f.top + psth.rasterTrial[i]! * rowH;
        context.fillRect(x - 0.5, y, Math.max(1, dot / 2), dot);
      }
      context.globalAlpha = 1;
      drawMarker(context, f, 0, theme.muted);
      return;
    }
    if (row < 0) return;
    const rate = psth.rateHz.subarray(row * bins, (row + 1) * bins);
    const f = frameIn(size.width, size.height, [-psth.preS, psth.postS], [0, niceTop(peak(rate))]);
    drawAxes(context, f, theme, { x: timeLabel(psth.eventSet), y: 'rate (spikes/s)', title: `${name}: PSTH (${short(psth.binS * 1000)} ms bins)` });
    drawBars(context, f, Array.from({ length: bins + 1 }, (_, b) => -psth.preS + b * psth.binS), rate, color);
    drawMarker(context, f, 0, theme.muted);
    const mean = info?.rateHz ?? 0;
    context.strokeStyle = theme.muted;
    context.setLineDash([2, 3]);
    context.beginPath();
    context.moveTo(f.left, yOf(f, mean));
    context.lineTo(f.left + f.width, yOf(f, mean));
    context.stroke();
    context.setLineDash([]);
    context.font = FONT;
    drawNote(context, f, [{ text: `dotted: mean ${short(mean)} Hz`, color: theme.muted }], theme.panel);
  }, [psth, unit, row, bins, size.width, size.height, colors, summary, part]);
  return <canvas ref={canvas} className="spikes-plot" role="img" aria-label={part === 'raster' ? 'Aligned raster of the selected unit' : 'PSTH of the selected unit'} />;
}
