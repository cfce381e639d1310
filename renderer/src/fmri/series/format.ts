/** Numbers, units and names as the Brain view's network panels print them. */
import type { ConnectivityKind } from '../../../../shared/api/index.js';

/** Three significant digits, exponent when tiny or huge; "–" when not finite. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e4 || abs < 1e-3) return value.toExponential(2);
  return String(Number(value.toPrecision(3)));
}

/** What a connectivity matrix's values are: the colour bar's caption and the hover's symbol. */
export const KIND_UNITS: Readonly<Record<ConnectivityKind, { name: string; unit: string; symbol: string }>> = {
  pearson: { name: 'Pearson correlation', unit: 'Pearson r', symbol: 'r' },
  partial: { name: 'partial correlation (Ledoit–Wolf)', unit: 'partial r', symbol: 'partial r' },
  tangent: { name: 'tangent-space connectivity', unit: 'tangent value (log-map of the group mean)', symbol: 'tangent' },
  covariance: { name: 'covariance (Ledoit–Wolf)', unit: 'covariance (signal units²)', symbol: 'cov' },
};

/** The time axis of a series: seconds when the TR is known, else volumes. */
export function seriesTimeAxis(timepoints: number, trS: number | null): { end: number; title: string; at(index: number): number } {
  if (trS !== null && trS > 0) return { end: timepoints * trS, title: `Time (s), TR ${formatValue(trS)} s`, at: (index) => index * trS };
  return { end: timepoints, title: 'Time (volumes; TR unknown)', at: (index) => index };
}

/** The `count` regions whose series vary most (the ones worth a trace first), in region order. */
export function mostVariableRegions(data: ArrayLike<number>, regions: number, timepoints: number, count: number): number[] {
  const variance: { region: number; value: number }[] = [];
  for (let r = 0; r < regions; r += 1) {
    let sum = 0;
    let squares = 0;
    let n = 0;
    for (let t = 0; t < timepoints; t += 1) {
      const v = data[r * timepoints + t]!;
      if (!Number.isFinite(v)) continue;
      sum += v;
      squares += v * v;
      n += 1;
    }
    variance.push({ region: r, value: n > 1 ? squares / n - (sum / n) ** 2 : 0 });
  }
  return variance
    .sort((a, b) => b.value - a.value || a.region - b.region)
    .slice(0, count)
    .map((entry) => entry.region)
    .sort((a, b) => a - b);
}

export const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;
