/**
 * "Improve detector from my reviews" in the triage panel: fine-tunes the neural model of the shown
 * detection run on this recording's accepted (seizure) and rejected (not seizure) events as a run
 * (`seizure.improve`), follows its progress, says what it changed (false alarms per 24 h before and
 * after, and its verdict — loudly when it loses an accepted seizure), and detects again with the new
 * model (`seizure.redetect`); the new detection becomes the triage panel's latest run. Offered only
 * on a neural detection run with at least one accepted and one rejected event; otherwise the
 * disabled button says why (tooltip and the line below it).
 */
import { useCallback, useEffect, useId, useState } from 'react';
import type { Improvement, TriageReview } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { stateOf } from './bounds.js';

/** Why the shown run cannot be improved from, or null when it can. */
export function improveBlocker(review: TriageReview): string | null {
  if (review.pipeline !== 'seizure-neural') return 'Needs a neural detection run: its model is what gets improved. Run "Detect seizures (neural)" and review its events.';
  const accepted = review.events.filter((e) => stateOf(e) === 'accepted').length;
  const rejected = review.events.filter((e) => stateOf(e) === 'rejected').length;
  if (accepted === 0 || rejected === 0) {
    return `Needs at least one accepted and one rejected event (now ${accepted} accepted, ${rejected} rejected): accepted events teach what a seizure is, rejected ones what is not.`;
  }
  return null;
}

const per24h = (value: number | null) => (value === null ? '–' : value.toFixed(1));

export function ImproveDetector({ review }: { review: TriageReview }) {
  const api = useApi();
  const hintId = useId();
  const scopeId = useId();
  const [scope, setScope] = useState<'recording' | 'site'>('recording');
  const [improvements, setImprovements] = useState<Improvement[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ runId: number; fraction: number; message: string } | null>(null);
  const recordingId = review.recordingId;

  const refresh = useCallback(() => {
    api.call('seizure.improvements', { recordingId }).then(setImprovements, (failure: unknown) => setError(errorMessage(failure)));
  }, [api, recordingId]);

  useEffect(() => {
    refresh();
    const offStatus = api.on('run.status', () => refresh());
    const offProgress = api.on('run.progress', (p) => setProgress({ runId: p.runId, fraction: p.fraction, message: p.message }));
    return () => {
      offStatus();
      offProgress();
    };
  }, [api, refresh]);

  const blocker = improveBlocker(review);
  const latest = improvements[0] ?? null;
  const running = latest !== null && (latest.status === 'queued' || latest.status === 'running');

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.call('seizure.improve', { runId: review.runId, scope });
      refresh();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const redetect = async (finetuneRunId: number) => {
    setBusy(true);
    setError(null);
    try {
      await api.call('seizure.redetect', { finetuneRunId, recordingId });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const fraction = running && progress?.runId === latest.runId ? progress.fraction : (latest?.progress ?? 0);
  const message = running && progress?.runId === latest.runId ? progress.message : (latest?.progressMessage ?? '');

  return (
    <section className="triage-improve" aria-label="Improve detector">
      <span className="eeg-picker">
        <label htmlFor={scopeId}>Learn from</label>
        <select id={scopeId} value={scope} onChange={(event) => setScope(event.target.value === 'site' ? 'site' : 'recording')}>
          <option value="recording">this recording (patient)</option>
          <option value="site">all reviewed recordings (site)</option>
        </select>
      </span>
      <button type="button" disabled={blocker !== null || running || busy} title={blocker ?? 'Fine-tune the model of this run on your accepted and rejected events (the current model is kept)'} aria-describedby={hintId} onClick={() => void start()}>
        Improve detector from my reviews
      </button>
      <p id={hintId} className="triage-improve-hint">
        {blocker ?? `Learns from the accepted and rejected events of ${scope === 'site' ? 'every reviewed recording' : 'this recording'}; the current model is kept.`}
      </p>
      {latest && running && (
        <div className="triage-improve-running">
          <ProgressBar fraction={fraction} label={`Progress of fine-tune run ${latest.runId}`} />
          <span className="progress-message">{message}</span>
        </div>
      )}
      {latest && latest.status === 'succeeded' && (
        <div className="triage-improve-result" role="status">
          <p className={latest.verdict === 'loses an accepted seizure' ? 'triage-improve-warning' : undefined}>
            Fine-tune run #{latest.runId}: model #{latest.modelId} from #{latest.baseModelId} — {latest.verdict}. False alarms per 24 h on the reviewed recording: {per24h(latest.falseAlarmsPer24hBefore)} before, {per24h(latest.falseAlarmsPer24hAfter)} after.
          </p>
          {latest.modelId !== null && (
            <button type="button" disabled={busy} onClick={() => void redetect(latest.runId)}>
              Re-detect with model #{latest.modelId}
            </button>
          )}
        </div>
      )}
      {latest && (latest.status === 'failed' || latest.status === 'cancelled' || latest.status === 'interrupted') && (
        <p className="triage-improve-warning">
          Fine-tune run #{latest.runId} {latest.status}
          {latest.error ? `: ${latest.error}` : ''}
        </p>
      )}
      <ErrorMessage message={error} />
    </section>
  );
}
