/**
 * What the component panel and the connectome view ask of a stored NTF run: the run list, the
 * factors with their communities, and one component's affinity pattern as a neuron × neuron
 * matrix. Everything is read back from the run's results, so a view shows exactly what was fitted.
 */
import type { NtfAffinity, NtfResult, NtfRunSummary } from '../../../shared/api/index.js';
import { NotFoundError } from '../../errors.js';
import { NTF_PIPELINE, NTF_RESULT, nodeBlocksPerLevel, pairIndex, type NtfSummary, type StoredComponents } from '../../pipelines/ntf/keys.js';
import type { Store } from '../../store/index.js';

export class NtfView {
  constructor(private readonly store: Store) {}

  runs(): NtfRunSummary[] {
    return this.store.runs
      .list()
      .filter((run) => run.pipeline === NTF_PIPELINE && run.status === 'succeeded')
      .map((run) => {
        const { summary, components } = this.values(run.id);
        return {
          runId: run.id,
          createdAt: run.createdAt,
          animals: summary.animals.map((animal) => animal.name),
          neuronCount: summary.neurons.length,
          rank: summary.rank,
          componentCount: components.length,
        };
      });
  }

  result(runId: number): NtfResult {
    const run = this.ntfRun(runId);
    const { summary, components } = this.values(runId);
    return { runId, createdAt: run.createdAt, ...summary, components, params: run.params };
  }

  affinity(runId: number, component: number): NtfAffinity {
    this.ntfRun(runId);
    const { summary, components } = this.values(runId);
    const stored = this.store.results.array(runId, NTF_RESULT.pairFactors);
    const info = components[component];
    if (!info || !stored) throw new NotFoundError(`component ${component} of NTF run ${runId}`, `it has ${components.length}`);
    const n = summary.neurons.length;
    const pairCount = (n * (n - 1)) / 2;
    const factor = stored.data.subarray(component * pairCount, (component + 1) * pairCount);
    const matrix = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const value = Number(factor[pairIndex(i, j, n)]);
        matrix[i * n + j] = value;
        matrix[j * n + i] = value;
      }
    }
    const levels = info.communities.levels ? nodeBlocksPerLevel(info.communities.levels) : [info.communities.blocks];
    return { runId, component, neuronCount: n, matrix, order: hierarchyOrder(matrix, n, levels) };
  }

  private ntfRun(runId: number) {
    const run = this.store.runs.get(runId);
    if (!run || run.pipeline !== NTF_PIPELINE) throw new NotFoundError(`NTF run ${runId}`);
    return run;
  }

  /** The run's summary and components, from one read of its results. */
  private values(runId: number): { summary: NtfSummary; components: StoredComponents } {
    const results = this.store.results.list(runId);
    const value = <T>(key: string): T => {
      const result = results.find((item) => item.key === key);
      if (!result) throw new NotFoundError(`NTF result "${key}" of run ${runId}`, 'is it a finished ntf run?');
      return result.value as T;
    };
    return { summary: value<NtfSummary>(NTF_RESULT.summary), components: value<StoredComponents>(NTF_RESULT.components) };
  }
}

/**
 * Neurons ordered by community (largest total affinity first), then by weighted degree within it:
 * the block-diagonal order the affinity matrix is drawn in.
 */
export function communityOrder(matrix: Float32Array, n: number, blocks: readonly number[]): number[] {
  const degree = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) degree[i]! += matrix[i * n + j]!;
  const blockStrength = new Map<number, number>();
  for (let i = 0; i < n; i++) blockStrength.set(blocks[i]!, (blockStrength.get(blocks[i]!) ?? 0) + degree[i]!);
  return Array.from({ length: n }, (_, i) => i).sort(
    (a, b) =>
      blockStrength.get(blocks[b]!)! - blockStrength.get(blocks[a]!)! ||
      blocks[a]! - blocks[b]! ||
      degree[b]! - degree[a]! ||
      a - b,
  );
}

/**
 * The order for a nested fit: neurons sorted by their block at the coarsest level, then within it
 * by their block one level finer, and so on down to level 0 (blocks at each level by total
 * affinity, strongest first), then by weighted degree. Every level's blocks are then contiguous,
 * so the heat map shows block-diagonal structure whichever level the view picks.
 */
export function hierarchyOrder(matrix: Float32Array, n: number, perNodeLevels: readonly ArrayLike<number>[]): number[] {
  const degree = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) degree[i]! += matrix[i * n + j]!;
  const strengths = perNodeLevels.map((blocks) => {
    const strength = new Map<number, number>();
    for (let i = 0; i < n; i++) strength.set(blocks[i]!, (strength.get(blocks[i]!) ?? 0) + degree[i]!);
    return strength;
  });
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    for (let l = perNodeLevels.length - 1; l >= 0; l--) {
      const blocks = perNodeLevels[l]!;
      const strength = strengths[l]!;
      const difference = strength.get(blocks[b]!)! - strength.get(blocks[a]!)! || blocks[a]! - blocks[b]!;
      if (difference) return difference;
    }
    return degree[b]! - degree[a]! || a - b;
  });
}
