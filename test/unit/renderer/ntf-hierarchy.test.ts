/** The Connectome view's reading of a nested SBM hierarchy: per-neuron blocks, counts, tree spans. */
import { describe, expect, it } from 'vitest';
import { componentHierarchy, defaultLevel, levelSpans } from '../../../renderer/src/ntf/hierarchy.js';
import type { NtfCommunities } from '../../../shared/api/index.js';

const nested: NtfCommunities = {
  method: 'sbm',
  blocks: [0, 0, 1, 1, 2, 2],
  count: 3,
  score: 10,
  degreeCorrected: false,
  // 6 neurons in 3 blocks; blocks 0, 1 merge above; then one block, repeated (graph-tool style).
  levels: [
    [0, 0, 1, 1, 2, 2],
    [0, 0, 1],
    [0, 0],
    [0],
  ],
  level: 0,
};

describe('componentHierarchy', () => {
  it('composes the levels into per-neuron blocks and stops at the first single-block level', () => {
    const h = componentHierarchy(nested);
    expect(h.perNode).toEqual([
      [0, 0, 1, 1, 2, 2],
      [0, 0, 0, 0, 1, 1],
      [0, 0, 0, 0, 0, 0],
    ]);
    expect(h.counts).toEqual([3, 2, 1]);
    expect(defaultLevel({ ...nested, level: 1 }, h)).toBe(1);
    expect(defaultLevel({ ...nested, level: 9 }, h)).toBe(2);
  });

  it('treats runs without levels (before the nested fit) as one level', () => {
    const { levels: _levels, level: _level, ...flat } = nested;
    const h = componentHierarchy(flat);
    expect(h.perNode).toEqual([[0, 0, 1, 1, 2, 2]]);
    expect(defaultLevel(flat, h)).toBe(0);
  });
});

describe('levelSpans', () => {
  it('gives each level its blocks as stretches of the order, nested under the coarser ones', () => {
    const spans = levelSpans(componentHierarchy(nested), [4, 5, 0, 1, 2, 3]);
    expect(spans[0]).toEqual([
      { block: 2, start: 0, end: 2 },
      { block: 0, start: 2, end: 4 },
      { block: 1, start: 4, end: 6 },
    ]);
    expect(spans[1]).toEqual([
      { block: 1, start: 0, end: 2 },
      { block: 0, start: 2, end: 6 },
    ]);
    expect(spans[2]).toEqual([{ block: 0, start: 0, end: 6 }]);
  });
});
