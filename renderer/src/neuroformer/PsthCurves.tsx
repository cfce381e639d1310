/**
 * The PSTH curves an evaluate run's correlations come from: the population mean (recorded solid,
 * generated dashed) and one small panel per unit (its own y scale, its r and reliability ceiling
 * in the title), so a reader sees WHAT the model gets right or wrong — a late peak, a missing OFF
 * response — not only the mean r. Units are ordered by cell type, then by ceiling (the most
 * repeatable first), and coloured by cell type as in the Spikes view.
 */
import { useMemo } from 'react';
import type { NeuroformerEvaluation } from '../../../shared/api/index.js';
import { typeColors } from '../spikes/colors.js';
import { typeLabel } from './matrix.js';

type Psth = NonNullable<NeuroformerEvaluation['psth']>;
type Curves = NonNullable<Psth['curves']>;

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '—');

/** "M x,y L x,y …" of a curve in a w × h box, y scaled to [0, top]. */
function pathOf(values: Float64Array, w: number, h: number, top: number, pad: number): string {
  const n = values.length;
  const x = (i: number) => pad + (n === 1 ? (w - 2 * pad) / 2 : (i / (n - 1)) * (w - 2 * pad));
  const y = (v: number) => h - pad - (top > 0 ? (v / top) * (h - 2 * pad) : 0);
  return Array.from(values, (v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
}

function Panel({ title, recorded, generated, color, width, height, axes }: { title: string; recorded: Float64Array; generated: Float64Array; color: string; width: number; height: number; axes?: { binS: number; bins: number } }) {
  const top = Math.max(1e-9, ...recorded, ...generated);
  const pad = axes ? 22 : 3;
  return (
    <figure className={axes ? 'nf-psth-mean' : 'nf-psth-unit'}>
      <figcaption>{title}</figcaption>
      <svg width={width} height={height} role="img" aria-label={`${title}: recorded and generated PSTH`}>
        <rect x={0.5} y={0.5} width={width - 1} height={height - 1} fill="none" stroke="var(--border, #ccc)" />
        <path d={pathOf(recorded, width, height, top, pad)} fill="none" stroke={color} strokeWidth={1.6} />
        <path d={pathOf(generated, width, height, top, pad)} fill="none" stroke={color} strokeWidth={1.4} strokeDasharray="4 2" opacity={0.85} />
        {axes && (
          <>
            <text x={pad} y={height - 6} fontSize="10">0</text>
            <text x={width - pad} y={height - 6} fontSize="10" textAnchor="end">
              {Math.round(axes.binS * axes.bins * 1000)} ms after the event
            </text>
            <text x={pad} y={12} fontSize="10">{top.toPrecision(3)} spikes/s</text>
          </>
        )}
      </svg>
    </figure>
  );
}

export function PsthCurves({ psth, curves }: { psth: Psth; curves: Curves }) {
  const units = curves.unitIds.length;
  const bins = curves.bins;
  const colors = useMemo(() => typeColors(curves.cellTypes), [curves.cellTypes]);
  const r = psth.rows[0]?.perUnit;
  const order = useMemo(() => {
    const type = (u: number) => typeLabel(curves.cellTypes[u] ?? null);
    return Array.from({ length: units }, (_, u) => u).sort((a, b) => type(a).localeCompare(type(b)) || (psth.ceilingPerUnit[b] ?? -1) - (psth.ceilingPerUnit[a] ?? -1) || a - b);
  }, [curves.cellTypes, psth.ceilingPerUnit, units]);
  const mean = (values: Float64Array) => {
    const out = new Float64Array(bins);
    for (let u = 0; u < units; u++) for (let b = 0; b < bins; b++) out[b]! += values[u * bins + b]! / units;
    return out;
  };
  const row = (values: Float64Array, u: number) => values.subarray(u * bins, (u + 1) * bins);
  return (
    <section className="nf-psth-curves" aria-label="PSTH curves, recorded and generated">
      <h4 className="nf-notes-title">
        PSTH curves around {psth.eventSet} ({psth.trials} trials, {Math.round(psth.binS * 1000)} ms bins): recorded solid, generated dashed
      </h4>
      <div className="nf-psth-grid">
        <Panel title={`Mean of ${units} units`} recorded={mean(curves.recorded)} generated={mean(curves.generated)} color="currentColor" width={260} height={130} axes={{ binS: psth.binS, bins }} />
        {order.map((u) => (
          <Panel
            key={u}
            title={`${curves.unitIds[u]}: ${f2(r?.[u] ?? Number.NaN)} / ${f2(psth.ceilingPerUnit[u] ?? Number.NaN)}`}
            recorded={row(curves.recorded, u)}
            generated={row(curves.generated, u)}
            color={colors.colorOf(curves.cellTypes[u] ?? null)}
            width={92}
            height={48}
          />
        ))}
      </div>
      <p className="nf-legend">
        {colors.legend.map((entry) => (
          <span key={entry.type ?? 'none'}>
            <span className="nf-swatch" style={{ background: entry.color }} />
            {typeLabel(entry.type)} ({entry.count})
          </span>
        ))}
        <span className="muted">Each unit: “id: r / ceiling” — r with the recorded PSTH, then its reliability ceiling; own y scale.</span>
      </p>
    </section>
  );
}
