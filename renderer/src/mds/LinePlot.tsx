/**
 * A small SVG line plot with labelled axes (no chart library), shared by the MDS views: temporal
 * components and full-field MDS traces, a cell's responses beside its cluster's mean ± SD band, the
 * clustering's loss trajectory. Optional: a shaded band per series, points, a vertical cursor (the
 * movie's current frame), a zero line, and a strip of grey under the plot (the stimulus).
 */
import type { ReactNode } from 'react';
import { extent, ticks } from './mdsMath.js';

export interface PlotSeries {
  name: string;
  x: readonly number[];
  y: readonly number[];
  color: string;
  dashed?: boolean;
  width?: number;
  /** Draw a dot at every point (sparse series such as EM passes); a colour per point when given. */
  points?: boolean | readonly string[];
  /** A band y ± band (a cluster's SD), drawn under the line. */
  band?: readonly number[];
}

export interface LinePlotProps {
  series: readonly PlotSeries[];
  title?: string;
  /** The accessible name (default: the title). */
  label?: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  cursorX?: number;
  zeroLine?: boolean;
  /** Fixed y range (default: the data's, with bands). */
  yRange?: [number, number];
  /** Grey strip under the plot: values on the x grid, coloured on a symmetric grey scale. */
  strip?: { x: readonly number[]; values: readonly number[]; label: string };
  legend?: boolean;
  compact?: boolean;
  /** x counts things (passes): whole-number ticks only. */
  integerX?: boolean;
  /** Drawn under the plot, inside the figure (a legend of point colours). */
  footer?: ReactNode;
}

const fmt = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3))));

export function LinePlot({ series, title, label, xLabel, yLabel, width = 360, height = 160, cursorX, zeroLine, yRange, strip, legend = true, compact = false, integerX = false, footer }: LinePlotProps) {
  const margin = compact ? { left: 34, right: 6, top: 6, bottom: 22 } : { left: 48, right: 10, top: 10, bottom: 32 };
  const stripH = strip ? 12 : 0;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom - stripH;
  const [x0, x1] = extent(series.flatMap((s) => s.x));
  const [y0, y1] =
    yRange ??
    extent(
      series.flatMap((s) => (s.band ? s.y.flatMap((v, i) => [v - s.band![i]!, v + s.band![i]!]) : s.y)).concat(zeroLine ? [0] : []),
    );
  const x = (v: number) => margin.left + (x1 === x0 ? plotW / 2 : ((v - x0) / (x1 - x0)) * plotW);
  const y = (v: number) => margin.top + (1 - (Math.max(y0, Math.min(y1, v)) - y0) / (y1 - y0)) * plotH;
  const path = (s: PlotSeries) =>
    s.y
      .map((v, i) => (Number.isFinite(v) ? `${i === 0 || !Number.isFinite(s.y[i - 1]!) ? 'M' : 'L'}${x(s.x[i]!).toFixed(1)},${y(v).toFixed(1)}` : ''))
      .join(' ');
  const bandPath = (s: PlotSeries) => {
    const up = s.y.map((v, i) => `${x(s.x[i]!).toFixed(1)},${y(v + s.band![i]!).toFixed(1)}`);
    const down = s.y.map((v, i) => `${x(s.x[i]!).toFixed(1)},${y(v - s.band![i]!).toFixed(1)}`).reverse();
    return `M${up.join(' L')} L${down.join(' L')} Z`;
  };
  const xt = ticks(x0, x1, compact ? 3 : 5).filter((v) => !integerX || Number.isInteger(v));
  const yt = ticks(y0, y1, compact ? 3 : 4);
  const fontSize = compact ? 9 : 10;
  const stripTop = margin.top + plotH + 2;
  const stripScale = strip ? Math.max(1e-12, ...strip.values.map((v) => Math.abs(v))) : 1;
  return (
    <figure className="mds-plot">
      {title && <figcaption>{title}</figcaption>}
      <svg width={width} height={height} role="img" aria-label={label ?? title ?? yLabel}>
        {series.map((s) => s.band && <path key={`band-${s.name}`} d={bandPath(s)} fill={s.color} opacity={0.18} stroke="none" />)}
        <line x1={margin.left} y1={margin.top + plotH} x2={margin.left + plotW} y2={margin.top + plotH} stroke="currentColor" opacity={0.6} />
        <line x1={margin.left} y1={margin.top} x2={margin.left} y2={margin.top + plotH} stroke="currentColor" opacity={0.6} />
        {zeroLine && y0 < 0 && y1 > 0 && <line x1={margin.left} x2={margin.left + plotW} y1={y(0)} y2={y(0)} stroke="currentColor" opacity={0.25} strokeDasharray="2 3" />}
        {yt.map((v) => (
          <text key={`y${v}`} x={margin.left - 3} y={y(v) + 3} textAnchor="end" fontSize={fontSize} fill="currentColor">
            {fmt(v)}
          </text>
        ))}
        {xt.map((v) => (
          <text key={`x${v}`} x={x(v)} y={margin.top + plotH + stripH + fontSize + 2} textAnchor="middle" fontSize={fontSize} fill="currentColor">
            {fmt(v)}
          </text>
        ))}
        <text x={margin.left + plotW / 2} y={height - 3} textAnchor="middle" fontSize={fontSize} fill="currentColor" opacity={0.8}>
          {xLabel}
        </text>
        <text x={9} y={margin.top + plotH / 2} textAnchor="middle" fontSize={fontSize} fill="currentColor" opacity={0.8} transform={`rotate(-90 9 ${margin.top + plotH / 2})`}>
          {yLabel}
        </text>
        {strip &&
          strip.values.map((v, i) => {
            const left = x(strip.x[i]!);
            const right = i + 1 < strip.x.length ? x(strip.x[i + 1]!) : left + plotW / Math.max(1, strip.values.length);
            const g = Math.round(127.5 + 127.5 * Math.max(-1, Math.min(1, v / stripScale)));
            return <rect key={i} x={left} y={stripTop} width={Math.max(0.5, right - left)} height={stripH - 3} fill={`rgb(${g},${g},${g})`} />;
          })}
        {series.map((s) => (
          <path key={s.name} d={path(s)} fill="none" stroke={s.color} strokeWidth={s.width ?? 1.5} strokeDasharray={s.dashed ? '4 3' : undefined} />
        ))}
        {series.map(
          (s) =>
            s.points &&
            s.y.map((v, i) =>
              Number.isFinite(v) ? <circle key={`${s.name}-${i}`} cx={x(s.x[i]!)} cy={y(v)} r={compact ? 2 : 3} fill={Array.isArray(s.points) ? (s.points as string[])[i] ?? s.color : s.color} /> : null,
            ),
        )}
        {cursorX !== undefined && Number.isFinite(cursorX) && <line x1={x(cursorX)} x2={x(cursorX)} y1={margin.top} y2={margin.top + plotH} stroke="#d62728" strokeWidth={1} opacity={0.8} />}
      </svg>
      {legend && series.length > 1 && (
        <ul className="legend mds-legend">
          {series.map((s) => (
            <li key={s.name} style={{ color: s.color }}>
              {s.dashed ? '╌ ' : '— '}
              {s.name}
            </li>
          ))}
          {strip && <li className="muted">grey strip: {strip.label}</li>}
        </ul>
      )}
      {footer}
    </figure>
  );
}
