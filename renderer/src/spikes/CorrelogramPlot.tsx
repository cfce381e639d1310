/**
 * An auto- or cross-correlogram as the rate of unit B around unit A's spikes (spikes/s), with B's
 * mean rate dotted: a peak above it is synchrony or a connection, a dip at zero lag of an
 * auto-correlogram the refractory period. The zero-lag bin of an auto-correlogram holds no self-pairs.
 */
import { useEffect, useRef } from 'react';
import type { SpikeCorrelogram, SpikesSummary } from '../../../shared/api/index.js';
import type { TypeColors } from './colors.js';
import { conditionalRateHz } from './isi.js';
import { beginCanvas, drawAxes, drawBars, drawMarker, drawNote, frameIn, niceTop, short, yOf } from './plot.js';

export function CorrelogramPlot({ correlogram, summary, colors, size }: { correlogram: SpikeCorrelogram; summary: SpikesSummary; colors: TypeColors; size: { width: number; height: number } }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const drawing = beginCanvas(canvas.current, size.width, size.height);
    if (!drawing) return;
    const { context, theme } = drawing;
    const a = summary.units[correlogram.unitA];
    const b = summary.units[correlogram.unitB];
    const auto = correlogram.unitA === correlogram.unitB;
    const rate = conditionalRateHz(correlogram.counts, a?.spikeCount ?? 0, correlogram.binS);
    const meanB = b?.rateHz ?? 0;
    const f = frameIn(size.width, size.height, [-correlogram.windowS, correlogram.windowS], [0, niceTop(Math.max(meanB, ...rate))]);
    drawAxes(context, f, theme, {
      x: auto ? 'lag (ms)' : `lag of ${b?.id ?? correlogram.unitB} after ${a?.id ?? correlogram.unitA} (ms)`,
      y: 'rate (spikes/s)',
      title: auto ? `auto-correlogram of ${a?.id ?? correlogram.unitA}` : `cross-correlogram ${a?.id ?? correlogram.unitA} → ${b?.id ?? correlogram.unitB}`,
      xAsMs: true,
    });
    const edges = Array.from({ length: rate.length + 1 }, (_, k) => -correlogram.windowS + k * correlogram.binS);
    drawBars(context, f, edges, rate, colors.colorOf(b?.cellType ?? null));
    drawMarker(context, f, 0, theme.muted);
    context.strokeStyle = theme.text;
    context.setLineDash([2, 3]);
    context.beginPath();
    context.moveTo(f.left, yOf(f, meanB));
    context.lineTo(f.left + f.width, yOf(f, meanB));
    context.stroke();
    context.setLineDash([]);
    drawNote(context, f, [{ text: `dotted: ${b?.id ?? correlogram.unitB}'s mean ${short(meanB)} Hz`, color: theme.muted }], theme.panel);
  }, [correlogram, summary, colors, size.width, size.height]);
  return <canvas ref={canvas} className="spikes-plot" role="img" aria-label={correlogram.unitA === correlogram.unitB ? 'Auto-correlogram' : 'Cross-correlogram'} />;
}
