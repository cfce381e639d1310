/**
 * Scores an inferred directed connectivity matrix S[post·N + pre] against the true weights W of a
 * simulated network (simulate.ts): edge detection (AUROC, AUPRC), hub recovery and direction.
 * Conventions: an edge is present when |W| > 0; the diagonal is excluded everywhere (self-history
 * is not a connection); scores are used as given (pass |S| to rank inhibitory edges as edges too).
 */
import { ValidationError } from '../../errors.js';
import { rocAuc } from '../fmri/metrics.js';
import { pearson as pearsonR } from '../../../shared/correlation.js';

export { rocAuc };

/**
 * Average precision as sklearn's `average_precision_score`: Σ_k (R_k − R_{k−1}) P_k over distinct
 * score thresholds, descending (a step function, no interpolation); tied scores enter together.
 */
export function averagePrecision(truth: Int8Array, scores: Float64Array): number {
  const n = truth.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let positives = 0;
  for (let i = 0; i < n; i++) if (truth[i]! > 0) positives++;
  if (positives === 0) throw new Error('average precision is undefined without positive labels');
  let tp = 0;
  let seen = 0;
  let previousRecall = 0;
  let ap = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1]!] === scores[order[start]!]) end++;
    for (let i = start; i <= end; i++) if (truth[order[i]!]! > 0) tp++;
    seen = end + 1;
    const recall = tp / positives;
    ap += (recall - previousRecall) * (tp / seen);
    previousRecall = recall;
    start = end + 1;
  }
  return ap;
}

/** Mid-ranks (1-based; ties share the mean rank). */
export function midRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && values[order[end + 1]!] === values[order[start]!]) end++;
    for (let i = start; i <= end; i++) ranks[order[i]!] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

/** Pearson correlation (shared/correlation.ts); lengths that differ are a validation error here. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new ValidationError('pearson', `lengths differ (${a.length} vs ${b.length})`);
  return pearsonR(a, b);
}

/** Spearman rank correlation (Pearson on mid-ranks, as scipy.stats.spearmanr). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(midRanks(a), midRanks(b));
}

export interface ConnectivityScores {
  /** Edge present (|W| > 0) vs absent over the N(N−1) off-diagonal directed pairs. */
  auroc: number;
  auprc: number;
  /** AUPRC of a random score: the edge density. */
  chanceAuprc: number;
  edges: number;
  pairs: number;
  /** Spearman correlation of true out-degree with inferred out-strength Σ_post S[post, pre]. */
  hubSpearman: number;
  /** Fraction of the true top-h out-degree neurons among the top-h inferred (h = `hubs`). */
  hubRecall: number;
  /**
   * Direction: over pairs wired one way only, AUROC of S on the true direction (label 1) vs the
   * reverse (label 0) — "W vs Wᵀ"; 0.5 = blind to direction. NaN when there is no such pair.
   */
  directionAuroc: number;
  /** Same pairs: fraction with S[true] > S[reverse] (ties ½). */
  directionAccuracy: number;
  asymmetricPairs: number;
}

function checkSquare(name: string, m: Float64Array, n: number): void {
  if (m.length !== n * n) throw new ValidationError(name, `expected ${n}×${n} = ${n * n} values, got ${m.length}`);
}

/** Indices of the h largest values (ties broken by lower index), as a set. */
function topSet(values: Float64Array, h: number): Set<number> {
  const order = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]! || a - b);
  return new Set(order.slice(0, h));
}

export function scoreConnectivity(truth: Float64Array, inferred: Float64Array, n: number, options: { hubs?: number } = {}): ConnectivityScores {
  checkSquare('truth', truth, n);
  checkSquare('inferred', inferred, n);
  const pairs = n * (n - 1);
  const labels = new Int8Array(pairs);
  const scores = new Float64Array(pairs);
  const outDegree = new Float64Array(n);
  const outStrength = new Float64Array(n);
  let k = 0;
  let edges = 0;
  for (let post = 0; post < n; post++) {
    for (let pre = 0; pre < n; pre++) {
      if (post === pre) continue;
      const present = truth[post * n + pre] !== 0;
      labels[k] = present ? 1 : 0;
      scores[k] = inferred[post * n + pre]!;
      if (present) {
        edges++;
        outDegree[pre]!++;
      }
      outStrength[pre]! += inferred[post * n + pre]!;
      k++;
    }
  }
  const auroc = edges > 0 && edges < pairs ? rocAuc(labels, scores) : NaN;
  const auprc = edges > 0 ? averagePrecision(labels, scores) : NaN;

  const dirLabels: number[] = [];
  const dirScores: number[] = [];
  let correct = 0;
  let asymmetric = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const ij = truth[i * n + j] !== 0; // j → i
      const ji = truth[j * n + i] !== 0; // i → j
      if (ij === ji) continue;
      const sTrue = ij ? inferred[i * n + j]! : inferred[j * n + i]!;
      const sReverse = ij ? inferred[j * n + i]! : inferred[i * n + j]!;
      dirLabels.push(1, 0);
      dirScores.push(sTrue, sReverse);
      correct += sTrue > sReverse ? 1 : sTrue === sReverse ? 0.5 : 0;
      asymmetric++;
    }
  }
  const directionAuroc = asymmetric > 0 ? rocAuc(Int8Array.from(dirLabels), Float64Array.from(dirScores)) : NaN;

  const hubs = Math.max(1, Math.min(options.hubs ?? 5, n));
  const trueTop = topSet(outDegree, hubs);
  const inferredTop = topSet(outStrength, hubs);
  let hit = 0;
  for (const h of inferredTop) if (trueTop.has(h)) hit++;
  return {
    auroc,
    auprc,
    chanceAuprc: edges / pairs,
    edges,
    pairs,
    hubSpearman: spearman(outDegree, outStrength),
    hubRecall: hit / hubs,
    directionAuroc,
    directionAccuracy: asymmetric > 0 ? correct / asymmetric : NaN,
    asymmetricPairs: asymmetric,
  };
}

/** |S| element-wise: ranks inhibitory (negative) couplings as edges too. */
export function absolute(m: Float64Array): Float64Array {
  return m.map(Math.abs);
}
