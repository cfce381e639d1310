/**
 * The Neuroformer evaluation tables: spike prediction (precision, recall, F1 per method on the
 * held-out windows), PSTH correlation (mean r per method beside the reliability ceiling, and what
 * share of the ceiling it reaches) and connectivity against known wiring (AUROC and AUPRC with
 * their chance levels, hub and direction recovery). Each comes with its verdict in words.
 */
import type { NeuroformerConnectivityScores, NeuroformerEvaluation, NeuroformerPredictionRow } from '../../../shared/api/index.js';
import { connectivityVerdict, methodName, methodRole, predictionVerdict, psthVerdict } from './verdict.js';

const f3 = (v: number | null) => (v !== null && Number.isFinite(v) ? v.toFixed(3) : '—');

function Verdict({ lines }: { lines: string[] }) {
  if (lines.length === 0) return null;
  return (
    <ul className="nf-verdict">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}

export function PredictionTable({ rows, caption }: { rows: readonly NeuroformerPredictionRow[]; caption: string }) {
  if (rows.length === 0) return null;
  const best = Math.max(...rows.map((r) => r.f1));
  const corrected = rows.some((r) => r.corrected);
  const bestCorrected = Math.max(...rows.map((r) => r.corrected?.f1 ?? -Infinity));
  return (
    <section className="nf-table" aria-label="Spike prediction">
      <table className="data-table">
        <caption>{caption}</caption>
        <thead>
          {corrected && (
            <tr>
              <th scope="col" />
              <th scope="colgroup" colSpan={3}>
                compute_scores (as released)
              </th>
              <th scope="colgroup" colSpan={3}>
                Corrected (textbook ratios)
              </th>
              <th scope="col" />
            </tr>
          )}
          <tr>
            <th scope="col">Method</th>
            <th scope="col" className="number">Precision</th>
            <th scope="col" className="number">Recall</th>
            <th scope="col" className="number">F1</th>
            {corrected && (
              <>
                <th scope="col" className="number">Precision</th>
                <th scope="col" className="number">Recall</th>
                <th scope="col" className="number">F1</th>
              </>
            )}
            <th scope="col" className="number">Windows</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.method} data-method={methodRole(row.method)}>
              <th scope="row">{methodName(row.method)}</th>
              <td className="number">{f3(row.precision)}</td>
              <td className="number">{f3(row.recall)}</td>
              <td className={`number${row.f1 === best ? ' nf-best' : ''}`}>{f3(row.f1)}</td>
              {corrected && (
                <>
                  <td className="number">{f3(row.corrected?.precision ?? null)}</td>
                  <td className="number">{f3(row.corrected?.recall ?? null)}</td>
                  <td className={`number${row.corrected && row.corrected.f1 === bestCorrected ? ' nf-best' : ''}`} data-score="corrected-f1">
                    {f3(row.corrected?.f1 ?? null)}
                  </td>
                </>
              )}
              <td className="number">{row.windows.toLocaleString('en')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {corrected && (
        <p className="nf-table-note muted">
          compute_scores scores a window with no false positive (or no miss) as precision and recall 1, so it rewards predicting too many or too few spikes; the corrected columns use TP/(TP+FP) and TP/(TP+FN) in every
          window.
        </p>
      )}
      <Verdict lines={predictionVerdict(rows)} />
    </section>
  );
}

export function PsthTable({ psth }: { psth: NonNullable<NeuroformerEvaluation['psth']> }) {
  const finite = (values: Float64Array) => values.filter(Number.isFinite).length;
  return (
    <section className="nf-table" aria-label="PSTH correlation">
      <table className="data-table">
        <caption>
          PSTH around {psth.eventSet} ({psth.trials} trials, {Math.round(psth.binS * 1000)} ms bins): Pearson r with the recorded PSTH, mean over units
        </caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col" className="number">Mean r</th>
            <th scope="col" className="number">Share of ceiling</th>
            <th scope="col" className="number">Units scored</th>
          </tr>
        </thead>
        <tbody>
          <tr data-method="ceiling">
            <th scope="row">Reliability ceiling (split-half of recorded trials)</th>
            <td className="number">{f3(psth.ceilingMeanR)}</td>
            <td className="number">100 %</td>
            <td className="number">{finite(psth.ceilingPerUnit)}</td>
          </tr>
          {psth.rows.map((row) => (
            <tr key={row.method} data-method={methodRole(row.method)}>
              <th scope="row">{methodName(row.method)}</th>
              <td className="number">{f3(row.meanR)}</td>
              <td className="number">{psth.ceilingMeanR > 0 ? `${Math.round((100 * row.meanR) / psth.ceilingMeanR)} %` : '—'}</td>
              <td className="number">{finite(row.perUnit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Verdict lines={psthVerdict(psth)} />
    </section>
  );
}

export function ConnectivityTable({ scores, caption }: { scores: readonly NeuroformerConnectivityScores[]; caption: string }) {
  if (scores.length === 0) return null;
  return (
    <section className="nf-table" aria-label="Connectivity against the true wiring">
      <table className="data-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col" className="number">AUROC (chance 0.5)</th>
            <th scope="col" className="number">AUPRC (chance)</th>
            <th scope="col" className="number">Hub rank r</th>
            <th scope="col" className="number">Direction AUROC</th>
          </tr>
        </thead>
        <tbody>
          {scores.map((s) => (
            <tr key={s.method} data-method={methodRole(s.method)}>
              <th scope="row">{methodName(s.method)}</th>
              <td className="number">{f3(s.auroc)}</td>
              <td className="number">
                {f3(s.auprc)} ({f3(s.prevalence)})
              </td>
              <td className="number">{f3(s.hubSpearman)}</td>
              <td className="number">{f3(s.directionAuroc)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Verdict lines={connectivityVerdict(scores)} />
    </section>
  );
}
