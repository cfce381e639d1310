/**
 * The rank sweep's speed-ups checked against the plain code they replace: the WebAssembly SIMD
 * mode-0 pass against `fusedLeadPass` (JavaScript), a whole HALS fit with and without it, and the
 * deterministic NNDSVD start (non-negative, no dead components, exact on a rank-one tensor), and the
 * start grown from the rank below.
 */
import { describe, expect, it } from 'vitest';
import { fitNonnegativeCp } from '../../main/pipelines/ntf/cp/fit.js';
import { kruskalNormSquared, kruskalToDense, type KruskalTensor } from '../../main/pipelines/ntf/cp/ktensor.js';
import { fusedLeadPass, trailingKhatriRaoT, trailingSize } from '../../main/pipelines/ntf/cp/mttkrp.js';
import { simdLeadPass } from '../../main/pipelines/ntf/cp/simd-kernel.js';
import { grownKruskal, nndsvdKruskal } from '../../main/pipelines/ntf/cp/svd-init.js';
import { rankSweep } from '../../main/pipelines/ntf/cp/sweep.js';
import { seededRandom } from '../../shared/random.js';

function plantedKruskal(shape: number[], rank: number, seed: number): KruskalTensor {
  const random = seededRandom(seed);
  const factors = shape.map((size) => Float64Array.from({ length: size * rank }, () => (random() < 0.33 ? 0 : random())));
  return { shape, rank, factors, weights: new Float64Array(rank).fill(1) };
}

function relativeDifference(a: Float64Array, b: Float64Array): number {
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    difference = Math.max(difference, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  return difference / scale;
}

describe('WebAssembly SIMD mode-0 pass', () => {
  it('is available in this Node', () => {
    const x = kruskalToDense(plantedKruskal([4, 3, 2], 2, 1));
    expect(simdLeadPass(x)).not.toBeNull();
  });

  // Odd row counts and odd trailing lengths exercise the padding and the unpaired last row;
  // ranks 1–9 the four-at-a-time blocks and their remainders.
  for (const shape of [[9, 5, 3], [12, 4, 2], [7, 3, 2, 3]]) {
    it(`gives fusedLeadPass's V, factor and W on [${shape.join(', ')}] at ranks 1–9`, () => {
      const random = seededRandom(shape.length * 100 + shape[0]!);
      const size = shape.reduce((a, b) => a * b, 1);
      const x = { shape, data: Float64Array.from({ length: size }, () => (random() < 0.2 ? 0 : random())) };
      const length = trailingSize(shape);
      for (let rank = 1; rank <= 9; rank++) {
        const factors = plantedKruskal(shape, rank, rank).factors;
        const krT = new Float64Array(rank * length);
        trailingKhatriRaoT(shape, factors, rank, krT);
        // Any row update will do as long as both passes run the same one: a clipped affine map of V.
        const run = (useSimd: boolean) => {
          const factor = Float64Array.from(factors[0]!);
          const lead = new Float64Array(shape[0]! * rank);
          const contracted = new Float64Array(rank * length);
          const updateRow = (row: number) => {
            for (let r = 0; r < rank; r++) factor[row * rank + r] = Math.max(0, lead[row * rank + r]! / 3 - (r % 2) * 0.2);
          };
          if (useSimd) simdLeadPass(x)!.run(krT, rank, factor, updateRow, lead, contracted);
          else fusedLeadPass(x, krT, rank, factor, updateRow, lead, contracted);
          return { factor, lead, contracted };
        };
        const plain = run(false);
        const simd = run(true);
        expect(relativeDifference(plain.lead, simd.lead)).toBeLessThan(1e-13);
        expect(relativeDifference(plain.factor, simd.factor)).toBeLessThan(1e-13);
        expect(relativeDifference(plain.contracted, simd.contracted)).toBeLessThan(1e-13);
      }
    });
  }

  it('a whole HALS fit follows the same error path with and without it', () => {
    const x = kruskalToDense(plantedKruskal([41, 9, 3], 4, 5));
    const random = seededRandom(6);
    for (let i = 0; i < x.data.length; i++) x.data[i]! += 0.1 * random();
    const simd = fitNonnegativeCp(x, 4, { seed: 3, tolerance: 0, maxIterations: 80 });
    const plain = fitNonnegativeCp(x, 4, { seed: 3, tolerance: 0, maxIterations: 80, simd: false });
    expect(simd.errorHistory.length).toBe(80);
    simd.errorHistory.forEach((error, i) => expect(error).toBeCloseTo(plain.errorHistory[i]!, 10));
  });
});

describe('NNDSVD start', () => {
  it('is non-negative, has no all-zero column, and is deterministic', () => {
    const x = kruskalToDense(plantedKruskal([30, 8, 4], 5, 9));
    const start = nndsvdKruskal(x, 6);
    for (const [n, factor] of start.factors.entries()) {
      expect(Math.min(...factor)).toBeGreaterThan(0);
      expect(factor.length).toBe(x.shape[n]! * 6);
    }
    expect(nndsvdKruskal(x, 6).factors).toEqual(start.factors);
  });

  it('reproduces a rank-one tensor exactly (its leading singular triplet)', () => {
    const truth = plantedKruskal([20, 6, 3], 1, 4);
    truth.factors = truth.factors.map((f) => f.map((v) => v + 0.1));
    const x = kruskalToDense(truth);
    const start = nndsvdKruskal(x, 1);
    const model = kruskalToDense(start).data;
    expect(relativeDifference(x.data, model)).toBeLessThan(1e-9);
    expect(Math.sqrt(kruskalNormSquared(start))).toBeCloseTo(Math.sqrt(kruskalNormSquared(truth)), 8);
  });

  it('starts restart 0 of a sweep: its fit is the same whatever the sweep seed', async () => {
    const x = kruskalToDense(plantedKruskal([40, 10, 4], 3, 12));
    const a = await rankSweep(x, { minRank: 3, maxRank: 3, restarts: 2, seed: 1, threads: 1, polishFactor: 1 });
    const b = await rankSweep(x, { minRank: 3, maxRank: 3, restarts: 2, seed: 2, threads: 1, polishFactor: 1 });
    const svdFit = fitNonnegativeCp(x, 3, { start: 'svd' });
    expect(a.rows[0]!.errors).toContain(svdFit.error);
    expect(b.rows[0]!.errors).toContain(svdFit.error);
  });
});

describe('start grown from the rank below', () => {
  it("keeps the smaller fit's components (weights folded in) and adds the NNDSVD's next one", () => {
    const x = kruskalToDense(plantedKruskal([30, 8, 4], 4, 21));
    const previous = fitNonnegativeCp(x, 3, { seed: 2 }).kruskal;
    previous.weights = Float64Array.from([2, 0.5, 1]);
    const grown = grownKruskal(x, previous);
    const svd = nndsvdKruskal(x, 4);
    expect(grown.rank).toBe(4);
    expect([...grown.weights]).toEqual([1, 1, 1, 1]);
    grown.factors.forEach((factor, n) => {
      for (let i = 0; i < x.shape[n]!; i++) {
        for (let r = 0; r < 3; r++) expect(factor[i * 4 + r]).toBe(previous.factors[n]![i * 3 + r]! * (n === 0 ? previous.weights[r]! : 1));
        expect(factor[i * 4 + 3]).toBe(svd.factors[n]![i * 4 + 3]);
      }
    });
  });

  it('refuses a start that is not one rank below', () => {
    const x = kruskalToDense(plantedKruskal([12, 5, 3], 2, 22));
    const previous = fitNonnegativeCp(x, 2, { seed: 1 }).kruskal;
    expect(() => fitNonnegativeCp(x, 4, { growFrom: previous })).toThrow(/rank-4 fit grows from rank 3, got rank 2/);
  });

  it('never leaves a rank with a higher best error than the sweep without it, and wins somewhere', async () => {
    const truth = plantedKruskal([60, 12, 5], 6, 23);
    const x = kruskalToDense(truth);
    const random = seededRandom(24);
    for (let i = 0; i < x.data.length; i++) x.data[i]! += 0.05 * random();
    const options = { minRank: 2, maxRank: 7, restarts: 2, seed: 3, threads: 1 };
    const plain = await rankSweep(x, { ...options, growStart: false });
    const grown = await rankSweep(x, options);
    plain.rows.forEach((row, i) => expect(grown.rows[i]!.errors[0]!).toBeLessThanOrEqual(row.errors[0]! + 1e-12));
    expect(grown.rows.some((row, i) => row.errors[0]! < plain.rows[i]!.errors[0]! - 1e-9)).toBe(true);
  });
});
