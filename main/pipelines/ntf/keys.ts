/**
 * Result keys of an `ntf` run, shared by the pipeline that writes them and the connectome view
 * service that reads them back.
 */
import type { NtfAnimal, NtfComponent, NtfEpoch, NtfNeuron, NtfSweepRow } from '../../../shared/api/index.js';

export const NTF_PIPELINE = 'ntf';

export const NTF_RESULT = {
  /** NtfSummary below. */
  summary: 'summary',
  /** NtfComponent[] of the shown rank. */
  components: 'components',
  /** float32 [rank, pairCount]: each component's pair (affinity) factor, unit norm, pairs i<j row-major. */
  pairFactors: 'factors.pairs',
  /** float32 [rank, binCount]. */
  timeFactors: 'factors.time',
  /** float32 [rank, animalCount]. */
  animalFactors: 'factors.animals',
} as const;

export interface NtfSummary {
  animals: NtfAnimal[];
  neurons: NtfNeuron[];
  binDurationS: number | null;
  binCount: number;
  epochs: NtfEpoch[];
  sweep: NtfSweepRow[];
  suggestedRank: number;
  rankReasoning: string[];
  rank: number;
  timingsMs: Record<string, number>;
}

export type StoredComponents = NtfComponent[];

/** Index of pair (i, j), i < j, among the n(n−1)/2 pairs listed row by row. */
export function pairIndex(i: number, j: number, n: number): number {
  return i * n - (i * (i + 1)) / 2 + (j - i - 1);
}

/**
 * Each node's block at every level of a nested SBM hierarchy stored as levels[0] labelling the
 * nodes and levels[l] labelling the blocks of level l − 1 (fitNestedSbm's form).
 */
export function nodeBlocksPerLevel(levels: readonly ArrayLike<number>[]): Int32Array[] {
  const out: Int32Array[] = [];
  for (const level of levels) {
    const previous = out.at(-1);
    out.push(previous ? previous.map((block) => level[block]!) : Int32Array.from(level));
  }
  return out;
}
