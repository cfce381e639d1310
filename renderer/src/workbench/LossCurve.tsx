/**
 * A training run's loss curve (result key "loss-curve"): one line per loss series over the epochs,
 * as a small SVG (no chart library). Any run whose pipeline stores such a result gets it.
 */

/** The stored value: epochs and one array per series (trainLoss, validationLoss, …), same length. */
export interface LossCurveValue {
  epochs: number[];
  bestEpoch?: number;
  [series: string]: unknown;
}

const SERIES_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
const WIDTH = 360;
const HEIGHT = 180;
const MARGIN = { left: 48, right: 12, top: 12, bottom: 28 };

export function isLossCurve(value: unknown): value is LossCurveValue {
  const epochs = (value as { epochs?: unknown } | null)?.epochs;
  return Array.isArray(epochs) && epochs.every((e) => typeof e === 'number');
}

/** The series of a loss curve: every other array of numbers as long as `epochs`. */
function seriesOf(value: LossCurveValue): { name: string; values: number[] }[] {
  return Object.entries(value)
    .filter(([name, v]) => name !== 'epochs' && Array.isArray(v) && v.length === value.epochs.length && v.every((x) => typeof x === 'number'))
    .map(([name, v]) => ({ name, values: v as number[] }));
}

/** "trainLoss" → "train loss". */
function label(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * `xLabel`: what the x values count (default "epoch"), e.g. "optimizer step" for a schedule;
 * `fromZero` (default true): the y axis starts at 0, off for values that live far from it (an EMA momentum).
 */
export function LossCurve({ value, title, xLabel = 'epoch', fromZero = true }: { value: LossCurveValue; title: string; xLabel?: string; fromZero?: boolean }) {
  const series = seriesOf(value);
  const finite = series.flatMap((s) => s.values.filter(Number.isFinite));
  if (!value.epochs.length || !finite.length) return <p>{title}: no epochs recorded.</p>;
  const [x0, x1] = [Math.min(...value.epochs), Math.max(...value.epochs)];
  const [y0, y1] = [fromZero ? Math.min(0, ...finite) : Math.min(...finite), Math.max(...finite)];
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (epoch: number) => MARGIN.left + (x1 === x0 ? plotW / 2 : ((epoch - x0) / (x1 - x0)) * plotW);
  const y = (loss: number) => MARGIN.top + (y1 === y0 ? plotH / 2 : (1 - (loss - y0) / (y1 - y0)) * plotH);
  const path = (values: number[]) =>
    values
      .map((v, i) => (Number.isFinite(v) ? `${i === 0 || !Number.isFinite(values[i - 1]!) ? 'M' : 'L'}${x(value.epochs[i]!).toFixed(1)},${y(v).toFixed(1)}` : ''))
      .join(' ');
  return (
    <figure className="loss-curve">
      <figcaption>{title}</figcaption>
      <svg width={WIDTH} height={HEIGHT} role="img" aria-label={`${title}: ${series.map((s) => label(s.name)).join(', ')} over ${value.epochs.length} ${xLabel === 'epoch' ? 'epochs' : `${xLabel}s`}`}>
        <line x1={MARGIN.left} y1={MARGIN.top + plotH} x2={MARGIN.left + plotW} y2={MARGIN.top + plotH} stroke="currentColor" />
        <line x1={MARGIN.left} y1={MARGIN.top} x2={MARGIN.left} y2={MARGIN.top + plotH} stroke="currentColor" />
        <text x={MARGIN.left - 4} y={MARGIN.top + 4} textAnchor="end" fontSize="10">{y1.toPrecision(3)}</text>
        <text x={MARGIN.left - 4} y={MARGIN.top + plotH} textAnchor="end" fontSize="10">{y0.toPrecision(3)}</text>
        <text x={MARGIN.left} y={HEIGHT - 8} fontSize="10">{x0}</text>
        <text x={MARGIN.left + plotW} y={HEIGHT - 8} textAnchor="end" fontSize="10">{x1}</text>
        <text x={MARGIN.left + plotW / 2} y={HEIGHT - 8} textAnchor="middle" fontSize="10">{xLabel}</text>
        {value.bestEpoch !== undefined && value.bestEpoch >= x0 && value.bestEpoch <= x1 && (
          <line x1={x(value.bestEpoch)} y1={MARGIN.top} x2={x(value.bestEpoch)} y2={MARGIN.top + plotH} stroke="currentColor" strokeDasharray="3 3" opacity={0.5} />
        )}
        {series.map((s, i) => (
          <path key={s.name} d={path(s.values)} fill="none" stroke={SERIES_COLOURS[i % SERIES_COLOURS.length]} strokeWidth={1.5} />
        ))}
      </svg>
      <ul className="legend">
        {series.map((s, i) => (
          <li key={s.name} style={{ color: SERIES_COLOURS[i % SERIES_COLOURS.length] }}>
            {label(s.name)}
          </li>
        ))}
        {value.bestEpoch !== undefined && <li>best epoch {value.bestEpoch} (dashed)</li>}
      </ul>
    </figure>
  );
}
