/**
 * A `neuroformer-generate` run beside its recording: the recorded raster and the generated one
 * side by side over the same window, rows in one shared order (cell type, then recorded rate) and
 * coloured by cell type as in the Spikes view; under them the rate per cell type over the window,
 * recorded solid and generated dashed (the population PSTH: does the model fire when the retina
 * fires?). ←/→ buttons step through what the run generated; the list of generated spans (each
 * seeded by the recorded past just before it, then on its own) jumps to one.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { NEUROFORMER_MAX_RASTER_S, type NeuroformerRaster } from '../../../shared/api/index.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { useElementSize } from '../components/useElementSize.js';
import { typeColors, type TypeColors } from '../spikes/colors.js';
import { beginCanvas, drawAxes, drawLine, drawNote, FONT, frameIn, niceTop, peak, short, type Theme } from '../spikes/plot.js';
import { groupRuns } from '../spikes/rasterLayout.js';
import { formatSpan } from '../spikes/timeWindow.js';
import { useSpikesCall } from '../spikes/useSpikesData.js';
import type { ResultSummaryProps } from '../workbench/resultSummary.js';
import { countPerUnit, defaultBinS, initialWindow, pearson, ratesByType, sharedOrder, shiftWindow, type TimeWindow } from './rasterPair.js';
import { typeLabel } from './matrix.js';
import { useRunSummary } from './useNeuroformer.js';
import './neuroformer.css';

const SPANS_S = [2, 5, 10, 20, 60, 120];
const LABEL_W = 96;
const GAP = 16;
const AXIS = 30;

export function GenerateSummary({ run }: ResultSummaryProps) {
  const summary = useRunSummary(run);
  // The generated span is known from the first answer; ask for the run's start first.
  const [window, setWindow] = useState<TimeWindow | null>(null);
  const [span, setSpan] = useState(20);
  const first = useSpikesCall('neuroformer.raster', window ? null : { runId: run.id, startS: 0, endS: 1e-3 });
  useEffect(() => {
    if (!window && first.data) setWindow(initialWindow(first.data.generatedStartS, first.data.generatedEndS, span));
  }, [first.data, window, span]);
  const asked = window ? { runId: run.id, startS: window.startS, endS: Math.min(window.endS, window.startS + NEUROFORMER_MAX_RASTER_S) } : null;
  const answer = useSpikesCall('neuroformer.raster', asked);
  const raster = answer.data;
  const bounds = raster ? { startS: raster.generatedStartS, endS: raster.generatedEndS } : null;
  const spans = (raster ?? first.data)?.spans ?? [];

  const box = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(box);

  return (
    <div className="nf-generate" aria-label="Recorded and generated spikes">
      <p className="result-line">
        {summary?.model ? `Model #${summary.model.id} (${summary.config}) ` : 'The model '}rolled out window after window, feeding its own spikes back as the past
        {bounds ? `, in held-out spans between ${short(bounds.startS)} and ${short(bounds.endS)} s of the recording (held-out time blocks, never trained on)` : ''}.
      </p>
      <ErrorMessage message={first.error ?? answer.error} />
      {window && bounds && (
        <div className="nf-window-controls" role="toolbar" aria-label="Time window">
          <button type="button" aria-label="Earlier" onClick={() => setWindow(shiftWindow(window, -(window.endS - window.startS), bounds))} disabled={window.startS <= bounds.startS}>
            ←
          </button>
          <button type="button" aria-label="Later" onClick={() => setWindow(shiftWindow(window, window.endS - window.startS, bounds))} disabled={window.endS >= bounds.endS}>
            →
          </button>
          <label>
            Window{' '}
            <select
              value={span}
              aria-label="Window length"
              onChange={(event) => {
                const s = Number(event.target.value);
                setSpan(s);
                setWindow(shiftWindow({ startS: window.startS, endS: window.startS + s }, 0, bounds));
              }}
            >
              {SPANS_S.map((s) => (
                <option key={s} value={s}>
                  {formatSpan(s)}
                </option>
              ))}
            </select>
          </label>
          <span className="muted">
            {short(window.startS)}–{short(window.endS)} s
          </span>
        </div>
      )}
      {window && bounds && spans.length > 0 && <SpanList spans={spans} window={window} onShow={(startS) => setWindow(shiftWindow({ startS, endS: startS + span }, 0, bounds))} />}
      <div ref={box} className="nf-generate-body">
        {raster && width > 0 && <RasterPairPlots raster={raster} width={width} />}
        {!raster && !answer.error && !first.error && <p className="empty">Reading the recorded and generated spikes…</p>}
      </div>
    </div>
  );
}

function RasterPairPlots({ raster, width }: { raster: NeuroformerRaster; width: number }) {
  const colors = useMemo(() => typeColors(raster.cellTypes), [raster.cellTypes]);
  const order = useMemo(() => sharedOrder(raster), [raster]);
  const spanS = raster.endS - raster.startS;
  const binS = defaultBinS(spanS);
  const rates = useMemo(() => ratesByType(raster, spanS, binS), [raster, spanS, binS]);
  const recorded = raster.recordedRow.length;
  const generated = raster.generatedRow.length;
  const units = raster.unitIds.length;
  const rowH = Math.max(2, Math.min(10, 420 / Math.max(1, units)));
  const panelW = Math.max(120, Math.floor((width - LABEL_W - GAP) / 2));
  const height = Math.round(rowH * units + AXIS + 18);
  const populationR = useMemo(() => {
    const sumOf = (key: 'recorded' | 'generated') => {
      const bins = rates[0]?.[key].length ?? 0;
      const total = new Float64Array(bins);
      for (const g of rates) for (let b = 0; b < bins; b++) total[b]! += g[key][b]! * g.units;
      return total;
    };
    return pearson(sumOf('recorded'), sumOf('generated'));
  }, [rates]);
  const perUnitR = useMemo(() => pearson(countPerUnit(raster.recordedRow, units), countPerUnit(raster.generatedRow, units)), [raster, units]);
  return (
    <>
      <p className="nf-facts">
        {units} units over {formatSpan(spanS)}: {recorded.toLocaleString('en')} recorded spikes ({short(recorded / Math.max(1e-9, spanS * units))} Hz per unit), {generated.toLocaleString('en')} generated (
        {short(generated / Math.max(1e-9, spanS * units))} Hz per unit); population rate r = {Number.isFinite(populationR) ? populationR.toFixed(2) : '—'} in {short(binS * 1000)} ms bins; per-unit
        spike counts r = {Number.isFinite(perUnitR) ? perUnitR.toFixed(2) : '—'}.
      </p>
      <RasterCanvas raster={raster} order={order} colors={colors} width={width} height={height} rowH={rowH} panelW={panelW} />
      <TypeRatePlot rates={rates} colors={colors} binS={binS} spanS={spanS} startS={raster.startS} width={Math.min(width, 900)} />
      <p className="nf-legend">
        {colors.legend.map((entry) => (
          <span key={entry.type ?? 'none'}>
            <span className="nf-swatch" style={{ background: entry.color }} />
            {typeLabel(entry.type)} ({entry.count})
          </span>
        ))}
      </p>
    </>
  );
}

function RasterCanvas({ raster, order, colors, width, height, rowH, panelW }: { raster: NeuroformerRaster; order: number[]; colors: TypeColors; width: number; height: number; rowH: number; panelW: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const drawing = beginCanvas(canvas.current, width, height);
    if (!drawing) return;
    const { context, theme } = drawing;
    const top = 18;
    const rowOf = new Int32Array(order.length);
    order.forEach((unit, row) => (rowOf[unit] = row));
    const spanS = raster.endS - raster.startS;
    const panels = [
      { left: LABEL_W, title: `Recorded (${raster.recordedRow.length.toLocaleString('en')} spikes)`, rows: raster.recordedRow, times: raster.recordedTime },
      { left: LABEL_W + panelW + GAP, title: `Generated (${raster.generatedRow.length.toLocaleString('en')} spikes)`, rows: raster.generatedRow, times: raster.generatedTime },
    ];
    for (const panel of panels) {
      context.fillStyle = theme.text;
      context.font = '600 12px system-ui, sans-serif';
      context.textBaseline = 'top';
      context.fillText(panel.title, panel.left, 2);
      const tick = Math.max(1, Math.min(1.5, panelW / 600));
      for (let i = 0; i < panel.rows.length; i++) {
        const unit = panel.rows[i]!;
        const t = panel.times[i]!;
        if (unit < 0 || unit >= order.length || t < 0 || t > spanS) continue;
        context.fillStyle = colors.colorOf(raster.cellTypes[unit] ?? null);
        context.fillRect(panel.left + (t / spanS) * panelW - tick / 2, top + rowOf[unit]! * rowH, tick, Math.max(1, rowH - (rowH >= 5 ? 1 : 0)));
      }
      context.strokeStyle = theme.border;
      context.strokeRect(panel.left - 0.5, top - 0.5, panelW + 1, rowH * order.length + 1);
      drawTimeTicks(context, theme, panel.left, panelW, top + rowH * order.length, raster.startS, spanS);
    }
    // Cell-type groups beside the rows (both panels share them).
    context.font = FONT;
    context.textBaseline = 'middle';
    for (const run of groupRuns(order.map((unit) => typeLabel(raster.cellTypes[unit] ?? null)))) {
      const y = top + run.first * rowH;
      const h = run.count * rowH;
      context.fillStyle = colors.colorOf(run.label === 'no type' ? null : run.label);
      context.fillRect(4, y + 1, 4, Math.max(1, h - 2));
      if (h >= 12) {
        context.fillStyle = theme.text;
        context.fillText(`${run.label} (${run.count})`, 12, y + h / 2, LABEL_W - 16);
      }
    }
  }, [raster, order, colors, width, height, rowH, panelW]);
  return (
    <canvas
      ref={canvas}
      className="nf-raster-canvas"
      role="img"
      aria-label={`Recorded and generated rasters of ${order.length} units side by side over ${formatSpan(raster.endS - raster.startS)}, rows by cell type`}
      data-recorded={raster.recordedRow.length}
      data-generated={raster.generatedRow.length}
    />
  );
}

function drawTimeTicks(context: CanvasRenderingContext2D, theme: Theme, left: number, width: number, y: number, startS: number, spanS: number): void {
  const frame = { left, top: y - 10, width, height: 10, x0: startS, x1: startS + spanS, y0: 0, y1: 1 };
  context.save();
  context.font = FONT;
  context.fillStyle = theme.muted;
  context.textAlign = 'center';
  context.textBaseline = 'top';
  const count = Math.max(2, Math.floor(width / 80));
  const step = niceTop(spanS / count);
  for (let t = Math.ceil(startS / step) * step; t <= startS + spanS + 1e-9; t += step) {
    const x = frame.left + ((t - startS) / spanS) * width;
    context.fillRect(x, y, 1, 4);
    context.fillText(short(t), x, y + 5);
  }
  context.textAlign = 'right';
  context.fillText('time (s)', left + width, y + 17);
  context.restore();
}

function TypeRatePlot({ rates, colors, binS, spanS, startS, width }: { rates: ReturnType<typeof ratesByType>; colors: TypeColors; binS: number; spanS: number; startS: number; width: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const height = 220;
  useEffect(() => {
    const drawing = beginCanvas(canvas.current, width, height);
    if (!drawing || rates.length === 0) return;
    const { context, theme } = drawing;
    const top = niceTop(Math.max(...rates.map((r) => Math.max(peak(r.recorded), peak(r.generated)))));
    const f = frameIn(width, height, [startS, startS + spanS], [0, top]);
    drawAxes(context, f, theme, { x: 'time (s)', y: 'rate per unit (spikes/s)', title: `Rate per cell type, ${short(binS * 1000)} ms bins: recorded solid, generated dashed` });
    const bins = rates[0]!.recorded.length;
    const x = Float64Array.from({ length: bins }, (_, b) => startS + Math.min(spanS, (b + 0.5) * binS));
    for (const group of rates) {
      const color = colors.colorOf(group.type);
      drawLine(context, f, x, group.recorded, color, 1.8);
      context.save();
      context.setLineDash([5, 3]);
      drawLine(context, f, x, group.generated, color, 1.5);
      context.restore();
    }
    drawNote(
      context,
      f,
      rates.map((group) => ({ text: `${typeLabel(group.type)}: r = ${fmtR(pearson(group.recorded, group.generated))}`, color: colors.colorOf(group.type) })),
      theme.panel,
    );
  }, [rates, colors, binS, spanS, startS, width]);
  return <canvas ref={canvas} className="nf-plot" role="img" aria-label="Rate per cell type over the window, recorded and generated" />;
}

const fmtR = (r: number) => (Number.isFinite(r) ? r.toFixed(2) : '—');

/** The spans the run generated, each a button that shows it (the current one marked). */
function SpanList({ spans, window, onShow }: { spans: readonly (readonly [number, number])[]; window: TimeWindow; onShow: (startS: number) => void }) {
  const total = spans.reduce((sum, [a, b]) => sum + (b - a), 0);
  return (
    <section className="nf-spans" aria-label="Generated spans">
      <span className="muted">
        {spans.length} generated span{spans.length === 1 ? '' : 's'} ({short(total)} s in all; each starts from the recorded past, then sees only its own spikes):
      </span>
      <ul>
        {spans.map(([a, b], i) => {
          const current = window.startS < b && window.endS > a;
          return (
            <li key={`${a}-${b}`}>
              <button type="button" aria-pressed={current} className={current ? 'nf-span-current' : undefined} onClick={() => onShow(a)} title={`Show span ${i + 1}`}>
                {short(a)}–{short(b)} s
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
