/**
 * A fine-tune run ("Improve detector from my reviews") in Runs: its verdict (a loud warning when the
 * new model misses an accepted seizure the base model found), the before/after figures on the
 * reviewed recordings and on the held-out decisions as tables, false alarms per 24 h as bars, what
 * it learnt from, its parameters and its loss curve.
 */
import { formatDuration } from '../../../shared/units.js';
import { KeyValueTable } from '../components/ValueTable.js';
import { isLossCurve, LossCurve } from '../workbench/LossCurve.js';
import { resultValue, type ResultSummaryProps } from '../workbench/resultSummary.js';
import './triage.css';
import type { DetectionFigures as Figures, FinetuneTotals } from '../../../shared/api/index.js';

interface FinetuneValue {
  verdict: string;
  baseModelId: number;
  baseModelName: string;
  sourceRunId: number | null;
  reviewed: { recordingId: number; accepted: number; rejected: number; unreviewed: number; heldOutAccepted: number; heldOutRejected: number; windows: { seizure: number; rejected: number; replay: number } }[];
  lostAccepted: { recordingId: number; onsetS: number; endS: number }[];
  totals: FinetuneTotals;
  heldOut: string;
  parameters: Record<string, unknown>;
  detection: Record<string, unknown>;
  backend: string;
}

function finetuneOf(value: unknown): FinetuneValue | null {
  const v = value as Partial<FinetuneValue> | null;
  return v && typeof v.verdict === 'string' && v.totals?.before && v.totals.after ? (v as FinetuneValue) : null;
}

const rate = (value: number) => value.toFixed(1);
const share = (found: number, total: number) => `${found} of ${total}`;

function BeforeAfterTable({ caption, before, after, heldOut }: { caption: string; before: Figures; after: Figures; heldOut: boolean }) {
  const rows: [string, string, string][] = heldOut
    ? [
        ['Held-out accepted seizures found', share(before.acceptedFound, before.accepted), share(after.acceptedFound, after.accepted)],
        ['Held-out rejected events still alarmed', share(before.rejectedAlarmed, before.rejected), share(after.rejectedAlarmed, after.rejected)],
      ]
    : [
        ['Detected events', String(before.events), String(after.events)],
        ['False alarms (no accepted seizure)', String(before.falseAlarms), String(after.falseAlarms)],
        ['False alarms per 24 h', rate(before.falseAlarmsPer24h), rate(after.falseAlarmsPer24h)],
        ['Accepted seizures found', share(before.acceptedFound, before.accepted), share(after.acceptedFound, after.accepted)],
        ['Rejected events still alarmed', share(before.rejectedAlarmed, before.rejected), share(after.rejectedAlarmed, after.rejected)],
      ];
  return (
    <table className="data-table finetune-table" aria-label={caption}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Measure</th>
          <th scope="col">Before (base model)</th>
          <th scope="col">After (new model)</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, b, a]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td className="number">{b}</td>
            <td className="number">{a}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const BAR_WIDTH = 360;
const BAR_HEIGHT = 22;
const LABEL_WIDTH = 120;

/** False alarms per 24 h before and after as two horizontal bars (SVG, no chart library). */
function FalseAlarmBars({ before, after }: { before: number; after: number }) {
  const max = Math.max(before, after, 1e-9);
  const bars = [
    { name: 'Before (base)', value: before, colour: '#9ca3af' },
    { name: 'After (new)', value: after, colour: '#2563eb' },
  ];
  const span = BAR_WIDTH - LABEL_WIDTH - 70;
  return (
    <figure className="finetune-bars">
      <svg width={BAR_WIDTH} height={bars.length * (BAR_HEIGHT + 8) + 4} role="img" aria-label={`False alarms per 24 h: ${rate(before)} before, ${rate(after)} after`}>
        {bars.map((bar, i) => {
          const y = 4 + i * (BAR_HEIGHT + 8);
          const width = (bar.value / max) * span;
          return (
            <g key={bar.name}>
              <text x={0} y={y + BAR_HEIGHT * 0.7} fontSize={12}>
                {bar.name}
              </text>
              <rect x={LABEL_WIDTH} y={y} width={Math.max(1, width)} height={BAR_HEIGHT} fill={bar.colour} />
              <text x={LABEL_WIDTH + Math.max(1, width) + 6} y={y + BAR_HEIGHT * 0.7} fontSize={12}>
                {rate(bar.value)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>False alarms per 24 h on the reviewed recording(s)</figcaption>
    </figure>
  );
}

export function FinetuneSummary({ results, app }: ResultSummaryProps) {
  const value = finetuneOf(resultValue(results, 'finetune'));
  const curve = resultValue(results, 'loss-curve');
  if (!value) return <p className="empty">This run stored no before/after comparison.</p>;
  const { totals } = value;
  const lost = value.lostAccepted.length > 0;
  return (
    <>
      <p className={lost ? 'triage-improve-warning' : 'result-line'} role="status">
        {lost
          ? `The new model misses ${value.lostAccepted.length} accepted seizure(s) the base model found — keep using model #${value.baseModelId}.`
          : `Verdict: ${value.verdict}. Fine-tuned from model #${value.baseModelId} "${value.baseModelName}"${value.sourceRunId !== null ? ` (reviews of detection run #${value.sourceRunId})` : ''}; model #${value.baseModelId} is kept.`}
      </p>
      {lost && (
        <ul aria-label="Accepted seizures lost">
          {value.lostAccepted.map((l) => (
            <li key={`${l.recordingId}-${l.onsetS}`}>
              Recording {l.recordingId}, {formatDuration(l.onsetS)}–{formatDuration(l.endS)}{' '}
              <button type="button" className="link-button" onClick={() => app.navigate('eeg', { recordingId: l.recordingId, timeS: l.onsetS })}>
                Review at {formatDuration(l.onsetS)}
              </button>
            </li>
          ))}
        </ul>
      )}
      <BeforeAfterTable caption="Before and after on the reviewed recording(s), all decisions" before={totals.before} after={totals.after} heldOut={false} />
      <FalseAlarmBars before={totals.before.falseAlarmsPer24h} after={totals.after.falseAlarmsPer24h} />
      {totals.heldOutBefore && totals.heldOutAfter ? (
        <BeforeAfterTable caption="Held-out decisions (not trained on)" before={totals.heldOutBefore} after={totals.heldOutAfter} heldOut />
      ) : (
        <p className="empty">No decisions could be held out (a class needs at least 3 decisions): the figures above include what the model was trained on.</p>
      )}
      <table className="data-table finetune-table" aria-label="What the fine-tune learnt from">
        <caption>Reviewed examples</caption>
        <thead>
          <tr>
            <th scope="col">Recording</th>
            <th scope="col">Accepted</th>
            <th scope="col">Rejected</th>
            <th scope="col">Unreviewed (left out)</th>
            <th scope="col">Held out (acc. / rej.)</th>
            <th scope="col">Training windows (seizure / rejected / replayed background)</th>
          </tr>
        </thead>
        <tbody>
          {value.reviewed.map((r) => (
            <tr key={r.recordingId}>
              <td className="number">{r.recordingId}</td>
              <td className="number">{r.accepted}</td>
              <td className="number">{r.rejected}</td>
              <td className="number">{r.unreviewed}</td>
              <td className="number">
                {r.heldOutAccepted} / {r.heldOutRejected}
              </td>
              <td className="number">
                {r.windows.seizure} / {r.windows.rejected} / {r.windows.replay}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <KeyValueTable value={{ ...value.parameters, backend: value.backend }} caption="Fine-tune parameters" />
      {isLossCurve(curve) && <LossCurve value={curve} title="Fine-tune loss" />}
    </>
  );
}
