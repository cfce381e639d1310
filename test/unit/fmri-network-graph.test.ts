/**
 * The glass brain's arithmetic: the default threshold keeps the strongest 5 % of edges, degree and
 * strength count only the kept edges, modules come from network names or BrainNet's colour column,
 * nodes and outline share one frame, and the six anatomical views look where they say.
 */
import { describe, expect, it } from 'vitest';
import { toEdgeList } from '../../renderer/src/components/connectome/edges.js';
import { keptEdgeCount } from '../../renderer/src/components/connectome/threshold.js';
import {
  frameFor,
  GLASS_DEFAULT_THRESHOLD,
  keptNodeMeasures,
  measureColours,
  measureScales,
  nodeModules,
  ORIENTATIONS,
  screenLetters,
  toFrame,
} from '../../renderer/src/fmri/glass/network.js';
import { NEGATIVE_EDGE, POSITIVE_EDGE, signedEdgeBatches } from '../../renderer/src/fmri/glass/signedEdges.js';
import type { BrainNode } from '../../shared/api/index.js';

const node = (x: number, y: number, z: number, colour = 0, network: string | null = null): BrainNode => ({ x, y, z, colour, size: 1, label: `n${x}`, network });

/** n nodes, weight (i, j) = i + j + 1 (distinct), with one negative edge (0, 1). */
function matrix(n: number): Float32Array {
  const w = new Float32Array(n * n);
  for (let i = 0; i < n; i += 1) for (let j = 0; j < n; j += 1) if (i !== j) w[i * n + j] = i + j + 1;
  w[1] = w[n] = -100;
  return w;
}

describe('thresholds and node measures', () => {
  it('keeps the strongest 5 % by default (200 of the 4005 edges of 90 AAL regions)', () => {
    const list = toEdgeList({ kind: 'dense', weights: matrix(90) }, 90);
    expect(list.count).toBe(4005);
    expect(keptEdgeCount(list, GLASS_DEFAULT_THRESHOLD)).toBe(200);
  });

  it('counts degree and strength over the kept edges only', () => {
    const list = toEdgeList({ kind: 'dense', weights: matrix(4) }, 4);
    // Strongest: (0,1) |−100|, then (2,3) 6, (1,3) 5, …
    const { degree, strength } = keptNodeMeasures(list, 2, 4);
    expect(Array.from(degree)).toEqual([1, 1, 1, 1]);
    expect(Array.from(strength)).toEqual([100, 100, 6, 6]);
    const all = keptNodeMeasures(list, 99, 4);
    expect(Array.from(all.degree)).toEqual([3, 3, 3, 3]);
  });

  it('colours the edges by sign', () => {
    const list = toEdgeList({ kind: 'dense', weights: matrix(4) }, 4);
    const positions = new Float32Array(12).map((_, i) => i);
    const batches = signedEdgeBatches(list, 3, positions);
    expect(batches.reduce((s, b) => s + b.count, 0)).toBe(3);
    const strongest = batches[batches.length - 1]!;
    expect(Array.from(strongest.colors.slice(0, 3))).toEqual(NEGATIVE_EDGE.map(Math.fround));
    expect(Array.from(strongest.positions.slice(0, 6))).toEqual([0, 1, 2, 3, 4, 5]);
    const weak = batches.find((b) => b.count > 0 && b !== strongest)!;
    expect(Array.from(weak.colors.slice(0, 3))).toEqual(POSITIVE_EDGE.map(Math.fround));
  });

  it('grows node size with the measure and keeps zero-degree nodes visible', () => {
    const scales = measureScales([0, 1, 4]);
    expect(scales[0]).toBeCloseTo(0.6, 6);
    expect(scales[2]).toBeCloseTo(1.8, 6);
    expect(scales[1]).toBeCloseTo(1.2, 6);
    const colours = measureColours([0, 4]);
    expect(colours[0]).toMatch(/^#[0-9a-f]{6}$/);
    expect(colours[0]).not.toBe(colours[1]);
  });
});

describe('nodeModules', () => {
  it('groups by network name in order of first appearance', () => {
    const modules = nodeModules([node(0, 0, 0, 0, 'Visual'), node(1, 0, 0, 0, 'Default'), node(2, 0, 0, 0, 'Visual'), node(3, 0, 0, 0, null)]);
    expect(modules.noun).toBe('network');
    expect(modules.groups).toEqual([0, 1, 0, null]);
    expect(modules.legend.map((g) => g.label)).toEqual(['Visual', 'Default']);
  });

  it("falls back to BrainNet's colour column, 0 meaning none", () => {
    const modules = nodeModules([node(0, 0, 0, 4), node(1, 0, 0, 2), node(2, 0, 0, 0), node(3, 0, 0, 4)]);
    expect(modules.noun).toBe('module');
    expect(modules.groups).toEqual([1, 0, null, 1]);
    expect(modules.legend.map((g) => g.label)).toEqual(['module 2', 'module 4']);
  });
});

describe('scene frame and orientations', () => {
  it('fits nodes and outline in the unit sphere with one transform', () => {
    const nodes = [-50, 0, 0, 50, 0, 0];
    const outline = [-70, -100, -40, 70, 70, 80];
    const frame = frameFor([nodes, outline]);
    const all = [...toFrame(nodes, frame), ...toFrame(outline, frame)];
    const radii = [0, 1, 2, 3].map((i) => Math.hypot(all[3 * i]!, all[3 * i + 1]!, all[3 * i + 2]!));
    expect(Math.max(...radii)).toBeCloseTo(1, 5);
    // A mirrored left hemisphere lands on the right.
    expect(toFrame([-50, 0, 0], frame, true)[0]).toBeCloseTo(toFrame([50, 0, 0], frame)[0]!, 6);
  });

  it("puts the brain's right on screen right from above and behind, anterior left from the left", () => {
    const screenRight = (o: keyof typeof ORIENTATIONS) => {
      const { direction: d, up: u } = ORIENTATIONS[o];
      // The camera's right axis: direction × up.
      return [d[1] * u[2] - d[2] * u[1], d[2] * u[0] - d[0] * u[2], d[0] * u[1] - d[1] * u[0]].map((v) => v + 0);
    };
    expect(screenRight('S')).toEqual([1, 0, 0]);
    expect(screenRight('P')).toEqual([1, 0, 0]);
    expect(screenRight('A')).toEqual([-1, 0, 0]);
    expect(screenRight('I')).toEqual([-1, 0, 0]);
    expect(screenRight('L')).toEqual([0, -1, 0]);
    expect(screenRight('R')).toEqual([0, 1, 0]);
  });

  it('marks the screen edges with what lies that way', () => {
    expect(screenLetters('S')).toEqual({ left: 'L', right: 'R', top: 'A', bottom: 'P' });
    expect(screenLetters('I')).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
    expect(screenLetters('A')).toEqual({ left: 'R', right: 'L', top: 'S', bottom: 'I' });
    expect(screenLetters('L')).toEqual({ left: 'A', right: 'P', top: 'S', bottom: 'I' });
  });
});
