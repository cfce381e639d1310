/**
 * Starts a FISBe evaluation of one sample (`fisbe-eval`, the same run `cajal fisbe eval` stores):
 * ground-truth and prediction paths, with live progress; the finished run is shown.
 */
import { useId, useState, type FormEvent } from 'react';
import { useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { RunProgress } from '../components/RunProgress.js';
import { useRunStart } from '../state/useRunStart.js';

export function EvaluateForm(props: { open: boolean; onEvaluated(runId: number): void }) {
  const api = useApi();
  const gtId = useId();
  const predId = useId();
  const partlyId = useId();
  const [gtPath, setGtPath] = useState('');
  const [predPath, setPredPath] = useState('');
  const [partly, setPartly] = useState(false);
  // Open when asked (no evaluation yet), without taking the toggle away from the user.
  const { details, running, failure, setFailure, start } = useRunStart({
    open: props.open,
    onSucceeded: props.onEvaluated,
    describeFailure: ({ status, error }) => `Evaluation ${status}${error ? `: ${error}` : ''}`,
  });

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    await start(() =>
      api.call('runs.start', {
        pipeline: 'fisbe-eval',
        recordingId: null,
        params: { gtPath: gtPath.trim(), predPath: predPath.trim(), partly },
      }),
    );
  };

  return (
    <details ref={details} className="fisbe-evaluate">
      <summary>Evaluate a sample</summary>
      <form onSubmit={(event) => void onSubmit(event)}>
        <label htmlFor={gtId}>Ground-truth path (zarr, HDF5)</label>
        <input id={gtId} type="text" value={gtPath} spellCheck={false} placeholder="/data/fisbe/sample.zarr" onChange={(event) => setGtPath(event.target.value)} />
        <label htmlFor={predId}>Prediction path</label>
        <input id={predId} type="text" value={predPath} spellCheck={false} placeholder="/data/predictions/sample.hdf" onChange={(event) => setPredPath(event.target.value)} />
        <span>
          <input id={partlyId} type="checkbox" checked={partly} onChange={(event) => setPartly(event.target.checked)} />{' '}
          <label htmlFor={partlyId}>Partly labelled ground truth (FISBe "partly" split)</label>
        </span>
        <div>
          <button type="submit" disabled={running !== null || gtPath.trim() === '' || predPath.trim() === ''}>
            Evaluate
          </button>
          <RunProgress running={running} label="Progress of evaluation run" />
        </div>
        <p className="eeg-hint">Or from a shell: cajal fisbe eval --gt GT --pred PRED</p>
        <ErrorMessage message={failure} />
      </form>
    </details>
  );
}
