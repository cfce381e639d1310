/**
 * Weighted community detection on one NTF component's affinity pattern: nodes are neurons, the
 * weight of pair (i, j) is the component's affinity. Dense (most pairs have some affinity) and
 * non-negative.
 */

/** An undirected weighted graph on `nodeCount` nodes, as a dense symmetric matrix (zero diagonal). */
export interface WeightedGraph {
  nodeCount: number;
  /** nodeCount × nodeCount, row-major, symmetric, non-negative, zero on the diagonal. */
  weights: Float64Array;
}

export interface CommunityResult {
  /** Community of each node, 0…count−1, numbered by first appearance (node 0 is in community 0). */
  blocks: Int32Array;
  count: number;
}

export interface LouvainResult extends CommunityResult {
  /** Weighted modularity (Newman 2004) of the partition. */
  modularity: number;
}
