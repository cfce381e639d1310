/**
 * The selected unit's inter-spike intervals: 1 ms bins over the first 100 ms (the refractory gap and
 * bursts), or log-spaced bins over 0.5 ms…5 s (the whole distribution). Intervals shorter than the
 * refractory period are shaded red and counted: a well-isolated unit has almost none.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { SpikeIsi, SpikesSummary } from '../../../shared/api/index.js';
import type { TypeColors } from './colors.js';
import { ISI_LINEAR_BIN_S, ISI_LINEAR_MAX_S, ISI_LOG_BINS_PER_DECADE, linearHistogram, logHistogram } from './isi.js';
import { beginCanvas, drawAxes, drawBars, drawNote, frameIn, niceTop, short, xOf } from './plot.js';

export function IsiPlot({ isi, summary, colors, logX, size }: { isi: SpikeIsi; summary: SpikesSummary; colors: TypeColors; logX: boolean; size: { width: number; height: number } }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const histogram = useMemo(
    () => (logX ? logHistogram(isi.counts, isi.binS, ISI_LOG_BINS_PER_DECADE) : linearHistogram(isi.counts, isi.binS, ISI_LINEAR_BIN_S, ISI_LINEAR_MAX_S)),
    [isi, logX],
  );
  useEffect(() => {
    const drawing = beginCanvas(canvas.current, size.width, size.height);
    if (!drawing) return;
    const { context, theme } = drawing;
    const info = summary.units[isi.unit];
    const x0 = logX ? histogram.edges[1]! : 0;
    const x1 = histogram.edges[histogram.edges.length - 1]!;
    const f = { ...frameIn(size.width, size.height, [x0, x1], [0, niceTop(Math.max(...histogram.counts))]), logX };
    // The refractory period, shaded under the bars.
    context.fillStyle = theme.error;
    context.globalAlpha = 0.14;
    const r = xOf(f, isi.refractoryS);
    context.fillRect(f.left, f.top, Math.max(1, r - f.left), f.height);
    context.globalAlpha = 1;
    drawAxes(context, f, theme, {
      x: logX ? 'interval (log scale)' : 'interval (ms)',
      y: 'intervals per bin',
      title: `ISI of unit ${info?.id ?? isi.unit}${logX ? '' : ` (${short(ISI_LINEAR_BIN_S * 1000)} ms bins)`}`,
      xAsMs: !logX,
    });
    drawBars(context, f, histogram.edges, histogram.counts, colors.colorOf(info?.cellType ?? null));
    const violations = isi.refractoryViolations;
    drawNote(context, f, [
      { text: `${isi.intervalCount.toLocaleString('en')} intervals`, color: theme.muted },
      {
        text: `${(violations * 100).toFixed(violations > 0 && violations < 0.001 ? 3 : 2)}% < ${short(isi.refractoryS * 1000)} ms (refractory)`,
        color: violations > 0.01 ? theme.error : theme.muted,
      },
    ], theme.panel);
  }, [histogram, isi, logX, size.width, size.height, colors, summary]);
  return <canvas ref={canvas} className="spikes-plot" role="img" aria-label="Inter-spike-interval histogram" data-log-x={logX} />;
}
