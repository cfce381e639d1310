/**
 * Recovery of real CP factors (Dyballa et al., PNAS 2024: non-negative CP of mouse retina and V1
 * responses, ../shared/data/ntf) by Cajal's HALS. Ground truth: X = Σ λ_r a_r ∘ b_r ∘ c_r from the
 * published factors (the 8 strongest retina components; neurons × 6 stimuli × every 8th of 1080
 * time bins = 1149 × 6 × 135), fitted from random starts; the factor match score (FMS, Acar et al.
 * 2011: λ penalty × product of |cos| over modes, optimally paired) must be ≥ 0.99 without noise and
 * degrade gracefully with Gaussian noise of 10 % and 30 % of the tensor's RMS (clipped at 0).
 * Measured here: 0.995 / 0.986 / 0.948 (seed 1), so the thresholds leave a margin.
 *
 * V1's published factors (17 components) are not recovered this way: from random starts HALS
 * stalls at errors below 1 % but FMS 0.72–0.84 within 2000 iterations (several V1 components share
 * a stimulus factor exactly, cos 1.0, which makes the landscape flat). Noted in the README.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FitPool } from '../../main/pipelines/ntf/cp/fit-pool.js';
import { frobeniusNorm, kruskalToDense, type KruskalTensor } from '../../main/pipelines/ntf/cp/ktensor.js';
import { factorMatchScore } from '../../main/pipelines/ntf/cp/similarity.js';
import { seededRandom } from '../../shared/random.js';
import { hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { realKruskal } from '../helpers/ntf.js';

if (!hasSharedData()) console.warn(`real CP factor tests skipped: ${SKIP_NO_DATA}`);

/** The first `rank` components (strongest λ first) of a normalised Kruskal tensor. */
function strongest(k: KruskalTensor, rank: number): KruskalTensor {
  const factors = k.factors.map((factor, n) => {
    const rows = k.shape[n]!;
    const out = new Float64Array(rows * rank);
    for (let i = 0; i < rows; i++) for (let r = 0; r < rank; r++) out[i * rank + r] = factor[i * k.rank + r]!;
    return out;
  });
  return { shape: k.shape, rank, factors, weights: k.weights.slice(0, rank) };
}

function noisy(truth: KruskalTensor, level: number, seed: number) {
  const x = kruskalToDense(truth);
  const rms = frobeniusNorm(x.data) / Math.sqrt(x.data.length);
  const random = seededRandom(seed);
  for (let i = 0; i < x.data.length; i++) {
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    x.data[i] = Math.max(0, x.data[i]! + level * rms * gaussian);
  }
  return x;
}

describe.skipIf(!hasSharedData())('recovery of the published retina CP factors', () => {
  const pools: FitPool[] = [];
  afterAll(async () => Promise.all(pools.map((pool) => pool.close())));

  it('HALS recovers them: FMS ≥ 0.99 noiseless, ≥ 0.95 at 10 % noise, ≥ 0.9 at 30 %', async () => {
    const truth = strongest(await realKruskal('retina_R16', [1, 1, 8]), 8);
    expect(truth.shape).toEqual([1149, 6, 135]);
    const levels = [0, 0.1, 0.3] as const;
    const scores = await Promise.all(
      levels.map(async (level) => {
        const pool = new FitPool(noisy(truth, level, 3), 1);
        pools.push(pool);
        const fit = await pool.fit({ rank: 8, seed: 1, tolerance: level ? 1e-8 : 1e-9, maxIterations: 1000 });
        return factorMatchScore(truth, fit.kruskal).score;
      }),
    );
    console.log(`retina FMS at noise ${levels.join(' / ')}: ${scores.map((s) => s.toFixed(4)).join(' / ')}`);
    expect(scores[0]!).toBeGreaterThanOrEqual(0.99);
    expect(scores[1]!).toBeGreaterThanOrEqual(0.95);
    expect(scores[2]!).toBeGreaterThanOrEqual(0.9);
  }, 300_000);
});
