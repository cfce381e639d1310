/**
 * Per-node drawing data from a graph: colour from its group (the graph's palette when it names the
 * group, else the fixed palette), size from its weighted degree (hubs larger, by the square root so
 * a few hubs do not dwarf the rest), and how many nodes each group holds (for the legend).
 */
import { groupColor } from './palette.js';
import type { ConnectomeGraph, ConnectomeGroup } from './types.js';

export const MIN_NODE_SCALE = 0.7;
export const MAX_NODE_SCALE = 1.5;

export function nodeColors(graph: Pick<ConnectomeGraph, 'nodes' | 'groups'>): string[] {
  const byId = new Map(graph.groups.map((group) => [group.id, group.color]));
  return graph.nodes.map((node) => (node.group === null ? groupColor(null) : (byId.get(node.group) ?? groupColor(node.group))));
}

/** Relative sphere size of each node, MIN_NODE_SCALE…MAX_NODE_SCALE by √(degree / max degree). */
export function nodeScales(degrees: ArrayLike<number>): Float32Array {
  let max = 0;
  for (let i = 0; i < degrees.length; i += 1) max = Math.max(max, degrees[i]!);
  const scales = new Float32Array(degrees.length);
  for (let i = 0; i < degrees.length; i += 1) {
    const relative = max > 0 ? Math.sqrt(Math.max(0, degrees[i]!) / max) : 0;
    scales[i] = MIN_NODE_SCALE + (MAX_NODE_SCALE - MIN_NODE_SCALE) * relative;
  }
  return scales;
}

export interface GroupCount {
  group: ConnectomeGroup;
  nodes: number;
}

/** The graph's groups in legend order with their node counts; nodes of unlisted groups are counted under a made-up entry. */
export function groupCounts(graph: Pick<ConnectomeGraph, 'nodes' | 'groups'>): GroupCount[] {
  const counts = new Map<number, number>();
  for (const node of graph.nodes) if (node.group !== null) counts.set(node.group, (counts.get(node.group) ?? 0) + 1);
  const listed = graph.groups.map((group) => ({ group, nodes: counts.get(group.id) ?? 0 }));
  const known = new Set(graph.groups.map((group) => group.id));
  const extra = [...counts.keys()]
    .filter((id) => !known.has(id))
    .sort((a, b) => a - b)
    .map((id) => ({ group: { id, label: `group ${id}`, color: groupColor(id) }, nodes: counts.get(id)! }));
  return [...listed, ...extra];
}
