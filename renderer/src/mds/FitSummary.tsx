/**
 * An `mds-fit-model` run in Runs, read through mds.fit: the response model's training curves
 * (Poisson loss on training and validation frames, validation correlation, per epoch, mean over the
 * ensemble), and its quality per neuron: held-out r (ensemble prediction vs the trial-averaged test
 * response) against the reliability ceiling (split-half r of the test trials, Spearman–Brown), as a
 * scatter coloured by cell type with the identity line, and a per-type table.
 */
import { useState } from 'react';
import type { MdsModelFit, Run } from '../../../shared/api/index.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { useRunCall } from '../state/useRunCall.js';
import { LossCurve } from '../workbench/LossCurve.js';
import type { ResultSummaryProps } from '../workbench/resultSummary.js';
import { Notes } from './ClusterSummary.js';
import { f2, f3, fitByType, fitControlsText, fitTypeColors, fitVerdict, pct, secondsText, ticks } from './mdsMath.js';
import './mds.css';

const nullToNaN = (values: readonly (number | null)[]) => values.map((v) => v ?? Number.NaN);

export function FitSummary({ run }: ResultSummaryProps) {
  return <FitRun run={run} />;
}


function FitRun({ run }: { run: Run }) {
  const answer = useRunCall(run, 'mds.fit', { runId: run.id });
  if (answer.error) return <ErrorMessage message={answer.error} />;
  if (!answer.value) return <p className="empty">Reading the model fit…</p>;
  return <FitBody fit={answer.value} />;
}

export function FitBody({ fit }: { fit: MdsModelFit }) {
  const s = fit.stimulus;
  const bestAt = fit.validationLoss.reduce<number>((best, v, i) => (v !== null && (best < 0 || v < fit.validationLoss[best]!) ? i : best), -1);
  const byType = fitByType(fit);
  return (
    <div className="mds-fit" aria-label="MDS response model fit">
      <p className="result-line">
        {fit.modelId !== null ? `Model #${fit.modelId}` : 'No model stored'}: an ensemble of {fit.seeds.length} (seeds {fit.seeds.join(', ')}) over {fit.unitIds.length} neurons, {fit.epochs.length} epoch{fit.epochs.length === 1 ? '' : 's'} in{' '}
        {secondsText(fit.seconds)}; input {s.frames} frame{s.frames === 1 ? '' : 's'} of {s.height} × {s.width} × {s.channelNames.join('+')} at {s.frameRateHz} Hz.
      </p>
      <p className="mds-verdict">{fitVerdict(fit)}</p>
      <p className="mds-controls">{fitControlsText(fit)}</p>
      <div className="mds-curves">
        <LossCurve
          value={{ epochs: fit.epochs, trainLoss: fit.trainLoss, validationLoss: nullToNaN(fit.validationLoss), ...(bestAt >= 0 ? { bestEpoch: fit.epochs[bestAt]! } : {}) }}
          title="Poisson loss per frame and neuron (ensemble mean)"
          fromZero={false}
        />
        {fit.validationCorr.some((v) => v !== null) && <LossCurve value={{ epochs: fit.epochs, validationCorrelation: nullToNaN(fit.validationCorr) }} title="Validation correlation (mean over neurons)" />}
      </div>
      <div className="mds-fit-quality">
        <CeilingScatter fit={fit} />
        <table className="data-table mds-table" aria-label="Held-out correlation per cell type">
          <caption>
            Held-out correlation per cell type: {fit.testTrials} test trials of {fit.testDescription}, never trained on
          </caption>
          <thead>
            <tr>
              <th scope="col">Cell type</th>
              <th scope="col" className="number">Neurons</th>
              <th scope="col" className="number">Held-out r</th>
              <th scope="col" className="number">Ceiling</th>
              <th scope="col" className="number">Share of ceiling</th>
              <th scope="col" className="number">Linear filter r</th>
              <th scope="col" className="number">Random init r</th>
            </tr>
          </thead>
          <tbody>
            {byType.map((t) => (
              <tr key={t.type ?? ''}>
                <th scope="row">{t.type ?? 'no type'}</th>
                <td className="number">{t.count}</td>
                <td className="number">{f3(t.meanR)}</td>
                <td className="number">{f3(t.meanCeiling)}</td>
                <td className="number">{t.meanCeiling > 0 ? pct(t.meanR / t.meanCeiling) : '—'}</td>
                <td className="number">{f3(t.meanLinear)}</td>
                <td className="number">{f3(t.meanRandomInit)}</td>
              </tr>
            ))}
            <tr className="mds-total">
              <th scope="row">All</th>
              <td className="number">{fit.unitIds.length}</td>
              <td className="number">{f3(fit.meanHeldOutCorr)}</td>
              <td className="number">{f3(fit.meanCeiling)}</td>
              <td className="number">{fit.meanCeiling > 0 ? pct(fit.meanHeldOutCorr / fit.meanCeiling) : '—'}</td>
              <td className="number">{fit.meanLinearCorr === null ? '—' : f3(fit.meanLinearCorr)}</td>
              <td className="number">{fit.meanRandomInitCorr === null ? '—' : f3(fit.meanRandomInitCorr)}</td>
            </tr>
          </tbody>
        </table>
      </div>
      {fit.notes.length > 0 && <Notes notes={fit.notes} />}
    </div>
  );
}

const W = 300;
const H = 300;
const M = { left: 44, right: 10, top: 10, bottom: 36 };

/** Held-out r (y) against the ceiling (x), one dot per neuron; on the identity line the model explains all that is reliable. */
function CeilingScatter({ fit }: { fit: MdsModelFit }) {
  const colors = fitTypeColors(fit.cellTypes);
  const [hover, setHover] = useState<number | null>(null);
  const values = [...fit.heldOutCorr, ...fit.ceiling].filter(Number.isFinite);
  const lo = Math.min(0, ...values);
  const hi = Math.max(1, ...values);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (v: number) => M.left + ((v - lo) / (hi - lo)) * pw;
  const y = (v: number) => M.top + (1 - (v - lo) / (hi - lo)) * ph;
  const t = ticks(lo, hi, 4);
  const finite = Array.from(fit.heldOutCorr).filter((r, i) => Number.isFinite(r) && Number.isFinite(fit.ceiling[i]!)).length;
  return (
    <figure className="mds-scatter">
      <figcaption>Held-out r against the reliability ceiling, per neuron</figcaption>
      <svg width={W} height={H} role="img" aria-label={`Held-out correlation against the ceiling for ${finite} neurons`} data-neurons={finite}>
        <rect x={M.left} y={M.top} width={pw} height={ph} fill="none" stroke="currentColor" opacity={0.3} />
        <line x1={x(lo)} y1={y(lo)} x2={x(hi)} y2={y(hi)} stroke="currentColor" strokeDasharray="4 3" opacity={0.45} />
        {t.map((v) => (
          <g key={v}>
            <text x={x(v)} y={H - 20} textAnchor="middle" fontSize={10} fill="currentColor">
              {Number(v.toPrecision(2))}
            </text>
            <text x={M.left - 4} y={y(v) + 3} textAnchor="end" fontSize={10} fill="currentColor">
              {Number(v.toPrecision(2))}
            </text>
          </g>
        ))}
        <text x={M.left + pw / 2} y={H - 4} textAnchor="middle" fontSize={10} fill="currentColor">
          reliability ceiling (split-half, Spearman–Brown)
        </text>
        <text x={10} y={M.top + ph / 2} textAnchor="middle" fontSize={10} fill="currentColor" transform={`rotate(-90 10 ${M.top + ph / 2})`}>
          held-out r of the model
        </text>
        {Array.from(fit.heldOutCorr).map((r, i) => {
          const c = fit.ceiling[i]!;
          if (!Number.isFinite(r) || !Number.isFinite(c)) return null;
          return (
            <circle
              key={i}
              cx={x(c)}
              cy={y(r)}
              r={hover === i ? 5 : 3.5}
              fill={colors.colorOf(fit.cellTypes[i] ?? null)}
              stroke={hover === i ? 'currentColor' : 'none'}
              opacity={0.85}
              onPointerEnter={() => setHover(i)}
              onPointerLeave={() => setHover(null)}
            />
          );
        })}
      </svg>
      <ul className="legend mds-legend">
        {colors.legend.map((l) => (
          <li key={l.type ?? ''} style={{ color: l.color }}>
            ● {l.type ?? 'no type'} ({l.count})
          </li>
        ))}
        <li className="muted">dashed: r = ceiling</li>
      </ul>
      <output className="mds-small">
        {hover !== null
          ? `unit ${fit.unitIds[hover]}${fit.cellTypes[hover] ? ` (${fit.cellTypes[hover]})` : ''}: r ${f2(fit.heldOutCorr[hover]!)}, ceiling ${f2(fit.ceiling[hover]!)}`
          : 'Point at a dot for its neuron.'}
      </output>
    </figure>
  );
}
