/**
 * A `neuroformer-train` run's curves, live while it trains: the total loss per epoch on the
 * training windows and on the held-out time block (0.45·CE_id + 0.30·CE_dt, the released weights),
 * the cross-entropies of the two heads apart (which neuron fires next, and when) on the training
 * steps and on the held-out block, the
 * teacher-forced next-neuron F1 on the held-out block, and once finished the loss of every
 * optimizer step and the learning-rate schedule.
 */
import type { Run } from '../../../shared/api/index.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { LossCurve } from '../workbench/LossCurve.js';
import type { LiveSummaryProps, ResultSummaryProps } from '../workbench/resultSummary.js';
import { useRunCall } from '../state/useRunCall.js';
import { useRunSummary } from './useNeuroformer.js';
import './neuroformer.css';

const nullToNaN = (values: readonly (number | null)[]) => values.map((v) => v ?? Number.NaN);
const steps = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const anyFinite = (values: readonly (number | null)[]) => values.some((v) => v !== null && Number.isFinite(v));

/** "3 of 10 epochs", "10 epochs". */
export function epochsText(done: number, planned: number): string {
  if (planned > 0 && done < planned) return `${done} of ${planned} epochs`;
  return `${done} epoch${done === 1 ? '' : 's'}`;
}

export function NeuroformerTrainingCurves({ run }: { run: Run }) {
  const training = useRunCall(run, 'neuroformer.training', { runId: run.id });
  const summary = useRunSummary(run);
  if (training.error) return <ErrorMessage message={training.error} />;
  const t = training.value;
  if (!t) return <p className="empty">Reading the training curves…</p>;
  const last = t.validationLoss.length ? t.validationLoss[t.validationLoss.length - 1] : null;
  const bestAt = t.validationLoss.reduce<number>((best, v, i) => (v !== null && (best < 0 || v < t.validationLoss[best]!) ? i : best), -1);
  return (
    <div className="nf-training" aria-label="Neuroformer training curves">
      <p className="result-line">
        Neuroformer {summary?.config ?? ''}, {epochsText(t.epochs.length, summary?.epochs ?? 0)}
        {run.status === 'running' ? ' so far (updates live)' : ''}
        {summary?.model ? `; model #${summary.model.id}${summary.model.status === 'incomplete' ? ' (checkpoint)' : ''}` : ''}
        {last !== null && last !== undefined ? `; held-out loss ${last.toFixed(3)}` : ''}
        {bestAt >= 0 ? `, lowest at epoch ${t.epochs[bestAt]}` : ''}.
      </p>
      <div className="nf-curves">
        <LossCurve
          value={{ epochs: t.epochs, trainLoss: t.trainLoss, heldOutLoss: nullToNaN(t.validationLoss), ...(bestAt >= 0 ? { bestEpoch: t.epochs[bestAt]! } : {}) }}
          title="Loss per epoch (0.45·CE id + 0.30·CE dt)"
        />
        {(anyFinite(t.validationCeId) || anyFinite(t.validationCeDt) || anyFinite(t.trainCeId ?? []) || anyFinite(t.trainCeDt ?? [])) && (
          <LossCurve
            value={{
              epochs: t.epochs,
              // Each head's train and held-out lines side by side in the legend (id, then dt).
              ...(anyFinite(t.trainCeId ?? []) ? { trainCeId: nullToNaN(t.trainCeId!) } : {}),
              heldOutCeId: nullToNaN(t.validationCeId),
              ...(anyFinite(t.trainCeDt ?? []) ? { trainCeDt: nullToNaN(t.trainCeDt!) } : {}),
              heldOutCeDt: nullToNaN(t.validationCeDt),
            }}
            title="Cross-entropy per head, train and held-out (id: which neuron, dt: when)"
          />
        )}
        {anyFinite(t.validationF1) && <LossCurve value={{ epochs: t.epochs, heldOutF1: nullToNaN(t.validationF1) }} title="Held-out next-neuron F1 (teacher-forced, top-1)" />}
        {t.stepLoss.length > 0 && <LossCurve value={{ epochs: steps(t.stepLoss.length), stepLoss: Array.from(t.stepLoss) }} title="Loss per optimizer step" xLabel="optimizer step" />}
        {t.lr.length > 0 && <LossCurve value={{ epochs: steps(t.lr.length), learningRate: Array.from(t.lr) }} title="Learning rate" xLabel="optimizer step" />}
      </div>
    </div>
  );
}

/** Runs' summary of a finished train run: the curves, read through neuroformer.training (never the raw results). */
export function TrainingSummary({ run }: ResultSummaryProps) {
  return <NeuroformerTrainingCurves run={run} />;
}

/** The same while the run trains, or after it stopped with a checkpoint. */
export function TrainingLive({ run }: LiveSummaryProps) {
  return <NeuroformerTrainingCurves run={run} />;
}
