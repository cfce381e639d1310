/**
 * One cell's recorded responses beside its cluster's (mds.cellResponses): per repeated protocol
 * (chirp, moving bars, reversals…) the cell's trial-averaged rate, its cluster's mean ± SD band,
 * and the protocol's stimulus as a grey strip underneath. Cells are picked by cluster, or stepped
 * through with ←/→: does the cell look like the rest of its cluster?
 */
import { useState } from 'react';
import type { MdsClustering, Run } from '../../../shared/api/index.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { useRunCall } from '../state/useRunCall.js';
import { LinePlot } from './LinePlot.js';
import { cellOrder, clusterColor, clusterName } from './mdsMath.js';

export function CellResponses({ run, clustering }: { run: Pick<Run, 'id' | 'status'>; clustering: Pick<MdsClustering, 'clusters' | 'unitIds' | 'cellTypes' | 'recordingId'> }) {
  const order = cellOrder(clustering.clusters);
  const [neuron, setNeuron] = useState<number>(order[0] ?? 0);
  const answer = useRunCall(run, 'mds.cellResponses', order.length ? { runId: run.id, neuron } : null);
  const at = order.indexOf(neuron);
  const step = (d: number) => setNeuron(order[(at + d + order.length) % order.length]!);
  const r = answer.value;
  const k = r ? r.clusterIndex : clustering.clusters.findIndex((c) => c.members.includes(neuron));
  const unit = (i: number) => `unit ${clustering.unitIds[i] ?? i}${clustering.cellTypes[i] ? ` (${clustering.cellTypes[i]})` : ''}`;
  return (
    <section className="mds-cells" aria-label="Cell responses">
      <h4>Each cell beside its cluster</h4>
      <div className="mds-player" role="toolbar" aria-label="Cell">
        <button type="button" aria-label="Previous cell" onClick={() => step(-1)} disabled={order.length < 2}>
          ←
        </button>
        <button type="button" aria-label="Next cell" onClick={() => step(1)} disabled={order.length < 2}>
          →
        </button>
        <label>
          Cell{' '}
          <select value={neuron} aria-label="Cell" onChange={(event) => setNeuron(Number(event.target.value))}>
            {clustering.clusters.map((c) => (
              <optgroup key={c.clusterId} label={`${clusterName(c)} (${c.members.length})`}>
                {[...c.members]
                  .sort((a, b) => a - b)
                  .map((m) => (
                    <option key={m} value={m}>
                      {unit(m)}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </label>
        {k >= 0 && clustering.clusters[k] && (
          <span className="muted">
            in <span style={{ color: clusterColor(k) }}>{clusterName(clustering.clusters[k])}</span> with {clustering.clusters[k].members.length - 1} other cell{clustering.clusters[k].members.length === 2 ? '' : 's'}
          </span>
        )}
      </div>
      <ErrorMessage message={answer.error} />
      {!r && !answer.error && <p className="empty">Reading the cell’s responses…</p>}
      {r && r.protocols.length === 0 && <p className="empty">The recording has no repeated protocols to average over.</p>}
      {r && (
        <div className="mds-cell-plots">
          {r.protocols.map((p) => {
            const x = Array.from({ length: p.cell.length }, (_, i) => i * p.binS);
            return (
              <LinePlot
                key={p.protocol}
                title={`${p.protocol} (${p.trials} trial${p.trials === 1 ? '' : 's'}, ${Math.round(p.binS * 1000)} ms bins)`}
                label={`${p.protocol}: ${unit(r.neuron)} beside its cluster's mean`}
                width={620}
                height={200}
                xLabel="time in trial (s)"
                yLabel="spikes/s"
                series={[
                  { name: `${clusterName(clustering.clusters[r.clusterIndex] ?? { clusterId: r.clusterIndex })} mean ± SD`, x, y: Array.from(p.clusterMean), band: Array.from(p.clusterSd), color: clusterColor(r.clusterIndex), width: 1.5 },
                  { name: `unit ${r.unitId}`, x, y: Array.from(p.cell), color: 'currentColor', width: 1.2 },
                ]}
                strip={p.stimulus.length === p.cell.length ? { x, values: Array.from(p.stimulus), label: 'the stimulus (first channel, centre pixel)' } : undefined}
              />
            );
          })}
        </div>
      )}
    </section>
  );
}
