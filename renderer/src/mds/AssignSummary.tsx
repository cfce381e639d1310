/**
 * An `mds-assign` run in Runs, read through mds.assignment: on-the-fly assignment of cells by the
 * MDS that drives them most. Says which cells were shown the stimuli (new simulated cells of the
 * planted types, held-out cells, or every clustered cell through the model), the accuracy against
 * the reference clusters, the reference × assigned confusion, the ARI against known types, and the
 * MDS they were shown (from the clustering run, through mds.clustering).
 */
import type { MdsAssignment, MdsClustering, Run } from '../../../shared/api/index.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { useRunCall } from '../state/useRunCall.js';
import type { ResultSummaryProps } from '../workbench/resultSummary.js';
import { Notes } from './ClusterSummary.js';
import { HeatTable } from './HeatTable.js';
import { MdsGallery } from './MdsGallery.js';
import { accuracyBasis, assignmentMethodText, clusterColor, f2, pct, secondsText } from './mdsMath.js';
import './mds.css';

export function AssignSummary({ run }: ResultSummaryProps) {
  const answer = useRunCall(run, 'mds.assignment', { runId: run.id });
  const clustering = useRunCall(run, 'mds.clustering', answer.value ? { runId: answer.value.clusteringRunId } : null);
  if (answer.error) return <ErrorMessage message={answer.error} />;
  if (!answer.value) return <p className="empty">Reading the assignment…</p>;
  return <AssignmentBody assignment={answer.value} clustering={clustering.value} clusteringError={clustering.error} />;
}

export function AssignmentBody({ assignment: a, clustering, clusteringError }: { assignment: MdsAssignment; clustering: MdsClustering | null; clusteringError?: string | null }) {
  const name = (k: number) => (clustering?.clusters[k] ? `Cluster ${clustering.clusters[k].clusterId}` : `Cluster #${k + 1}`);
  const heads = Array.from({ length: a.clusters }, (_, k) => ({ label: name(k), color: clusterColor(k) }));
  const unreferenced = Array.from(a.reference).filter((r) => r < 0).length;
  const correct = Array.from(a.assigned).filter((v, i) => a.reference[i]! >= 0 && v === a.reference[i]).length;
  const recall = (k: number) => {
    let total = 0;
    for (let j = 0; j < a.clusters; j++) total += a.confusion[k * a.clusters + j]!;
    return total ? pct(a.confusion[k * a.clusters + k]! / total) : '—';
  };
  return (
    <div className="mds-assignment" aria-label="MDS assignment">
      <p className="result-line">
        {a.cells} cells assigned to {a.clusters} cluster{a.clusters === 1 ? '' : 's'} of cluster run {a.clusteringRunId}: accuracy <strong>{pct(a.accuracy)}</strong>
        {accuracyBasis(a.accuracy, correct, a.cells, unreferenced)}
        {a.ari !== null ? `, ARI ${f2(a.ari)} against the known types` : ''}; {secondsText(a.seconds)}.
      </p>
      <p className="mds-facts muted">How: {assignmentMethodText(a.method)}.</p>
      <HeatTable
        label="Assignment confusion"
        caption={a.method === 'simulated-new-cells' ? 'New cells per reference cluster (the cluster whose majority type is theirs; rows) and assigned cluster (columns)' : 'Cells per clustering cluster (rows) and assigned cluster (columns)'}
        rowTitle="reference"
        colTitle="assigned"
        rows={heads}
        cols={heads}
        values={a.confusion}
        format={(v) => String(v)}
        outline={(i, j) => i === j}
        rowNote={recall}
        rowNoteTitle="Recall"
      />
      <ErrorMessage message={clusteringError ?? null} />
      {clustering && <MdsGallery data={clustering} title="The MDS the cells were shown" />}
      {a.notes.length > 0 && <Notes notes={a.notes} />}
    </div>
  );
}
