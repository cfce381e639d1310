/**
 * The affinity payload and the heat map: Float32 matrices checked, communities
 * renumbered strongest first and found as stretches along the order (the outlined blocks), the
 * heat map's pixels in that order, and a component as a generic connectome graph.
 */
import { describe, expect, it } from 'vitest';
import { rampColor } from '../../../renderer/src/components/colormap.js';
import { groupColor } from '../../../renderer/src/components/connectome/palette.js';
import { communityRuns, rankCommunities } from '../../../renderer/src/ntf/communities.js';
import { decodeAffinity, weightedSum } from '../../../renderer/src/ntf/decode.js';
import { componentGraph } from '../../../renderer/src/ntf/graph.js';
import { affinityImage, colourScaleTop } from '../../../renderer/src/ntf/matrixImage.js';
import { affinity0, RESULT } from './ntf-fixtures.js';
import { calls } from '../../../shared/api/index.js';

describe('affinity decoding', () => {
  it('decodes the base64 little-endian Float32 matrix and keeps the order', () => {
    const decoded = decodeAffinity(affinity0());
    expect(decoded.n).toBe(6);
    expect(decoded.component).toBe(0);
    expect(decoded.matrix.length).toBe(36);
    expect(decoded.matrix[0 * 6 + 1]).toBe(2);
    expect(decoded.matrix[2 * 6 + 3]).toBe(1);
    expect(decoded.matrix[0 * 6 + 2]).toBeCloseTo(0.1, 6);
    expect(decoded.order).toEqual([0, 1, 5, 2, 3, 4]);
  });

  it('refuses a matrix of the wrong size or type, or a broken order', () => {
    expect(() => decodeAffinity({ ...affinity0(), neuronCount: 5 })).toThrow(/36 values, expected 5 × 5 = 25/);
    expect(() => decodeAffinity({ ...affinity0(), matrix: new Float32Array(3) })).toThrow(/3 values, expected 6 × 6 = 36/);
    expect(() => decodeAffinity({ ...affinity0(), order: [0, 1, 5, 2, 3] })).toThrow(/lists 5 neurons/);
    expect(() => decodeAffinity({ ...affinity0(), order: [0, 1, 1, 2, 3, 4] })).toThrow(/not a permutation/);
    expect(() => decodeAffinity({ ...affinity0(), order: [0, 1, 9, 2, 3, 4] })).toThrow(/not a permutation/);
    // The wrong element type (a string, as base64 once was) is refused by the contract on arrival.
    expect(calls['ntf.affinity'].result.safeParse({ ...affinity0(), matrix: '***' }).error?.issues[0]?.message).toBe('expected a float32 array, got a string');
    expect(calls['ntf.affinity'].result.safeParse({ ...affinity0(), matrix: new Float32Array(3) }).error?.issues[0]?.message).toBe('3 values, expected 6 × 6 = 36');
    expect(calls['ntf.affinity'].result.safeParse(affinity0()).success).toBe(true);
  });

  it('sums components weighted by λ for one layout of all of them', () => {
    const a = decodeAffinity(affinity0());
    const sum = weightedSum([a, a], [2, 0.5]);
    expect(sum[1]).toBeCloseTo(2 * 2 + 0.5 * 2, 6);
    expect(weightedSum([], []).length).toBe(0);
  });
});

describe('communities in the affinity order', () => {
  const order = [0, 1, 5, 2, 3, 4];
  const blocks = RESULT.components[0]!.communities.blocks;

  it('renumbers communities by first appearance along the order', () => {
    expect([...rankCommunities(blocks, order)]).toEqual([
      [5, 0],
      [2, 1],
    ]);
    // A block missing from the order comes last.
    expect([...rankCommunities([3, 3, 1, 0], [1, 0, 2])]).toEqual([
      [3, 0],
      [1, 1],
      [0, 2],
    ]);
  });

  it('finds each community as one stretch of the order: the boundaries outlined', () => {
    const ranks = rankCommunities(blocks, order);
    expect(communityRuns(order, (neuron) => ranks.get(blocks[neuron]!)!)).toEqual([
      { community: 0, start: 0, end: 3 },
      { community: 1, start: 3, end: 6 },
    ]);
    // An order that splits a community gives two stretches.
    expect(communityRuns([0, 2, 1], (neuron) => [0, 0, 1][neuron]!)).toEqual([
      { community: 0, start: 0, end: 1 },
      { community: 1, start: 1, end: 2 },
      { community: 0, start: 2, end: 3 },
    ]);
    expect(communityRuns([], () => 0)).toEqual([]);
  });

  it('draws the heat map in the display order, scaled to the 99th percentile', () => {
    const { matrix, n } = decodeAffinity(affinity0());
    const top = colourScaleTop(matrix, n);
    expect(top).toBe(2);
    const rgba = affinityImage(matrix, n, order, top);
    expect(rgba.length).toBe(6 * 6 * 4);
    const pixel = (r: number, c: number) => Array.from(rgba.slice((r * 6 + c) * 4, (r * 6 + c) * 4 + 4));
    // Row/column 2 of the image is neuron 5, in the strong community with neurons 0 and 1.
    expect(pixel(0, 2)).toEqual([...rampColor(1), 255]);
    // Rows 3–5 are the weaker community (1 / 2 of the top); across communities 0.1 / 2.
    expect(pixel(3, 4)).toEqual([...rampColor(0.5), 255]);
    expect(pixel(0, 5)).toEqual([...rampColor(0.05), 255]);
    // The diagonal is drawn as zero.
    expect(pixel(4, 4)).toEqual([...rampColor(0), 255]);
    expect(colourScaleTop(new Float32Array(1), 1)).toBe(0);
  });
});

describe('a component as a connectome graph', () => {
  it('has one node per neuron, grouped by renumbered community, the affinity as dense edges', () => {
    const decoded = decodeAffinity(affinity0());
    const graph = componentGraph(RESULT.neurons, RESULT.components[0]!, decoded);
    expect(graph.nodes.map((node) => node.label)).toEqual(['AVAL', 'AVAR', 'RIML', 'RIMR', 'SMDVL', 'NSML']);
    expect(graph.nodes.map((node) => node.group)).toEqual([0, 0, 1, 1, 1, 0]);
    expect(graph.groups).toEqual([
      { id: 0, label: 'community 1', color: groupColor(0) },
      { id: 1, label: 'community 2', color: groupColor(1) },
    ]);
    expect(graph.edges).toEqual({ kind: 'dense', weights: decoded.matrix });
    expect(graph.groupNoun).toBe('community');
    expect('layoutEdges' in graph).toBe(false);
    const layout = { kind: 'dense', weights: new Float32Array(36) } as const;
    expect(componentGraph(RESULT.neurons, RESULT.components[0]!, decoded, layout).layoutEdges).toBe(layout);
    expect(() => componentGraph(RESULT.neurons.slice(1), RESULT.components[0]!, decoded)).toThrow(/6 neurons, the run has 5/);
  });
});
