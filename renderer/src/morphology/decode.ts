/**
 * A neuron payload (shared/api/morphology.ts) as typed data: positions, radii, types and parents
 * (typed arrays on arrival, dtypes checked by the contract) checked for consistent lengths and
 * in-range parents, and the section of
 * every node (the section a node's segment to its parent belongs to), so colouring and picking work
 * per node without looking sections up.
 */
import type { MorphologyNeuron, MorphologySection } from '../../../shared/api/index.js';
import { expectGroupsOf } from '../components/decode.js';

export interface DecodedNeuron {
  recordingId: number;
  name: string;
  nodeCount: number;
  /** x, y, z per node, µm. */
  positions: Float32Array;
  /** Radius per node, µm. */
  radii: Float32Array;
  /** SWC type per node. */
  types: Int32Array;
  /** Parent node index, −1 for roots. */
  parents: Int32Array;
  /** Section id of each node's segment to its parent (−1: soma nodes, roots without a section). */
  nodeSection: Int32Array;
  sections: readonly MorphologySection[];
  /** sections[k].id → k (ids need not be 0…n−1 in order). */
  sectionIndex: ReadonlyMap<number, number>;
  metrics: Record<string, Record<string, number>>;
  warnings: readonly string[];
}

/**
 * Which section each node's segment (node → parent) belongs to. A section's first node is the branch
 * point it shares with its parent section, so it is claimed by the parent unless nothing else claims
 * it (a neurite's first node: its segment to the soma is drawn with the neurite's first section).
 */
export function nodeSections(nodeCount: number, sections: readonly MorphologySection[], sectionNodes: Int32Array): Int32Array {
  const out = new Int32Array(nodeCount).fill(-1);
  const check = (index: number, section: MorphologySection) => {
    if (index < 0 || index >= sectionNodes.length) throw new Error(`section ${section.id}: node range ${section.nodeStart}+${section.nodeCount} outside the ${sectionNodes.length} section nodes`);
    const node = sectionNodes[index]!;
    if (node < 0 || node >= nodeCount) throw new Error(`section ${section.id}: node ${node} outside the ${nodeCount} nodes`);
    return node;
  };
  for (const section of sections) {
    for (let k = 1; k < section.nodeCount; k += 1) out[check(section.nodeStart + k, section)] = section.id;
  }
  for (const section of sections) {
    const first = check(section.nodeStart, section);
    if (out[first] === -1) out[first] = section.id;
  }
  return out;
}

export function decodeNeuron(neuron: MorphologyNeuron): DecodedNeuron {
  const what = neuron.name;
  const positions = neuron.positions;
  expectGroupsOf(positions, 3, what, 'x, y, z per node');
  const n = positions.length / 3;
  const { radii, types, parents } = neuron;
  for (const [name, array] of [['radii', radii], ['types', types], ['parents', parents]] as const) {
    if (array.length !== n) throw new Error(`${what}: ${array.length} ${name} for ${n} nodes`);
  }
  for (let i = 0; i < n; i += 1) {
    const p = parents[i]!;
    if (p < -1 || p >= n || p === i) throw new Error(`${what}: node ${i} has parent ${p}, outside the ${n} nodes`);
  }
  const sectionNodes = neuron.sectionNodes;
  const sectionIndex = new Map<number, number>();
  neuron.sections.forEach((section, k) => sectionIndex.set(section.id, k));
  return {
    recordingId: neuron.recordingId,
    name: neuron.name,
    nodeCount: n,
    positions,
    radii,
    types,
    parents,
    nodeSection: nodeSections(n, neuron.sections, sectionNodes),
    sections: neuron.sections,
    sectionIndex,
    metrics: neuron.metrics,
    warnings: neuron.warnings,
  };
}
