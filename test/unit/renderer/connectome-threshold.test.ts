/**
 * Edges from a dense matrix or a list, strongest first, and the threshold that keeps a prefix of
 * them: by |weight| at or above a value, or the strongest given percent; switching rule keeps the
 * same edges. Weighted degree sums |weight| at each node.
 */
import { describe, expect, it } from 'vitest';
import { toEdgeList, weightedDegrees } from '../../../renderer/src/components/connectome/edges.js';
import { convertThreshold, keptEdgeCount, maxAbsWeight, thresholdRange } from '../../../renderer/src/components/connectome/threshold.js';

/** 4 nodes; upper triangle (0,1)=0.5 (0,2)=0 (0,3)=−2 (1,2)=1 (1,3)=NaN (2,3)=0.25. */
function dense(): Float32Array {
  const n = 4;
  const w = new Float32Array(n * n);
  const set = (i: number, j: number, v: number) => {
    w[i * n + j] = v;
    w[j * n + i] = v;
  };
  set(0, 1, 0.5);
  set(0, 3, -2);
  set(1, 2, 1);
  set(1, 3, Number.NaN);
  set(2, 3, 0.25);
  // The diagonal is never an edge.
  w[0] = 9;
  return w;
}

describe('edge lists', () => {
  it('reads the upper triangle of a dense matrix, strongest |weight| first, without zero, NaN or self edges', () => {
    const list = toEdgeList({ kind: 'dense', weights: dense() }, 4);
    expect(list.count).toBe(4);
    expect(Array.from(list.source)).toEqual([0, 1, 0, 2]);
    expect(Array.from(list.target)).toEqual([3, 2, 1, 3]);
    expect(Array.from(list.weight)).toEqual([-2, 1, 0.5, 0.25]);
  });

  it('reads a list in either direction, once per pair, ties in node order', () => {
    const list = toEdgeList(
      {
        kind: 'list',
        edges: [
          { source: 3, target: 1, weight: 1 },
          { source: 1, target: 3, weight: 7 },
          { source: 0, target: 2, weight: 1 },
          { source: 2, target: 2, weight: 4 },
          { source: 0, target: 1, weight: 0 },
        ],
      },
      4,
    );
    expect(list.count).toBe(2);
    expect(Array.from(list.source)).toEqual([0, 1]);
    expect(Array.from(list.target)).toEqual([2, 3]);
    expect(Array.from(list.weight)).toEqual([1, 1]);
  });

  it('refuses a matrix of the wrong size and edges to missing nodes', () => {
    expect(() => toEdgeList({ kind: 'dense', weights: new Float32Array(8) }, 3)).toThrow(/8 weights for 3 nodes/);
    expect(() => toEdgeList({ kind: 'list', edges: [{ source: 0, target: 5, weight: 1 }] }, 3)).toThrow(/outside 0…2/);
  });

  it('sums |weight| per node as the weighted degree', () => {
    const list = toEdgeList({ kind: 'dense', weights: dense() }, 4);
    expect(Array.from(weightedDegrees(list, 4))).toEqual([2.5, 1.5, 1.25, 2.25]);
  });
});

describe('edge threshold', () => {
  const list = toEdgeList({ kind: 'dense', weights: dense() }, 4);
  // A bigger list: the first 1000 pairs of a 50-node graph, weights 1…1000.
  const pairs = Array.from({ length: 50 }, (_, i) => Array.from({ length: 50 - i - 1 }, (_, k) => [i, i + k + 1] as const)).flat();
  const many = toEdgeList({ kind: 'list', edges: pairs.slice(0, 1000).map(([source, target], e) => ({ source, target, weight: e + 1 })) }, 50);

  it('keeps edges with |weight| at or above a value', () => {
    expect(keptEdgeCount(list, { mode: 'value', value: 0 })).toBe(4);
    expect(keptEdgeCount(list, { mode: 'value', value: 0.5 })).toBe(3);
    expect(keptEdgeCount(list, { mode: 'value', value: 0.51 })).toBe(2);
    // −2 counts by its magnitude.
    expect(keptEdgeCount(list, { mode: 'value', value: 2 })).toBe(1);
    expect(keptEdgeCount(list, { mode: 'value', value: 2.01 })).toBe(0);
  });

  it('keeps the strongest percent of edges', () => {
    expect(keptEdgeCount(list, { mode: 'percentile', value: 50 })).toBe(2);
    expect(keptEdgeCount(list, { mode: 'percentile', value: 100 })).toBe(4);
    expect(keptEdgeCount(list, { mode: 'percentile', value: 0 })).toBe(0);
    expect(keptEdgeCount(list, { mode: 'percentile', value: 250 })).toBe(4);
    expect(keptEdgeCount(many, { mode: 'percentile', value: 10 })).toBe(100);
    expect(keptEdgeCount(many, { mode: 'percentile', value: 2.5 })).toBe(25);
    expect(keptEdgeCount(toEdgeList({ kind: 'list', edges: [] }, 2), { mode: 'percentile', value: 10 })).toBe(0);
  });

  it('switches rule keeping the same edges', () => {
    const top = { mode: 'percentile', value: 10 } as const;
    const kept = keptEdgeCount(many, top);
    const byValue = convertThreshold(many, top, 'value');
    expect(byValue.mode).toBe('value');
    expect(keptEdgeCount(many, byValue)).toBe(kept);
    const back = convertThreshold(many, byValue, 'percentile');
    expect(keptEdgeCount(many, back)).toBe(kept);
    expect(convertThreshold(many, top, 'percentile')).toBe(top);
    // Nothing kept stays nothing kept.
    const none = convertThreshold(list, { mode: 'percentile', value: 0 }, 'value');
    expect(keptEdgeCount(list, none)).toBe(0);
  });

  it('gives slider ranges for each rule', () => {
    expect(maxAbsWeight(list)).toBe(2);
    expect(thresholdRange(list, 'percentile')).toEqual({ min: 0, max: 100, step: 0.5 });
    expect(thresholdRange(list, 'value')).toEqual({ min: 0, max: 2, step: 0.01 });
    expect(thresholdRange(toEdgeList({ kind: 'list', edges: [] }, 1), 'value')).toEqual({ min: 0, max: 0, step: 1 });
  });
});
