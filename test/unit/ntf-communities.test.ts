/**
 * Weighted community detection for the NTF pipeline: NMI against scikit-learn, the SBM description
 * length (incremental bookkeeping against recomputation, closed forms, invariances), the MDL fit on
 * planted and structureless graphs, and Louvain against networkx's modularity.
 * The LFR benchmark and the generators are in ntf-communities-benchmarks.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../main/errors.js';
import {
  fitWeightedSbm,
  louvain,
  modularity,
  normalizedMutualInformation,
  plantedPartition,
  sbmDescriptionLength,
  type WeightedGraph,
} from '../../main/pipelines/ntf/communities/index.js';
import { BlockState, descriptionLengthOf, SbmGraph, type SbmModel } from '../../main/pipelines/ntf/communities/sbm.js';
import { lnFactorialTable, lnPartitionsAtMost, lnPartitionsAtMostAsymptotic } from '../../main/pipelines/ntf/communities/sbm-math.js';
import { seededRandom, type Random } from '../../shared/random.js';

/** Exponential weights with the given mean (inverse CDF). */
const exponential =
  (mean: number) =>
  (rng: Random): number =>
    -Math.log(1 - rng()) * mean;

const MODELS: SbmModel[] = [
  { degreeCorrected: false, simpleGraph: true },
  { degreeCorrected: false, simpleGraph: false },
  { degreeCorrected: true, simpleGraph: false },
];

function graphOf(n: number, edges: [number, number, number][]): WeightedGraph {
  const weights = new Float64Array(n * n);
  for (const [u, v, w] of edges) {
    weights[u * n + v] = w;
    weights[v * n + u] = w;
  }
  return { nodeCount: n, weights };
}

describe('normalizedMutualInformation', () => {
  it('equals scikit-learn 1.2.1 normalized_mutual_info_score, degenerate cases included', () => {
    // Values from: /usr/bin/python3 -c "from sklearn.metrics import normalized_mutual_info_score as f;
    //   print(repr(f(a, b)))" for each (a, b) below (average_method='arithmetic', the default).
    const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
    const cases: [number[], number[], number][] = [
      [[0, 0, 1, 1], [1, 1, 0, 0], 1.0],
      [[0, 0, 1, 1], [0, 1, 0, 1], 0.0],
      [[0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2], 0.5158037429793889],
      [[0, 0, 0, 0], [0, 0, 0, 0], 1.0], // both one cluster: identical
      [[0, 0, 0, 0], [0, 1, 2, 3], 0.0], // one side one cluster: MI = 0
      [[], [], 1.0],
      [[5, 5, -1, 7, 7, -1], [0, 1, 1, 2, 2, 2], 0.5206652463984818], // arbitrary label values
      [range(40, (i) => i % 3), range(40, (i) => (i * 7) % 4), 0.007319872679955736],
      // Exactly independent labellings: every MI term is below machine epsilon and dropped → 0.
      [range(50, (i) => (i * i) % 5), range(50, (i) => Math.floor(i / 10)), 0.0],
      [[0, 0, 1, 1, 2, 2, 3, 3], [0, 0, 0, 0, 1, 1, 1, 1], 0.666666666666667],
    ];
    for (const [a, b, expected] of cases) {
      expect(Math.abs(normalizedMutualInformation(a, b) - expected)).toBeLessThan(1e-15);
      expect(Math.abs(normalizedMutualInformation(b, a) - expected)).toBeLessThan(1e-15);
    }
    expect(normalizedMutualInformation(Int32Array.from([2, 2, 9]), Float64Array.from([0, 0, 1]))).toBe(1);
  });

  it('rejects labellings of different lengths', () => {
    expect(() => normalizedMutualInformation([0, 1], [0, 1, 1])).toThrow(/labelsB: length 3 does not match labelsA's 2/);
  });
});

describe('partition counts q(m, n) for the degree prior', () => {
  it('counts small cases exactly', () => {
    // q(5, 2) = |{5, 4+1, 3+2}|; q(10, 3) = 14; p(10) = 42; p(100) = 190569292 (OEIS A000041).
    expect(Math.exp(lnPartitionsAtMost(5, 2))).toBeCloseTo(3, 9);
    expect(Math.exp(lnPartitionsAtMost(10, 3))).toBeCloseTo(14, 9);
    expect(Math.exp(lnPartitionsAtMost(10, 10))).toBeCloseTo(42, 9);
    expect(Math.exp(lnPartitionsAtMost(10, 50))).toBeCloseTo(42, 9);
    expect(lnPartitionsAtMost(100, 100)).toBeCloseTo(Math.log(190569292), 9);
    expect(lnPartitionsAtMost(0, 4)).toBe(0);
    expect(lnPartitionsAtMost(7, 1)).toBe(0);
    // Three parts: the nearest integer to (m + 3)² / 12, also far beyond the exact table.
    expect(Math.exp(lnPartitionsAtMost(5000, 3))).toBeCloseTo(Math.round(5003 ** 2 / 12), 0);
  });

  it("Szekeres' asymptotic is within 0.04 nats of the exact count at the switch-over (m = 1000)", () => {
    // Measured: 0.035 at n = 5, 0.012–0.019 for n ≥ 10; the DL changes by whole nats per move.
    for (const n of [5, 10, 30, 100, 300, 1000]) {
      expect(Math.abs(lnPartitionsAtMostAsymptotic(1000, n) - lnPartitionsAtMost(1000, n))).toBeLessThan(0.04);
    }
    // Above the table it grows with n and saturates at p(m) (to 1e-8 nats: q(4096, 1024) is p(4096)
    // in all but the last digits).
    let previous = -1;
    for (const n of [4, 8, 16, 64, 256, 1024, 4096]) {
      const value = lnPartitionsAtMost(4096, n);
      expect(value).toBeGreaterThan(previous - 1e-6);
      previous = value;
    }
    expect(lnPartitionsAtMost(4096, 8000)).toBeCloseTo(lnPartitionsAtMost(4096, 4096), 12);
  });
});

describe('SBM description length', () => {
  const planted = plantedPartition({
    sizes: [10, 12, 8],
    pIn: 0.6,
    pOut: 0.3,
    weightIn: exponential(2),
    weightOut: exponential(1),
    seed: 3,
  });

  it('incremental node moves and merges agree with recomputation from scratch (all three models)', () => {
    const g = new SbmGraph(planted.graph);
    for (const model of MODELS) {
      const rng = seededRandom(5);
      const labels = Int32Array.from({ length: 30 }, () => Math.floor(rng() * 6));
      const state = new BlockState(g, model, labels);
      expect(state.total).toBeCloseTo(descriptionLengthOf(g, labels, model), 8);
      for (let step = 0; step < 200; step++) {
        const i = Math.floor(rng() * 30);
        const r = state.blockOf[i]!;
        const targets = Array.from(state.active.subarray(0, state.blockCount)).filter((t) => t !== r);
        if (targets.length === 0) break;
        const s = targets[Math.floor(rng() * targets.length)]!;
        state.nodeStats(i);
        const delta = state.moveDelta(i, s);
        const before = descriptionLengthOf(g, state.blockOf, model);
        state.applyMove(i, s, delta);
        const after = descriptionLengthOf(g, state.blockOf, model);
        expect(Math.abs(after - before - delta)).toBeLessThan(1e-8);
        expect(Math.abs(state.recomputeTotal() - after)).toBeLessThan(1e-8);
      }
      while (state.blockCount > 1) {
        const r = state.active[0]!;
        const s = state.active[1]!;
        const members = Array.from(state.blockOf).flatMap((b, i) => (b === r ? [i] : []));
        const delta = state.mergeDelta(r, s, members);
        const before = descriptionLengthOf(g, state.blockOf, model);
        state.applyMerge(r, s);
        const after = descriptionLengthOf(g, state.blockOf, model);
        expect(Math.abs(after - before - delta)).toBeLessThan(1e-8);
        expect(Math.abs(state.recomputeTotal() - after)).toBeLessThan(1e-8);
      }
    }
  });

  it('has the closed form ln N + W(E, E) for one block on a complete graph (simple-graph code)', () => {
    const n = 20;
    const { graph } = plantedPartition({ sizes: [n], pIn: 1, pOut: 0, weightIn: exponential(3), weightOut: exponential(1), seed: 1 });
    const E = (n * (n - 1)) / 2;
    const lnf = lnFactorialTable(E + 2);
    // Partition prior: ln N + ln C(N−1, 0) + ln N! − ln N! = ln N; edge-count prior ln C(E, E) = 0;
    // topology ln C(E, E) = 0; weights, in units of the mean weight (sum y = E):
    // (E + 1) ln(1 + E) − ln E! + E ln 10⁶.
    const expected = Math.log(n) + (E + 1) * Math.log(1 + E) - lnf[E]! + E * Math.log(1e6);
    expect(sbmDescriptionLength(graph, new Int32Array(n), { degreeCorrected: false })).toBeCloseTo(expected, 8);
  });

  it('does not depend on the scale of the weights', () => {
    const scaled: WeightedGraph = { nodeCount: 30, weights: planted.graph.weights.map((w) => w * 7.3) };
    for (const degreeCorrected of [false, true]) {
      for (const labels of [planted.labels, new Int32Array(30)]) {
        expect(sbmDescriptionLength(scaled, labels, { degreeCorrected })).toBeCloseTo(
          sbmDescriptionLength(planted.graph, labels, { degreeCorrected }),
          8,
        );
      }
    }
  });

  it('rejects a labelling of the wrong length', () => {
    expect(() => sbmDescriptionLength(planted.graph, [0, 1], { degreeCorrected: false })).toThrow(/labels: length 2/);
  });
});

describe('fitWeightedSbm', () => {
  it('recovers a sparse planted partition from the topology alone', () => {
    // Three groups of 40 (c_in = 12, c_out = 1.2 expected neighbours): (c_in − c_out)² = 117 is 2.7×
    // the Kesten–Stigum threshold B (c_in + (B−1) c_out) = 43, far into the detectable regime.
    // Weights are i.i.d. (no weight signal). Measured NMI 1.
    const b = plantedPartition({ sizes: [40, 40, 40], pIn: 0.3, pOut: 0.03, weightIn: exponential(1), weightOut: exponential(1), seed: 1 });
    const fit = fitWeightedSbm(b.graph, { seed: 1 });
    expect(normalizedMutualInformation(b.labels, fit.blocks)).toBeGreaterThanOrEqual(0.95);
    expect(fit.descriptionLengthNats).toBeLessThan(fit.singleBlockDescriptionLengthNats);
  });

  it('recovers weight-only structure on a complete graph, assortative or not; Louvain only the first', () => {
    // Every pair is an edge, so the topology carries nothing: only the weights separate the groups.
    // Means 2.5 vs 1: the split saves ≈ Σ m·KL(Exp(μ_group) ‖ Exp(μ_pooled)) ≈ 1120 nats against
    // ≈ 210 nats of partition and edge-count priors (measured gap between the one-block and the
    // planted DL: 889 nats; 706 for the disassortative version).
    const assortative = plantedPartition({ sizes: [40, 50, 60], pIn: 1, pOut: 1, weightIn: exponential(2.5), weightOut: exponential(1), seed: 1 });
    const disassortative = plantedPartition({ sizes: [40, 50, 60], pIn: 1, pOut: 1, weightIn: exponential(1), weightOut: exponential(2.5), seed: 1 });
    for (const b of [assortative, disassortative]) {
      const fit = fitWeightedSbm(b.graph, { seed: 2 });
      expect(fit.count).toBe(3);
      expect(normalizedMutualInformation(b.labels, fit.blocks)).toBeGreaterThanOrEqual(0.95);
      // On a complete graph the degrees say nothing, and the simple-graph NDC code is shorter.
      expect(fit.degreeCorrected).toBe(false);
    }
    expect(normalizedMutualInformation(assortative.labels, louvain(assortative.graph).blocks)).toBeGreaterThanOrEqual(0.95);
    // Modularity looks for dense (here: heavy) groups; heavy links *between* groups defeat it.
    expect(normalizedMutualInformation(disassortative.labels, louvain(disassortative.graph).blocks)).toBeLessThan(0.3);
  });

  it('finds one block in structureless graphs where Louvain over-splits', () => {
    // Erdős–Rényi topology with i.i.d. weights, sparse (p = 0.1) and complete: any split only fits
    // noise, which MDL prices above what it saves. Modularity of random graphs is positive
    // (Guimerà et al. 2004), so Louvain reports several "communities" (measured 10 with Q = 0.38,
    // and 7 with Q = 0.07).
    for (const p of [0.1, 1]) {
      const b = plantedPartition({ sizes: [120], pIn: p, pOut: 0, weightIn: exponential(1), weightOut: exponential(1), seed: 4 });
      const fit = fitWeightedSbm(b.graph, { seed: 1 });
      expect(fit.count).toBe(1);
      expect(fit.descriptionLengthNats).toBeCloseTo(fit.singleBlockDescriptionLengthNats, 9);
      const baseline = louvain(b.graph, { seed: 1 });
      expect(baseline.count).toBeGreaterThanOrEqual(4);
      expect(baseline.modularity).toBeGreaterThan(0.05);
    }
  });

  it('reports the description length of the partition it returns, never above one block', () => {
    const b = plantedPartition({ sizes: [15, 25, 20], pIn: 0.5, pOut: 0.15, weightIn: exponential(1.5), weightOut: exponential(1), seed: 7 });
    for (const degreeCorrected of [false, true, 'auto'] as const) {
      for (const ensemble of ['simple', 'multigraph'] as const) {
        const fit = fitWeightedSbm(b.graph, { seed: 3, degreeCorrected, ensemble, restarts: 1 });
        if (degreeCorrected !== 'auto') expect(fit.degreeCorrected).toBe(degreeCorrected);
        expect(fit.descriptionLengthNats).toBeLessThanOrEqual(fit.singleBlockDescriptionLengthNats);
        expect(fit.descriptionLengthNats).toBeCloseTo(
          sbmDescriptionLength(b.graph, fit.blocks, { degreeCorrected: fit.degreeCorrected, ensemble }),
          6,
        );
        expect(fit.singleBlockDescriptionLengthNats).toBeCloseTo(
          sbmDescriptionLength(b.graph, new Int32Array(60), { degreeCorrected: fit.degreeCorrected, ensemble }),
          6,
        );
        expect(fit.blocks[0]).toBe(0);
        expect(Math.max(...fit.blocks) + 1).toBe(fit.count);
      }
    }
  });

  it('is deterministic for a seed, honours maxBlocks and can be cancelled', () => {
    const b = plantedPartition({ sizes: [20, 20, 20, 20], pIn: 0.5, pOut: 0.05, weightIn: exponential(1), weightOut: exponential(1), seed: 9 });
    const first = fitWeightedSbm(b.graph, { seed: 42 });
    const second = fitWeightedSbm(b.graph, { seed: 42 });
    expect(Array.from(second.blocks)).toEqual(Array.from(first.blocks));
    expect(second.descriptionLengthNats).toBe(first.descriptionLengthNats);
    expect(first.count).toBe(4);
    const capped = fitWeightedSbm(b.graph, { seed: 42, maxBlocks: 2 });
    expect(capped.count).toBeLessThanOrEqual(2);
    expect(capped.descriptionLengthNats).toBeGreaterThan(first.descriptionLengthNats);
    let calls = 0;
    const cancel = (): void => {
      if (++calls === 3) throw new Error('cancelled by user');
    };
    expect(() => fitWeightedSbm(b.graph, { shouldStop: cancel })).toThrow('cancelled by user');
  });

  it('handles empty and edgeless graphs', () => {
    const empty = fitWeightedSbm({ nodeCount: 0, weights: new Float64Array(0) });
    expect(empty.count).toBe(0);
    const edgeless = fitWeightedSbm({ nodeCount: 5, weights: new Float64Array(25) });
    expect(edgeless.count).toBe(1);
    expect(Array.from(edgeless.blocks)).toEqual([0, 0, 0, 0, 0]);
  });

  it('rejects malformed graphs and options with a message naming the problem', () => {
    const good = graphOf(3, [[0, 1, 1], [1, 2, 2]]);
    const bad = (edit: (w: Float64Array) => void): WeightedGraph => {
      const weights = good.weights.slice();
      edit(weights);
      return { nodeCount: 3, weights };
    };
    const cases: [WeightedGraph, RegExp][] = [
      [bad((w) => (w[1] = 3)), /not symmetric: \[0, 1\] = 3 but \[1, 0\] = 1/],
      [bad((w) => ((w[5] = -1), (w[7] = -1))), /entry \[1, 2\] is negative/],
      [bad((w) => ((w[2] = Number.NaN), (w[6] = Number.NaN))), /entry \[0, 2\] is NaN/],
      [bad((w) => ((w[2] = Number.POSITIVE_INFINITY), (w[6] = Number.POSITIVE_INFINITY))), /entry \[0, 2\] is infinite/],
      [bad((w) => (w[4] = 1)), /diagonal entry \[1, 1\] is 1/],
      [{ nodeCount: 3, weights: new Float64Array(8) }, /length 8 does not match nodeCount² = 9/],
      [{ nodeCount: 2.5, weights: new Float64Array(4) }, /nodeCount: must be a non-negative integer/],
    ];
    for (const [graph, message] of cases) {
      expect(() => fitWeightedSbm(graph)).toThrow(ValidationError);
      expect(() => fitWeightedSbm(graph)).toThrow(message);
      expect(() => louvain(graph)).toThrow(message);
    }
    expect(() => fitWeightedSbm(good, { restarts: 0 })).toThrow(/restarts/);
    expect(() => fitWeightedSbm(good, { maxBlocks: 0 })).toThrow(/maxBlocks/);
    expect(() => louvain(good, { resolution: -1 })).toThrow(/resolution/);
    // Round-off asymmetry (as from computing f(i, j) and f(j, i) separately) is accepted.
    expect(() => fitWeightedSbm(bad((w) => (w[3] = 1 + 1e-14)))).not.toThrow();
  });
});

describe('louvain', () => {
  const small = graphOf(6, [
    [0, 1, 1.0],
    [0, 2, 2.0],
    [1, 2, 1.5],
    [3, 4, 1.0],
    [3, 5, 0.5],
    [4, 5, 2.5],
    [2, 3, 0.3],
    [0, 5, 0.1],
  ]);

  it('computes weighted modularity as networkx 2.8.8 does', () => {
    // Values from networkx.algorithms.community.modularity(G, communities, weight='weight'[,
    // resolution=0.5]) on the same six-node graph (python3 -c "...", networkx 2.8.8).
    expect(modularity(small, [0, 0, 0, 1, 1, 1])).toBeCloseTo(0.4534780961999749, 14);
    expect(modularity(small, [0, 0, 1, 1, 2, 2])).toBeCloseTo(0.09152884736775663, 14);
    expect(modularity(small, [0, 0, 0, 1, 1, 1], 0.5)).toBeCloseTo(0.7042671379876279, 14);
    expect(modularity(small, [0, 0, 0, 0, 0, 0])).toBeCloseTo(0, 14);
  });

  it('finds the two weighted triangles and reports their exact modularity', () => {
    const result = louvain(small);
    expect(Array.from(result.blocks)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(result.modularity).toBeCloseTo(0.4534780961999749, 14);
  });

  it('recovers an easy planted partition, through the aggregation phase, deterministically', () => {
    const b = plantedPartition({ sizes: [30, 25, 35, 30], pIn: 0.4, pOut: 0.02, weightIn: exponential(2), weightOut: exponential(1), seed: 11 });
    const result = louvain(b.graph, { seed: 3 });
    expect(normalizedMutualInformation(b.labels, result.blocks)).toBe(1);
    expect(result.modularity).toBeCloseTo(modularity(b.graph, result.blocks), 12);
    expect(Array.from(louvain(b.graph, { seed: 3 }).blocks)).toEqual(Array.from(result.blocks));
    // A higher resolution asks for smaller communities.
    expect(louvain(b.graph, { seed: 3, resolution: 8 }).count).toBeGreaterThan(result.count);
  });

  it('leaves an edgeless graph as singletons', () => {
    const result = louvain({ nodeCount: 3, weights: new Float64Array(9) });
    expect(result.count).toBe(3);
    expect(result.modularity).toBe(0);
  });
});
