/**
 * Flat weighted stochastic block model fitted by minimum description length (MDL) — the first,
 * superseded community step, kept only for the earlier weighted-LFR comparison of issue #6
 * (evaluate.ts, `lfrBenchmark`). The NTF pipeline and `cajal ntf communities` use the nested
 * model of nested.ts instead, whose description length is graph-tool 2.45's (entropy/dl.ts,
 * checked against Debian's python3-graph-tool), as Dyballa et al. (ICLR 2024) use graph-tool's
 * `minimize_nested_blockmodel_dl(g, state_args=dict(recs=[w], rec_types=["real-exponential"]))`.
 * This module's code lengths are its own (the hyper-parameters below are not graph-tool's), written
 * from the papers' equations:
 *
 *   T. P. Peixoto, "Nonparametric Bayesian inference of the microcanonical stochastic block model",
 *     PRE 95, 012317 (2017)  — topology, priors on partition, edge counts and degrees;
 *   T. P. Peixoto, "Nonparametric weighted stochastic block models", PRE 97, 012306 (2018)
 *     — edge covariates ("real-exponential").
 *
 * Description length (nats) of a graph A with edge weights x under a partition b of N nodes into
 * B non-empty blocks of sizes n_r, with m_rs edges and weight sum x_rs between blocks r and s
 * (r = s: inside r), E edges in all:
 *
 *   Σ = −ln P(A | e, b[, k]) − ln P(e) − ln P(b) [− ln P(k | e, b)] − ln P(x | A, b)
 *
 * Partition prior (2017): choose B uniformly in 1…N, the sizes uniformly among the
 *   compositions of N into B parts, then the labelling uniformly given the sizes:
 *     −ln P(b) = ln N + ln C(N−1, B−1) + ln N! − Σ_r ln n_r!
 *
 * Edge-count prior (2017, the flat non-nested version): the B(B+1)/2 counts m_rs uniformly
 *   among the ways to distribute E edges:
 *     −ln P(e) = ln C(B(B+1)/2 + E − 1, E)
 *   The nested model of the paper replaces this with a hierarchy of such priors, which is cheaper
 *   when B is large (≳ √E). NOT IMPLEMENTED here: the affinity patterns we fit have few blocks, and
 *   the flat prior only makes large-B fits slightly more expensive (it errs towards fewer blocks).
 *
 * Topology, non-degree-corrected (NDC), two codes:
 *   'simple' (default). Our graphs are simple and usually dense (often complete), where the Poisson
 *   multigraph ensemble of the 2017 paper wastes most of its probability on multi-edges. This is
 *   the microcanonical ensemble of SIMPLE graphs with the given block-pair edge counts (each of the
 *   n_r n_s possible pairs equally likely to hold the m_rs edges; graph-tool's `dense=True`):
 *     −ln P(A | e, b) = Σ_{r<s} ln C(n_r n_s, m_rs) + Σ_r ln C(n_r(n_r−1)/2, m_rr)
 *   On a complete graph every term is ln C(k, k) = 0: the topology says nothing, as it should.
 *   'multigraph' (the 2017 paper's ensemble; graph-tool's default, `dense=False`):
 *     −ln P(A | e, b) = Σ_r e_r ln n_r − Σ_{r<s} ln e_rs! − Σ_r ln e_rr!!
 *   with e_rs the edge ends between r and s (e_rs = m_rs for r ≠ s, e_rr = 2 m_rr) and
 *   e_r = Σ_s e_rs (A_ij ∈ {0, 1} and no self-loops, so the multiplicity terms vanish).
 *   Measured: on a dense two-density planted graph (p_in 0.6, p_out 0.3, N = 120) the simple code
 *   recovers the partition (NMI 0.93) where the multigraph one barely does (0.64); on a complete
 *   graph it is ≈ E nats shorter.
 *
 * Topology, degree-corrected (DC). No closed form exists for simple graphs with given degrees, so
 *   this is always the microcanonical configuration multigraph of the 2017 paper:
 *     −ln P(A | k, e, b) = Σ_r ln e_r! − Σ_{r<s} ln e_rs! − Σ_r ln e_rr!! − Σ_i ln k_i!
 *   It is a valid but looser code for simple graphs; on dense graphs the simple NDC code therefore
 *   wins 'auto', which is also the right answer there (degrees of a near-complete graph carry
 *   almost no information). On sparse graphs with heterogeneous degrees the NDC fit instead splits
 *   communities into degree classes; pass degreeCorrected: true to fit communities of mixed
 *   degrees (on weighted LFR graphs, β = 1, μ_w = 0.25: NMI 0.96 forced vs 0.75 'auto').
 *   Degree prior (2017, the "distributed" hyperprior): per block a degree histogram η^r
 *   drawn uniformly among those of n_r nodes summing to e_r, then the degrees given the histogram:
 *     −ln P(k | e, b) = Σ_r [ ln q(e_r, n_r) + ln n_r! − Σ_k ln η^r_k! ]
 *   with q(m, n) the number of partitions of m into at most n parts (sbm-math.ts).
 *
 * Edge weights, "real-exponential" (2018): the m_rs weights between r and s
 *   are i.i.d. exponential with rate λ_rs; integrating λ_rs against its conjugate prior
 *   Gamma(α, β) (shape α, rate β) gives the closed form
 *     P(x_rs | m_rs) = Γ(m_rs + α) β^α / (Γ(α) (x_rs + β)^{m_rs + α})
 *   and −ln P(x | A, b) = Σ_{r≤s} −ln P(x_rs | m_rs) − E ln Δ.
 *   This is a density, so the weights are coded as fixed-point numbers of precision Δ: each edge
 *   adds −ln Δ, the same for every partition, which keeps Σ a true code length (positive) without
 *   affecting which partition wins.
 *   Hyper-parameters (ours; the paper's software uses its own defaults):
 *     α = 1 — an exponential prior on the rate, the maximum-entropy prior for a positive rate with
 *             a given mean;
 *     β = x̄, the mean edge weight of the whole graph — the prior mean of the rate is 1/x̄;
 *     Δ = 10⁻⁶ x̄ — six significant digits relative to the typical weight.
 *   With β and Δ proportional to x̄, multiplying every weight by a constant changes nothing: the
 *   affinities of an NTF component have an arbitrary scale. (Setting them from the data costs a
 *   constant number of bits to transmit x̄, identical for every partition, which we leave out.)
 *   In units of x̄ (y = x / x̄) one block pair's term is
 *     W(m, y) = (m + 1) ln(1 + y) − ln m! + m ln(1/Δ'),   Δ' = 10⁻⁶,   W(0, 0) = 0.
 *   Why this discriminates on complete graphs: a block pair whose weights have mean μ_rs costs
 *   about m_rs (ln μ_rs + 1) nats, so splitting nodes whose mean affinities differ saves
 *   ≈ m · KL(Exp(μ₁) ‖ Exp(μ₂)) nats, linear in the number of edges, while a block costs only
 *   O(N + B ln E) nats in the priors.
 *
 * Left out: the nested hierarchy (above), sampling at finite temperature, and layered/other weight
 * models. The total number of edges E and the mean weight x̄ are taken as known (a constant).
 *
 * Optimisation, in the spirit of graph-tool's minimize_blockmodel_dl: start from one block per node;
 * merge blocks agglomeratively (each block proposes merges, the best merges are made, B shrinks by a
 * factor 1.3 per round) with greedy node-move sweeps (zero-temperature Metropolis: move a node to the
 * candidate block that lowers Σ most) after each round; record Σ at every B down to B = 1; then
 * descend again through the bracket around the best B in finer steps (down to one merge at a
 * time), sweeping to convergence. Several seeded restarts; the lowest Σ wins. Node moves and merges are priced incrementally from the block-pair sums
 * (O(B) per candidate), never by recomputing Σ.
 */
import { ValidationError } from '../../../errors.js';
import { relabelByFirstAppearance } from './labels.js';
import { seededRandom, deriveSeed, randomInt, randomPermutation, type Random } from '../../../../shared/random.js';
import { lnFactorialTable, lnPartitionsAtMost } from './sbm-math.js';
import type { SbmResult, WeightedGraph } from './types.js';
import { validateWeightedGraph } from './validate.js';

export interface SbmOptions {
  /** Seed of all random choices; the result is a pure function of (graph, options). Default 1. */
  seed?: number;
  /** Degree-corrected model, or 'auto' (default): fit both and keep the lower description length. */
  degreeCorrected?: boolean | 'auto';
  /** Independent agglomerative searches per variant (default 3); the lowest Σ wins. */
  restarts?: number;
  /**
   * Topology code of the non-degree-corrected model (see the header): 'simple' (default) codes a
   * simple graph exactly and is the shorter code; 'multigraph' is graph-tool's default
   * (dense=False) ensemble, to reproduce its behaviour.
   */
  ensemble?: 'multigraph' | 'simple';
  /** Largest number of blocks to return (default: no limit). */
  maxBlocks?: number;
  /** Called between sweeps and merge rounds; may throw to cancel the fit. */
  shouldStop?: () => void;
}

/** Weight precision relative to the mean edge weight (Δ' above). */
const RELATIVE_WEIGHT_PRECISION = 1e-6;
/** B shrinks by this factor per agglomerative merge round (about 20 rounds from N = 150 to 1). */
const MERGE_SHRINK = 1.3;
/** Up to this many blocks every block is a move candidate; above, candidates are sampled. */
const EXHAUSTIVE_MOVE_LIMIT = 32;
/** Up to this many blocks every pair of blocks is a merge candidate (O(B³) per round). */
const EXHAUSTIVE_MERGE_LIMIT = 48;
/** Sampled candidates per node move / per block merge above the exhaustive limits. */
const MOVE_PROPOSALS = 12;
const MERGE_PROPOSALS = 16;
/** Node sweeps after a merge round stop at a sweep without moves, or after this many. */
const MAX_SWEEPS = 20;
/**
 * During the coarse descent at most this many: the stages there only locate the bracket of B, and
 * the long tails of small gains (measured: 9 sweeps gaining 0.4–16 nats each at B = 27 on an LFR
 * graph with N = 125) are paid in full where it matters, in the refinement around the best B.
 * Measured on 9 LFR and planted graphs: the same final Σ as unlimited sweeps, 30% less time.
 */
const COARSE_SWEEPS = 3;
/**
 * Above EXHAUSTIVE_MOVE_LIMIT blocks, one sweep per merge round: measured on LFR and planted graphs,
 * more sweeps there cost 1.5× the time and did not lower the final Σ (the next round reshuffles
 * the blocks anyway).
 */
const LARGE_B_SWEEPS = 1;
/** The refinement around the best B takes at most this many merge rounds. */
const REFINE_ROUNDS = 6;
/** A move must lower Σ by more than this (nats) so that round-off cannot make it cycle. */
const MOVE_TOLERANCE = 1e-9;
/** Up to EXHAUSTIVE_MOVE_LIMIT blocks, sweeps run until one gains less than this (nats): converged. */
const SWEEP_CONVERGED = 1e-6;
/** Starting from singletons costs O(N³) in the first rounds; above this, start from random blocks. */
const INITIAL_BLOCK_CAP = 512;

/** Which description length: degree correction, and for NDC the topology ensemble. */
export interface SbmModel {
  degreeCorrected: boolean;
  /** Simple-graph (binomial, "dense") ensemble instead of the multigraph one; NDC only. */
  simpleGraph: boolean;
}

/** The graph in the form the fit needs: CSR adjacency of the edges (w > 0) in units of the mean weight. */
export class SbmGraph {
  readonly n: number;
  readonly edgeCount: number;
  /** CSR: neighbours of i are adjIndex[adjStart[i] … adjStart[i+1]). */
  readonly adjStart: Int32Array;
  readonly adjIndex: Int32Array;
  /** Edge weight / mean edge weight, aligned with adjIndex. */
  readonly adjWeight: Float64Array;
  /** Running sums of adjWeight per row, to sample a neighbour with probability ∝ weight. */
  readonly adjCumulative: Float64Array;
  readonly degree: Int32Array;
  readonly maxDegree: number;
  readonly meanWeight: number;
  /** ln k! for every count that can occur (all are ≤ N²). */
  readonly lnf: Float64Array;
  /** −ln Δ' per edge. */
  readonly lnInversePrecision = -Math.log(RELATIVE_WEIGHT_PRECISION);
  /** Σ_i ln k_i!, the constant of the DC likelihood. */
  readonly lnDegreeFactorials: number;
  private readonly partitionCache = new Map<number, number>();

  constructor(graph: WeightedGraph) {
    const n = graph.nodeCount;
    const w = graph.weights;
    this.n = n;
    const degree = new Int32Array(n);
    let edges = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const v = w[i * n + j]!;
        if (v > 0) {
          degree[i]!++;
          degree[j]!++;
          edges++;
          total += v;
        }
      }
    }
    this.edgeCount = edges;
    this.degree = degree;
    this.meanWeight = edges > 0 ? total / edges : 1;
    const start = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) start[i + 1] = start[i]! + degree[i]!;
    const index = new Int32Array(2 * edges);
    const weight = new Float64Array(2 * edges);
    const cumulative = new Float64Array(2 * edges);
    let maxDegree = 0;
    let lnDegreeFactorials = 0;
    this.lnf = lnFactorialTable(n * n + n + 2);
    for (let i = 0; i < n; i++) {
      let p = start[i]!;
      let running = 0;
      for (let j = 0; j < n; j++) {
        // Read the upper triangle only: validation allowed round-off asymmetry, and one source
        // of truth keeps every sum exactly symmetric.
        const v = i < j ? w[i * n + j]! : w[j * n + i]!;
        if (i === j || !(v > 0)) continue;
        index[p] = j;
        const y = v / this.meanWeight;
        weight[p] = y;
        running += y;
        cumulative[p] = running;
        p++;
      }
      maxDegree = Math.max(maxDegree, degree[i]!);
      lnDegreeFactorials += this.lnf[degree[i]!]!;
    }
    this.adjStart = start;
    this.adjIndex = index;
    this.adjWeight = weight;
    this.adjCumulative = cumulative;
    this.maxDegree = maxDegree;
    this.lnDegreeFactorials = lnDegreeFactorials;
  }

  lnBinomial(a: number, b: number): number {
    const lnf = this.lnf;
    return lnf[a]! - lnf[b]! - lnf[a - b]!;
  }

  /** ln q(m, n), memoised: sweeps ask for the same (e_r ± k_i, n_r ± 1) pairs again and again. */
  lnPartitions(m: number, n: number): number {
    if (m <= 0 || n <= 1) return m <= 0 || n === 1 ? 0 : Number.NEGATIVE_INFINITY;
    const key = m * (this.n + 1) + n;
    let value = this.partitionCache.get(key);
    if (value === undefined) {
      value = lnPartitionsAtMost(m, n);
      this.partitionCache.set(key, value);
    }
    return value;
  }

  /** Terms of Σ that depend only on B: the partition and edge-count priors (and the DC constant). */
  globalTerm(blockCount: number, model: SbmModel): number {
    const n = this.n;
    const pairs = (blockCount * (blockCount + 1)) / 2;
    let value =
      Math.log(n) +
      this.lnBinomial(n - 1, blockCount - 1) +
      this.lnf[n]! +
      this.lnBinomial(pairs + this.edgeCount - 1, this.edgeCount);
    if (model.degreeCorrected) value -= this.lnDegreeFactorials;
    return value;
  }

  /** Σ's terms for one block pair (r ≤ s): topology given the edge count, and the weights W(m, y). */
  pairTerm(edges: number, weight: number, sizeA: number, sizeB: number, same: boolean, model: SbmModel): number {
    const lnf = this.lnf;
    let value = 0;
    if (edges > 0) value = (edges + 1) * Math.log1p(weight) - lnf[edges]! + edges * this.lnInversePrecision;
    if (model.simpleGraph) {
      const possible = same ? (sizeA * (sizeA - 1)) / 2 : sizeA * sizeB;
      value += lnf[possible]! - lnf[edges]! - lnf[possible - edges]!;
    } else {
      value -= lnf[edges]!;
      if (same) value -= edges * Math.LN2; // e_rr!! = (2m)!! = 2^m m!
    }
    return value;
  }

  /** Σ's terms for one block: −ln n_r! (NDC), or ln e_r! + ln q(e_r, n_r) − Σ_k ln η_k! (DC). */
  blockTerm(size: number, degreeSum: number, histogramTerm: number, model: SbmModel): number {
    if (model.degreeCorrected) return this.lnf[degreeSum]! + this.lnPartitions(degreeSum, size) - histogramTerm;
    if (model.simpleGraph || size === 0) return -this.lnf[size]!;
    return degreeSum * Math.log(size) - this.lnf[size]!;
  }

  /** A neighbour of i drawn with probability ∝ edge weight (−1 for an isolated node). */
  sampleNeighbour(i: number, rng: Random): number {
    const lo0 = this.adjStart[i]!;
    const hi0 = this.adjStart[i + 1]!;
    if (hi0 === lo0) return -1;
    const target = rng() * this.adjCumulative[hi0 - 1]!;
    let lo = lo0;
    let hi = hi0 - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.adjCumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.adjIndex[lo]!;
  }
}

/**
 * Σ of a partition computed from scratch (no incremental state): the reference that the
 * incremental bookkeeping is tested against, and the value reported for the final partition.
 */
export function descriptionLengthOf(g: SbmGraph, labels: ArrayLike<number>, model: SbmModel): number {
  const { blocks, count } = relabelByFirstAppearance(labels);
  if (g.n === 0) return 0;
  const size = new Float64Array(count);
  const degreeSum = new Float64Array(count);
  const edges = new Float64Array(count * count);
  const weight = new Float64Array(count * count);
  const histograms = new Map<number, number>();
  for (let i = 0; i < g.n; i++) {
    const r = blocks[i]!;
    size[r]!++;
    degreeSum[r]! += g.degree[i]!;
    const key = r * (g.maxDegree + 1) + g.degree[i]!;
    histograms.set(key, (histograms.get(key) ?? 0) + 1);
    for (let p = g.adjStart[i]!; p < g.adjStart[i + 1]!; p++) {
      const j = g.adjIndex[p]!;
      if (j < i) continue;
      const s = blocks[j]!;
      const lo = Math.min(r, s);
      const hi = Math.max(r, s);
      edges[lo * count + hi]!++;
      weight[lo * count + hi]! += g.adjWeight[p]!;
    }
  }
  const histogramTerm = new Float64Array(count);
  for (const [key, c] of histograms) histogramTerm[Math.floor(key / (g.maxDegree + 1))]! += g.lnf[c]!;
  let total = g.globalTerm(count, model);
  for (let r = 0; r < count; r++) {
    total += g.blockTerm(size[r]!, degreeSum[r]!, histogramTerm[r]!, model);
    for (let s = r; s < count; s++) {
      total += g.pairTerm(edges[r * count + s]!, weight[r * count + s]!, size[r]!, size[s]!, r === s, model);
    }
  }
  return total;
}

/**
 * The incremental state of one fit: block sizes, block-pair edge counts and weight sums, degree
 * histograms (DC), and a cache of every pair and block term so that a candidate move is priced by
 * recomputing only the O(B) terms it changes.
 */
export class BlockState {
  readonly g: SbmGraph;
  readonly model: SbmModel;
  readonly dc: boolean;
  /** Pair terms independent of block sizes (multigraph ensembles): untouched pairs cannot change. */
  readonly sizeFreePairs: boolean;
  readonly cap: number;
  readonly blockOf: Int32Array;
  readonly size: Int32Array;
  /** cap × cap, symmetric; [r, r] counts the edges inside r once. */
  readonly edges: Int32Array;
  readonly weight: Float64Array;
  readonly pairCache: Float64Array;
  readonly blockCache: Float64Array;
  readonly degreeSum: Int32Array;
  /** cap × (maxDegree + 1) degree histograms, and Σ_k ln η_k! per block (DC only). */
  readonly histogram: Int32Array;
  readonly histogramTerm: Float64Array;
  /** Non-empty blocks, in no particular order; activePos[r] is r's index in it. */
  readonly active: Int32Array;
  readonly activePos: Int32Array;
  blockCount = 0;
  total = 0;
  /** Scratch: node i's edge count and weight to each block (valid after nodeStats(i)). */
  private readonly toEdges: Int32Array;
  private readonly toWeight: Float64Array;
  /** Scratch: ΔΣ of pair (r, t) when node i leaves r (after nodeStats(i)), and their sum with (r, r). */
  private readonly leaveDelta: Float64Array;
  private leaveTotal = 0;
  private readonly stamp: Int32Array;
  private stampValue = 0;
  private readonly degreeStamp: Int32Array;
  private degreeStampValue = 0;

  constructor(g: SbmGraph, model: SbmModel, labels: Int32Array) {
    this.g = g;
    this.model = model;
    const degreeCorrected = model.degreeCorrected;
    this.dc = degreeCorrected;
    this.sizeFreePairs = !model.simpleGraph;
    let cap = 0;
    for (let i = 0; i < labels.length; i++) cap = Math.max(cap, labels[i]! + 1);
    this.cap = cap;
    this.blockOf = Int32Array.from(labels);
    this.size = new Int32Array(cap);
    this.edges = new Int32Array(cap * cap);
    this.weight = new Float64Array(cap * cap);
    this.pairCache = new Float64Array(cap * cap);
    this.blockCache = new Float64Array(cap);
    this.degreeSum = new Int32Array(cap);
    const stride = g.maxDegree + 1;
    this.histogram = new Int32Array(degreeCorrected ? cap * stride : 0);
    this.histogramTerm = new Float64Array(cap);
    this.active = new Int32Array(cap);
    this.activePos = new Int32Array(cap).fill(-1);
    this.toEdges = new Int32Array(cap);
    this.toWeight = new Float64Array(cap);
    this.leaveDelta = new Float64Array(cap);
    this.stamp = new Int32Array(cap);
    this.degreeStamp = new Int32Array(stride);
    for (let i = 0; i < g.n; i++) {
      const r = labels[i]!;
      this.size[r]!++;
      this.degreeSum[r]! += g.degree[i]!;
      if (degreeCorrected) this.histogram[r * stride + g.degree[i]!]!++;
      for (let p = g.adjStart[i]!; p < g.adjStart[i + 1]!; p++) {
        const j = g.adjIndex[p]!;
        if (j < i) continue;
        const s = labels[j]!;
        this.edges[r * cap + s]!++;
        this.weight[r * cap + s]! += g.adjWeight[p]!;
        if (r !== s) {
          this.edges[s * cap + r]!++;
          this.weight[s * cap + r]! += g.adjWeight[p]!;
        }
      }
    }
    for (let r = 0; r < cap; r++) {
      if (this.size[r]! > 0) {
        this.activePos[r] = this.blockCount;
        this.active[this.blockCount++] = r;
      }
      if (degreeCorrected) {
        let term = 0;
        for (let k = 0; k < stride; k++) term += g.lnf[this.histogram[r * stride + k]!]!;
        this.histogramTerm[r] = term;
      }
    }
    for (let a = 0; a < this.blockCount; a++) {
      const r = this.active[a]!;
      this.refreshBlock(r);
      for (let b = a; b < this.blockCount; b++) this.refreshPair(r, this.active[b]!);
    }
    this.recomputeTotal();
  }

  private refreshPair(r: number, s: number): void {
    const cap = this.cap;
    const value = this.g.pairTerm(this.edges[r * cap + s]!, this.weight[r * cap + s]!, this.size[r]!, this.size[s]!, r === s, this.model);
    this.pairCache[r * cap + s] = value;
    this.pairCache[s * cap + r] = value;
  }

  private refreshBlock(r: number): void {
    this.blockCache[r] = this.g.blockTerm(this.size[r]!, this.degreeSum[r]!, this.histogramTerm[r]!, this.model);
  }

  /** Σ from the cached terms (O(B²)); called after each sweep and merge round to shed round-off drift. */
  recomputeTotal(): number {
    let total = this.g.globalTerm(this.blockCount, this.model);
    const cap = this.cap;
    for (let a = 0; a < this.blockCount; a++) {
      const r = this.active[a]!;
      total += this.blockCache[r]!;
      for (let b = a; b < this.blockCount; b++) total += this.pairCache[r * cap + this.active[b]!]!;
    }
    this.total = total;
    return total;
  }

  private deactivate(r: number): void {
    const pos = this.activePos[r]!;
    const last = this.active[this.blockCount - 1]!;
    this.active[pos] = last;
    this.activePos[last] = pos;
    this.activePos[r] = -1;
    this.blockCount--;
  }

  /**
   * Loads node i for pricing moves: its edge count and weight to every active block, and the part of
   * every move's ΔΣ that does not depend on the destination — the change of each pair term (r, t)
   * and of (r, r) when i leaves its block r. A candidate then costs one pass over the blocks for
   * its own side instead of two.
   */
  nodeStats(i: number): void {
    const toEdges = this.toEdges;
    const toWeight = this.toWeight;
    for (let a = 0; a < this.blockCount; a++) {
      const t = this.active[a]!;
      toEdges[t] = 0;
      toWeight[t] = 0;
    }
    const g = this.g;
    const blockOf = this.blockOf;
    for (let p = g.adjStart[i]!; p < g.adjStart[i + 1]!; p++) {
      const t = blockOf[g.adjIndex[p]!]!;
      toEdges[t]!++;
      toWeight[t]! += g.adjWeight[p]!;
    }
    const cap = this.cap;
    const model = this.model;
    const sizeFree = this.sizeFreePairs;
    const r = blockOf[i]!;
    const newSizeR = this.size[r]! - 1;
    const leave = this.leaveDelta;
    let leaveTotal = 0;
    for (let a = 0; a < this.blockCount; a++) {
      const t = this.active[a]!;
      const d = toEdges[t]!;
      // Multigraph pair terms do not depend on block sizes: pairs i has no edge into cannot change.
      if (t === r || (sizeFree && d === 0)) {
        leave[t] = 0;
        continue;
      }
      const mr = this.edges[r * cap + t]! - d;
      const value =
        this.g.pairTerm(mr, mr === 0 ? 0 : this.weight[r * cap + t]! - toWeight[t]!, newSizeR, this.size[t]!, false, model) -
        this.pairCache[r * cap + t]!;
      leave[t] = value;
      leaveTotal += value;
    }
    const mrr = this.edges[r * cap + r]! - toEdges[r]!;
    leaveTotal +=
      g.pairTerm(mrr, mrr === 0 ? 0 : this.weight[r * cap + r]! - toWeight[r]!, newSizeR, newSizeR, true, model) - this.pairCache[r * cap + r]!;
    this.leaveTotal = leaveTotal;
  }

  /** Change of Σ if node i (loaded by nodeStats) moves from its block r to active block s ≠ r. */
  moveDelta(i: number, s: number): number {
    const g = this.g;
    const cap = this.cap;
    const model = this.model;
    const sizeFree = this.sizeFreePairs;
    const r = this.blockOf[i]!;
    const edges = this.edges;
    const weight = this.weight;
    const cache = this.pairCache;
    const toEdges = this.toEdges;
    const toWeight = this.toWeight;
    const newSizeR = this.size[r]! - 1;
    const newSizeS = this.size[s]! + 1;
    // (r, s) is priced below with both ends changing, so take it out of the hoisted sum.
    let delta = this.leaveTotal - this.leaveDelta[s]!;
    const rowS = s * cap;
    for (let a = 0; a < this.blockCount; a++) {
      const t = this.active[a]!;
      if (t === r || t === s) continue;
      const d = toEdges[t]!;
      if (sizeFree && d === 0) continue;
      delta += g.pairTerm(edges[rowS + t]! + d, weight[rowS + t]! + toWeight[t]!, newSizeS, this.size[t]!, false, model) - cache[rowS + t]!;
    }
    const dr = toEdges[r]!;
    const ds = toEdges[s]!;
    const xr = toWeight[r]!;
    const xs = toWeight[s]!;
    const mss = edges[s * cap + s]! + ds;
    const mrs = edges[r * cap + s]! + dr - ds;
    delta += g.pairTerm(mss, weight[s * cap + s]! + xs, newSizeS, newSizeS, true, model) - cache[s * cap + s]!;
    delta += g.pairTerm(mrs, mrs === 0 ? 0 : weight[r * cap + s]! + xr - xs, newSizeR, newSizeS, false, model) - cache[r * cap + s]!;
    const k = g.degree[i]!;
    if (model.degreeCorrected) {
      const stride = g.maxDegree + 1;
      const etaR = this.histogram[r * stride + k]!;
      const etaS = this.histogram[s * stride + k]!;
      delta += g.blockTerm(newSizeR, this.degreeSum[r]! - k, this.histogramTerm[r]! - Math.log(etaR), model) - this.blockCache[r]!;
      delta += g.blockTerm(newSizeS, this.degreeSum[s]! + k, this.histogramTerm[s]! + Math.log(etaS + 1), model) - this.blockCache[s]!;
    } else {
      delta += g.blockTerm(newSizeR, this.degreeSum[r]! - k, 0, model) - this.blockCache[r]!;
      delta += g.blockTerm(newSizeS, this.degreeSum[s]! + k, 0, model) - this.blockCache[s]!;
    }
    if (newSizeR === 0) delta += g.globalTerm(this.blockCount - 1, model) - g.globalTerm(this.blockCount, model);
    return delta;
  }

  /** Moves node i (stats loaded by nodeStats) to active block s and updates every cache. */
  applyMove(i: number, s: number, delta: number): void {
    const g = this.g;
    const cap = this.cap;
    const r = this.blockOf[i]!;
    const edges = this.edges;
    const weight = this.weight;
    for (let a = 0; a < this.blockCount; a++) {
      const t = this.active[a]!;
      if (t === r || t === s) continue;
      const d = this.toEdges[t]!;
      if (d === 0) continue;
      const x = this.toWeight[t]!;
      const mr = edges[r * cap + t]! - d;
      edges[r * cap + t] = mr;
      edges[t * cap + r] = mr;
      const wr = mr === 0 ? 0 : weight[r * cap + t]! - x;
      weight[r * cap + t] = wr;
      weight[t * cap + r] = wr;
      edges[s * cap + t]! += d;
      edges[t * cap + s]! += d;
      weight[s * cap + t]! += x;
      weight[t * cap + s]! += x;
    }
    const dr = this.toEdges[r]!;
    const ds = this.toEdges[s]!;
    const xr = this.toWeight[r]!;
    const xs = this.toWeight[s]!;
    edges[r * cap + r]! -= dr;
    if (edges[r * cap + r] === 0) weight[r * cap + r] = 0;
    else weight[r * cap + r]! -= xr;
    edges[s * cap + s]! += ds;
    weight[s * cap + s]! += xs;
    const mrs = edges[r * cap + s]! + dr - ds;
    const wrs = mrs === 0 ? 0 : weight[r * cap + s]! + xr - xs;
    edges[r * cap + s] = mrs;
    edges[s * cap + r] = mrs;
    weight[r * cap + s] = wrs;
    weight[s * cap + r] = wrs;
    this.size[r]!--;
    this.size[s]!++;
    const k = g.degree[i]!;
    this.degreeSum[r]! -= k;
    this.degreeSum[s]! += k;
    if (this.dc) {
      const stride = g.maxDegree + 1;
      this.histogramTerm[r]! -= Math.log(this.histogram[r * stride + k]!);
      this.histogram[r * stride + k]!--;
      this.histogram[s * stride + k]!++;
      this.histogramTerm[s]! += Math.log(this.histogram[s * stride + k]!);
      if (this.size[r] === 0) this.histogramTerm[r] = 0;
    }
    this.blockOf[i] = s;
    const emptied = this.size[r] === 0;
    if (emptied) this.deactivate(r);
    for (let a = 0; a < this.blockCount; a++) {
      const t = this.active[a]!;
      if (!emptied) this.refreshPair(r, t);
      this.refreshPair(s, t);
    }
    if (emptied) {
      for (let t = 0; t < cap; t++) {
        this.pairCache[r * cap + t] = 0;
        this.pairCache[t * cap + r] = 0;
      }
    }
    this.refreshBlock(r);
    this.refreshBlock(s);
    this.total += delta;
  }

  /**
   * Change of Σ if all of block r joins block s. `membersOfR` lists r's nodes (for the DC degree
   * histograms; unused otherwise).
   */
  mergeDelta(r: number, s: number, membersOfR: ArrayLike<number>): number {
    const g = this.g;
    const cap = this.cap;
    const dc = this.dc;
    const model = this.model;
    const edges = this.edges;
    const weight = this.weight;
    const cache = this.pairCache;
    const newSize = this.size[r]! + this.size[s]!;
    let delta = 0;
    for (let a = 0; a < this.blockCount; a++) {
      const t = this.active[a]!;
      if (t === r || t === s) continue;
      const mr = edges[r * cap + t]!;
      if (this.sizeFreePairs && mr === 0) continue;
      delta +=
        g.pairTerm(edges[s * cap + t]! + mr, weight[s * cap + t]! + weight[r * cap + t]!, newSize, this.size[t]!, false, model) -
        cache[s * cap + t]! -
        cache[r * cap + t]!;
    }
    delta +=
      g.pairTerm(
        edges[s * cap + s]! + edges[r * cap + r]! + edges[r * cap + s]!,
        weight[s * cap + s]! + weight[r * cap + r]! + weight[r * cap + s]!,
        newSize,
        newSize,
        true,
        model,
      ) -
      cache[s * cap + s]! -
      cache[r * cap + r]! -
      cache[r * cap + s]!;
    let histogramTerm = 0;
    if (dc) {
      // Σ_k ln(η^r_k + η^s_k)! − ln η^r_k! − ln η^s_k! over the degrees present in r.
      const stride = g.maxDegree + 1;
      const stamp = ++this.degreeStampValue;
      histogramTerm = this.histogramTerm[r]! + this.histogramTerm[s]!;
      for (let p = 0; p < membersOfR.length; p++) {
        const k = g.degree[membersOfR[p]!]!;
        if (this.degreeStamp[k] === stamp) continue;
        this.degreeStamp[k] = stamp;
        const a = this.histogram[r * stride + k]!;
        const b = this.histogram[s * stride + k]!;
        histogramTerm += g.lnf[a + b]! - g.lnf[a]! - g.lnf[b]!;
      }
    }
    delta +=
      g.blockTerm(newSize, this.degreeSum[r]! + this.degreeSum[s]!, histogramTerm, model) - this.blockCache[r]! - this.blockCache[s]!;
    delta += g.globalTerm(this.blockCount - 1, model) - g.globalTerm(this.blockCount, model);
    return delta;
  }

  /** Merges block r into block s (both active). */
  applyMerge(r: number, s: number): void {
    const g = this.g;
    const cap = this.cap;
    const edges = this.edges;
    const weight = this.weight;
    for (let a = 0; a < this.blockCount; a++) {
      const t = this.active[a]!;
      if (t === r || t === s) continue;
      const mr = edges[r * cap + t]!;
      if (mr === 0) continue;
      edges[s * cap + t]! += mr;
      edges[t * cap + s]! += mr;
      weight[s * cap + t]! += weight[r * cap + t]!;
      weight[t * cap + s]! += weight[r * cap + t]!;
    }
    edges[s * cap + s]! += edges[r * cap + r]! + edges[r * cap + s]!;
    weight[s * cap + s]! += weight[r * cap + r]! + weight[r * cap + s]!;
    for (let t = 0; t < cap; t++) {
      edges[r * cap + t] = 0;
      edges[t * cap + r] = 0;
      weight[r * cap + t] = 0;
      weight[t * cap + r] = 0;
      this.pairCache[r * cap + t] = 0;
      this.pairCache[t * cap + r] = 0;
    }
    this.size[s]! += this.size[r]!;
    this.size[r] = 0;
    this.degreeSum[s]! += this.degreeSum[r]!;
    this.degreeSum[r] = 0;
    if (this.dc) {
      const stride = g.maxDegree + 1;
      let term = 0;
      for (let k = 0; k < stride; k++) {
        const c = this.histogram[s * stride + k]! + this.histogram[r * stride + k]!;
        this.histogram[s * stride + k] = c;
        this.histogram[r * stride + k] = 0;
        term += g.lnf[c]!;
      }
      this.histogramTerm[s] = term;
      this.histogramTerm[r] = 0;
    }
    for (let i = 0; i < g.n; i++) if (this.blockOf[i] === r) this.blockOf[i] = s;
    this.deactivate(r);
    for (let a = 0; a < this.blockCount; a++) this.refreshPair(s, this.active[a]!);
    this.refreshBlock(r);
    this.refreshBlock(s);
  }

  /**
   * A candidate block for a node `from`, by one of three proposal kinds (cycled by the caller):
   * 0 — the block of a neighbour drawn ∝ weight (right for assortative structure);
   * 1 — the block of a neighbour's neighbour (nodes sharing neighbours; right for disassortative
   *     structure too);
   * 2 — a uniformly random block (graph-tool's ε-mixing: keeps every block reachable).
   */
  private proposeBlock(from: number, kind: number, rng: Random): number {
    const j = kind < 2 ? this.g.sampleNeighbour(from, rng) : -1;
    if (j < 0) return this.active[randomInt(rng, this.blockCount)]!;
    if (kind === 0) return this.blockOf[j]!;
    const j2 = this.g.sampleNeighbour(j, rng);
    return this.blockOf[j2 < 0 ? j : j2]!;
  }

  /** Up to `attempts` distinct proposed blocks other than `exclude`, each from a random node of `sources`. */
  private proposeBlocks(sources: ArrayLike<number>, exclude: number, attempts: number, rng: Random, out: Int32Array): number {
    const stamp = ++this.stampValue;
    this.stamp[exclude] = stamp;
    let found = 0;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const from = sources.length === 1 ? sources[0]! : sources[randomInt(rng, sources.length)]!;
      const t = this.proposeBlock(from, attempt % 3, rng);
      if (this.stamp[t] === stamp) continue;
      this.stamp[t] = stamp;
      out[found++] = t;
    }
    return found;
  }

  /**
   * One zero-temperature sweep: every node in random order moves to the candidate block that lowers
   * Σ most, if any. Returns the decrease of Σ.
   */
  sweep(rng: Random): number {
    const n = this.g.n;
    const order = randomPermutation(n, rng);
    const candidates = new Int32Array(Math.max(MOVE_PROPOSALS, this.cap));
    const single = new Int32Array(1);
    const before = this.total;
    for (let o = 0; o < n; o++) {
      const i = order[o]!;
      const r = this.blockOf[i]!;
      let count: number;
      if (this.blockCount <= EXHAUSTIVE_MOVE_LIMIT) {
        count = 0;
        for (let a = 0; a < this.blockCount; a++) {
          const t = this.active[a]!;
          if (t !== r) candidates[count++] = t;
        }
      } else {
        single[0] = i;
        count = this.proposeBlocks(single, r, MOVE_PROPOSALS, rng, candidates);
      }
      if (count === 0) continue;
      this.nodeStats(i);
      let best = -MOVE_TOLERANCE;
      let target = -1;
      for (let c = 0; c < count; c++) {
        const s = candidates[c]!;
        const delta = this.moveDelta(i, s);
        if (delta < best) {
          best = delta;
          target = s;
        }
      }
      if (target >= 0) this.applyMove(i, target, best);
    }
    this.recomputeTotal();
    return before - this.total;
  }

  /**
   * One agglomerative round: each block finds its best merge partner; merges are made best first
   * until `targetBlocks` remain. Partners already merged away are followed to where they went.
   */
  mergeRound(targetBlocks: number, rng: Random): void {
    const g = this.g;
    const cap = this.cap;
    // Members of each block, for member-based proposals and the DC histogram deltas.
    const start = new Int32Array(cap + 1);
    for (let i = 0; i < g.n; i++) start[this.blockOf[i]! + 1]!++;
    for (let r = 0; r < cap; r++) start[r + 1]! += start[r]!;
    const members = new Int32Array(g.n);
    const fill = start.slice(0, cap);
    for (let i = 0; i < g.n; i++) members[fill[this.blockOf[i]!]!++] = i;

    const blocks = this.active.slice(0, this.blockCount);
    const partner = new Int32Array(cap).fill(-1);
    const gain = new Float64Array(cap).fill(Number.POSITIVE_INFINITY);
    const candidates = new Int32Array(Math.max(MERGE_PROPOSALS, cap));
    for (const r of blocks) {
      const own = members.subarray(start[r]!, start[r + 1]!);
      let count = 0;
      if (this.blockCount <= EXHAUSTIVE_MERGE_LIMIT) {
        for (const t of blocks) if (t !== r) candidates[count++] = t;
      } else {
        count = this.proposeBlocks(own, r, MERGE_PROPOSALS, rng, candidates);
      }
      for (let c = 0; c < count; c++) {
        const s = candidates[c]!;
        const delta = this.mergeDelta(r, s, own);
        if (delta < gain[r]!) {
          gain[r] = delta;
          partner[r] = s;
        }
      }
    }
    const order = Array.from(blocks).sort((a, b) => gain[a]! - gain[b]! || a - b);
    const mergedInto = new Int32Array(cap).fill(-1);
    const find = (x: number): number => {
      while (mergedInto[x]! >= 0) x = mergedInto[x]!;
      return x;
    };
    for (const r0 of order) {
      if (this.blockCount <= targetBlocks) break;
      const s0 = partner[r0]!;
      if (s0 < 0) continue;
      const r = find(r0);
      const s = find(s0);
      if (r === s) continue;
      this.applyMerge(r, s);
      mergedInto[r] = s;
    }
    this.recomputeTotal();
  }
}

interface Snapshot {
  blockCount: number;
  total: number;
  labels: Int32Array;
}

function snapshot(state: BlockState): Snapshot {
  return { blockCount: state.blockCount, total: state.total, labels: relabelByFirstAppearance(state.blockOf).blocks };
}

function runSweeps(state: BlockState, rng: Random, maxSweeps: number, shouldStop: (() => void) | undefined): void {
  for (let k = 0; k < maxSweeps; k++) {
    shouldStop?.();
    const large = state.blockCount > EXHAUSTIVE_MOVE_LIMIT;
    const gain = state.sweep(rng);
    if (gain < SWEEP_CONVERGED || (large && k + 1 >= LARGE_B_SWEEPS)) break;
  }
}

/** One agglomerative search (one restart of one variant): the lowest-Σ partition it visits. */
function agglomerativeSearch(
  g: SbmGraph,
  model: SbmModel,
  rng: Random,
  maxBlocks: number,
  shouldStop: (() => void) | undefined,
): Snapshot {
  let initial: Int32Array;
  if (g.n <= INITIAL_BLOCK_CAP) {
    initial = new Int32Array(g.n);
    for (let i = 0; i < g.n; i++) initial[i] = i;
  } else {
    // Random balanced blocks, then sweeps sort the nodes before the merges begin.
    const order = randomPermutation(g.n, rng);
    initial = new Int32Array(g.n);
    for (let p = 0; p < g.n; p++) initial[order[p]!] = p % INITIAL_BLOCK_CAP;
  }
  let state = new BlockState(g, model, initial);
  if (g.n > INITIAL_BLOCK_CAP) runSweeps(state, rng, COARSE_SWEEPS, shouldStop);
  const stages: Snapshot[] = [snapshot(state)];
  while (state.blockCount > 1) {
    shouldStop?.();
    const target = Math.max(1, Math.min(state.blockCount - 1, Math.floor(state.blockCount / MERGE_SHRINK)));
    state.mergeRound(target, rng);
    runSweeps(state, rng, COARSE_SWEEPS, shouldStop);
    stages.push(snapshot(state));
  }
  const eligible = (s: Snapshot): boolean => s.blockCount <= maxBlocks;
  let bestIndex = -1;
  for (let k = 0; k < stages.length; k++) {
    if (eligible(stages[k]!) && (bestIndex < 0 || stages[k]!.total < stages[bestIndex]!.total)) bestIndex = k;
  }
  let best = stages[bestIndex]!;
  // The coarse rounds skip block counts (and sweeps can empty many blocks at once); revisit those
  // between the neighbours of the best stage, descending again from the larger one in finer steps
  // (one merge at a time when the bracket is narrow, at most REFINE_ROUNDS rounds otherwise).
  if (bestIndex > 0) {
    const upper = stages[bestIndex - 1]!;
    const lowerCount = stages[bestIndex + 1]?.blockCount ?? 1;
    if (upper.blockCount - lowerCount > 2) {
      const shrink = Math.pow(upper.blockCount / lowerCount, 1 / REFINE_ROUNDS);
      state = new BlockState(g, model, upper.labels);
      while (state.blockCount > lowerCount) {
        shouldStop?.();
        const target = Math.max(lowerCount, Math.min(state.blockCount - 1, Math.floor(state.blockCount / shrink)));
        state.mergeRound(target, rng);
        runSweeps(state, rng, MAX_SWEEPS, shouldStop);
        const s = snapshot(state);
        if (eligible(s) && s.total < best.total) best = s;
      }
    }
  }
  return best;
}

/**
 * Fits the weighted SBM by minimum description length. Returns the partition with the lowest Σ
 * found (never worse than one block), numbered by first appearance.
 */
export function fitWeightedSbm(graph: WeightedGraph, options: SbmOptions = {}): SbmResult {
  validateWeightedGraph(graph);
  const seed = options.seed ?? 1;
  const restarts = options.restarts ?? 3;
  const maxBlocks = options.maxBlocks ?? Number.POSITIVE_INFINITY;
  const mode = options.degreeCorrected ?? 'auto';
  if (!Number.isInteger(restarts) || restarts < 1) throw new ValidationError('restarts', `must be an integer ≥ 1, got ${restarts}`);
  if (!(maxBlocks >= 1)) throw new ValidationError('maxBlocks', `must be ≥ 1, got ${maxBlocks}`);
  if (!Number.isFinite(seed)) throw new ValidationError('seed', `must be a finite number, got ${seed}`);
  if (mode !== 'auto' && typeof mode !== 'boolean') throw new ValidationError('degreeCorrected', "must be true, false or 'auto'");
  const n = graph.nodeCount;
  if (n === 0) {
    return { blocks: new Int32Array(0), count: 0, descriptionLengthNats: 0, degreeCorrected: false, singleBlockDescriptionLengthNats: 0 };
  }
  const g = new SbmGraph(graph);
  const variants = mode === 'auto' ? [false, true] : [mode];
  const oneBlock = new Int32Array(n);
  let chosen: SbmResult | null = null;
  const simpleGraph = (options.ensemble ?? 'simple') === 'simple';
  for (const dc of variants) {
    const model: SbmModel = { degreeCorrected: dc, simpleGraph: simpleGraph && !dc };
    const single = descriptionLengthOf(g, oneBlock, model);
    let labels: Int32Array = oneBlock;
    let total = single;
    // Without edges only the partition prior remains, and one block minimises it.
    if (g.edgeCount > 0 && n > 1) {
      for (let k = 0; k < restarts; k++) {
        const rng = seededRandom(deriveSeed(seed, k, dc ? 1 : 0));
        const found = agglomerativeSearch(g, model, rng, maxBlocks, options.shouldStop);
        // Report Σ recomputed from scratch, not the incremental running value.
        const exact = descriptionLengthOf(g, found.labels, model);
        if (exact < total) {
          total = exact;
          labels = found.labels;
        }
      }
    }
    if (chosen === null || total < chosen.descriptionLengthNats) {
      const { blocks, count } = relabelByFirstAppearance(labels);
      chosen = { blocks, count, descriptionLengthNats: total, degreeCorrected: dc, singleBlockDescriptionLengthNats: single };
    }
  }
  return chosen!;
}

/** Σ of a given partition of `graph` under the NDC or DC model (nats), e.g. to compare partitions. */
export function sbmDescriptionLength(
  graph: WeightedGraph,
  labels: ArrayLike<number>,
  options: { degreeCorrected: boolean; ensemble?: 'multigraph' | 'simple' },
): number {
  validateWeightedGraph(graph);
  if (labels.length !== graph.nodeCount) {
    throw new ValidationError('labels', `length ${labels.length} does not match nodeCount ${graph.nodeCount}`);
  }
  const model: SbmModel = {
    degreeCorrected: options.degreeCorrected,
    simpleGraph: !options.degreeCorrected && (options.ensemble ?? 'simple') === 'simple',
  };
  return descriptionLengthOf(new SbmGraph(graph), labels, model);
}
