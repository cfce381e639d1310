/**
 * Non-negative CP on tensors made in code: the fit's error identity, recovery of planted factors by
 * HALS (3-way and 4-way), MU as an independent check, the assignment and similarity scores, and the
 * rank suggestion's rules. Recovery of the real published factors is in test/integration/ntf-cp-real.
 */
import { describe, expect, it } from 'vitest';
import { minimumCostAssignment } from '../../main/pipelines/ntf/cp/assignment.js';
import { fitNonnegativeCp, randomKruskal } from '../../main/pipelines/ntf/cp/fit.js';
import { frobeniusNorm, kruskalToDense, normalizeKruskal, permuteComponents, type KruskalTensor } from '../../main/pipelines/ntf/cp/ktensor.js';
import { ensembleSimilarity, factorMatchScore } from '../../main/pipelines/ntf/cp/similarity.js';
import { rankSweep, suggestRank, type SweepRow } from '../../main/pipelines/ntf/cp/sweep.js';
import { seededRandom } from '../../shared/random.js';

/** Sparse-ish non-negative factors (a third of the loadings zero), like real NTF components. */
function plantedKruskal(shape: number[], rank: number, seed: number): KruskalTensor {
  const random = seededRandom(seed);
  const factors = shape.map((size) => Float64Array.from({ length: size * rank }, () => (random() < 0.33 ? 0 : random())));
  return { shape, rank, factors, weights: new Float64Array(rank).fill(1) };
}

function directError(truth: Float64Array, fit: KruskalTensor): number {
  const model = kruskalToDense(fit).data;
  let residual = 0;
  for (let i = 0; i < truth.length; i++) residual += (truth[i]! - model[i]!) ** 2;
  return Math.sqrt(residual) / frobeniusNorm(truth);
}

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, at) => [...p.slice(0, at), n - 1, ...p.slice(at)]));
}

describe('minimum-cost assignment', () => {
  it('matches brute force on random square matrices', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + (trial % 6);
      const cost = Array.from({ length: n }, () => Array.from({ length: n }, () => Math.round(random() * 20) - 5));
      const assigned = minimumCostAssignment(cost);
      expect(new Set(assigned).size).toBe(n);
      const total = assigned.reduce((sum, column, row) => sum + cost[row]![column]!, 0);
      const best = Math.min(...permutations(n).map((p) => p.reduce((sum, column, row) => sum + cost[row]![column]!, 0)));
      expect(total).toBe(best);
    }
  });
});

describe('similarity scores', () => {
  const k = plantedKruskal([30, 8, 5], 4, 3);
  it('are 1 for the same factors in another order and scale', () => {
    const shuffled = permuteComponents(k, [2, 0, 3, 1]);
    shuffled.factors[1] = shuffled.factors[1]!.map((v) => v * 3);
    shuffled.factors[0] = shuffled.factors[0]!.map((v) => v / 3);
    expect(factorMatchScore(k, shuffled).score).toBeCloseTo(1, 12);
    expect(ensembleSimilarity(k, shuffled)).toBeCloseTo(1, 12);
  });
  it('FMS penalises a wrong λ, the ensemble similarity does not', () => {
    const scaled = normalizeKruskal(k);
    scaled.weights[0]! *= 2;
    expect(factorMatchScore(k, scaled).score).toBeLessThan(0.9);
    expect(ensembleSimilarity(k, scaled)).toBeCloseTo(1, 12);
  });
  it('are low for unrelated factors', () => {
    expect(factorMatchScore(k, plantedKruskal([30, 8, 5], 4, 99)).score).toBeLessThan(0.5);
  });
});

describe('non-negative CP fit', () => {
  it('reports the true normalised error ‖X − X̂‖/‖X‖ and never increases it (HALS)', () => {
    const x = kruskalToDense(plantedKruskal([25, 12, 6], 3, 11));
    const random = seededRandom(5);
    for (let i = 0; i < x.data.length; i++) x.data[i]! += 0.2 * random();
    const fit = fitNonnegativeCp(x, 3, { seed: 2, tolerance: 0, maxIterations: 60 });
    expect(fit.error).toBeCloseTo(directError(x.data, fit.kruskal), 10);
    for (let i = 1; i < fit.errorHistory.length; i++) expect(fit.errorHistory[i]!).toBeLessThanOrEqual(fit.errorHistory[i - 1]! + 1e-12);
    for (const factor of fit.kruskal.factors) expect(Math.min(...factor)).toBeGreaterThanOrEqual(0);
  });

  it('HALS recovers planted 3-way factors (FMS ≥ 0.99)', () => {
    const truth = plantedKruskal([60, 20, 8], 5, 21);
    const x = kruskalToDense(truth);
    const fits = [1, 2, 3].map((seed) => fitNonnegativeCp(x, 5, { seed, tolerance: 1e-10, maxIterations: 3000 }));
    const best = fits.reduce((a, b) => (b.error < a.error ? b : a));
    expect(best.error).toBeLessThan(1e-3);
    expect(factorMatchScore(truth, best.kruskal).score).toBeGreaterThan(0.99);
  });

  it('HALS recovers planted 4-way factors (FMS ≥ 0.99)', () => {
    const truth = plantedKruskal([40, 10, 6, 5], 4, 31);
    const x = kruskalToDense(truth);
    const fits = [1, 2, 3].map((seed) => fitNonnegativeCp(x, 4, { seed, tolerance: 1e-10, maxIterations: 3000 }));
    const best = fits.reduce((a, b) => (b.error < a.error ? b : a));
    expect(factorMatchScore(truth, best.kruskal).score).toBeGreaterThan(0.99);
  });

  it('multiplicative updates reach the HALS solution from the same start (independent check)', () => {
    const truth = plantedKruskal([40, 15, 6], 3, 41);
    const x = kruskalToDense(truth);
    const hals = fitNonnegativeCp(x, 3, { seed: 4, tolerance: 1e-12, maxIterations: 3000 });
    const mu = fitNonnegativeCp(x, 3, { method: 'mu', seed: 4, tolerance: 1e-12, maxIterations: 20000 });
    expect(mu.error).toBeLessThan(0.02);
    expect(factorMatchScore(hals.kruskal, mu.kruskal).score).toBeGreaterThan(0.95);
  });

  it('is reproducible from its seed', () => {
    const x = kruskalToDense(plantedKruskal([20, 10, 4], 2, 8));
    const a = fitNonnegativeCp(x, 2, { seed: 9 });
    const b = fitNonnegativeCp(x, 2, { seed: 9 });
    expect(b.errorHistory).toEqual(a.errorHistory);
  });

  it('refuses negative, NaN or all-zero tensors with a clear message', () => {
    const x = kruskalToDense(plantedKruskal([5, 4, 3], 2, 1));
    x.data[7] = -1;
    expect(() => fitNonnegativeCp(x, 2)).toThrow(/non-negative, but entry 7 is -1/);
    x.data[7] = Number.NaN;
    expect(() => fitNonnegativeCp(x, 2)).toThrow(/entry 7 is NaN/);
    x.data.fill(0);
    expect(() => fitNonnegativeCp(x, 2)).toThrow(/all zeros/);
  });
});

describe('rank sweep and suggestion', () => {
  it('finds the planted rank on a noisy tensor, with the same numbers on 1 or 2 threads', async () => {
    const truth = plantedKruskal([50, 20, 6], 3, 51);
    const x = kruskalToDense(truth);
    const random = seededRandom(52);
    const scale = frobeniusNorm(x.data) / Math.sqrt(x.data.length);
    for (let i = 0; i < x.data.length; i++) x.data[i] = Math.max(0, x.data[i]! + 0.05 * scale * (random() - 0.5));
    const sweep = await rankSweep(x, { minRank: 1, maxRank: 6, restarts: 3, seed: 1, threads: 1 });
    const threaded = await rankSweep(x, { minRank: 1, maxRank: 6, restarts: 3, seed: 1, threads: 2 });
    expect(threaded.rows.map((row) => row.errors)).toEqual(sweep.rows.map((row) => row.errors));
    expect(sweep.rows.map((row) => row.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const row of sweep.rows) expect(row.errors).toEqual([...row.errors].sort((a, b) => a - b));
    const suggestion = suggestRank(sweep.rows);
    expect(suggestion.rank).toBe(3);
    expect(suggestion.reasoning.join(' ')).toMatch(/Suggested rank 3/);
  });

  it('cancels: a throwing shouldStop stops every thread and rejects', async () => {
    const x = kruskalToDense(plantedKruskal([80, 30, 6], 4, 61));
    let calls = 0;
    const stop = () => {
      if (++calls > 3) throw new Error('cancelled by the user');
    };
    await expect(rankSweep(x, { minRank: 2, maxRank: 8, restarts: 4, threads: 2, tolerance: 0, shouldStop: stop })).rejects.toThrow(/cancelled by the user/);
  });

  const row = (rank: number, error: number, similarity: number): SweepRow => ({ rank, errors: [error], iterations: [1], similarity, durationMs: 1 });
  it('stops at the elbow of the error curve', () => {
    const rows = [row(2, 0.8, 1), row(3, 0.5, 0.99), row(4, 0.31, 0.97), row(5, 0.3, 0.95), row(6, 0.29, 0.9)];
    expect(suggestRank(rows).rank).toBe(4);
  });
  it('does not suggest a rank whose restarts disagree', () => {
    const rows = [row(2, 0.8, 1), row(3, 0.5, 0.99), row(4, 0.31, 0.6), row(5, 0.3, 0.5)];
    const suggestion = suggestRank(rows);
    expect(suggestion.rank).toBe(3);
    expect(suggestion.reasoning.join(' ')).toMatch(/disagree .* 4 \(0\.600\)/);
  });
});
