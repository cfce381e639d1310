/**
 * Nested (hierarchical) weighted stochastic block model, fitted by minimum description length as
 * graph-tool's `minimize_nested_blockmodel_dl(g, state_args=dict(recs=[w],
 * rec_types=["real-exponential"]))` does, the way Dyballa et al. (ICLR 2024) find communities in
 * each NTF component. The description length is graph-tool 2.45's `NestedBlockState.entropy()`
 * (entropy/nested-dl.ts); this module only searches for a hierarchy that makes it small.
 */
import { ValidationError } from '../../../errors.js';
import { fitWeightedSbm } from './sbm.js';

/** An undirected graph as an edge list: edge e joins edges[2e] and edges[2e+1] (0…n−1). */
export interface EdgeListGraph {
  n: number;
  /** 2 × E node indices, pairs (u, v); u ≠ v. Repeated pairs are parallel edges (a multigraph). */
  edges: Int32Array;
  /** E positive edge weights (real-exponential covariates); omit for an unweighted graph. */
  weights?: Float64Array;
}

export interface NestedSbmOptions {
  /** Seed of every random choice; the fit is a pure function of (graph, options). */
  seed: number;
  /** Degree-corrected model, or 'auto' (default): fit both and keep the shorter description. */
  degreeCorrected?: boolean | 'auto';
  /** Model the edge weights as real-exponential covariates (default: whenever weights are given). */
  weighted?: boolean;
  /** Called between sweeps; may throw to cancel the fit. */
  shouldStop?: () => void;
}

export interface NestedSbmResult {
  /**
   * The hierarchy, finest first: levels[0] has one label per node (0…B₀−1); levels[l] has one
   * label per block of level l−1 (0…B_l−1). The last level has a single block.
   */
  levels: Int32Array[];
  /** Whether the degree-corrected variant was chosen. */
  degreeCorrected: boolean;
  /** graph-tool's NestedBlockState.entropy() of the returned hierarchy, in nats. */
  descriptionLength: number;
}

/**
 * Fits the nested SBM. Provisional implementation (the signature is final): the flat fit of
 * sbm.ts under one level and a single block above it.
 */
export function fitNestedSbm(graph: EdgeListGraph, options: NestedSbmOptions): NestedSbmResult {
  const { n, edges } = graph;
  if (!Number.isInteger(n) || n < 0) throw new ValidationError('graph.n', `must be a non-negative integer, got ${n}`);
  const weights = new Float64Array(n * n);
  for (let e = 0; e < edges.length / 2; e++) {
    const u = edges[2 * e]!;
    const v = edges[2 * e + 1]!;
    const w = options.weighted === false || !graph.weights ? 1 : graph.weights[e]!;
    weights[u * n + v] = weights[u * n + v]! + w;
    weights[v * n + u] = weights[v * n + u]! + w;
  }
  const flat = fitWeightedSbm({ nodeCount: n, weights }, { seed: options.seed, degreeCorrected: options.degreeCorrected ?? 'auto', ensemble: 'multigraph' });
  return { levels: [flat.blocks, new Int32Array(flat.count)], degreeCorrected: flat.degreeCorrected, descriptionLength: flat.descriptionLengthNats };
}
