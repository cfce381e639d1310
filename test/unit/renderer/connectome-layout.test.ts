/**
 * The force-directed layout of nodes without positions: the same graph and seed give the same
 * layout, it fits the unit sphere without collapsing or blowing up (no NaN, no coincident nodes,
 * unconnected nodes kept near the rest), and strongly connected groups end up together. Nodes that
 * all have positions keep them (scaled into the unit sphere).
 */
import { describe, expect, it } from 'vitest';
import { toEdgeList } from '../../../renderer/src/components/connectome/edges.js';
import { fitUnitSphere, forceLayout } from '../../../renderer/src/components/connectome/layout.js';
import { placeNodes } from '../../../renderer/src/components/connectome/positions.js';
import { seededRandom } from '../../../shared/random.js';
import type { ConnectomeNode } from '../../../renderer/src/components/connectome/types.js';

/** A dense graph of `groups` blocks of `size` nodes: strong inside a block, weak across. */
function blockGraph(groups: number, size: number, inside = 1, across = 0.02): { n: number; weights: Float32Array } {
  const n = groups * size;
  const weights = new Float32Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      if (i !== j) weights[i * n + j] = Math.floor(i / size) === Math.floor(j / size) ? inside : across;
    }
  }
  return { n, weights };
}

function distance(p: Float32Array, i: number, j: number): number {
  return Math.hypot(p[3 * i]! - p[3 * j]!, p[3 * i + 1]! - p[3 * j + 1]!, p[3 * i + 2]! - p[3 * j + 2]!);
}

function minPairDistance(p: Float32Array, n: number): number {
  let min = Infinity;
  for (let i = 0; i < n; i += 1) for (let j = i + 1; j < n; j += 1) min = Math.min(min, distance(p, i, j));
  return min;
}

describe('seeded random numbers', () => {
  it('repeat for a seed, differ between seeds, and stay in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const first = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(first);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(first);
    expect(Math.min(...first)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...first)).toBeLessThan(1);
    // Not stuck in a corner: the mean of uniform numbers is near one half.
    expect(first.reduce((sum, value) => sum + value, 0) / first.length).toBeCloseTo(0.5, 1);
  });
});

describe('force-directed layout', () => {
  const { n, weights } = blockGraph(3, 12);
  const edges = toEdgeList({ kind: 'dense', weights }, n);

  it('is deterministic for a seed and differs between seeds', () => {
    const first = forceLayout(n, edges, { seed: 3 });
    expect(forceLayout(n, edges, { seed: 3 })).toEqual(first);
    expect(forceLayout(n, edges, { seed: 4 })).not.toEqual(first);
  });

  it('fits the unit sphere, centred, with finite, distinct positions', () => {
    const p = forceLayout(n, edges);
    expect(p.length).toBe(3 * n);
    expect(p.every(Number.isFinite)).toBe(true);
    let maxRadius = 0;
    const centre = [0, 0, 0];
    for (let i = 0; i < n; i += 1) {
      maxRadius = Math.max(maxRadius, Math.hypot(p[3 * i]!, p[3 * i + 1]!, p[3 * i + 2]!));
      for (let a = 0; a < 3; a += 1) centre[a]! += p[3 * i + a]! / n;
    }
    expect(maxRadius).toBeCloseTo(1, 5);
    for (const value of centre) expect(Math.abs(value)).toBeLessThan(1e-5);
    // Repulsion keeps nodes apart: no two share a spot even inside a dense block.
    expect(minPairDistance(p, n)).toBeGreaterThan(0.02);
  });

  it('puts strongly connected groups together', () => {
    const p = forceLayout(n, edges);
    let inside = 0;
    let insidePairs = 0;
    let across = 0;
    let acrossPairs = 0;
    for (let i = 0; i < n; i += 1) {
      for (let j = i + 1; j < n; j += 1) {
        if (Math.floor(i / 12) === Math.floor(j / 12)) {
          inside += distance(p, i, j);
          insidePairs += 1;
        } else {
          across += distance(p, i, j);
          acrossPairs += 1;
        }
      }
    }
    expect(inside / insidePairs).toBeLessThan(0.6 * (across / acrossPairs));
  });

  it('keeps graphs without edges, single nodes and empty graphs sane', () => {
    const none = forceLayout(40, toEdgeList({ kind: 'list', edges: [] }, 40));
    expect(none.every(Number.isFinite)).toBe(true);
    expect(minPairDistance(none, 40)).toBeGreaterThan(0.02);
    // One strong pair among unconnected nodes: the pair closes up, the rest stay within reach.
    const pair = forceLayout(20, toEdgeList({ kind: 'list', edges: [{ source: 0, target: 1, weight: 5 }] }, 20));
    expect(pair.every(Number.isFinite)).toBe(true);
    expect(distance(pair, 0, 1)).toBeLessThan(0.5);
    expect(forceLayout(1, toEdgeList({ kind: 'list', edges: [] }, 1))).toEqual(new Float32Array(3));
    expect(forceLayout(0, toEdgeList({ kind: 'list', edges: [] }, 0)).length).toBe(0);
  });

  it('stays bounded with huge or tiny weights and a few hundred nodes', () => {
    const big = blockGraph(4, 60, 1e6, 1e-6);
    const p = forceLayout(big.n, toEdgeList({ kind: 'dense', weights: big.weights }, big.n), { iterations: 60 });
    expect(p.every(Number.isFinite)).toBe(true);
    expect(minPairDistance(p, big.n)).toBeGreaterThan(1e-3);
  });
});

describe('node placement', () => {
  const node = (id: number, position: [number, number, number] | null): ConnectomeNode => ({ id, label: `n${id}`, position, group: null });

  it('keeps given positions, centred and scaled into the unit sphere', () => {
    const nodes = [node(0, [10, 0, 0]), node(1, [30, 0, 0]), node(2, [20, 5, 0])];
    const placed = placeNodes(nodes, toEdgeList({ kind: 'list', edges: [] }, 3));
    expect(placed.source).toBe('positions');
    const p = Array.from(placed.positions);
    // Mean (20, 5/3, 0); farthest node at distance √(100 + 25/9).
    const r = Math.hypot(10, 5 / 3);
    expect(p[0]).toBeCloseTo(-10 / r, 5);
    expect(p[3]).toBeCloseTo(10 / r, 5);
    expect(p[7]).toBeCloseTo((5 - 5 / 3) / r, 5);
  });

  it('lays out every node when any position is missing', () => {
    const nodes = [node(0, [1, 2, 3]), node(1, null), node(2, [0, 0, 0])];
    const placed = placeNodes(nodes, toEdgeList({ kind: 'list', edges: [{ source: 0, target: 1, weight: 1 }] }, 3));
    expect(placed.source).toBe('layout');
    expect(placed.positions.every(Number.isFinite)).toBe(true);
  });

  it('fits a single point or coincident points at the origin', () => {
    expect(Array.from(fitUnitSphere([5, 5, 5, 5, 5, 5], 2))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
