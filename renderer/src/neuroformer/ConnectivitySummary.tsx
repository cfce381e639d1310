/**
 * A `neuroformer-connectivity` run: the attention rollout as a directed neuron × neuron heat map
 * (rows predicted, columns attended) with units grouped by cell type (ON/OFF parasol in the retina
 * data), the simulated ground truth beside it in the same order when the recording has one, the
 * scores against it (attention vs cross-correlogram and GLM baselines), the mean attention between
 * cell types, and the strongest links as a graph in the connectome scene.
 */
import { useMemo } from 'react';
import type { NeuroformerConnectivity } from '../../../shared/api/index.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { ConnectomeGraphView } from '../components/connectome/ConnectomeGraphView.js';
import type { ConnectomeGraph } from '../components/connectome/types.js';
import { typeColors, type TypeColors } from '../spikes/colors.js';
import type { ResultSummaryProps } from '../workbench/resultSummary.js';
import { MatrixPanel } from './MatrixPanel.js';
import { received, scaleBottom, scaleTop, typeBlocks, typeLabel, typeOrder, undirected } from './matrix.js';
import { ConnectivityTable } from './ScoreTables.js';
import { useRunCall } from '../state/useRunCall.js';
import './neuroformer.css';

/** Cell types from the truth's E/I labels when the recording names none (a simulated network). */
export function displayTypes(connectivity: Pick<NeuroformerConnectivity, 'cellTypes' | 'truth'>): (string | null)[] {
  if (connectivity.cellTypes.some((t) => t !== null) || !connectivity.truth) return [...connectivity.cellTypes];
  const hubs = new Set(connectivity.truth.hubs);
  return connectivity.truth.excitatory.map((e, i) => `${e ? 'excitatory' : 'inhibitory'}${hubs.has(i) ? ' hub' : ''}`);
}

/** The graph for the connectome scene: nodes grouped by cell type, undirected edges (stronger direction). */
export function connectivityGraph(connectivity: Pick<NeuroformerConnectivity, 'unitIds' | 'matrix'>, types: readonly (string | null)[], colors: TypeColors): ConnectomeGraph {
  const named = colors.legend.map((entry) => entry.type);
  const n = connectivity.unitIds.length;
  return {
    nodes: connectivity.unitIds.map((id, i) => ({ id: i, label: `unit ${id}`, position: null, group: named.indexOf(types[i] ?? null) })),
    edges: { kind: 'dense', weights: undirected(connectivity.matrix, n) },
    groups: colors.legend.map((entry, g) => ({ id: g, label: typeLabel(entry.type), color: entry.color })),
    groupNoun: 'cell type',
  };
}

export function ConnectivitySummary({ run }: ResultSummaryProps) {
  const answer = useRunCall(run, 'neuroformer.connectivity', { runId: run.id });
  if (answer.error) return <ErrorMessage message={answer.error} />;
  if (!answer.value) return <p className="empty">Reading the attention connectivity…</p>;
  return <ConnectivityBody connectivity={answer.value} />;
}

export function ConnectivityBody({ connectivity }: { connectivity: NeuroformerConnectivity }) {
  const n = connectivity.unitIds.length;
  const types = useMemo(() => displayTypes(connectivity), [connectivity]);
  const colors = useMemo(() => typeColors(types), [types]);
  const attended = useMemo(() => received(connectivity.matrix, n), [connectivity.matrix, n]);
  const order = useMemo(() => typeOrder(types, attended), [types, attended]);
  const top = useMemo(() => scaleTop(connectivity.matrix, n), [connectivity.matrix, n]);
  const bottom = useMemo(() => scaleBottom(connectivity.matrix, n), [connectivity.matrix, n]);
  const truth = connectivity.truth;
  const truthTop = useMemo(() => (truth ? scaleTop(truth.weights, n) : 0), [truth, n]);
  const blocks = useMemo(() => typeBlocks(connectivity.matrix, types), [connectivity.matrix, types]);
  const graph = useMemo(() => connectivityGraph(connectivity, types, colors), [connectivity, types, colors]);
  const mostAttended = order.length ? [...order].sort((a, b) => attended[b]! - attended[a]!).slice(0, 3) : [];
  return (
    <div className="nf-connectivity" aria-label="Attention connectivity">
      <p className="result-line">
        Attention rollout over the state-history cross-attention, summed over {connectivity.windows.toLocaleString('en')} windows and row-normalised: {n} units. Most attended:{' '}
        {mostAttended.map((u) => `unit ${connectivity.unitIds[u]} (${typeLabel(types[u] ?? null)})`).join(', ')}.
      </p>
      <div className="nf-matrices">
        <MatrixPanel
          title="Attention (rollout)"
          matrix={connectivity.matrix}
          n={n}
          order={order}
          types={types}
          unitIds={connectivity.unitIds}
          colors={colors}
          scale={{ kind: 'sequential', top, bottom }}
          legend="share of a row’s attention, coloured from its 1st to its 99th percentile off the diagonal (uniform attention would be 1/n everywhere); diagonal grey"
        />
        {truth && (
          <MatrixPanel
            title="Ground truth W[post, pre] (simulated)"
            matrix={truth.weights}
            n={n}
            order={order}
            types={types}
            unitIds={connectivity.unitIds}
            colors={colors}
            scale={{ kind: 'diverging', top: truthTop }}
            legend="red excitatory, blue inhibitory, white no edge; same order as the attention"
          />
        )}
        {blocks.types.length > 1 && (
          <table className="data-table nf-blocks" aria-label="Mean attention between cell types">
            <caption>Mean attention, predicted type (row) ← attended type (column)</caption>
            <thead>
              <tr>
                <th scope="col" />
                {blocks.types.map((t) => (
                  <th key={typeLabel(t)} scope="col" className="number">
                    {typeLabel(t)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {blocks.types.map((t, a) => (
                <tr key={typeLabel(t)}>
                  <th scope="row">
                    <span className="nf-swatch" style={{ background: colors.colorOf(t) }} />
                    {typeLabel(t)}
                  </th>
                  {blocks.mean[a]!.map((v, b) => (
                    <td key={b} className="number">
                      {Number.isFinite(v) ? v.toFixed(4) : '—'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <ConnectivityTable scores={connectivity.scores} caption="Scored against the simulated wiring (directed, diagonal left out)" />
      <section className="nf-graph" aria-label="Attention graph">
        <h4>Strongest links as a graph (undirected: the stronger of the two directions; nodes by cell type, sized by weighted degree)</h4>
        <ConnectomeGraphView graph={graph} title="Neuroformer attention graph" />
      </section>
    </div>
  );
}
