/**
 * One NTF component as a generic connectome graph: the neurons as nodes (NeuroPAL names, positions
 * when the files had them), grouped by the component's SBM communities (renumbered strongest
 * first, communities.ts), and the component's affinity matrix as the edges.
 */
import type { NtfComponent, NtfNeuron } from '../../../shared/api/index.js';
import { groupColor } from '../components/connectome/palette.js';
import type { ConnectomeEdges, ConnectomeGraph, ConnectomeGroup } from '../components/connectome/types.js';
import { rankCommunities } from './communities.js';
import type { DecodedAffinity } from './decode.js';

export function communityGroups(count: number): ConnectomeGroup[] {
  return Array.from({ length: count }, (_, id) => ({ id, label: `community ${id + 1}`, color: groupColor(id) }));
}

export function componentGraph(
  neurons: readonly NtfNeuron[],
  component: NtfComponent,
  affinity: DecodedAffinity,
  layoutEdges?: ConnectomeEdges,
): ConnectomeGraph {
  if (affinity.n !== neurons.length) throw new Error(`affinity of component ${component.index + 1}: ${affinity.n} neurons, the run has ${neurons.length}`);
  const blocks = component.communities.blocks;
  const ranks = rankCommunities(blocks, affinity.order);
  const nodes = neurons.map((neuron, i) => {
    const block = blocks[i];
    return { id: neuron.index, label: neuron.name, position: neuron.position, group: block === undefined ? null : (ranks.get(block) ?? null) };
  });
  return {
    nodes,
    edges: { kind: 'dense', weights: affinity.matrix },
    groups: communityGroups(ranks.size),
    ...(layoutEdges ? { layoutEdges } : {}),
    groupNoun: 'community',
  };
}
