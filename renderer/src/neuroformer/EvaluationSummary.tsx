/**
 * A `neuroformer-evaluate` run in Runs: on which held-out time blocks it was scored, the
 * spike-prediction table (trained model vs its random-init twin vs the Poisson GLM; compute_scores
 * and the corrected F1 side by side), the PSTH correlation against the reliability ceiling and the
 * PSTH curves themselves (population and per unit), the connectivity scores when the wiring is known,
 * each with its verdict in words, and the engine's notes (e.g. why blocks rather than windows).
 */
import type { NeuroformerEvaluation } from '../../../shared/api/index.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import type { ResultSummaryProps } from '../workbench/resultSummary.js';
import { PsthCurves } from './PsthCurves.js';
import { ConnectivityTable, PredictionTable, PsthTable } from './ScoreTables.js';
import { useRunCall } from '../state/useRunCall.js';
import './neuroformer.css';

/** "300–400 s and 700–800 s (200 s in all)". */
export function blocksText(blocks: readonly (readonly [number, number])[]): string {
  if (blocks.length === 0) return 'no held-out blocks';
  const f = (v: number) => String(Number(v.toFixed(1)));
  const parts = blocks.map(([a, b]) => `${f(a)}–${f(b)} s`);
  const total = blocks.reduce((sum, [a, b]) => sum + (b - a), 0);
  const list = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `${list} (${f(total)} s in all)`;
}

export function EvaluationSummary({ run }: ResultSummaryProps) {
  const answer = useRunCall(run, 'neuroformer.evaluation', { runId: run.id });
  if (answer.error) return <ErrorMessage message={answer.error} />;
  if (!answer.value) return <p className="empty">Reading the evaluation…</p>;
  return <EvaluationBody evaluation={answer.value} />;
}

export function EvaluationBody({ evaluation }: { evaluation: NeuroformerEvaluation }) {
  return (
    <div className="nf-evaluation" aria-label="Neuroformer evaluation">
      <p className="result-line">
        {evaluation.modelId !== null ? `Model #${evaluation.modelId}` : 'No trained model'} scored on held-out time blocks never trained on: {blocksText(evaluation.testBlocks)}; {evaluation.windowS * 1000} ms windows.
      </p>
      <PredictionTable rows={evaluation.prediction} caption="Spike prediction on the held-out blocks (compute_scores: per window, the set of neurons predicted vs recorded)" />
      {evaluation.psth && <PsthTable psth={evaluation.psth} />}
      {evaluation.psth?.curves && <PsthCurves psth={evaluation.psth} curves={evaluation.psth.curves} />}
      <ConnectivityTable scores={evaluation.connectivity} caption="Connectivity against the simulated wiring (directed, diagonal left out)" />
      {evaluation.notes.length > 0 && <h4 className="nf-notes-title">How these were measured</h4>}
      {evaluation.notes.length > 0 && (
        <ul className="nf-notes muted" aria-label="Notes">
          {evaluation.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
