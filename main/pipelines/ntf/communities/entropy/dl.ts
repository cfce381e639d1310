/**
 * Description length of a flat or nested SBM exactly as graph-tool 2.45 computes it:
 * `BlockState(g, b, deg_corr, recs=[w], rec_types=["real-exponential"]).entropy()` and
 * `NestedBlockState(g, bs, state_args=…).entropy()` with their default arguments (adjacency, dl,
 * partition_dl, degree_dl "distributed", edges_dl, exact, multigraph, recs, recs_dl). Checked
 * against graph-tool itself by test/unit/ntf-sbm-entropy.test.ts (fixtures from
 * test/fixtures/reference/sbm_graphtool_entropy.py).
 *
 * Level 0 (the nodes; Peixoto 2017, PRE 95 012317, eqs. for the microcanonical SBM):
 *   adjacency  Σ_{r<s} −ln m_rs! + Σ_r (−ln m_rr! − m_rr ln 2)
 *              + NDC: Σ_r e_r ln n_r        DC: Σ_r ln e_r! − Σ_i ln k_i!
 *              + Σ_{i<j} ln A_ij!  (parallel edges)
 *   partition  ln C(N−1, B−1) + ln N! − Σ_r ln n_r! + ln N
 *   degrees    DC only: Σ_r [log q(e_r, n_r) + ln n_r! − Σ_k ln η_rk!]  (q: entropy/special.ts)
 *   edges      flat only: ln C(B(B+1)/2 + E − 1, E)
 * (m_rs: edges between blocks r and s, m_rr: edges inside r, e_r: edge ends in r, n_r: nodes.)
 * Edge weights, microcanonical real-exponential (Peixoto 2018, PRE 97 012306): per block pair
 * with m_rs edges of weight sum x_rs, −ln[(m_rs − 1)!/x_rs^{m_rs−1}] (0 when m_rs ≤ 1 or x_rs < ε,
 * ε = the smallest weight / 10), plus the same term for the totals (number of non-empty block
 * pairs, sum of all weights).
 *
 * Levels l ≥ 1 (Peixoto 2014, PRX 4 011047: the hierarchy of edge-count priors): the nodes are the
 * non-empty blocks of level l−1, the edges the m_rs edge counts between them; each block pair
 * (R, S) of level l costs ln C(n_R n_S + e_RS − 1, e_RS) (R = S: n_R(n_R+1)/2 in place of
 * n_R n_S), plus the partition term of level l; weights: the same real-exponential term with the
 * number of non-empty lower block pairs in (R, S) as the count. The top level adds the flat edges
 * term and the weight totals; level 0 then drops its edges term.
 */
import { ValidationError } from '../../../../errors.js';
import { graphToolLogQ, graphToolQCacheLimit, lnBinomial, lnFactorial, positiveWeightsLogP } from './special.js';

/** An undirected multigraph as an edge list (see nested.ts's EdgeListGraph). */
export interface DlGraph {
  n: number;
  edges: Int32Array;
  weights?: Float64Array;
}

export interface DlOptions {
  degreeCorrected: boolean;
  /** Include the real-exponential weight terms (requires graph.weights). */
  weighted: boolean;
}

/** Block-pair statistics of one level: counts, weight sums and "rec" counts per pair r ≤ s. */
export interface PairStats {
  /** Key r·B + s (r ≤ s) → [edges, weight sum, rec count]. */
  pairs: Map<number, [number, number, number]>;
  blockCount: number;
}

const LN2 = Math.log(2);

export function validateDlGraph(graph: DlGraph, weighted: boolean): void {
  const { n, edges } = graph;
  if (!Number.isInteger(n) || n < 0) throw new ValidationError('graph.n', `must be a non-negative integer, got ${String(n)}`);
  if (!(edges instanceof Int32Array) || edges.length % 2 !== 0) {
    throw new ValidationError('graph.edges', 'must be an Int32Array of node pairs (even length)');
  }
  for (let i = 0; i < edges.length; i++) {
    const v = edges[i]!;
    if (v < 0 || v >= n) throw new ValidationError(`graph.edges[${i}]`, `node ${v} is outside 0…${n - 1}`);
    if (i % 2 === 1 && v === edges[i - 1]) throw new ValidationError(`graph.edges[${i - 1}]`, `self-loop on node ${v} (not supported)`);
  }
  if (weighted) {
    const w = graph.weights;
    if (!(w instanceof Float64Array) || w.length !== edges.length / 2) {
      throw new ValidationError('graph.weights', `must be a Float64Array with one weight per edge (${edges.length / 2})`);
    }
    for (let e = 0; e < w.length; e++) {
      if (!(w[e]! > 0) || !Number.isFinite(w[e]!)) throw new ValidationError(`graph.weights[${e}]`, `must be a positive finite number, got ${w[e]}`);
    }
  }
}

function validateLabels(labels: ArrayLike<number>, size: number, field: string): number {
  if (labels.length !== size) throw new ValidationError(field, `has ${labels.length} labels, expected ${size}`);
  let max = -1;
  for (let i = 0; i < size; i++) {
    const b = labels[i]!;
    if (!Number.isInteger(b) || b < 0) throw new ValidationError(`${field}[${i}]`, `must be a non-negative integer, got ${b}`);
    if (b > max) max = b;
  }
  return max + 1;
}

/** ε of graph-tool's real-exponential terms: the smallest non-zero |weight| / 10. */
export function weightEpsilon(weights: Float64Array): number {
  let min = Number.POSITIVE_INFINITY;
  for (let e = 0; e < weights.length; e++) {
    const a = Math.abs(weights[e]!);
    if (a !== 0 && a < min) min = a;
  }
  return Number.isFinite(min) ? min / 10 : 0;
}

/** The partition term: ln C(N−1, B−1) + ln N! − Σ_r ln n_r! + ln N over non-empty blocks. */
export function partitionDl(sizes: ArrayLike<number>): number {
  let N = 0;
  let B = 0;
  let S = 0;
  for (let r = 0; r < sizes.length; r++) {
    const nr = sizes[r]!;
    if (nr > 0) {
      N += nr;
      B++;
      S -= lnFactorial(nr);
    }
  }
  if (N === 0) return 0;
  return S + lnBinomial(N - 1, B - 1) + lnFactorial(N) + Math.log(N);
}

/** The flat edge-count prior ln C(B(B+1)/2 + E − 1, E). */
export function edgesDl(blocks: number, edgeCount: number): number {
  return lnBinomial((blocks * (blocks + 1)) / 2 + edgeCount - 1, edgeCount);
}

/** Sparse exact adjacency term of one block pair (graph-tool's eterm_exact, undirected). */
export function pairTermSparse(r: number, s: number, m: number): number {
  return r === s ? -lnFactorial(m) - m * LN2 : -lnFactorial(m);
}

/** Dense multigraph term of one block pair of an upper level (eterm_dense, multigraph). */
export function pairTermDense(sameBlock: boolean, nr: number, ns: number, m: number): number {
  if (m === 0) return 0;
  const pairs = sameBlock ? (nr * (nr + 1)) / 2 : nr * ns;
  return lnBinomial(pairs + m - 1, m);
}

/** Level-0 block-pair statistics of a node partition. */
export function levelZeroPairs(graph: DlGraph, labels: ArrayLike<number>, blockCount: number, weighted: boolean): PairStats {
  const pairs = new Map<number, [number, number, number]>();
  const E = graph.edges.length / 2;
  for (let e = 0; e < E; e++) {
    let r = labels[graph.edges[2 * e]!]!;
    let s = labels[graph.edges[2 * e + 1]!]!;
    if (r > s) [r, s] = [s, r];
    const key = r * blockCount + s;
    let p = pairs.get(key);
    if (!p) pairs.set(key, (p = [0, 0, 0]));
    p[0] += 1;
    p[1] += weighted ? graph.weights![e]! : 0;
    p[2] += 1;
  }
  return { pairs, blockCount };
}

/** Aggregates the pairs of level l−1 (indexed by its blocks) into the blocks of level l. */
export function aggregatePairs(lower: PairStats, labels: ArrayLike<number>, blockCount: number): PairStats {
  const pairs = new Map<number, [number, number, number]>();
  for (const [key, [m, x]] of lower.pairs) {
    if (m === 0) continue;
    let R = labels[Math.floor(key / lower.blockCount)]!;
    let S = labels[key % lower.blockCount]!;
    if (R > S) [R, S] = [S, R];
    const k = R * blockCount + S;
    let p = pairs.get(k);
    if (!p) pairs.set(k, (p = [0, 0, 0]));
    p[0] += m;
    p[1] += x;
    p[2] += 1; // one "edge" of the lower block graph
  }
  return { pairs, blockCount };
}

/** Σ of the real-exponential terms over block pairs, and the totals term (recs_dl). */
function weightTerms(stats: PairStats, epsilon: number, withTotals: boolean): number {
  let S = 0;
  let nonEmpty = 0;
  let total = 0;
  for (const [, [m, x, count]] of stats.pairs) {
    if (count > 0) nonEmpty++;
    total += x;
    S -= positiveWeightsLogP(count, x, epsilon);
  }
  if (withTotals) S -= positiveWeightsLogP(nonEmpty, total, epsilon);
  return S;
}

/** Level-0 terms common to the flat and nested entropies (without the flat edges term). */
function levelZeroDl(graph: DlGraph, labels: ArrayLike<number>, B: number, opts: DlOptions, stats: PairStats): number {
  const { n, edges } = graph;
  const E = edges.length / 2;
  const sizes = new Float64Array(B);
  const ends = new Float64Array(B);
  const degree = new Int32Array(n);
  for (let i = 0; i < edges.length; i++) degree[edges[i]!]! += 1;
  for (let i = 0; i < n; i++) {
    sizes[labels[i]!]! += 1;
    ends[labels[i]!]! += degree[i]!;
  }
  let S = 0;
  for (const [key, [m]] of stats.pairs) S += pairTermSparse(Math.floor(key / B), key % B, m);
  for (let r = 0; r < B; r++) S += opts.degreeCorrected ? lnFactorial(ends[r]!) : ends[r]! * (sizes[r]! > 0 ? Math.log(sizes[r]!) : 0);
  S += parallelEdgeTerm(graph);
  S += partitionDl(sizes);
  if (opts.degreeCorrected) {
    for (let i = 0; i < n; i++) S -= lnFactorial(degree[i]!);
    const limit = graphToolQCacheLimit(n, E);
    const hist = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const key = labels[i]! * (2 * E + 1) + degree[i]!;
      hist.set(key, (hist.get(key) ?? 0) + 1);
    }
    for (let r = 0; r < B; r++) S += graphToolLogQ(ends[r]!, sizes[r]!, limit) + lnFactorial(sizes[r]!);
    for (const [, c] of hist) S -= lnFactorial(c);
  }
  if (opts.weighted) S += weightTerms(stats, weightEpsilon(graph.weights!), true);
  return S;
}

/** Σ_{i<j} ln A_ij! over node pairs joined by several edges (graph-tool's multigraph term). */
export function parallelEdgeTerm(graph: DlGraph): number {
  const { n, edges } = graph;
  const seen = new Map<number, number>();
  for (let e = 0; e < edges.length / 2; e++) {
    const u = Math.min(edges[2 * e]!, edges[2 * e + 1]!);
    const v = Math.max(edges[2 * e]!, edges[2 * e + 1]!);
    const key = u * n + v;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  let S = 0;
  for (const [, m] of seen) if (m > 1) S += lnFactorial(m);
  return S;
}

/** graph-tool's `BlockState(...).entropy()` of the node partition `labels`. */
export function flatDescriptionLength(graph: DlGraph, labels: ArrayLike<number>, opts: DlOptions): number {
  validateDlGraph(graph, opts.weighted);
  const B = validateLabels(labels, graph.n, 'labels');
  const stats = levelZeroPairs(graph, labels, B, opts.weighted);
  let nonEmpty = 0;
  const used = new Uint8Array(B);
  for (let i = 0; i < graph.n; i++) if (!used[labels[i]!]) { used[labels[i]!] = 1; nonEmpty++; }
  return levelZeroDl(graph, labels, B, opts, stats) + edgesDl(nonEmpty, graph.edges.length / 2);
}

/**
 * The terms of levels ≥ 1 of a hierarchy, given level 0's pair statistics and node counts per
 * level-0 block: Σ_l [dense pairs + partition (+ weights)] + the top's edges and weight totals.
 * `upper[j]` labels the blocks of level j (upper[0] labels level 0's blocks).
 */
export function upperLevelsDl(
  levelZero: PairStats,
  levelZeroSizes: ArrayLike<number>,
  upper: readonly ArrayLike<number>[],
  edgeCount: number,
  epsilon: number | null,
): number {
  let S = 0;
  let stats = levelZero;
  // Nodes of the current level: the blocks below, weighted 1 when non-empty.
  let nonEmpty = new Uint8Array(levelZero.blockCount);
  for (let r = 0; r < levelZero.blockCount; r++) nonEmpty[r] = levelZeroSizes[r]! > 0 ? 1 : 0;
  for (let l = 0; l < upper.length; l++) {
    const labels = upper[l]!;
    let B = 0;
    for (let r = 0; r < labels.length; r++) if (labels[r]! + 1 > B) B = labels[r]! + 1;
    const sizes = new Float64Array(B);
    for (let r = 0; r < labels.length; r++) if (nonEmpty[r]) sizes[labels[r]!]! += 1;
    const next = aggregatePairs(stats, labels, B);
    for (const [key, [m]] of next.pairs) {
      const R = Math.floor(key / B);
      const Sb = key % B;
      S += pairTermDense(R === Sb, sizes[R]!, sizes[Sb]!, m);
    }
    S += partitionDl(sizes);
    const top = l === upper.length - 1;
    if (epsilon !== null) S += weightTerms(next, epsilon, top);
    if (top) {
      let nb = 0;
      for (let r = 0; r < B; r++) if (sizes[r]! > 0) nb++;
      S += edgesDl(nb, edgeCount);
    }
    stats = next;
    nonEmpty = new Uint8Array(B);
    for (let r = 0; r < B; r++) nonEmpty[r] = sizes[r]! > 0 ? 1 : 0;
  }
  return S;
}

/**
 * graph-tool's `NestedBlockState(g, bs=levels, state_args=dict(deg_corr=…, recs=[w],
 * rec_types=["real-exponential"])).entropy()`. levels[0] labels the nodes, levels[l] the blocks of
 * level l−1 (length = 1 + the largest label of level l−1). At least two levels (graph-tool's
 * hierarchy always ends in one block; with one level the top terms apply to level 0's blocks).
 */
export function nestedDescriptionLength(graph: DlGraph, levels: readonly ArrayLike<number>[], opts: DlOptions): number {
  validateDlGraph(graph, opts.weighted);
  if (levels.length < 2) throw new ValidationError('levels', 'a nested hierarchy needs at least two levels');
  const B0 = validateLabels(levels[0]!, graph.n, 'levels[0]');
  let below = B0;
  for (let l = 1; l < levels.length; l++) below = validateLabels(levels[l]!, below, `levels[${l}]`);
  const stats = levelZeroPairs(graph, levels[0]!, B0, opts.weighted);
  const sizes = new Float64Array(B0);
  for (let i = 0; i < graph.n; i++) sizes[levels[0]![i]!]! += 1;
  const epsilon = opts.weighted ? weightEpsilon(graph.weights!) : null;
  return levelZeroDl(graph, levels[0]!, B0, opts, stats) + upperLevelsDl(stats, sizes, levels.slice(1), graph.edges.length / 2, epsilon);
}
