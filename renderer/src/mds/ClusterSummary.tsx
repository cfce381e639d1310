/**
 * An `mds-cluster` run in Runs, read through mds.clustering (never the raw results): what the EM
 * loop found (clusters, ARI against the known types, self-assignment accuracy, time and optimiser
 * speed), each cluster's MDS (movies with play/scrub and their SVD components, or traces), the
 * cluster × MDS response confusion, the known-type confusion, the baselines on the same responses,
 * the loss trajectory and split history, each cell's responses beside its cluster's, and the notes.
 */
import type { MdsClustering, Run } from '../../../shared/api/index.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { useRunCall } from '../state/useRunCall.js';
import type { ResultSummaryProps } from '../workbench/resultSummary.js';
import { CellResponses } from './CellResponses.js';
import { HeatTable } from './HeatTable.js';
import { MdsGallery } from './MdsGallery.js';
import { baselineVerdict, clusterColor, clusteringHeadline, clusterName, f2, f3, pct, row, secondsText, worstOffDiagonal } from './mdsMath.js';
import { SplitTable, TrajectoryPlots } from './Trajectory.js';
import './mds.css';

export function ClusterSummary({ run }: ResultSummaryProps) {
  return <ClusterRun run={run} />;
}


function ClusterRun({ run }: { run: Run }) {
  const answer = useRunCall(run, 'mds.clustering', { runId: run.id });
  if (answer.error) return <ErrorMessage message={answer.error} />;
  if (!answer.value) return <p className="empty">Reading the clustering…</p>;
  return <ClusteringBody run={run} clustering={answer.value} />;
}

export function ClusteringBody({ run, clustering: c }: { run: Pick<Run, 'id' | 'status'>; clustering: MdsClustering }) {
  const k = c.clusters.length;
  const clusterHeads = c.clusters.map((cl, i) => ({ label: clusterName(cl), color: clusterColor(i) }));
  const worst = worstOffDiagonal(c.responseConfusion, k);
  return (
    <div className="mds-clustering" aria-label="MDS clustering">
      <p className="result-line">{clusteringHeadline(c)}</p>
      <p className="mds-facts muted">
        {c.modelId !== null ? `Response model #${c.modelId}` : 'Toy on/off model (no trained model)'}; temperature τ {c.temperature}, seed {c.seed}; final mean −J {f3(c.finalLoss)} (bounded below by −log K = {f3(-Math.log(Math.max(1, k)))}); self-assignment {pct(c.selfAssignmentAccuracy)} of cells go to their own cluster’s MDS; {secondsText(c.seconds)},{' '}
        {c.stepsPerSecond.toFixed(1)} optimiser steps/s ({k === 1 ? 'one stimulus' : `all ${k} stimuli`} per step).
      </p>
      <MdsGallery data={c} />

      <section className="mds-section" aria-label="Response confusion">
        <h4>Cluster × MDS responses</h4>
        <HeatTable
          label="Cluster by MDS response confusion"
          caption="Mean model response of each cluster’s cells (columns) to each MDS (rows), each column divided by its diagonal (the reference’s column_diag): below 1 off the diagonal, the cells prefer their own MDS"
          rowTitle="MDS of"
          colTitle="cells of"
          rows={clusterHeads}
          cols={clusterHeads}
          values={c.responseConfusion}
          format={f2}
          top={1}
          outline={(i, j) => i === j}
        />
        {worst && (
          <p className="mds-verdict">
            {worst.value < 1
              ? `Every cluster’s cells respond most to their own MDS; the closest rival is ${clusterName(c.clusters[worst.mds]!)}’s MDS for ${clusterName(c.clusters[worst.cells]!)}’s cells (${f2(worst.value)} × their response to their own).`
              : `${clusterName(c.clusters[worst.cells]!)}’s cells respond ${f2(worst.value)}× as much to ${clusterName(c.clusters[worst.mds]!)}’s MDS as to their own: those two are not well separated.`}
          </p>
        )}
      </section>

      {c.knownTypes && <KnownTypes clustering={c} knownTypes={c.knownTypes} />}
      <Baselines clustering={c} />

      <section className="mds-section" aria-label="Trajectory">
        <h4>Trajectory and split history</h4>
        <TrajectoryPlots trajectory={c.trajectory} />
        <SplitTable splits={c.splits} />
      </section>

      {c.recordingId !== null && <CellResponses run={run} clustering={c} />}
      {c.notes.length > 0 && <Notes notes={c.notes} />}
    </div>
  );
}

function KnownTypes({ clustering: c, knownTypes }: { clustering: MdsClustering; knownTypes: NonNullable<MdsClustering['knownTypes']> }) {
  const types = knownTypes.types;
  const purity = (i: number) => {
    const counts = row(knownTypes.counts, types.length, i);
    const total = counts.reduce((a, b) => a + b, 0);
    return total ? pct(Math.max(...counts) / total) : '—';
  };
  return (
    <section className="mds-section" aria-label="Known types">
      <h4>Clusters against the known cell types</h4>
      <HeatTable
        label="Clusters by known type"
        caption={`Cells per cluster (rows) and known type (columns); adjusted Rand index ${f2(knownTypes.ari)} (1 = the same partition, 0 = chance)`}
        rowTitle="cluster"
        colTitle="known type"
        rows={c.clusters.map((cl, i) => ({ label: `${clusterName(cl)} (${cl.members.length})`, color: clusterColor(i) }))}
        cols={types.map((t) => ({ label: t }))}
        values={knownTypes.counts}
        format={(v) => String(v)}
        rowNote={purity}
        rowNoteTitle="Purity"
      />
    </section>
  );
}

function Baselines({ clustering: c }: { clustering: MdsClustering }) {
  if (c.baselines.length === 0) return null;
  const mdsAri = c.knownTypes?.ari ?? null;
  const verdict = baselineVerdict(mdsAri, c.baselines);
  const best = Math.max(mdsAri ?? -Infinity, ...c.baselines.map((b) => b.ari ?? -Infinity));
  return (
    <section className="mds-section" aria-label="Baselines">
      <table className="data-table mds-table" aria-label="MDS clustering against the baselines">
        <caption>The same cells clustered by the baselines (on their trial-averaged protocol responses)</caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col" className="number">Clusters</th>
            <th scope="col" className="number">ARI vs known types</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          <tr data-method="mds">
            <th scope="row">MDS clustering (this run)</th>
            <td className="number">{c.clusters.length}</td>
            <td className={`number${mdsAri !== null && mdsAri === best ? ' mds-best' : ''}`}>{f2(mdsAri)}</td>
            <td className="muted">EM through the response model</td>
          </tr>
          {c.baselines.map((b) => (
            <tr key={b.method} data-method="baseline">
              <th scope="row">{b.method.charAt(0).toUpperCase() + b.method.slice(1)}</th>
              <td className="number">{b.clusters}</td>
              <td className={`number${b.ari !== null && b.ari === best ? ' mds-best' : ''}`}>{f2(b.ari)}</td>
              <td className="muted">{b.notes ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {verdict && <p className="mds-verdict">{verdict}</p>}
    </section>
  );
}

export function Notes({ notes }: { notes: readonly string[] }) {
  return (
    <>
      <h4 className="mds-notes-title">How these were made</h4>
      <ul className="mds-notes muted" aria-label="Notes">
        {notes.map((note) => (
          <li key={note}>{note}</li>
        ))}
      </ul>
    </>
  );
}
