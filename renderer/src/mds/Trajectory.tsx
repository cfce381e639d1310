/**
 * How the clustering got there: the mean −J over clusters after every pass (EM passes blue, split
 * attempts' inner passes orange, the final re-optimisation green) with the number of clusters and
 * cells moved per pass beside it, and the split history as a table (which cluster, how many
 * sub-clusters its local clustering found, the loss before and after, accepted or not).
 */
import type { MdsIteration, MdsSplit } from '../../../shared/api/index.js';
import { LinePlot } from './LinePlot.js';
import { f3 } from './mdsMath.js';

const PHASE_COLOURS: Record<MdsIteration['phase'], string> = { em: '#1f77b4', split: '#e6811f', final: '#2ca02c' };
const PHASE_NAMES: Record<MdsIteration['phase'], string> = { em: 'EM pass', split: 'split attempt', final: 'final re-optimisation' };

export function TrajectoryPlots({ trajectory }: { trajectory: readonly MdsIteration[] }) {
  if (trajectory.length === 0) return <p className="empty">No passes recorded.</p>;
  const x = trajectory.map((_, i) => i + 1);
  const phases = [...new Set(trajectory.map((t) => t.phase))];
  return (
    <div className="mds-trajectory">
      <LinePlot
        title="Mean −J over clusters after each pass (lower is better)"
        label={`Loss trajectory over ${trajectory.length} passes`}
        xLabel="pass"
        yLabel="mean −J"
        legend={false}
        series={[{ name: 'mean −J', x, y: trajectory.map((t) => t.loss), color: '#888', width: 1, points: trajectory.map((t) => PHASE_COLOURS[t.phase]) }]}
        integerX
        footer={
          <ul className="legend mds-legend" aria-label="Pass kinds">
            {phases.map((p) => (
              <li key={p} style={{ color: PHASE_COLOURS[p] }}>
                ● {PHASE_NAMES[p]} ({trajectory.filter((t) => t.phase === p).length})
              </li>
            ))}
          </ul>
        }
      />
      <LinePlot
        title="Clusters and cells moved per pass"
        label={`Clusters and moved cells over ${trajectory.length} passes`}
        xLabel="pass"
        yLabel="count"
        yRange={[0, Math.max(1, ...trajectory.map((t) => Math.max(t.clusters, t.moved)))]}
        integerX
        series={[
          { name: 'clusters', x, y: trajectory.map((t) => t.clusters), color: '#1f77b4', points: true },
          { name: 'cells moved', x, y: trajectory.map((t) => t.moved), color: '#d62728', dashed: true, points: true },
        ]}
      />
    </div>
  );
}

export function SplitTable({ splits }: { splits: readonly MdsSplit[] }) {
  if (splits.length === 0) return <p className="muted mds-small">No split was attempted (splitting off, or the EM loop ended with nothing to split).</p>;
  return (
    <table className="data-table mds-table" aria-label="Split history">
      <caption>Split history: each cluster re-clustered locally; a split is kept only if the objective improves (there is no merge step: the reference’s is unfinished)</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Cluster</th>
          <th scope="col" className="number">Sub-clusters found</th>
          <th scope="col" className="number">Loss before</th>
          <th scope="col" className="number">Loss after</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {splits.map((s, i) => (
          <tr key={i} data-accepted={s.accepted ? 'yes' : 'no'}>
            <td>{i + 1}</td>
            <th scope="row">Cluster {s.clusterId}</th>
            <td className="number">{s.subclusters}</td>
            <td className="number">{f3(s.lossBefore)}</td>
            <td className="number">{f3(s.lossAfter)}</td>
            <td>
              {s.accepted
                ? `kept: new cluster${s.newClusterIds.length === 1 ? '' : 's'} ${s.newClusterIds.join(', ')}`
                : s.subclusters <= 1
                  ? 'not tried: the local clustering found one group'
                  : 'rejected: the loss did not improve'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
