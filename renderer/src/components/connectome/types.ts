/**
 * The generic input of the connectome view: nodes (neurons, brain regions…), weighted undirected
 * edges and the groups (communities, networks) that colour the nodes. The NTF view builds one per
 * component from calcium data; an fMRI view can build one from an atlas and a correlation matrix.
 * Nothing here knows where the graph came from.
 */

export type Vec3 = readonly [number, number, number];

export interface ConnectomeNode {
  /** Stable identifier of the node in its source (neuron index, atlas label value). */
  id: number;
  /** Name shown on hover (a NeuroPAL neuron name, a region name). */
  label: string;
  /** Where the node sits, in any consistent units; null when the source has no position. */
  position: Vec3 | null;
  /** Group (community) id, a key of `ConnectomeGraph.groups`; null when ungrouped. */
  group: number | null;
}

/** One undirected edge between two nodes, by index into `ConnectomeGraph.nodes`. */
export interface ConnectomeEdge {
  source: number;
  target: number;
  weight: number;
}

/**
 * The edges: a dense symmetric matrix (row-major n × n; only the upper triangle is read, the
 * diagonal never) or a list. Zero and non-finite weights are no edge.
 */
export type ConnectomeEdges = { kind: 'dense'; weights: Float32Array } | { kind: 'list'; edges: readonly ConnectomeEdge[] };

export interface ConnectomeGroup {
  id: number;
  /** Shown in the legend and the tooltip, e.g. "community 2", "default mode". */
  label: string;
  /** `#rrggbb`. */
  color: string;
}

export interface ConnectomeGraph {
  nodes: readonly ConnectomeNode[];
  edges: ConnectomeEdges;
  /** The groups the nodes refer to, in legend order. */
  groups: readonly ConnectomeGroup[];
  /**
   * Edges the force-directed layout is computed from when nodes have no positions (default:
   * `edges`). A view that re-weights the same nodes (one graph per NTF component) passes one fixed
   * set here so the nodes stay where they are while colours and edges change.
   */
  layoutEdges?: ConnectomeEdges;
  /** What a group is called in the legend and tooltip ("community", "network"). */
  groupNoun?: string;
}
