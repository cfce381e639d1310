/**
 * Weighted Louvain modularity maximisation (Blondel, Guillaume, Lambiotte & Lefebvre, "Fast
 * unfolding of communities in large networks", J. Stat. Mech. P10008, 2008), the baseline Dyballa
 * et al. compare the SBM against.
 *
 * Modularity with resolution γ (Newman 2004 for γ = 1; Reichardt & Bornholdt 2006 otherwise):
 *   Q_γ = (1 / 2W) Σ_c [ Σ_{i,j ∈ c} A_ij − γ (Σ_{i∈c} k_i)² / 2W ],
 * with k_i = Σ_j A_ij the strength and 2W = Σ_ij A_ij. Phase 1 moves single nodes to the
 * neighbouring community with the largest gain until no move helps; phase 2 aggregates each
 * community into one node (internal weight kept as a self-loop) and repeats on the smaller graph
 * until nothing moves.
 *
 * Modularity rewards any partition whose internal weight exceeds the configuration-model
 * expectation, and random graphs always have such partitions: on an Erdős–Rényi graph with i.i.d.
 * weights Louvain returns several "communities" with Q > 0 (Guimerà, Sales-Pardo & Amaral, PRE 70,
 * 025101, 2004) where the MDL-fitted SBM returns one block. That is the reason for the SBM here.
 */
import { ValidationError } from '../../../errors.js';
import { relabelByFirstAppearance } from './labels.js';
import { seededRandom, randomPermutation } from '../../../../shared/random.js';
import type { LouvainResult, WeightedGraph } from './types.js';
import { validateWeightedGraph } from './validate.js';

export interface LouvainOptions {
  /** Seed of the node visiting order. Default 1. */
  seed?: number;
  /** γ: larger values give smaller communities. Default 1. */
  resolution?: number;
}

/** A move must raise Q by more than this (relative to 2W) so that round-off cannot make moves cycle. */
const GAIN_TOLERANCE = 1e-12;

export function louvain(graph: WeightedGraph, options: LouvainOptions = {}): LouvainResult {
  validateWeightedGraph(graph);
  const resolution = options.resolution ?? 1;
  if (!(resolution > 0) || !Number.isFinite(resolution)) {
    throw new ValidationError('resolution', `must be a positive finite number, got ${resolution}`);
  }
  const rng = seededRandom(options.seed ?? 1);
  const n = graph.nodeCount;
  // Start from the upper triangle mirrored, so that round-off asymmetry allowed by validation cannot
  // make the gains inconsistent.
  let size = n;
  let matrix: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const w = graph.weights[i * n + j]!;
      matrix[i * n + j] = w;
      matrix[j * n + i] = w;
    }
  }
  let total = 0;
  for (let k = 0; k < matrix.length; k++) total += matrix[k]!;
  // Membership of each original node in the current level's nodes.
  let membership = new Int32Array(n);
  for (let i = 0; i < n; i++) membership[i] = i;
  if (total === 0) {
    // No edges: modularity is undefined (0/0) and no node has a reason to join another.
    const { blocks, count } = relabelByFirstAppearance(membership);
    return { blocks, count, modularity: 0 };
  }
  for (;;) {
    const { community, moved } = localMoves(matrix, size, total, resolution, rng);
    const { blocks, count } = relabelByFirstAppearance(community);
    for (let i = 0; i < n; i++) membership[i] = blocks[membership[i]!]!;
    if (!moved || count === size) break;
    matrix = aggregate(matrix, size, blocks, count);
    size = count;
  }
  const { blocks, count } = relabelByFirstAppearance(membership);
  return { blocks, count, modularity: modularity(graph, blocks) };
}

/**
 * Phase 1 on a dense level graph (diagonal = self-loop weight counted in both directions, so that
 * strengths are row sums). Gain of putting isolated node i into community C, up to the factor 2/2W:
 *   k_{i,C} − γ Σ_tot(C) k_i / 2W,
 * with k_{i,C} the weight from i to C's members and Σ_tot(C) C's total strength.
 */
function localMoves(
  matrix: Float64Array,
  size: number,
  total: number,
  resolution: number,
  rng: () => number,
): { community: Int32Array; moved: boolean } {
  const community = new Int32Array(size);
  const strength = new Float64Array(size);
  const communityStrength = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    community[i] = i;
    let k = 0;
    for (let j = 0; j < size; j++) k += matrix[i * size + j]!;
    strength[i] = k;
    communityStrength[i] = k;
  }
  const toCommunity = new Float64Array(size);
  const touched = new Int32Array(size);
  let movedAny = false;
  const order = randomPermutation(size, rng);
  for (let pass = 0; pass < 1000; pass++) {
    let moved = 0;
    for (let o = 0; o < size; o++) {
      const i = order[o]!;
      const own = community[i]!;
      const k = strength[i]!;
      let touchedCount = 0;
      for (let j = 0; j < size; j++) {
        const w = matrix[i * size + j]!;
        if (j === i || w === 0) continue;
        const c = community[j]!;
        if (toCommunity[c] === 0) touched[touchedCount++] = c;
        toCommunity[c]! += w;
      }
      communityStrength[own]! -= k;
      const scale = (resolution * k) / total;
      let best = own;
      let bestGain = toCommunity[own]! - communityStrength[own]! * scale;
      for (let t = 0; t < touchedCount; t++) {
        const c = touched[t]!;
        const gain = toCommunity[c]! - communityStrength[c]! * scale;
        if (gain > bestGain + GAIN_TOLERANCE * total) {
          bestGain = gain;
          best = c;
        }
      }
      communityStrength[best]! += k;
      if (best !== own) {
        community[i] = best;
        moved++;
      }
      for (let t = 0; t < touchedCount; t++) toCommunity[touched[t]!] = 0;
      toCommunity[own] = 0;
    }
    if (moved === 0) break;
    movedAny = true;
  }
  return { community, moved: movedAny };
}

/** Phase 2: the community graph, with each community's internal weight on its diagonal. */
function aggregate(matrix: Float64Array, size: number, blocks: Int32Array, count: number): Float64Array {
  const next = new Float64Array(count * count);
  for (let i = 0; i < size; i++) {
    const bi = blocks[i]! * count;
    for (let j = 0; j < size; j++) {
      const w = matrix[i * size + j]!;
      if (w !== 0) next[bi + blocks[j]!]! += w;
    }
  }
  return next;
}

/**
 * Weighted modularity of a partition, computed exactly from its definition (γ = 1 unless given):
 *   Q = Σ_c [ w_in(c) / W − γ (s_c / 2W)² ],
 * with w_in(c) the weight of the edges inside c (each counted once) and s_c its total strength.
 */
export function modularity(graph: WeightedGraph, labels: ArrayLike<number>, resolution = 1): number {
  validateWeightedGraph(graph);
  const n = graph.nodeCount;
  if (labels.length !== n) throw new ValidationError('labels', `length ${labels.length} does not match nodeCount ${n}`);
  const { blocks, count } = relabelByFirstAppearance(labels);
  const inside = new Float64Array(count);
  const strength = new Float64Array(count);
  let twiceW = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const w = graph.weights[i * n + j]!;
      if (w === 0) continue;
      twiceW += w;
      strength[blocks[i]!]! += w;
      if (blocks[i] === blocks[j]) inside[blocks[i]!]! += w;
    }
  }
  if (twiceW === 0) return 0;
  let q = 0;
  for (let c = 0; c < count; c++) q += inside[c]! / twiceW - resolution * (strength[c]! / twiceW) ** 2;
  return q;
}
