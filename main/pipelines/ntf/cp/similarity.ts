/**
 * How alike two CP fits are, once their components are paired (component order is arbitrary):
 *  - `ensembleSimilarity`: the score tensortools' Ensemble reports between restarts (Williams et al.
 *    2018): per component pair, the mean over modes of |cos| between factor columns, averaged over
 *    the optimal pairing. It ignores λ, so it measures whether restarts find the same patterns.
 *  - `factorMatchScore`: the stricter FMS of Acar et al. (2011) and Tomasi & Bro (2006) used to
 *    check recovery of known factors: per pair, (1 − |λ − λ̂| / max(λ, λ̂)) · Π_modes |cos|.
 */
import { minimumCostAssignment } from './assignment.js';
import { normalizeKruskal, type KruskalTensor } from './ktensor.js';

function cosineMatrices(a: KruskalTensor, b: KruskalTensor): Float64Array[] {
  if (a.shape.length !== b.shape.length || a.shape.some((size, n) => size !== b.shape[n])) {
    throw new Error(`cannot compare CP fits of shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  const na = normalizeKruskal(a);
  const nb = normalizeKruskal(b);
  return na.factors.map((fa, n) => {
    const fb = nb.factors[n]!;
    const rows = a.shape[n]!;
    const out = new Float64Array(a.rank * b.rank);
    for (let p = 0; p < a.rank; p++) {
      for (let q = 0; q < b.rank; q++) {
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += fa[i * a.rank + p]! * fb[i * b.rank + q]!;
        out[p * b.rank + q] = Math.abs(dot);
      }
    }
    return out;
  });
}

/** Pairs components to maximise the summed per-pair score; unmatched components (rank differs) score 0. */
function bestPairing(scores: (p: number, q: number) => number, rankA: number, rankB: number): { mean: number; pairs: [number, number][] } {
  const n = Math.max(rankA, rankB);
  const cost = Array.from({ length: n }, (_, p) => Array.from({ length: n }, (_, q) => (p < rankA && q < rankB ? 1 - scores(p, q) : 1)));
  const columnOf = minimumCostAssignment(cost);
  let sum = 0;
  const pairs: [number, number][] = [];
  columnOf.forEach((q, p) => {
    if (p < rankA && q < rankB) {
      sum += scores(p, q);
      pairs.push([p, q]);
    }
  });
  return { mean: sum / n, pairs };
}

export function ensembleSimilarity(a: KruskalTensor, b: KruskalTensor): number {
  const cos = cosineMatrices(a, b);
  const modes = cos.length;
  return bestPairing(
    (p, q) => cos.reduce((sum, matrix) => sum + matrix[p * b.rank + q]!, 0) / modes,
    a.rank,
    b.rank,
  ).mean;
}

export interface FactorMatch {
  score: number;
  /** [component of a, component of b] pairs of the optimal matching (after λ-ordering). */
  pairs: [number, number][];
}

export function factorMatchScore(a: KruskalTensor, b: KruskalTensor): FactorMatch {
  const cos = cosineMatrices(a, b);
  const la = normalizeKruskal(a).weights;
  const lb = normalizeKruskal(b).weights;
  const pairScore = (p: number, q: number) => {
    const lambdaPenalty = 1 - Math.abs(la[p]! - lb[q]!) / Math.max(la[p]!, lb[q]!, Number.MIN_VALUE);
    return cos.reduce((product, matrix) => product * matrix[p * b.rank + q]!, lambdaPenalty);
  };
  const { mean, pairs } = bestPairing(pairScore, a.rank, b.rank);
  return { score: mean, pairs };
}
