/**
 * The nested SBM's hierarchy as the view uses it. The engine stores it in fitNestedSbm's form
 * (levels[0] labels the neurons, levels[l] labels the blocks of level l − 1); the view needs each
 * neuron's block at every level, the block count per level, and, for the block tree, each level's
 * blocks as spans of the affinity order (the engine orders neurons coarsest level first, so every
 * level's blocks are contiguous there).
 */
import type { NtfCommunities } from '../../../shared/api/index.js';

export interface Hierarchy {
  /** perNode[l][i]: neuron i's block at level l. */
  perNode: number[][];
  /** Blocks at each level. */
  counts: number[];
}

/**
 * The hierarchy of a component's SBM communities, up to and including its first single-block level
 * (graph-tool-style fits repeat that level to the top). Runs without levels give one level.
 */
export function componentHierarchy(communities: NtfCommunities): Hierarchy {
  if (!communities.levels?.length) return { perNode: [communities.blocks], counts: [communities.count] };
  const perNode: number[][] = [];
  const counts: number[] = [];
  for (const level of communities.levels) {
    const previous = perNode.at(-1);
    const blocks = previous ? previous.map((block) => level[block] ?? 0) : [...level];
    perNode.push(blocks);
    const count = new Set(blocks).size;
    counts.push(count);
    if (count <= 1) break;
  }
  return { perNode, counts };
}

/** The level shown when the user has not picked one: the engine's choice, within range. */
export function defaultLevel(communities: NtfCommunities, hierarchy: Hierarchy): number {
  return Math.min(Math.max(0, communities.level ?? 0), hierarchy.counts.length - 1);
}

export interface BlockSpan {
  /** Block id at that level (the engine's label). */
  block: number;
  /** First and one-past-last position along the order. */
  start: number;
  end: number;
}

/** Each level's blocks as consecutive stretches of `order` (a block split by the order gives several spans). */
export function levelSpans(hierarchy: Hierarchy, order: readonly number[]): BlockSpan[][] {
  return hierarchy.perNode.map((blocks) => {
    const spans: BlockSpan[] = [];
    order.forEach((neuron, position) => {
      const block = blocks[neuron] ?? 0;
      const last = spans.at(-1);
      if (last && last.block === block) last.end = position + 1;
      else spans.push({ block, start: position, end: position + 1 });
    });
    return spans;
  });
}
