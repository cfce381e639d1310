/**
 * The generic connectome view: any ConnectomeGraph (types.ts) in 3D, nodes at their positions or a
 * seeded force-directed layout, coloured by group and sized by weighted degree, the strongest edges
 * above a threshold the user sets, a legend with each group's node count and a tooltip on hover.
 * The NTF view feeds it one graph per component; an fMRI view can feed it an atlas' regions.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { ConnectomeNodes } from './connectomeScene.js';
import { ConnectomeCanvas, type NodeInfo } from './ConnectomeCanvas.js';
import { edgeBatches } from './edgeStyle.js';
import { toEdgeList, weightedDegrees } from './edges.js';
import { formatWeight, plural } from './format.js';
import { GroupLegend } from './GroupLegend.js';
import { groupCounts, nodeColors, nodeScales } from './nodeStyle.js';
import { placeNodes } from './positions.js';
import { DEFAULT_THRESHOLD, keptEdgeCount, type Threshold } from './threshold.js';
import { ThresholdControl } from './ThresholdControl.js';
import type { ConnectomeEdges, ConnectomeGraph } from './types.js';
import { CONNECTOME_KEY_HELP } from './keyHelp.js';
import './connectome.css';

export { CONNECTOME_KEY_HELP } from './keyHelp.js';

/** A key for the node positions (not their groups), so re-colouring the same nodes does not re-run the layout. */
function positionsKey(graph: ConnectomeGraph): string {
  return graph.nodes.map((node) => (node.position ? node.position.join(',') : '-')).join(';');
}

export function ConnectomeGraphView(props: {
  graph: ConnectomeGraph;
  /** What the graph is, for the 3D view's accessible name ("Component 2 of NTF run 4"). */
  title: string;
  /** Layout seed (default 1). */
  seed?: number;
  /** More legend content (e.g. community counts of a baseline method). */
  legendExtra?: ReactNode;
  keyHelpId?: string;
}) {
  const { graph } = props;
  const n = graph.nodes.length;
  const noun = graph.groupNoun ?? 'group';
  const [threshold, setThreshold] = useState<Threshold>(DEFAULT_THRESHOLD);

  const edges = useMemo(() => toEdgeList(graph.edges, n), [graph.edges, n]);
  const layoutSource: ConnectomeEdges = graph.layoutEdges ?? graph.edges;
  const layoutEdges = useMemo(() => (layoutSource === graph.edges ? edges : toEdgeList(layoutSource, n)), [layoutSource, graph.edges, edges, n]);
  const positionKey = positionsKey(graph);
  // The layout depends on positions and layout edges only; `graph.nodes` is read for positions.
  const placement = useMemo(() => placeNodes(graph.nodes, layoutEdges, props.seed ?? 1), [positionKey, layoutEdges, props.seed]);
  const degrees = useMemo(() => weightedDegrees(edges, n), [edges, n]);
  const colors = useMemo(() => nodeColors(graph), [graph]);
  const counts = useMemo(() => groupCounts(graph), [graph]);
  const groups = useMemo(() => graph.nodes.map((node) => node.group), [graph.nodes]);
  const nodes = useMemo<ConnectomeNodes>(() => ({ positions: placement.positions, colors, scales: nodeScales(degrees) }), [placement, colors, degrees]);
  const kept = keptEdgeCount(edges, threshold);
  const batches = useMemo(() => edgeBatches(edges, kept, placement.positions, groups, colors), [edges, kept, placement, groups, colors]);
  const groupLabel = useMemo(() => new Map(graph.groups.map((group) => [group.id, group.label])), [graph.groups]);

  const nodeInfo = (index: number): NodeInfo => {
    const node = graph.nodes[index]!;
    return {
      label: node.label,
      group: node.group === null ? `no ${noun}` : (groupLabel.get(node.group) ?? `${noun} ${node.group}`),
      detail: `weighted degree ${formatWeight(degrees[index] ?? 0)}`,
    };
  };

  const keyHelpId = props.keyHelpId ?? 'connectome-key-help';
  const label = `${props.title}: ${n} nodes ${placement.source === 'layout' ? 'in a force-directed layout' : 'at their positions'}, ${counts.length} ${plural(noun)}, ${kept} of ${edges.count} edges shown`;
  return (
    <div className="connectome-graph">
      <div className="connectome-toolbar" role="toolbar" aria-label="Connectome options">
        <ThresholdControl edges={edges} threshold={threshold} kept={kept} onChange={setThreshold} />
        <GroupLegend counts={counts} noun={noun}>
          {props.legendExtra}
        </GroupLegend>
      </div>
      <ConnectomeCanvas nodes={nodes} batches={batches} groupsSignature={groups.map((group) => group ?? '').join(',')} label={label} keyHelpId={keyHelpId} nodeInfo={nodeInfo} />
      {!props.keyHelpId && (
        <p className="eeg-hint" id={keyHelpId}>
          {CONNECTOME_KEY_HELP}
        </p>
      )}
    </div>
  );
}
