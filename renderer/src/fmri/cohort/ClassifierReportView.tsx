/**
 * A classify run's report as a scientist reads it: what was predicted from what, the per-fold table
 * (train/test counts, accuracy, balanced accuracy, AUROC), the mean ± SD over folds, the bar plot,
 * and what chance is. Shown in the Cohort panel and in Runs.
 */
import type { ClassifierReport } from '../../../../shared/api/index.js';
import { chanceLevels, foldSd, formatScore, reportTitle, SCORES } from './report.js';
import { ScoresPlot } from './ScoresPlot.js';

export function ClassifierReportView(props: { report: ClassifierReport; classCounts: readonly { label: string; count: number }[] | null; runLabel: string }) {
  const { report } = props;
  const chance = chanceLevels(props.classCounts);
  return (
    <div className="fmri-report" aria-label="Classifier report">
      <p className="result-line">
        {props.runLabel}: logistic regression (L2) predicting {reportTitle(report)}; site-stratified cross-validation.
      </p>
      <div className="fmri-report-body">
        <table className="data-table fmri-folds" aria-label="Scores per fold">
          <caption>Scores per fold (test subjects only)</caption>
          <thead>
            <tr>
              <th scope="col">Fold</th>
              <th scope="col" className="number">
                Train
              </th>
              <th scope="col" className="number">
                Test
              </th>
              {SCORES.map((score) => (
                <th key={score.key} scope="col" className="number">
                  {score.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {report.folds.map((fold) => (
              <tr key={fold.fold}>
                <td>{fold.fold + 1}</td>
                <td className="number">{fold.trainCount}</td>
                <td className="number">{fold.testCount}</td>
                {SCORES.map((score) => (
                  <td key={score.key} className="number">
                    {formatScore(fold[score.key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="fmri-mean-row">
              <th scope="row" colSpan={3}>
                Mean ± SD
              </th>
              {SCORES.map((score) => (
                <td key={score.key} className="number" data-score={score.key}>
                  {formatScore(report.mean[score.key])} ± {formatScore(foldSd(report.folds, score.key))}
                </td>
              ))}
            </tr>
            <tr>
              <th scope="row" colSpan={3}>
                Chance
              </th>
              <td className="number">{chance.accuracy === null ? '—' : formatScore(chance.accuracy)}</td>
              <td className="number">{formatScore(chance.balancedAccuracy)}</td>
              <td className="number">{formatScore(chance.auroc)}</td>
            </tr>
          </tfoot>
        </table>
        <ScoresPlot report={report} />
      </div>
      <p className="muted fmri-chance-line">{chance.sentence}</p>
    </div>
  );
}
