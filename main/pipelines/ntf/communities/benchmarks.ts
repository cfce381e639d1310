/**
 * Seeded benchmark graphs with planted communities, to validate the detectors as Dyballa et al.
 * (ICLR 2024, App. "benchmark") do: planted partitions, and weighted LFR graphs (Lancichinetti &
 * Fortunato, "Benchmarks for testing community detection algorithms on directed and weighted graphs
 * with overlapping communities", PRE 80, 016118, 2009), scored by NMI against the planted labels.
 */
import { ValidationError } from '../../../errors.js';
import { relabelByFirstAppearance } from './labels.js';
import { seededRandom, randomInt, shuffleInPlace, type Random } from '../../../../shared/random.js';
import type { WeightedGraph } from './types.js';

export interface BenchmarkGraph {
  graph: WeightedGraph;
  /** Planted community of each node, numbered by first appearance. */
  labels: Int32Array;
}

export interface PlantedPartitionOptions {
  /** Community sizes; nodes are numbered community by community. */
  sizes: number[];
  /** Probability of an edge inside a community / between communities. */
  pIn: number;
  pOut: number;
  /** Weight of an edge inside / between communities (must be ≥ 0; 0 means no edge). */
  weightIn: (rng: Random) => number;
  weightOut: (rng: Random) => number;
  seed: number;
}

/** Planted-partition (stochastic block) graph: independent edges, weights from the given samplers. */
export function plantedPartition(options: PlantedPartitionOptions): BenchmarkGraph {
  const { sizes, pIn, pOut, weightIn, weightOut, seed } = options;
  for (const [k, s] of sizes.entries()) {
    if (!Number.isInteger(s) || s < 1) throw new ValidationError(`sizes[${k}]`, `must be a positive integer, got ${s}`);
  }
  checkProbability('pIn', pIn);
  checkProbability('pOut', pOut);
  const n = sizes.reduce((a, b) => a + b, 0);
  const labels = new Int32Array(n);
  let offset = 0;
  for (const [k, s] of sizes.entries()) labels.fill(k, offset, (offset += s));
  const rng = seededRandom(seed);
  const weights = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const same = labels[i] === labels[j];
      if (rng() >= (same ? pIn : pOut)) continue;
      const w = same ? weightIn(rng) : weightOut(rng);
      if (!(w >= 0) || !Number.isFinite(w)) {
        throw new ValidationError(same ? 'weightIn' : 'weightOut', `returned ${w}; weights must be finite and ≥ 0`);
      }
      weights[i * n + j] = w;
      weights[j * n + i] = w;
    }
  }
  return { graph: { nodeCount: n, weights }, labels: relabelByFirstAppearance(labels).blocks };
}

export interface WeightedLfrOptions {
  n: number;
  averageDegree: number;
  maxDegree: number;
  /** μ_t: fraction of each node's edges that leave its community. */
  mixingTopology: number;
  /** μ_w: fraction of each node's strength on edges that leave its community. */
  mixingWeights: number;
  /** Strength s_i = k_i^β. */
  beta: number;
  /** τ₁: degree distribution P(k) ∝ k^−τ₁. */
  degreeExponent: number;
  /** τ₂: community size distribution P(s) ∝ s^−τ₂. */
  communityExponent: number;
  /** Community size bounds; LFR's defaults are the smallest and largest degree. */
  minCommunity?: number;
  maxCommunity?: number;
  seed: number;
}

/**
 * Weighted LFR benchmark (Lancichinetti & Fortunato 2009, Sec. II):
 *  1. degrees from a power law (exponent τ₁) on [k_min, k_max], k_min set so the mean is ⟨k⟩;
 *  2. community sizes from a power law (exponent τ₂) summing to n;
 *  3. each node gets internal degree (1 − μ_t) k_i (stochastically rounded) and joins a community
 *     large enough to hold it (LFR's place-and-evict procedure); community draws in which one
 *     community would hold over half of all external stubs are redrawn where possible (they
 *     cannot be wired);
 *  4. internal edges by a configuration model inside each community, external edges by one across
 *     communities, self-loops and multi-edges repaired by degree-preserving swaps;
 *  5. weights: strength s_i = k_i^β, of which (1 − μ_w) s_i on internal and μ_w s_i on external
 *     edges, reached by LFR's relaxation (additive per-node weight changes; see scaleLayer).
 *     measureMixing reports what was achieved.
 */
export function weightedLfr(options: WeightedLfrOptions): BenchmarkGraph {
  const { n, averageDegree, maxDegree, mixingTopology, mixingWeights, beta, degreeExponent, communityExponent, seed } = options;
  if (!Number.isInteger(n) || n < 2) throw new ValidationError('n', `must be an integer ≥ 2, got ${n}`);
  if (!(maxDegree >= 1 && maxDegree < n)) throw new ValidationError('maxDegree', `must be in [1, n−1], got ${maxDegree}`);
  if (!(averageDegree >= 1 && averageDegree <= maxDegree)) {
    throw new ValidationError('averageDegree', `must be in [1, maxDegree], got ${averageDegree}`);
  }
  checkProbability('mixingTopology', mixingTopology);
  checkProbability('mixingWeights', mixingWeights);
  if (!Number.isFinite(beta)) throw new ValidationError('beta', `must be finite, got ${beta}`);
  const rng = seededRandom(seed);

  // 1. Degrees.
  const kMin = powerLawMinimumForMean(degreeExponent, averageDegree, maxDegree);
  const degree = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    degree[i] = Math.min(maxDegree, Math.max(1, Math.round(samplePowerLaw(rng, degreeExponent, kMin, maxDegree))));
  }
  const internalDegree = new Int32Array(n);
  for (let i = 0; i < n; i++) internalDegree[i] = stochasticRound(rng, (1 - mixingTopology) * degree[i]!);
  let largestInternal = 0;
  let smallestDegree = maxDegree;
  for (let i = 0; i < n; i++) {
    largestInternal = Math.max(largestInternal, internalDegree[i]!);
    smallestDegree = Math.min(smallestDegree, degree[i]!);
  }

  // 2. Community sizes; the largest must hold the node with the largest internal degree.
  const minCommunity = options.minCommunity ?? Math.max(2, smallestDegree);
  const maxCommunity = Math.min(n, options.maxCommunity ?? maxDegree);
  if (!(minCommunity >= 1 && minCommunity <= maxCommunity)) {
    throw new ValidationError('minCommunity', `must be in [1, maxCommunity = ${maxCommunity}], got ${minCommunity}`);
  }
  if (maxCommunity <= largestInternal) {
    throw new ValidationError(
      'maxCommunity',
      `${maxCommunity} cannot hold a node with ${largestInternal} internal edges; raise maxCommunity or lower maxDegree/μ_t`,
    );
  }
  // 3. Membership. A community whose nodes hold more than half of all external stubs cannot place
  // them all outside itself (they can only pair with other communities' stubs), which leaves the
  // achieved μ_t below the target: with τ₂ = 1 and few large communities (N = 125) that happens
  // often, so such draws are redrawn. Some settings cannot avoid it (μ_t = 0.25 with k_max = 100
  // needs a community of > 75 of the 125 nodes): then the draw with the smallest excess is kept and
  // the stubs that cannot be placed are dropped (measureMixing shows the effect).
  let sizes: number[] = [];
  let community: Int32Array = new Int32Array(n);
  let bestExcess = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 200 && bestExcess > 0; attempt++) {
    const drawSizes = sampleCommunitySizes(rng, n, communityExponent, minCommunity, maxCommunity);
    if (Math.max(...drawSizes) <= largestInternal) continue;
    const drawCommunity = assignCommunities(rng, internalDegree, drawSizes);
    const external = new Float64Array(drawSizes.length);
    let totalExternal = 0;
    for (let i = 0; i < n; i++) {
      external[drawCommunity[i]!]! += degree[i]! - internalDegree[i]!;
      totalExternal += degree[i]! - internalDegree[i]!;
    }
    const excess = Math.max(0, 2 * Math.max(...external) - totalExternal);
    if (excess < bestExcess) {
      bestExcess = excess;
      sizes = drawSizes;
      community = drawCommunity;
    }
  }
  if (sizes.length === 0) {
    throw new ValidationError('maxCommunity', 'no community size sequence can hold the largest internal degree');
  }

  // 4. Wiring.
  const edgeSet = new Set<number>();
  const members: number[][] = sizes.map(() => []);
  for (let i = 0; i < n; i++) members[community[i]!]!.push(i);
  const internalEdges: number[] = [];
  for (const group of members) {
    const stubs: number[] = [];
    for (const i of group) for (let k = 0; k < internalDegree[i]!; k++) stubs.push(i);
    internalEdges.push(...wireStubs(rng, stubs, n, edgeSet, (u, v) => u !== v));
  }
  const externalStubs: number[] = [];
  for (let i = 0; i < n; i++) for (let k = internalDegree[i]!; k < degree[i]!; k++) externalStubs.push(i);
  const externalEdges = wireStubs(rng, externalStubs, n, edgeSet, (u, v) => community[u] !== community[v]);

  // 5. Weights.
  const weights = new Float64Array(n * n);
  // Strengths from the degrees as wired (a stub that could not be placed is not an edge).
  const wired = new Int32Array(n);
  for (const e of internalEdges.concat(externalEdges)) {
    wired[Math.floor(e / n)]!++;
    wired[e % n]!++;
  }
  const strength = new Float64Array(n);
  for (let i = 0; i < n; i++) strength[i] = Math.pow(wired[i]!, beta);
  const internalTarget = strength.map((s) => (1 - mixingWeights) * s);
  const externalTarget = strength.map((s) => mixingWeights * s);
  scaleLayer(rng, internalEdges, internalTarget, n, weights);
  scaleLayer(rng, externalEdges, externalTarget, n, weights);
  return { graph: { nodeCount: n, weights }, labels: relabelByFirstAppearance(community).blocks };
}

/**
 * Achieved mixing of a graph against its labels, as LFR defines it: the mean over nodes (with at
 * least one edge) of the fraction of edges, and of strength, that leave the node's community.
 */
export function measureMixing(graph: WeightedGraph, labels: ArrayLike<number>): { topology: number; weights: number; averageDegree: number } {
  const n = graph.nodeCount;
  let topology = 0;
  let weightMix = 0;
  let counted = 0;
  let degreeSum = 0;
  for (let i = 0; i < n; i++) {
    let k = 0;
    let kOut = 0;
    let s = 0;
    let sOut = 0;
    for (let j = 0; j < n; j++) {
      const w = graph.weights[i * n + j]!;
      if (!(w > 0)) continue;
      k++;
      s += w;
      if (labels[i] !== labels[j]) {
        kOut++;
        sOut += w;
      }
    }
    degreeSum += k;
    if (k === 0) continue;
    counted++;
    topology += kOut / k;
    weightMix += s > 0 ? sOut / s : 0;
  }
  return { topology: topology / counted, weights: weightMix / counted, averageDegree: degreeSum / n };
}

function checkProbability(field: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new ValidationError(field, `must be in [0, 1], got ${p}`);
}

/** ∫_a^b x^p dx. */
function powerIntegral(p: number, a: number, b: number): number {
  return Math.abs(p + 1) < 1e-12 ? Math.log(b / a) : (Math.pow(b, p + 1) - Math.pow(a, p + 1)) / (p + 1);
}

/** The lower cut-off x_min of a continuous power law x^−τ on [x_min, max] whose mean is `mean`. */
function powerLawMinimumForMean(tau: number, mean: number, max: number): number {
  const meanOf = (a: number): number => powerIntegral(1 - tau, a, max) / powerIntegral(-tau, a, max);
  let lo = 1;
  let hi = max;
  if (meanOf(lo) > mean) {
    throw new ValidationError('averageDegree', `${mean} is below the smallest mean (${meanOf(lo).toFixed(2)}) of this power law`);
  }
  // The mean grows with the lower cut-off: bisect.
  for (let k = 0; k < 100; k++) {
    const mid = 0.5 * (lo + hi);
    if (meanOf(mid) < mean) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Inverse-CDF sample of a continuous power law x^−τ on [a, b]. */
function samplePowerLaw(rng: Random, tau: number, a: number, b: number): number {
  const u = rng();
  if (Math.abs(tau - 1) < 1e-12) return a * Math.pow(b / a, u);
  const e = 1 - tau;
  return Math.pow(Math.pow(a, e) + u * (Math.pow(b, e) - Math.pow(a, e)), 1 / e);
}

/** ⌊x⌋ or ⌈x⌉ with probability making the expectation x: keeps the mean mixing exact. */
function stochasticRound(rng: Random, x: number): number {
  const f = Math.floor(x);
  return rng() < x - f ? f + 1 : f;
}

/**
 * Community sizes from a power law on [min, max] until they cover n; a last community that would
 * overshoot is cut to the remainder, or, if that is below min, the remainder is spread over the
 * others (as far as max allows).
 */
function sampleCommunitySizes(rng: Random, n: number, tau: number, min: number, max: number): number[] {
  const sizes: number[] = [];
  let total = 0;
  while (total < n) {
    const s = Math.min(max, Math.max(min, Math.round(samplePowerLaw(rng, tau, min, max))));
    if (total + s <= n) {
      sizes.push(s);
      total += s;
      continue;
    }
    let rest = n - total;
    if (rest >= min || sizes.length === 0) {
      sizes.push(rest);
      total += rest;
      continue;
    }
    for (let guard = 0; rest > 0 && guard < 100 * n; guard++) {
      const k = randomInt(rng, sizes.length);
      if (sizes[k]! < max) {
        sizes[k]!++;
        rest--;
      }
    }
    if (rest > 0) sizes.push(rest);
    total = n;
  }
  return sizes;
}

/**
 * LFR's membership procedure: each homeless node joins a random community that can hold its
 * internal degree (size > k_in); if that community is full, a random member is evicted and becomes
 * homeless. Largest internal degrees are placed first, which makes evictions rare.
 */
function assignCommunities(rng: Random, internalDegree: Int32Array, sizes: number[]): Int32Array {
  const n = internalDegree.length;
  const community = new Int32Array(n).fill(-1);
  const occupants: number[][] = sizes.map(() => []);
  const homeless = Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(homeless, rng);
  homeless.sort((a, b) => internalDegree[a]! - internalDegree[b]!); // pop() takes the largest
  const fits = (i: number): number[] => sizes.flatMap((s, c) => (s > internalDegree[i]! ? [c] : []));
  for (let steps = 0; homeless.length > 0; steps++) {
    if (steps > 100 * n) throw new ValidationError('minCommunity', 'could not place every node in a community large enough');
    const i = homeless.pop()!;
    const options = fits(i);
    const c = options[randomInt(rng, options.length)]!;
    const here = occupants[c]!;
    if (here.length >= sizes[c]!) {
      const k = randomInt(rng, here.length);
      const evicted = here[k]!;
      here[k] = here[here.length - 1]!;
      here.pop();
      community[evicted] = -1;
      homeless.push(evicted);
    }
    here.push(i);
    community[i] = c;
  }
  return community;
}

/**
 * Configuration-model wiring of the given stubs into a simple graph: shuffle and pair; a pair that
 * is a self-loop, a duplicate or not `allowed` is repaired by a swap with a random edge already
 * placed in this layer ((u, v) + (a, b) → (u, a) + (v, b)), which keeps every degree. Pairs that
 * cannot be repaired (rare: near-complete layers) are dropped. Returns the edges as u·n + v, u < v.
 */
function wireStubs(
  rng: Random,
  stubs: number[],
  n: number,
  edgeSet: Set<number>,
  allowed: (u: number, v: number) => boolean,
): number[] {
  shuffleInPlace(stubs, rng);
  const key = (u: number, v: number): number => (u < v ? u * n + v : v * n + u);
  const ok = (u: number, v: number): boolean => u !== v && allowed(u, v) && !edgeSet.has(key(u, v));
  const layer: number[] = [];
  const bad: [number, number][] = [];
  for (let p = 0; p + 1 < stubs.length; p += 2) {
    const u = stubs[p]!;
    const v = stubs[p + 1]!;
    if (ok(u, v)) {
      edgeSet.add(key(u, v));
      layer.push(key(u, v));
    } else {
      bad.push([u, v]);
    }
  }
  for (const [u, v] of bad) {
    for (let attempt = 0; attempt < 100 && layer.length > 0; attempt++) {
      const e = randomInt(rng, layer.length);
      const edge = layer[e]!;
      const a = Math.floor(edge / n);
      const b = edge % n;
      const [x, y] = rng() < 0.5 ? [a, b] : [b, a];
      if (!ok(u, x) || !ok(v, y) || key(u, x) === key(v, y)) continue;
      edgeSet.delete(edge);
      layer[e] = key(u, x);
      layer.push(key(v, y));
      edgeSet.add(key(u, x));
      edgeSet.add(key(v, y));
      break;
    }
  }
  return layer;
}

/**
 * Weights on one layer's edges whose node strengths Σ_j w_ij come as close as possible to the
 * targets, the way LFR's relaxation arrives at them (LF 2009, Sec. II.B: repeatedly pick a node and
 * change the weights of all its links in the layer by one common amount, chosen to reduce the
 * squared strength deviations). The weights are therefore additive, w_ij = c_i + c_j, and each step
 * is an exact coordinate-descent step on c_i: shifting c_i by δ moves ρ_i by k_i δ and each
 * neighbour's ρ_j by δ. We minimise RELATIVE deviations, Σ_i ω_i r_i² with ω_i = 1/target_i² and
 * r = target − ρ, so the best δ is (ω_i k_i r_i + Σ_{j∼i} ω_j r_j) / (ω_i k_i² + Σ_{j∼i} ω_j):
 * μ_w is a mean of per-node ratios, and with absolute deviations the hubs' errors dominate and the
 * light nodes' ratios drift (measured at β = 2, μ_w = 0.75: mean μ_w 0.699 absolute, 0.748
 * relative). With β > 1 the targets are often infeasible (a hub's heavy links overload its light
 * neighbours); this finds the weighted least-squares compromise. Weights stay ≥ a small floor
 * (a weight of 0 would delete the edge).
 */
function scaleLayer(rng: Random, edges: number[], target: Float64Array, n: number, weights: Float64Array): void {
  if (edges.length === 0) return;
  const start = new Int32Array(n + 1);
  for (const e of edges) {
    start[Math.floor(e / n) + 1]!++;
    start[(e % n) + 1]!++;
  }
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const neighbours = new Int32Array(2 * edges.length);
  const fill = start.slice(0, n);
  for (const e of edges) {
    const u = Math.floor(e / n);
    const v = e % n;
    neighbours[fill[u]!++] = v;
    neighbours[fill[v]!++] = u;
  }
  let targetSum = 0;
  for (let i = 0; i < n; i++) targetSum += start[i + 1]! > start[i]! ? target[i]! : 0;
  const floor = 1e-6 * (targetSum / (2 * edges.length));
  const omega = new Float64Array(n);
  for (let i = 0; i < n; i++) omega[i] = target[i]! > 0 ? 1 / (target[i]! * target[i]!) : 0;
  // Start from the unconstrained weighted least-squares solution: coordinate descent alone crawls
  // along near-null directions (an external layer between two communities is bipartite, and
  // c_A + t, c_B − t leaves every weight unchanged), measured at 1000 passes for 10⁻³ accuracy.
  const c = n <= DIRECT_SOLVE_LIMIT ? additiveLeastSquares(start, neighbours, target, omega) : new Float64Array(n);
  const weightOf = (i: number, j: number): number => Math.max(floor, c[i]! + c[j]!);
  // Residuals r_i = target_i − ρ_i (nodes without edges in this layer cannot be helped: r = 0).
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (start[i + 1] === start[i]) continue;
    let strength = 0;
    for (let p = start[i]!; p < start[i + 1]!; p++) strength += weightOf(i, neighbours[p]!);
    residual[i] = target[i]! - strength;
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let previous = Number.POSITIVE_INFINITY;
  // Then project onto weights ≥ floor by coordinate descent (a no-op when no weight went below).
  for (let pass = 0; pass < 1000; pass++) {
    shuffleInPlace(order, rng);
    for (const i of order) {
      const k = start[i + 1]! - start[i]!;
      if (k === 0) continue;
      // Weighted least squares on relative deviations, ω_j = 1 / target_j²: the mixing μ_w is a
      // mean of per-node ratios, so a light node's error counts as much as a hub's.
      const wi = omega[i]!;
      let numerator = wi * k * residual[i]!;
      let denominator = wi * k * k;
      for (let p = start[i]!; p < start[i + 1]!; p++) {
        const j = neighbours[p]!;
        numerator += omega[j]! * residual[j]!;
        denominator += omega[j]!;
      }
      const delta = denominator > 0 ? numerator / denominator : 0;
      for (let p = start[i]!; p < start[i + 1]!; p++) {
        const j = neighbours[p]!;
        const before = weightOf(i, j);
        const after = Math.max(floor, c[i]! + delta + c[j]!);
        residual[i]! -= after - before;
        residual[j]! -= after - before;
      }
      c[i]! += delta;
    }
    let deviation = 0;
    for (let i = 0; i < n; i++) deviation += omega[i]! * residual[i]! * residual[i]!;
    // Stop when a pass no longer improves the fit noticeably (or the targets are met).
    if (deviation <= 1e-16 * n || deviation > (1 - 1e-9) * previous) break;
    previous = deviation;
  }
  for (const e of edges) {
    const u = Math.floor(e / n);
    const v = e % n;
    const w = weightOf(u, v);
    weights[u * n + v] = w;
    weights[v * n + u] = w;
  }
}

/** Above this many nodes the dense O(n³) solve is skipped and coordinate descent starts from 0. */
const DIRECT_SOLVE_LIMIT = 1500;

/**
 * argmin_c Σ_i ω_i (target_i − Σ_{j∼i} (c_i + c_j))², i.e. M c ≈ target with M = D + A (degrees on
 * the diagonal, adjacency off it), by the normal equations (M Ω M + εI) c = M Ω target and a
 * Cholesky factorisation; ε (10⁻¹² of the mean diagonal) only fixes the null directions above.
 */
function additiveLeastSquares(start: Int32Array, neighbours: Int32Array, target: Float64Array, omega: Float64Array): Float64Array {
  const n = start.length - 1;
  // M is symmetric, so MᵀΩM = M Ω M; build M densely (n ≤ DIRECT_SOLVE_LIMIT).
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    M[i * n + i] = start[i + 1]! - start[i]!;
    for (let p = start[i]!; p < start[i + 1]!; p++) M[i * n + neighbours[p]!]! += 1;
  }
  const normal = new Float64Array(n * n);
  const rhs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const w = omega[k]!;
    if (w === 0) continue;
    const row = k * n;
    for (let i = 0; i < n; i++) {
      const mik = M[row + i]!;
      if (mik === 0) continue;
      rhs[i]! += mik * w * target[k]!;
      const scaled = mik * w;
      for (let j = 0; j < n; j++) normal[i * n + j]! += scaled * M[row + j]!;
    }
  }
  let trace = 0;
  for (let i = 0; i < n; i++) trace += normal[i * n + i]!;
  const ridge = 1e-12 * (trace / n || 1);
  for (let i = 0; i < n; i++) normal[i * n + i]! += ridge;
  // Cholesky, in place (lower triangle), then two triangular solves.
  for (let j = 0; j < n; j++) {
    let d = normal[j * n + j]!;
    for (let k = 0; k < j; k++) d -= normal[j * n + k]! ** 2;
    const root = Math.sqrt(Math.max(d, ridge));
    normal[j * n + j] = root;
    for (let i = j + 1; i < n; i++) {
      let v = normal[i * n + j]!;
      for (let k = 0; k < j; k++) v -= normal[i * n + k]! * normal[j * n + k]!;
      normal[i * n + j] = v / root;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = rhs[i]!;
    for (let k = 0; k < i; k++) v -= normal[i * n + k]! * y[k]!;
    y[i] = v / normal[i * n + i]!;
  }
  const c = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let v = y[i]!;
    for (let k = i + 1; k < n; k++) v -= normal[k * n + i]! * c[k]!;
    c[i] = v / normal[i * n + i]!;
  }
  return c;
}
