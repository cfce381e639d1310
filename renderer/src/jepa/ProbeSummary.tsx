/**
 * A `jepa-probe` run in Runs: per target the evaluation table (pretrained vs random-init vs the
 * connectivity baseline on the same folds, with the verdict in words), and per fold what the
 * pretraining did (loss first → last) and the label-free checks (feature rank, subject
 * identification between the two halves of held-out scans, with chance); and which ROIs the probes
 * lean on (ProbeImportance), on the atlas where the project has one.
 */
import { useMemo } from 'react';
import { JepaTargetReport } from '../../../shared/api/index.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { resultValue, type ResultSummaryProps } from '../workbench/resultSummary.js';
import { EvaluationTable } from './EvaluationTable.js';
import { parseImportance, ProbeImportance } from './ProbeImportance.js';
import './jepa.css';

interface FoldRecord {
  target: string;
  fold: number;
  trainSubjects: number;
  trainLoss: number[];
  validationLoss: (number | null)[];
  rank: { pretrained: number; random: number };
  identification: { pretrained: number; random: number; subjects: number } | null;
  seconds: number;
}

function parse(results: ResultSummaryProps['results']): { reports: JepaTargetReport[]; meta: Record<string, unknown>; folds: FoldRecord[] } | { error: string } {
  const value = resultValue(results, 'evaluation') as { targets?: unknown } & Record<string, unknown> | undefined;
  if (!value) return { error: 'this run stored no evaluation' };
  const reports = JepaTargetReport.array().safeParse(value.targets);
  if (!reports.success) return { error: `the stored evaluation does not have the expected shape: ${reports.error.issues[0]?.message ?? ''}` };
  const folds = ((resultValue(results, 'folds') as { records?: FoldRecord[] } | undefined)?.records ?? []) as FoldRecord[];
  return { reports: reports.data, meta: value, folds };
}

const f3 = (v: number) => v.toFixed(3);

export function ProbeSummary({ results, app }: ResultSummaryProps) {
  const parsed = useMemo(() => parse(results), [results]);
  const importance = useMemo(() => parseImportance(resultValue(results, 'roi-importance')), [results]);
  if ('error' in parsed) return <ErrorMessage message={parsed.error} />;
  const { reports, meta, folds } = parsed;
  const foldCount = Number(meta.folds ?? 0);
  return (
    <div className="jepa-probe" aria-label="Brain-JEPA probe evaluation">
      <p className="result-line">
        {String(meta.config)} encoder pretrained {String(meta.epochs)} epoch{meta.epochs === 1 ? '' : 's'} inside each fold on its training subjects only; baseline: {String(meta.baselineKind)} connectivity + logistic regression on the same folds.
      </p>
      {reports.map((report) => (
        <EvaluationTable key={report.target} report={report} folds={foldCount} />
      ))}
      {folds.length > 0 && (
        <table className="data-table jepa-evaluation-table" aria-label="Pretraining per fold">
          <caption>Pretraining per fold, and label-free checks of the features</caption>
          <thead>
            <tr>
              <th scope="col">Target, fold</th>
              <th scope="col" className="number">Train subjects</th>
              <th scope="col" className="number">Loss first → last</th>
              <th scope="col" className="number">Feature rank, centred (random init)</th>
              <th scope="col" className="number">Subject identification (random init, chance)</th>
              <th scope="col" className="number">Seconds</th>
            </tr>
          </thead>
          <tbody>
            {folds.map((f) => (
              <tr key={`${f.target}/${f.fold}`}>
                <th scope="row">
                  {f.target}, fold {f.fold + 1}
                </th>
                <td className="number">{f.trainSubjects}</td>
                <td className="number">
                  {f3(f.trainLoss[0] ?? Number.NaN)} → {f3(f.trainLoss.at(-1) ?? Number.NaN)}
                </td>
                <td className="number">
                  {f.rank.pretrained.toFixed(1)} ({f.rank.random.toFixed(1)})
                </td>
                <td className="number">
                  {f.identification ? `${f3(f.identification.pretrained)} (${f3(f.identification.random)}, ${f3(1 / f.identification.subjects)})` : '—'}
                </td>
                <td className="number">{Math.round(f.seconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {importance && <ProbeImportance importance={importance} recordings={app.recordings.recordings} />}
    </div>
  );
}
