/**
 * A Brain-JEPA probe evaluation as a table per target: each feature source × probe with accuracy,
 * balanced accuracy and AUROC as mean ± SD over the folds, the AUROC of every fold, and the verdict
 * in words. Shown in Runs for a `jepa-probe` run.
 */
import type { JepaTargetReport } from '../../../shared/api/index.js';
import { formatScore } from '../fmri/cohort/report.js';
import { methodName, verdict } from './verdict.js';

const SCORES = [
  { key: 'accuracy', name: 'Accuracy' },
  { key: 'balancedAccuracy', name: 'Balanced acc.' },
  { key: 'auroc', name: 'AUROC' },
] as const;

export function EvaluationTable({ report, folds }: { report: JepaTargetReport; folds: number }) {
  return (
    <section className="jepa-evaluation" aria-label={`Evaluation: ${report.target}`}>
      <table className="data-table jepa-evaluation-table">
        <caption>
          {report.target} ({report.classes.join(' vs ')}), {report.subjectCount} subjects, {folds}-fold cross-validation stratified by site and {report.target}
        </caption>
        <thead>
          <tr>
            <th scope="col">Features, probe</th>
            {SCORES.map((score) => (
              <th key={score.key} scope="col" className="number">
                {score.name}
              </th>
            ))}
            <th scope="col" className="number">
              AUROC per fold
            </th>
          </tr>
        </thead>
        <tbody>
          {report.methods.map((method) => (
            <tr key={`${method.features}/${method.probe}`} data-method={`${method.features}/${method.probe}`}>
              <th scope="row">{methodName(method)}</th>
              {SCORES.map((score) => (
                <td key={score.key} className="number">
                  {formatScore(method.mean[score.key])} ± {formatScore(method.sd[score.key])}
                </td>
              ))}
              <td className="number jepa-folds">{method.folds.map((f) => formatScore(f.auroc)).join('  ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="jepa-verdict">
        {verdict(report).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </section>
  );
}
