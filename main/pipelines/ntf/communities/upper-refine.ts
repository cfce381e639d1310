/**
 * Exact refinement of the upper levels (≥ 1) of a nested SBM hierarchy with level 0 fixed — the
 * part of graph-tool's `minimize_nested_blockmodel_dl` that nested.ts's bottom-up fit lacked.
 * graph-tool 2.45 runs its merge-split sweeps (β = ∞) on every level of the hierarchy in turn,
 * walking up while a level changes and down when it does not; the bottom-up fit prices each upper
 * level with the levels above it taken as one block, so it often closes the hierarchy too early
 * (e.g. 9 → 4 → 1 where graph-tool keeps 9 → 4 → 3 → 1, 15 nats shorter).
 *
 * Here every move is priced by the exact terms of all levels above level 0 (entropy/dl.ts's
 * `upperLevelsDl`, which is graph-tool's), recomputed from the level being changed upward:
 * - node moves at level l: a block of level l−1 to another block of level l, or to a new one
 *   (whose parent is its old block's parent);
 * - merges of two blocks of level l (the best pair at a time) and splits of one in two (a random
 *   halving improved by greedy moves between the halves);
 * - a new level above the top (the top's one block split), a new level between two levels
 *   (agglomerated from a copy of the level below, keeping the best point of the path), and the
 *   removal of a level (its two neighbours composed).
 * A move is made only if it shortens the description length, so the result is never longer.
 *
 * The hierarchy is handled as a chain of label arrays of one common length (the number of level-0
 * blocks), chain[j] mapping the block ids of level j to those of level j + 1; ids whose block is
 * empty are ignored by `upperLevelsDl`, so blocks are created and emptied without renumbering.
 */
import { randomPermutation, type Random } from '../../../../shared/random.js';
import { aggregatePairs, edgesDl, pairTermDense, partitionDl, upperLevelsDl, type PairStats } from './entropy/dl.js';
import { positiveWeightsLogP } from './entropy/special.js';

export interface UpperProblem {
  /** Level-0 block-pair statistics (keys r·cap + s, cap = blockCount). */
  levelZero: PairStats;
  /** Nodes per level-0 block id (0 for an empty id). */
  levelZeroSizes: ArrayLike<number>;
  edgeCount: number;
  /** ε of the real-exponential terms, or null without weights. */
  epsilon: number | null;
}

/** Node moves per level stop at a sweep without moves, or after this many. */
const MAX_SWEEPS = 6;
/** Rounds over all levels at most. */
const MAX_PASSES = 4;
const SPLIT_SWEEPS = 4;
/** Level insertion agglomerates from a copy of a level with at most this many blocks. */
const MAX_INSERT_NODES = 40;
/** Merges and insertion consider every pair of blocks up to this many blocks. */
const MAX_PAIR_BLOCKS = 60;
const IMPROVES = -1e-7;

class UpperRefiner {
  readonly cap: number;
  chain: Int32Array[];
  private statsBelow: PairStats | null = null;
  private flagsBelow: Uint8Array | null = null;

  constructor(private readonly problem: UpperProblem, upper: readonly ArrayLike<number>[], private readonly rng: Random, private readonly shouldStop?: () => void) {
    this.cap = problem.levelZero.blockCount;
    this.chain = upper.map((labels) => {
      const out = new Int32Array(this.cap);
      for (let r = 0; r < labels.length; r++) out[r] = labels[r]!;
      return out;
    });
  }

  /** Non-empty flags of the ids of level l (level 0: the level-0 blocks). */
  flags(l: number): Uint8Array {
    let flags = new Uint8Array(this.cap);
    for (let r = 0; r < this.cap; r++) flags[r] = this.problem.levelZeroSizes[r]! > 0 ? 1 : 0;
    for (let j = 0; j < l; j++) {
      const next = new Uint8Array(this.cap);
      for (let r = 0; r < this.cap; r++) if (flags[r]) next[this.chain[j]![r]!] = 1;
      flags = next;
    }
    return flags;
  }

  /** Pair statistics of level l. */
  stats(l: number): PairStats {
    let stats = this.problem.levelZero;
    for (let j = 0; j < l; j++) stats = aggregatePairs(stats, this.chain[j]!, this.cap);
    return stats;
  }

  /** The terms of all levels above level 0. */
  total(): number {
    return upperLevelsDl(this.problem.levelZero, this.problem.levelZeroSizes, this.chain, this.problem.edgeCount, this.problem.epsilon);
  }

  /** Fixes the levels ≤ l for `above()` (the terms that chain[l] and up change). */
  focus(l: number): void {
    this.statsBelow = this.stats(l);
    this.flagsBelow = this.flags(l);
    const pairs = this.statsBelow.pairs;
    const B = this.statsBelow.blockCount;
    this.belowR = new Int32Array(pairs.size);
    this.belowS = new Int32Array(pairs.size);
    this.belowM = new Float64Array(pairs.size);
    this.belowX = new Float64Array(pairs.size);
    let k = 0;
    for (const [key, [m, x]] of pairs) {
      this.belowR[k] = Math.floor(key / B);
      this.belowS[k] = key % B;
      this.belowM[k] = m;
      this.belowX[k] = x;
      k++;
    }
  }

  private belowR = new Int32Array(0);
  private belowS = new Int32Array(0);
  private belowM = new Float64Array(0);
  private belowX = new Float64Array(0);
  private aggM: Float64Array | null = null;
  private aggX: Float64Array | null = null;
  private aggC: Float64Array | null = null;
  private touched: Int32Array | null = null;

  /**
   * Terms of the levels above the focused level l (what moves in chain[l…] change): the same sums
   * as `upperLevelsDl(stats(l), flags(l), chain.slice(l), …)`, with the first aggregation (the
   * largest, over level l's pairs) done in dense scratch arrays instead of maps.
   */
  above(l: number): number {
    const cap = this.cap;
    const labels = this.chain[l]!;
    const flags = this.flagsBelow!;
    const eps = this.problem.epsilon;
    const aggM = (this.aggM ??= new Float64Array(cap * cap));
    const aggX = (this.aggX ??= new Float64Array(cap * cap));
    const aggC = (this.aggC ??= new Float64Array(cap * cap));
    const touched = (this.touched ??= new Int32Array(cap * cap));
    const sizes = new Float64Array(cap);
    for (let q = 0; q < cap; q++) if (flags[q]) sizes[labels[q]!]! += 1;
    let nt = 0;
    for (let k = 0; k < this.belowR.length; k++) {
      const m = this.belowM[k]!;
      if (m === 0) continue;
      let R = labels[this.belowR[k]!]!;
      let T = labels[this.belowS[k]!]!;
      if (R > T) [R, T] = [T, R];
      const key = R * cap + T;
      if (aggC[key] === 0) touched[nt++] = key;
      aggM[key]! += m;
      aggX[key]! += this.belowX[k]!;
      aggC[key]! += 1;
    }
    const top = l === this.chain.length - 1;
    let S = partitionDl(sizes);
    let nonEmpty = 0;
    let totalWeight = 0;
    const next: PairStats | null = top ? null : { pairs: new Map(), blockCount: cap };
    for (let a = 0; a < nt; a++) {
      const key = touched[a]!;
      const R = Math.floor(key / cap);
      const T = key - R * cap;
      const m = aggM[key]!;
      const x = aggX[key]!;
      const c = aggC[key]!;
      S += pairTermDense(R === T, sizes[R]!, sizes[T]!, m);
      if (eps !== null) {
        S -= positiveWeightsLogP(c, x, eps);
        nonEmpty++;
        totalWeight += x;
      }
      next?.pairs.set(key, [m, x, c]);
      aggM[key] = 0;
      aggX[key] = 0;
      aggC[key] = 0;
    }
    if (top) {
      if (eps !== null) S -= positiveWeightsLogP(nonEmpty, totalWeight, eps);
      let nb = 0;
      for (let R = 0; R < cap; R++) if (sizes[R]! > 0) nb++;
      return S + edgesDl(nb, this.problem.edgeCount);
    }
    return S + upperLevelsDl(next!, sizes, this.chain.slice(l + 1), this.problem.edgeCount, eps);
  }

  /** Members (non-empty ids of level l) per block of level l + 1. */
  members(l: number): Map<number, number[]> {
    const flags = this.flagsBelow!;
    const out = new Map<number, number[]>();
    const labels = this.chain[l]!;
    for (let q = 0; q < this.cap; q++) {
      if (!flags[q]) continue;
      const R = labels[q]!;
      let list = out.get(R);
      if (!list) out.set(R, (list = []));
      list.push(q);
    }
    return out;
  }

  /** An id unused at level l + 1. */
  freeId(l: number): number {
    const used = new Uint8Array(this.cap);
    const flags = this.flagsBelow!;
    const labels = this.chain[l]!;
    for (let q = 0; q < this.cap; q++) if (flags[q]) used[labels[q]!] = 1;
    for (let R = 0; R < this.cap; R++) if (!used[R]) return R;
    return -1;
  }

  /** Sets the block of id q at level l + 1, giving a new block its parent. */
  assign(l: number, q: number, R: number, parent: number): void {
    this.chain[l]![q] = R;
    if (l + 1 < this.chain.length) this.chain[l + 1]![R] = parent;
  }

  /** Greedy node moves at chain[l] (focused) among targets(q); returns the new value of above(l). */
  sweep(l: number, current: number, nodes: readonly number[], targets: (q: number) => number[]): { value: number; moved: number } {
    const labels = this.chain[l]!;
    const parents = l + 1 < this.chain.length ? this.chain[l + 1]! : null;
    const count = new Int32Array(this.cap);
    const flags = this.flagsBelow!;
    for (let q = 0; q < this.cap; q++) if (flags[q]) count[labels[q]!]!++;
    let moved = 0;
    for (const k of randomPermutation(nodes.length, this.rng)) {
      const q = nodes[k]!;
      const R = labels[q]!;
      const parentR = parents ? parents[R]! : 0;
      let best = current + IMPROVES;
      let target = -1;
      for (const T of targets(q)) {
        if (T === R) continue;
        // A new block (T empty) joins R's parent; an existing one keeps its own.
        const oldParentT = parents ? parents[T]! : 0;
        labels[q] = T;
        if (parents && count[T] === 0) parents[T] = parentR;
        const S = this.above(l);
        labels[q] = R;
        if (parents) parents[T] = oldParentT;
        if (S < best) {
          best = S;
          target = T;
        }
      }
      if (target >= 0) {
        labels[q] = target;
        if (parents && count[target] === 0) parents[target] = parentR;
        count[R]!--;
        count[target]!++;
        current = best;
        moved++;
      }
    }
    return { value: current, moved };
  }

  /** Moves, merges and splits at chain[l]; returns whether the description length shrank. */
  refineLevel(l: number): boolean {
    this.shouldStop?.();
    const before = this.total();
    const snapshot = this.chain.map((c) => Int32Array.from(c));
    // The top (one block): split it under a new one-block level above.
    const appended = l === this.chain.length - 1;
    if (appended) this.chain.push(new Int32Array(this.cap));
    this.focus(l);
    let current = this.above(l);
    const nodes = [...this.members(l).values()].flat();
    if (nodes.length <= 1) {
      if (appended) this.chain.pop();
      return false;
    }
    const allTargets = (q: number): number[] => {
      const blocks = [...this.members(l).keys()];
      const R = this.chain[l]![q]!;
      if (this.members(l).get(R)!.length > 1) {
        const free = this.freeId(l);
        if (free >= 0) blocks.push(free);
      }
      return blocks;
    };
    for (let s = 0; s < MAX_SWEEPS; s++) {
      const r = this.sweep(l, current, nodes, allTargets);
      current = r.value;
      if (r.moved === 0) break;
    }
    current = this.merges(l, current);
    current = this.splits(l, current);
    // A level whose blocks all share one block above adds nothing when it is the appended top.
    if (appended && this.members(l).size === 1) this.chain.pop();
    const after = this.total();
    if (after < before + IMPROVES) return true;
    this.chain = snapshot;
    return false;
  }

  /** The best merge of two blocks of level l + 1 while one shortens the description. */
  private merges(l: number, current: number): number {
    const labels = this.chain[l]!;
    while (true) {
      this.shouldStop?.();
      const members = this.members(l);
      const blocks = [...members.keys()];
      if (blocks.length <= 1 || blocks.length > MAX_PAIR_BLOCKS) return current;
      let best = current + IMPROVES;
      let pair: [number, number] | null = null;
      for (let a = 0; a < blocks.length; a++) {
        for (let c = a + 1; c < blocks.length; c++) {
          const R = blocks[a]!;
          const T = blocks[c]!;
          for (const q of members.get(R)!) labels[q] = T;
          const S = this.above(l);
          for (const q of members.get(R)!) labels[q] = R;
          if (S < best) {
            best = S;
            pair = [R, T];
          }
        }
      }
      if (!pair) return current;
      for (const q of members.get(pair[0])!) labels[q] = pair[1];
      current = best;
    }
  }

  /** Each block of level l + 1 with ≥ 2 members split in two once, kept if shorter. */
  private splits(l: number, current: number): number {
    const labels = this.chain[l]!;
    for (const [R, members] of this.members(l)) {
      this.shouldStop?.();
      if (members.length < 2) continue;
      const T = this.freeId(l);
      if (T < 0) break;
      const parent = l + 1 < this.chain.length ? this.chain[l + 1]![R]! : 0;
      const order = randomPermutation(members.length, this.rng);
      for (let k = 0; k < members.length / 2; k++) this.assign(l, members[order[k]!]!, T, parent);
      let value = this.above(l);
      for (let s = 0; s < SPLIT_SWEEPS; s++) {
        const r = this.sweep(l, value, members, (q) => [labels[q] === R ? T : R]);
        value = r.value;
        if (r.moved === 0) break;
      }
      if (value < current + IMPROVES && members.some((q) => labels[q] === T) && members.some((q) => labels[q] === R)) {
        current = value;
      } else {
        for (const q of members) labels[q] = R;
      }
    }
    return current;
  }

  /** Removes level j + 1 (composing chain[j] and chain[j + 1]) when that is shorter. */
  tryDeletions(): boolean {
    let improved = false;
    for (let j = 0; j + 1 < this.chain.length - 1; j++) {
      const before = this.total();
      const saved = this.chain;
      const composed = Int32Array.from(this.chain[j]!, (R) => this.chain[j + 1]![R]!);
      this.chain = [...saved.slice(0, j), composed, ...saved.slice(j + 2)];
      if (this.total() < before + IMPROVES) improved = true;
      else this.chain = saved;
    }
    return improved;
  }

  /**
   * A new level above level j + 1 (between chain[j] and chain[j + 1]), agglomerated from a copy of
   * level j + 1 by the best same-parent merge at a time, keeping the shortest point of the path.
   */
  tryInsertion(j: number): boolean {
    this.shouldStop?.();
    const flags = this.flags(j + 1);
    const ids: number[] = [];
    for (let R = 0; R < this.cap; R++) if (flags[R]) ids.push(R);
    if (ids.length < 3 || ids.length > MAX_INSERT_NODES) return false;
    const before = this.total();
    const saved = this.chain;
    const identity = Int32Array.from({ length: this.cap }, (_, R) => R);
    // chain[j + 1] is now the copy's map into the old level above; ids of the copy = ids of level j + 1.
    this.chain = [...saved.slice(0, j + 1), identity, ...saved.slice(j + 1)];
    const l = j + 1;
    this.focus(l);
    const labels = this.chain[l]!;
    const parents = this.chain[l + 1]!;
    let best = { S: this.total(), chain: this.chain.map((c) => Int32Array.from(c)) };
    while (true) {
      this.shouldStop?.();
      const members = this.members(l);
      const blocks = [...members.keys()];
      if (blocks.length <= 1 || blocks.length > MAX_PAIR_BLOCKS) break;
      let bestS = Number.POSITIVE_INFINITY;
      let pair: [number, number] | null = null;
      for (let a = 0; a < blocks.length; a++) {
        for (let c = a + 1; c < blocks.length; c++) {
          const R = blocks[a]!;
          const T = blocks[c]!;
          if (parents[R] !== parents[T]) continue;
          for (const q of members.get(R)!) labels[q] = T;
          const S = this.above(l);
          for (const q of members.get(R)!) labels[q] = R;
          if (S < bestS) {
            bestS = S;
            pair = [R, T];
          }
        }
      }
      if (!pair) break;
      for (const q of members.get(pair[0])!) labels[q] = pair[1];
      const S = this.total();
      if (S < best.S) best = { S, chain: this.chain.map((c) => Int32Array.from(c)) };
    }
    if (best.S < before + IMPROVES) {
      this.chain = best.chain;
      return true;
    }
    this.chain = saved;
    return false;
  }
}

/**
 * Refines the levels above level 0 exactly. `upper[j]` labels the blocks of level j (upper[0]:
 * level 0's block ids, length = levelZero.blockCount); the last level has one block. Returns the
 * refined chain (same convention; ids may skip, empty blocks are ignored) and its upper terms.
 */
export function refineUpperLevels(problem: UpperProblem, upper: readonly ArrayLike<number>[], rng: Random, shouldStop?: () => void): { upper: Int32Array[]; S: number } {
  const refiner = new UpperRefiner(problem, upper, rng, shouldStop);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let improved = false;
    for (let l = 0; l < refiner.chain.length; l++) if (refiner.refineLevel(l)) improved = true;
    for (let j = -1; j < refiner.chain.length - 1; j++) if (refiner.tryInsertion(j)) improved = true;
    if (refiner.tryDeletions()) improved = true;
    if (!improved) break;
  }
  return { upper: refiner.chain, S: refiner.total() };
}
