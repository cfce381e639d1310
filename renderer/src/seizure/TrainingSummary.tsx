/** A seizure-network training run in Runs: its loss curve and what the training reports. */
import { KeyValueTable } from '../components/ValueTable.js';
import { isLossCurve, LossCurve } from '../workbench/LossCurve.js';
import { resultValue, type ResultSummaryProps } from '../workbench/resultSummary.js';

export function TrainingSummary({ results }: ResultSummaryProps) {
  const curve = resultValue(results, 'loss-curve');
  const training = resultValue(results, 'training');
  return (
    <>
      {isLossCurve(curve) && <LossCurve value={curve} title="Loss curve" />}
      {typeof training === 'object' && training !== null && <KeyValueTable value={training as Record<string, unknown>} caption="Training" />}
    </>
  );
}
