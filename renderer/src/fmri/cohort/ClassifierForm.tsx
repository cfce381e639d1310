/**
 * "Run classifier" on a cohort: runs.start `fmri-classify` with the target label, the connectivity
 * kind of the features and the number of folds; the run's progress is followed here (and in Runs).
 */
import { useId, useState, type FormEvent } from 'react';
import type { ConnectivityKind } from '../../../../shared/api/index.js';
import { useApi } from '../../api/context.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { RunProgress } from '../../components/RunProgress.js';
import { useRunStart } from '../../state/useRunStart.js';
import { KIND_UNITS } from '../series/format.js';
import { CLASSIFY_PIPELINE } from './useClassifyReport.js';

const KINDS: readonly ConnectivityKind[] = ['tangent', 'pearson', 'partial', 'covariance'];

export function ClassifierForm(props: { recordingId: number; targets: readonly string[]; onFinished(runId: number): void }) {
  const api = useApi();
  const ids = { target: useId(), kind: useId(), folds: useId() };
  const [target, setTarget] = useState(props.targets[0] ?? 'diagnosis');
  const [kind, setKind] = useState<ConnectivityKind>('tangent');
  const [folds, setFolds] = useState('5');
  const { details, running, failure, setFailure, start } = useRunStart({
    open: true,
    onSucceeded: props.onFinished,
    describeFailure: ({ runId, status, error }) => `Classifier run ${runId} ${status}${error ? `: ${error}` : ''}`,
  });

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const k = Number(folds);
    if (!Number.isInteger(k) || k < 2 || k > 20) {
      setFailure('Folds: a whole number from 2 to 20.');
      return;
    }
    await start(() => api.call('runs.start', { pipeline: CLASSIFY_PIPELINE, recordingId: props.recordingId, params: { target, kind, folds: k, C: 1 } }));
  };

  return (
    <details ref={details} className="fmri-classifier-form">
      <summary>Run classifier</summary>
      <form aria-label="Run classifier" onSubmit={(event) => void onSubmit(event)}>
        <label htmlFor={ids.target}>Predict</label>
        <select id={ids.target} value={target} onChange={(event) => setTarget(event.target.value)}>
          {props.targets.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <label htmlFor={ids.kind}>from</label>
        <select id={ids.kind} value={kind} onChange={(event) => setKind(event.target.value as ConnectivityKind)}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_UNITS[k].name}
            </option>
          ))}
        </select>
        <label htmlFor={ids.folds}>Folds</label>
        <input id={ids.folds} type="number" min={2} max={20} step={1} value={folds} onChange={(event) => setFolds(event.target.value)} />
        <button type="submit" disabled={running !== null || props.targets.length === 0}>
          Run classifier
        </button>
        <RunProgress running={running} label="Progress of classifier run" />
      </form>
      <ErrorMessage message={failure} />
    </details>
  );
}
