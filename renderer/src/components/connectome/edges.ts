/**
 * Edges as flat typed arrays, strongest first: the one shape the threshold, the layout, the degree
 * and the drawing read, whatever form (dense matrix or list) the graph came in. Sorting once by
 * |weight| makes any threshold a prefix of the list.
 */
import type { ConnectomeEdges } from './types.js';

export interface EdgeList {
  /** Node index of each edge's ends, source < target. */
  source: Uint32Array;
  target: Uint32Array;
  weight: Float32Array;
  /** Edges, by |weight| descending (ties by source, then target). */
  count: number;
}

/** Undirected edges of `edges` over `n` nodes, without zero, non-finite or self edges. */
export function toEdgeList(edges: ConnectomeEdges, n: number): EdgeList {
  const sources: number[] = [];
  const targets: number[] = [];
  const weights: number[] = [];
  const push = (a: number, b: number, w: number) => {
    if (a === b || w === 0 || !Number.isFinite(w)) return;
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= n || b >= n) {
      throw new Error(`edge ${a}–${b} refers to a node outside 0…${n - 1}`);
    }
    sources.push(Math.min(a, b));
    targets.push(Math.max(a, b));
    weights.push(w);
  };
  if (edges.kind === 'dense') {
    if (edges.weights.length !== n * n) throw new Error(`dense edges: ${edges.weights.length} weights for ${n} nodes (expected ${n * n})`);
    for (let i = 0; i < n; i += 1) for (let j = i + 1; j < n; j += 1) push(i, j, edges.weights[i * n + j]!);
  } else {
    // A list may name both directions of an edge: the first one given wins.
    const seen = new Set<number>();
    for (const edge of edges.edges) {
      const key = Math.min(edge.source, edge.target) * n + Math.max(edge.source, edge.target);
      if (seen.has(key)) continue;
      seen.add(key);
      push(edge.source, edge.target, edge.weight);
    }
  }
  const order = Array.from(sources.keys()).sort(
    (a, b) => Math.abs(weights[b]!) - Math.abs(weights[a]!) || sources[a]! - sources[b]! || targets[a]! - targets[b]!,
  );
  const count = order.length;
  const list: EdgeList = { source: new Uint32Array(count), target: new Uint32Array(count), weight: new Float32Array(count), count };
  order.forEach((from, to) => {
    list.source[to] = sources[from]!;
    list.target[to] = targets[from]!;
    list.weight[to] = weights[from]!;
  });
  return list;
}

/** Sum of |weight| of every edge at each node (the node's strength). */
export function weightedDegrees(list: EdgeList, n: number): Float64Array {
  const degree = new Float64Array(n);
  for (let e = 0; e < list.count; e += 1) {
    const w = Math.abs(list.weight[e]!);
    degree[list.source[e]!]! += w;
    degree[list.target[e]!]! += w;
  }
  return degree;
}
