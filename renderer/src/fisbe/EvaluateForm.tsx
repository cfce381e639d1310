/**
 * Starts a FISBe evaluation of one sample (`fisbe-eval`, the same run `cajal fisbe eval` stores):
 * ground-truth and prediction paths, with live progress; the finished run is shown.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { errorMessage, useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { ProgressBar } from '../components/ProgressBar.js';

export function EvaluateForm(props: { open: boolean; onEvaluated(runId: number): void }) {
  const api = useApi();
  const gtId = useId();
  const predId = useId();
  const partlyId = useId();
  const [gtPath, setGtPath] = useState('');
  const [predPath, setPredPath] = useState('');
  const [partly, setPartly] = useState(false);
  const [running, setRunning] = useState<{ runId: number; fraction: number; message: string } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const onEvaluated = props.onEvaluated;
  const runningId = running?.runId ?? null;
  const details = useRef<HTMLDetailsElement>(null);
  // Open when asked (no evaluation yet), without taking the toggle away from the user.
  useLayoutEffect(() => {
    if (props.open && details.current) details.current.open = true;
  }, [props.open]);

  useEffect(() => {
    if (runningId === null) return;
    const offProgress = api.on('run.progress', ({ runId, fraction, message }) => {
      if (runId === runningId) setRunning({ runId, fraction, message });
    });
    const offStatus = api.on('run.status', ({ runId, status, error }) => {
      if (runId !== runningId || status === 'queued' || status === 'running') return;
      setRunning(null);
      if (status === 'succeeded') {
        if (details.current) details.current.open = false;
        onEvaluated(runId);
      }
      else setFailure(`Evaluation ${status}${error ? `: ${error}` : ''}`);
    });
    return () => {
      offProgress();
      offStatus();
    };
  }, [api, runningId, onEvaluated]);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    try {
      const run = await api.call('runs.start', {
        pipeline: 'fisbe-eval',
        recordingId: null,
        params: { gtPath: gtPath.trim(), predPath: predPath.trim(), partly },
      });
      setRunning({ runId: run.id, fraction: run.progress, message: run.progressMessage || run.status });
    } catch (error) {
      setFailure(errorMessage(error));
    }
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
          {running && <ProgressBar fraction={running.fraction} label={`Progress of evaluation run ${running.runId}`} />}
          {running && <span className="progress-message">{running.message}</span>}
        </div>
        <p className="eeg-hint">Or from a shell: cajal fisbe eval --gt GT --pred PRED</p>
        <ErrorMessage message={failure} />
      </form>
    </details>
  );
}
