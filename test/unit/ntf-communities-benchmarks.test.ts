/**
 * Benchmark graphs for the NTF community detection (planted partition, weighted LFR), Louvain — the
 * paper's baseline — scored on them by NMI in the settings of Dyballa et al.'s benchmark notebook
 * (N = 125, ⟨k⟩ = 25, k_max = 100, μ_t = 0.5, τ₁ = 2, τ₂ = 1), and the paper's nine settings with
 * graph-tool's stored fits of the same graphs. The NMI thresholds are measured values (seeds 1–4,
 * deterministic) with a margin, so a change that merely reorders random draws passes and a detector
 * that stops seeing the planted structure fails. The nested SBM against graph-tool on these graphs:
 * bench/ntf-graphtool.ts lfr and ntf-sbm-nested.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../main/errors.js';
import { seededRandom } from '../../shared/random.js';
import {
  notebookSettings,
  louvain,
  measureMixing,
  normalizedMutualInformation,
  plantedPartition,
  weightedLfr,
  type WeightedLfrOptions,
} from '../../main/pipelines/ntf/communities/index.js';
import {
  bestLevelNmi,
  edgeListChecksum,
  paperLfrSettings,
  toEdgeList,
  type GraphToolFit,
} from '../../main/pipelines/ntf/communities/evaluate.js';

const NOTEBOOK: Omit<WeightedLfrOptions, 'seed' | 'beta' | 'mixingWeights'> = {
  n: 125,
  averageDegree: 25,
  maxDegree: 100,
  mixingTopology: 0.5,
  degreeExponent: 2,
  communityExponent: 1,
};
const SEEDS = [1, 2, 3, 4];

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** NMI against the planted labels shuffled: what a partition that ignores the graph scores. */
function chanceNmi(labels: Int32Array, blocks: Int32Array, seed: number): number {
  const rng = seededRandom(seed);
  const shuffled = Array.from(labels);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return normalizedMutualInformation(shuffled, blocks);
}

describe('plantedPartition', () => {
  it('draws independent edges with the given densities and weights, symmetric and seeded', () => {
    const options = { sizes: [50, 70], pIn: 0.4, pOut: 0.1, weightIn: () => 2, weightOut: () => 0.5, seed: 5 };
    const { graph, labels } = plantedPartition(options);
    const n = 120;
    expect(Array.from(labels.subarray(48, 52))).toEqual([0, 0, 1, 1]);
    let inside = 0;
    let between = 0;
    for (let i = 0; i < n; i++) {
      expect(graph.weights[i * n + i]).toBe(0);
      for (let j = i + 1; j < n; j++) {
        const w = graph.weights[i * n + j]!;
        expect(graph.weights[j * n + i]).toBe(w);
        if (w === 0) continue;
        expect(w).toBe(labels[i] === labels[j] ? 2 : 0.5);
        if (labels[i] === labels[j]) inside++;
        else between++;
      }
    }
    // 1225 + 2415 pairs inside, 3500 between: ±4 binomial standard deviations.
    expect(Math.abs(inside / 3640 - 0.4)).toBeLessThan(4 * Math.sqrt((0.4 * 0.6) / 3640));
    expect(Math.abs(between / 3500 - 0.1)).toBeLessThan(4 * Math.sqrt((0.1 * 0.9) / 3500));
    expect(plantedPartition(options).graph.weights).toEqual(graph.weights);
    expect(() => plantedPartition({ ...options, weightIn: () => -1 })).toThrow(ValidationError);
    expect(() => plantedPartition({ ...options, pIn: 1.5 })).toThrow(/pIn: must be in \[0, 1\]/);
  });
});

describe('weightedLfr', () => {
  it('meets the requested degree, topological mixing and weight mixing within a few percent', () => {
    // Per-seed deviations measured over 10 seeds and all β ∈ {0.5, 1, 2}, μ_w ∈ {0.25, 0.5, 0.75}:
    // |Δμ_t| ≤ 0.004 and |Δμ_w| ≤ 0.004 at ⟨k⟩ = 25 (up to 0.022 and 0.053 at ⟨k⟩ = 10, where a
    // node has one or two external links and β = 2 strengths are far from feasible).
    for (const beta of [0.5, 1, 2]) {
      for (const mixingWeights of [0.25, 0.75]) {
        for (const seed of [1, 2]) {
          const { graph, labels } = weightedLfr({ ...NOTEBOOK, beta, mixingWeights, seed });
          const achieved = measureMixing(graph, labels);
          expect(Math.abs(achieved.topology - 0.5)).toBeLessThan(0.02);
          expect(Math.abs(achieved.weights - mixingWeights)).toBeLessThan(0.02);
          expect(Math.abs(achieved.averageDegree - 25) / 25).toBeLessThan(0.1);
        }
      }
    }
  });

  it('has power-law degrees up to k_max, communities that hold their members, and is seeded', () => {
    const options = { ...NOTEBOOK, beta: 1, mixingWeights: 0.5, seed: 8 };
    const { graph, labels } = weightedLfr(options);
    const n = 125;
    const degree = new Int32Array(n);
    const strength = new Float64Array(n);
    const internal = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const w = graph.weights[i * n + j]!;
        expect(graph.weights[j * n + i]).toBe(w);
        if (w > 0) {
          degree[i]!++;
          strength[i]! += w;
          if (labels[i] === labels[j]) internal[i]!++;
        }
      }
    }
    const sizes = new Map<number, number>();
    for (const l of labels) sizes.set(l, (sizes.get(l) ?? 0) + 1);
    for (let i = 0; i < n; i++) {
      expect(degree[i]).toBeLessThanOrEqual(100);
      expect(internal[i]).toBeLessThan(sizes.get(labels[i]!)!);
      // β = 1: strength equals degree (feasible targets are met).
      expect(strength[i]).toBeCloseTo(degree[i]!, 4);
    }
    // τ₁ = 2 on [k_min ≈ 9.7, 100]: heavy-tailed — the median is well below the mean.
    const sorted = Array.from(degree).sort((a, b) => a - b);
    expect(sorted[62]).toBeLessThan(20);
    expect(sorted[124]).toBeGreaterThan(50);
    expect(weightedLfr(options).graph.weights).toEqual(graph.weights);
    expect(Array.from(weightedLfr({ ...options, seed: 9 }).labels)).not.toEqual(Array.from(labels));
  });

  it('rejects impossible settings', () => {
    expect(() => weightedLfr({ ...NOTEBOOK, beta: 1, mixingWeights: 1.5, seed: 1 })).toThrow(/mixingWeights/);
    expect(() => weightedLfr({ ...NOTEBOOK, beta: 1, mixingWeights: 0.5, maxDegree: 200, seed: 1 })).toThrow(/maxDegree/);
    expect(() => weightedLfr({ ...NOTEBOOK, beta: 1, mixingWeights: 0.5, maxCommunity: 30, seed: 1 })).toThrow(
      /maxCommunity/,
    );
  });
});

describe('Louvain on weighted LFR graphs', () => {
  // The SBM on these graphs is compared with graph-tool itself (bench/ntf-graphtool.ts lfr,
  // ntf-sbm-nested.test.ts); Louvain is the paper's baseline.
  it('β = 2, μ_w = 0.25 (the notebook setting): recovers the communities — assortative weights, its best case', () => {
    const scores: number[] = [];
    const chance: number[] = [];
    for (const seed of SEEDS) {
      const { graph, labels } = weightedLfr({ ...NOTEBOOK, beta: 2, mixingWeights: 0.25, seed });
      const blocks = louvain(graph, { seed }).blocks;
      scores.push(normalizedMutualInformation(labels, blocks));
      chance.push(chanceNmi(labels, blocks, seed));
    }
    // Measured, seeds 1–4: 1.000 each.
    expect(mean(scores)).toBeGreaterThanOrEqual(0.95);
    expect(mean(scores)).toBeGreaterThan(5 * mean(chance));
  });

  it('β = 1: fails when links between communities are the heavy ones (μ_w = 0.75), which modularity cannot see', () => {
    const at = (mixingWeights: number) =>
      mean(SEEDS.map((seed) => {
        const { graph, labels } = weightedLfr({ ...NOTEBOOK, beta: 1, mixingWeights, seed });
        return normalizedMutualInformation(labels, louvain(graph, { seed }).blocks);
      }));
    // Measured, seeds 1–4: 1.000 (μ_w = 0.25) and 0.063 (μ_w = 0.75).
    const assortative = at(0.25);
    const disassortative = at(0.75);
    expect(disassortative).toBeLessThan(0.25);
    expect(assortative).toBeGreaterThan(disassortative + 0.5);
  });
});

describe('notebookSettings', () => {
  it("covers the notebook's 18 settings", () => {
    const settings = notebookSettings();
    expect(settings).toHaveLength(18);
    expect(new Set(settings.map((s) => s.setting.beta))).toEqual(new Set([0.5, 1, 2]));
    const chosen = settings.find((s) => s.name === 'β = 1, μ_w = 0.25')!;
    expect(chosen.setting).toMatchObject({ n: 125, averageDegree: 25, maxDegree: 100, mixingTopology: 0.5, mixingWeights: 0.25 });
  });
});

describe("the paper's LFR settings and graph-tool's reference fits", () => {
  const reference = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'reference', 'lfr-graphtool.json'), 'utf8')) as {
    graphTool: string;
    graphs: GraphToolFit[];
  };

  it('lists the notebook’s nine settings with its seeds', () => {
    const settings = paperLfrSettings();
    expect(settings.map((s) => s.name)).toEqual(['β = 0.5', 'β = 1', 'β = 2', 'μ_t = 0.25', 'μ_t = 0.5', 'μ_t = 0.75', '⟨k⟩ = 10', 'μ_w = 0.25', 'μ_w = 0.75']);
    expect(settings[4]!.seeds).toEqual([23, 24, 25, 26, 27, 28, 29, 30, 31, 32]);
    expect(settings[0]!.seeds[0]).toBe(13);
    expect(settings[6]!.setting).toMatchObject({ n: 125, averageDegree: 10, maxDegree: 100, mixingTopology: 0.5, mixingWeights: 0.5, beta: 2 });
  });

  it('regenerates exactly the 90 graphs graph-tool fitted (checksums), each with a consistent stored hierarchy', () => {
    expect(reference.graphTool).toBe('2.45');
    expect(reference.graphs).toHaveLength(90);
    const byId = new Map(reference.graphs.map((g) => [g.id, g]));
    for (const { index, setting, seeds } of paperLfrSettings()) {
      // Two seeds per setting keep the test fast; the bench (bench/ntf-graphtool.ts lfr) checks all.
      for (const seed of seeds.slice(0, 2)) {
        const stored = byId.get(`${index}:${seed}`)!;
        const list = toEdgeList(weightedLfr({ ...setting, seed }).graph);
        const sum = edgeListChecksum(list);
        expect(sum.edges).toBe(stored.checksum!.edges);
        expect(sum.weightSum).toBeCloseTo(stored.checksum!.weightSum, 8);
        expect(sum.moment / stored.checksum!.moment).toBeCloseTo(1, 12);
        expect(stored.descriptionLength.chosen).toBe(Math.min(stored.descriptionLength.dc, stored.descriptionLength.ndc));
        expect(stored.levels[0]).toHaveLength(125);
        for (let l = 1; l < stored.levels.length; l++) expect(stored.levels[l]).toHaveLength(Math.max(...stored.levels[l - 1]!) + 1);
      }
    }
  });

  it('scores a hierarchy at its best level, as the notebook does', () => {
    const truth = [0, 0, 0, 1, 1, 1, 2, 2];
    // Level 0 splits the truth's blocks, level 1 is the truth, level 2 is one block.
    const levels = [[0, 0, 1, 2, 2, 3, 4, 4], [0, 0, 1, 1, 2], [0, 0, 0]];
    expect(bestLevelNmi(truth, levels)).toBeCloseTo(1, 12);
    expect(bestLevelNmi(truth, [levels[0]!])).toBeLessThan(1);
    // graph-tool's stored NMI is the same best-level score of its stored levels.
    const first = reference.graphs[0]!;
    const { labels } = weightedLfr({ ...paperLfrSettings()[0]!.setting, seed: 13 });
    expect(bestLevelNmi(labels, first.levels)).toBeCloseTo(first.nmi!, 10);
    expect(normalizedMutualInformation(labels, first.louvain.labels)).toBeCloseTo(first.louvain.nmi!, 10);
  });
});
