/**
 * Communities as the view shows them. The engine's block ids are arbitrary labels, so they are
 * renumbered by where each community first appears in the affinity order (the engine orders the
 * strongest community first): community 1 is then the strongest in every component, its colour
 * the same in the 3D view, the legend and the heat map's margin.
 */

/** Display number (0-based) of each block id, by first appearance along `order`. */
export function rankCommunities(blocks: readonly number[], order: readonly number[]): Map<number, number> {
  const ranks = new Map<number, number>();
  for (const neuron of order) {
    const block = blocks[neuron];
    if (block !== undefined && !ranks.has(block)) ranks.set(block, ranks.size);
  }
  // Blocks of neurons missing from the order (should not happen) come last, by id.
  const rest = [...new Set(blocks)].filter((block) => !ranks.has(block)).sort((a, b) => a - b);
  for (const block of rest) ranks.set(block, ranks.size);
  return ranks;
}

export interface CommunityRun {
  /** Display community (0-based). */
  community: number;
  /** First and one-past-last position along the order. */
  start: number;
  end: number;
}

/** Consecutive stretches of one community along `order`: the blocks outlined on the heat map. */
export function communityRuns(order: readonly number[], communityOf: (neuron: number) => number): CommunityRun[] {
  const runs: CommunityRun[] = [];
  order.forEach((neuron, position) => {
    const community = communityOf(neuron);
    const last = runs[runs.length - 1];
    if (last && last.community === community) last.end = position + 1;
    else runs.push({ community, start: position, end: position + 1 });
  });
  return runs;
}
