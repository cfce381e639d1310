/**
 * One level of a nested SBM as a mutable partition with graph-tool 2.45's description-length terms
 * kept up to date, so that a node move or a block merge is priced from the rows it touches (O(deg +
 * B)) instead of by recomputing the whole entropy (entropy/dl.ts, which the fit uses to check).
 *
 * Level 0's "nodes" are the graph's nodes and its terms the sparse, exact ones (degree-corrected or
 * not); a level l ≥ 1 has the non-empty blocks of level l−1 as nodes, their edge counts as
 * multi-edges and the dense multigraph terms. Above the level being fitted the hierarchy is taken
 * as a single block (`proxyAbove`), which is what graph-tool's nested state looks like before its
 * upper levels are fitted: ln C(B(B+1)/2 + E − 1, E) + ln B (+ the weights of the one top pair).
 */
import type { Random } from '../../../../shared/random.js';
import { randomInt } from '../../../../shared/random.js';
import { graphToolLogQ, lnBinomial, lnFactorial, positiveWeightsLogP } from './entropy/special.js';
import { pairTermDense, pairTermSparse } from './entropy/dl.js';

/** A level's graph: nodes with (multi-)edges carrying edge counts m, weight sums x, rec counts c. */
export interface LevelGraph {
  n: number;
  /** CSR adjacency without self-pairs: neighbours of i are nbr[offsets[i]…offsets[i+1]). */
  offsets: Int32Array;
  nbr: Int32Array;
  m: Float64Array;
  x: Float64Array;
  c: Float64Array;
  /** Self-pairs (edges inside a lower block), per node. */
  selfM: Float64Array;
  selfX: Float64Array;
  selfC: Float64Array;
  /** Σ m over incident entries, self-pairs twice (edge ends; the degree at level 0). */
  degree: Float64Array;
}

export interface LevelModel {
  /** Level 0 (sparse exact terms, own weight totals) or an upper level (dense terms). */
  bottom: boolean;
  degreeCorrected: boolean;
  weighted: boolean;
  epsilon: number;
  /** Edges of the original graph (E) and their total weight. */
  edgeCount: number;
  totalWeight: number;
  /** graph-tool's q-table size for this graph (entropy/special.ts). */
  qLimit: number;
  /** Price the levels above as one block (see the header); false: level terms only. */
  proxyAbove: boolean;
}

/** Builds a LevelGraph from pair lists (u ≤ v; u = v a self-pair). */
export function buildLevelGraph(n: number, us: ArrayLike<number>, vs: ArrayLike<number>, ms: ArrayLike<number>, xs: ArrayLike<number>, cs: ArrayLike<number>): LevelGraph {
  const count = new Int32Array(n + 1);
  const selfM = new Float64Array(n);
  const selfX = new Float64Array(n);
  const selfC = new Float64Array(n);
  const degree = new Float64Array(n);
  for (let e = 0; e < us.length; e++) {
    const u = us[e]!;
    const v = vs[e]!;
    degree[u]! += ms[e]!;
    degree[v]! += ms[e]!;
    if (u === v) continue;
    count[u + 1]!++;
    count[v + 1]!++;
  }
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const offsets = Int32Array.from(count);
  const fill = Int32Array.from(count);
  const total = offsets[n]!;
  const nbr = new Int32Array(total);
  const m = new Float64Array(total);
  const x = new Float64Array(total);
  const c = new Float64Array(total);
  for (let e = 0; e < us.length; e++) {
    const u = us[e]!;
    const v = vs[e]!;
    if (u === v) {
      selfM[u]! += ms[e]!;
      selfX[u]! += xs[e]!;
      selfC[u]! += cs[e]!;
      continue;
    }
    for (const [a, b] of [[u, v], [v, u]] as const) {
      const k = fill[a]!++;
      nbr[k] = b;
      m[k] = ms[e]!;
      x[k] = xs[e]!;
      c[k] = cs[e]!;
    }
  }
  return { n, offsets, nbr, m, x, c, selfM, selfX, selfC, degree };
}

/** Neighbours whose blocks are proposed as move targets (all of them up to this degree). */
const NEIGHBOUR_CANDIDATES = 12;

export class LevelState {
  readonly cap: number;
  readonly b: Int32Array;
  readonly size: Float64Array;
  readonly ends: Float64Array;
  /** Dense symmetric block-pair matrices, cap × cap. */
  readonly M: Float64Array;
  readonly X: Float64Array;
  readonly C: Float64Array;
  /** Non-empty blocks, and each block's position in that list (−1 when empty). */
  readonly active: Int32Array;
  readonly where: Int32Array;
  activeCount = 0;
  /** Non-empty block pairs r ≤ s. */
  nonEmptyPairs = 0;
  private readonly hist: Map<number, number>[];
  private readonly histLnSum: Float64Array;
  private readonly aggM: Float64Array;
  private readonly aggX: Float64Array;
  private readonly aggC: Float64Array;
  private readonly touched: Int32Array;

  constructor(readonly g: LevelGraph, readonly model: LevelModel, labels: ArrayLike<number>) {
    const cap = g.n;
    this.cap = cap;
    this.b = new Int32Array(g.n);
    this.size = new Float64Array(cap);
    this.ends = new Float64Array(cap);
    this.M = new Float64Array(cap * cap);
    this.X = new Float64Array(cap * cap);
    this.C = new Float64Array(cap * cap);
    this.active = new Int32Array(cap);
    this.where = new Int32Array(cap).fill(-1);
    this.hist = Array.from({ length: cap }, () => new Map<number, number>());
    this.histLnSum = new Float64Array(cap);
    this.aggM = new Float64Array(cap);
    this.aggX = new Float64Array(cap);
    this.aggC = new Float64Array(cap);
    this.touched = new Int32Array(cap);
    for (let i = 0; i < g.n; i++) {
      const r = labels[i]!;
      this.b[i] = r;
      this.addToBlock(i, r);
    }
    for (let i = 0; i < g.n; i++) {
      const r = this.b[i]!;
      this.addPair(r, r, g.selfM[i]!, g.selfX[i]!, g.selfC[i]!);
      for (let k = g.offsets[i]!; k < g.offsets[i + 1]!; k++) {
        const j = g.nbr[k]!;
        if (j < i) continue;
        this.addPair(r, this.b[j]!, g.m[k]!, g.x[k]!, g.c[k]!);
      }
    }
  }

  blockCount(): number {
    return this.activeCount;
  }

  private addToBlock(i: number, r: number): void {
    if (this.size[r] === 0) {
      this.where[r] = this.activeCount;
      this.active[this.activeCount++] = r;
    }
    this.size[r]! += 1;
    this.ends[r]! += this.g.degree[i]!;
    if (this.model.degreeCorrected) this.histAdd(r, this.g.degree[i]!, 1);
  }

  private removeFromBlock(i: number, r: number): void {
    this.size[r]! -= 1;
    this.ends[r]! -= this.g.degree[i]!;
    if (this.model.degreeCorrected) this.histAdd(r, this.g.degree[i]!, -1);
    if (this.size[r] === 0) {
      const pos = this.where[r]!;
      const last = this.active[--this.activeCount]!;
      this.active[pos] = last;
      this.where[last] = pos;
      this.where[r] = -1;
    }
  }

  private histAdd(r: number, k: number, d: number): void {
    const h = this.hist[r]!;
    const old = h.get(k) ?? 0;
    const now = old + d;
    this.histLnSum[r]! += lnFactorial(now) - lnFactorial(old);
    if (now === 0) h.delete(k);
    else h.set(k, now);
  }

  private addPair(r: number, s: number, m: number, x: number, c: number): void {
    if (m === 0 && c === 0) return;
    const k1 = r * this.cap + s;
    const before = this.M[k1]! > 0;
    this.M[k1]! += m;
    this.X[k1]! += x;
    this.C[k1]! += c;
    if (r !== s) {
      const k2 = s * this.cap + r;
      this.M[k2]! += m;
      this.X[k2]! += x;
      this.C[k2]! += c;
    }
    const after = this.M[k1]! > 1e-9;
    if (!after) {
      this.M[k1] = 0;
      this.X[k1] = 0;
      this.C[k1] = 0;
      if (r !== s) {
        this.M[s * this.cap + r] = 0;
        this.X[s * this.cap + r] = 0;
        this.C[s * this.cap + r] = 0;
      }
    }
    if (before !== after) this.nonEmptyPairs += after ? 1 : -1;
  }

  /** The term of block pair (r, s) (adjacency and weights). */
  pairTerm(r: number, s: number): number {
    const k = r * this.cap + s;
    const m = this.M[k]!;
    if (m === 0) return 0;
    let S = this.model.bottom ? pairTermSparse(r, s, m) : pairTermDense(r === s, this.size[r]!, this.size[s]!, m);
    if (this.model.weighted) S -= positiveWeightsLogP(this.C[k]!, this.X[k]!, this.model.epsilon);
    return S;
  }

  /** The per-block terms of r (vertex term, degree prior, −ln n_r! of the partition prior). */
  blockTerm(r: number): number {
    const n = this.size[r]!;
    if (n === 0) return 0;
    let S = -lnFactorial(n);
    if (this.model.bottom) {
      const e = this.ends[r]!;
      if (this.model.degreeCorrected) {
        S += lnFactorial(e) + graphToolLogQ(e, n, this.model.qLimit) + lnFactorial(n) - this.histLnSum[r]!;
      } else {
        S += e * Math.log(n);
      }
    }
    return S;
  }

  /** Terms depending only on the number of blocks and of non-empty pairs. */
  globalTerm(): number {
    const N = this.g.n;
    const B = this.activeCount;
    let S = lnBinomial(N - 1, B - 1) + lnFactorial(N) + Math.log(N);
    if (this.model.weighted && this.model.bottom) S -= positiveWeightsLogP(this.nonEmptyPairs, this.model.totalWeight, this.model.epsilon);
    if (this.model.proxyAbove) {
      S += lnBinomial((B * (B + 1)) / 2 + this.model.edgeCount - 1, this.model.edgeCount) + Math.log(B);
      if (this.model.weighted) S -= positiveWeightsLogP(this.nonEmptyPairs, this.model.totalWeight, this.model.epsilon);
    }
    return S;
  }

  /** The level's whole description length (with the proxy above when set), from scratch. */
  total(): number {
    let S = this.globalTerm();
    for (let a = 0; a < this.activeCount; a++) {
      const r = this.active[a]!;
      S += this.blockTerm(r);
      for (let c = a; c < this.activeCount; c++) S += this.pairTerm(r, this.active[c]!);
    }
    return S;
  }

  /** Terms of rows r and s (and their blocks) plus the global ones: what a move between them changes. */
  private localTerms(r: number, s: number): number {
    let S = this.globalTerm() + this.blockTerm(r) + this.blockTerm(s);
    for (let a = 0; a < this.activeCount; a++) {
      const t = this.active[a]!;
      S += this.pairTerm(r, t);
      if (t !== r) S += this.pairTerm(s, t);
    }
    // An empty block's pairs are all zero, so the active blocks cover every non-zero term.
    return S;
  }

  /** Moves node i to block s (any block id < cap), keeping every statistic. */
  move(i: number, s: number): void {
    const r = this.b[i]!;
    if (r === s) return;
    const g = this.g;
    let nt = 0;
    for (let k = g.offsets[i]!; k < g.offsets[i + 1]!; k++) {
      const t = this.b[g.nbr[k]!]!;
      if (this.aggM[t] === 0 && this.aggC[t] === 0) this.touched[nt++] = t;
      this.aggM[t]! += g.m[k]!;
      this.aggX[t]! += g.x[k]!;
      this.aggC[t]! += g.c[k]!;
    }
    this.addPair(r, r, -g.selfM[i]!, -g.selfX[i]!, -g.selfC[i]!);
    for (let a = 0; a < nt; a++) {
      const t = this.touched[a]!;
      this.addPair(r, t, -this.aggM[t]!, -this.aggX[t]!, -this.aggC[t]!);
    }
    this.removeFromBlock(i, r);
    this.b[i] = s;
    this.addToBlock(i, s);
    for (let a = 0; a < nt; a++) {
      const t = this.touched[a]!;
      // A neighbour in r or s stays where it is; only i moved.
      this.addPair(s, t, this.aggM[t]!, this.aggX[t]!, this.aggC[t]!);
      this.aggM[t] = 0;
      this.aggX[t] = 0;
      this.aggC[t] = 0;
    }
    this.addPair(s, s, g.selfM[i]!, g.selfX[i]!, g.selfC[i]!);
  }

  /** Change of the description length if node i moved to s (the state is left unchanged). */
  moveDelta(i: number, s: number): number {
    const r = this.b[i]!;
    if (r === s) return 0;
    if (!this.model.bottom) {
      // Dense terms depend on the block sizes: every pair of rows r and s changes.
      const before = this.localTerms(r, s);
      this.move(i, s);
      const after = this.localTerms(r, s);
      this.move(i, r);
      return after - before;
    }
    // Level 0: only the pairs of r and s with the blocks of i's neighbours change (O(degree)).
    const blocks = this.neighbourBlocks(i, r, s);
    const before = this.rowTerms(r, s, blocks);
    this.move(i, s);
    const after = this.rowTerms(r, s, blocks);
    this.move(i, r);
    return after - before;
  }

  private markStamp = 0;
  private markArray: Int32Array | null = null;

  /** The distinct blocks of i's neighbours, with r and s. */
  private neighbourBlocks(i: number, r: number, s: number): number[] {
    const mark = (this.markArray ??= new Int32Array(this.cap));
    const stamp = ++this.markStamp;
    const out: number[] = [r, s];
    mark[r] = stamp;
    mark[s] = stamp;
    const g = this.g;
    for (let k = g.offsets[i]!; k < g.offsets[i + 1]!; k++) {
      const t = this.b[g.nbr[k]!]!;
      if (mark[t] !== stamp) {
        mark[t] = stamp;
        out.push(t);
      }
    }
    return out;
  }

  /** Global and block terms of r and s plus their pairs with `blocks` (which holds r and s). */
  private rowTerms(r: number, s: number, blocks: readonly number[]): number {
    let S = this.globalTerm() + this.blockTerm(r) + this.blockTerm(s);
    for (const t of blocks) {
      S += this.pairTerm(r, t);
      if (t !== r) S += this.pairTerm(s, t);
    }
    return S;
  }

  /** An empty block id, or −1 when every block is used. */
  emptyBlock(): number {
    if (this.activeCount >= this.cap) return -1;
    for (let r = 0; r < this.cap; r++) if (this.size[r] === 0) return r;
    return -1;
  }

  /** Nodes of each block, for merges. */
  members(): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (let i = 0; i < this.g.n; i++) {
      const r = this.b[i]!;
      let list = out.get(r);
      if (!list) out.set(r, (list = []));
      list.push(i);
    }
    return out;
  }

  /** Change of the description length if block r merged into s (state left unchanged). */
  mergeDelta(r: number, s: number, nodes: readonly number[]): number {
    const before = this.localTerms(r, s);
    for (const i of nodes) this.move(i, s);
    const after = this.localTerms(r, s);
    for (const i of nodes) this.move(i, r);
    return after - before;
  }

  /** Candidate target blocks of node i: its neighbours' blocks, a few random ones, and a new block. */
  candidates(i: number, rng: Random, extra: number, allowNew: boolean): number[] {
    const out = new Set<number>();
    const g = this.g;
    const start = g.offsets[i]!;
    const deg = g.offsets[i + 1]! - start;
    if (deg <= NEIGHBOUR_CANDIDATES) {
      for (let k = start; k < start + deg; k++) out.add(this.b[g.nbr[k]!]!);
    } else {
      // Dense graphs: the blocks of a few random neighbours (graph-tool proposes a random
      // neighbour's block too), not all of them — a node of a complete graph neighbours every block.
      for (let a = 0; a < NEIGHBOUR_CANDIDATES; a++) out.add(this.b[g.nbr[start + randomInt(rng, deg)]!]!);
    }
    for (let a = 0; a < extra && this.activeCount > 0; a++) out.add(this.active[randomInt(rng, this.activeCount)]!);
    if (allowNew) {
      const e = this.emptyBlock();
      if (e >= 0) out.add(e);
    }
    out.delete(this.b[i]!);
    return [...out];
  }
}
