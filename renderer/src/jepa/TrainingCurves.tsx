/**
 * A Brain-JEPA pretraining run's curves, live while it trains: the smooth-L1 loss per epoch (train
 * and held-out subjects), the feature-rank monitor (a collapsing representation shows as a falling
 * rank), and once the run has finished the loss of every iteration and the LR, weight-decay and
 * EMA-momentum schedules per optimizer step. A run stopped with a checkpoint can be resumed from it.
 */
import { useEffect, useState } from 'react';
import type { JepaRunSummary, JepaTraining, Run } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { LossCurve } from '../workbench/LossCurve.js';
import type { ResultSummaryProps } from '../workbench/resultSummary.js';
import type { AppContext } from '../workbench/viewProps.js';
import './jepa.css';

/** How often a running run's curves are read again (each epoch's checkpoint adds a point). */
const REFRESH_MS = 3000;

function useTraining(run: Run): { training: JepaTraining | null; summary: JepaRunSummary | null; error: string | null } {
  const api = useApi();
  const [state, setState] = useState<{ training: JepaTraining | null; summary: JepaRunSummary | null; error: string | null }>({ training: null, summary: null, error: null });
  useEffect(() => {
    let current = true;
    const read = () =>
      Promise.all([api.call('jepa.training', { runId: run.id }), api.call('jepa.runs', run.recordingId !== null ? { recordingId: run.recordingId } : {})]).then(
        ([training, runs]) => current && setState({ training, summary: runs.find((r) => r.runId === run.id) ?? null, error: null }),
        (failure: unknown) => current && setState((s) => ({ ...s, error: errorMessage(failure) })),
      );
    void read();
    const timer = run.status === 'running' || run.status === 'queued' ? setInterval(read, REFRESH_MS) : undefined;
    return () => {
      current = false;
      if (timer) clearInterval(timer);
    };
  }, [api, run.id, run.recordingId, run.status]);
  return state;
}

const nullToNaN = (values: readonly (number | null)[]) => values.map((v) => v ?? Number.NaN);
const steps = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

function ResumeButton({ run, summary, app }: { run: Run; summary: JepaRunSummary; app: AppContext }) {
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState(false);
  if (!summary.model || !['cancelled', 'interrupted', 'failed'].includes(run.status)) return null;
  const resume = () => {
    setStarted(true);
    api
      .call('runs.start', { pipeline: run.pipeline, recordingId: run.recordingId, params: { ...run.params, resumeFromModelId: summary.model!.id } })
      .then(() => app.runs.refresh(), (failure: unknown) => {
        setStarted(false);
        setError(errorMessage(failure));
      });
  };
  return (
    <p className="jepa-resume">
      <button type="button" onClick={resume} disabled={started}>
        Resume from epoch {summary.epochsDone}
      </button>{' '}
      <span className="muted">continues this run’s checkpoint (model #{summary.model.id}) to epoch {summary.epochs}, in a new run</span>
      <ErrorMessage message={error} />
    </p>
  );
}

export function TrainingCurves({ run, app }: { run: Run; app: AppContext }) {
  const { training, summary, error } = useTraining(run);
  if (error) return <ErrorMessage message={error} />;
  if (!training) return <p className="empty">Reading the training curves…</p>;
  const epochsPlanned = summary?.epochs ?? 0;
  return (
    <div className="jepa-training" aria-label="Training curves">
      <p className="result-line">
        {summary?.config ?? ''} encoder, {training.epochs.length} of {epochsPlanned || '?'} epochs{run.status === 'running' ? ' so far (updates live)' : ''}.
      </p>
      {summary && <ResumeButton run={run} summary={summary} app={app} />}
      <div className="jepa-curves">
        <LossCurve value={{ epochs: training.epochs, trainLoss: training.trainLoss, validationLoss: nullToNaN(training.validationLoss) }} title="Loss per epoch (smooth-L1, target features)" />
        <LossCurve value={{ epochs: training.epochs, effectiveRank: nullToNaN(training.effectiveRank), centred: nullToNaN(training.effectiveRankCentred) }} title="Feature rank of pooled target features (a collapse shows as a fall)" />
        {training.iterationLoss.length > 0 && (
          <LossCurve value={{ epochs: steps(training.iterationLoss.length), iterationLoss: Array.from(training.iterationLoss) }} title="Loss per iteration" xLabel="iteration" />
        )}
        {training.lr.length > 0 && (
          <>
            <LossCurve value={{ epochs: steps(training.lr.length), learningRate: Array.from(training.lr) }} title="Learning rate (warm-up, cosine)" xLabel="optimizer step" />
            <LossCurve value={{ epochs: steps(training.weightDecay.length), weightDecay: Array.from(training.weightDecay) }} title="Weight decay (cosine)" xLabel="optimizer step" fromZero={false} />
            <LossCurve value={{ epochs: steps(training.momentum.length), emaMomentum: Array.from(training.momentum) }} title="EMA momentum of the target encoder" xLabel="optimizer step" fromZero={false} />
          </>
        )}
      </div>
    </div>
  );
}

/** Runs' summary of a finished pretraining run: the same curves (read through jepa.training, not the raw results). */
export function TrainingSummary({ run, app }: ResultSummaryProps) {
  return <TrainingCurves run={run} app={app} />;
}
