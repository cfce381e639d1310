/**
 * Weighted community detection for the NTF pipeline: NMI against scikit-learn, the partition
 * counts of the degree prior, and Louvain against networkx's modularity. The nested SBM is checked
 * against graph-tool in ntf-sbm-entropy.test.ts and ntf-sbm-nested.test.ts; the LFR benchmark and
 * the generators are in ntf-communities-benchmarks.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../main/errors.js';
import {
  louvain,
  modularity,
  normalizedMutualInformation,
  plantedPartition,
  type WeightedGraph,
} from '../../main/pipelines/ntf/communities/index.js';
import { lnFactorialTable, lnPartitionsAtMost, lnPartitionsAtMostAsymptotic } from '../../main/pipelines/ntf/communities/sbm-math.js';
import { seededRandom, type Random } from '../../shared/random.js';

/** Exponential weights with the given mean (inverse CDF). */
const exponential =
  (mean: number) =>
  (rng: Random): number =>
    -Math.log(1 - rng()) * mean;

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
