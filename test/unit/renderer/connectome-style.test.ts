/**
 * How a connectome is coloured and drawn: one stable colour per group (the same for the same id,
 * always), grey for ungrouped nodes, node sizes by weighted degree, legend counts, and the edges'
 * weight tiers and line batches (group colour inside a group, grey across).
 */
import { describe, expect, it } from 'vitest';
import { EDGE_TIERS, edgeBatches, edgeTier } from '../../../renderer/src/components/connectome/edgeStyle.js';
import { toEdgeList } from '../../../renderer/src/components/connectome/edges.js';
import { formatPercent, formatWeight, plural } from '../../../renderer/src/components/connectome/format.js';
import { groupCounts, MAX_NODE_SCALE, MIN_NODE_SCALE, nodeColors, nodeScales } from '../../../renderer/src/components/connectome/nodeStyle.js';
import { hexToUnitRgb } from '../../../renderer/src/components/color.js';
import { GROUP_COLORS, groupColor, NO_GROUP_COLOR } from '../../../renderer/src/components/connectome/palette.js';
import type { ConnectomeNode } from '../../../renderer/src/components/connectome/types.js';

const HEX = /^#[0-9a-f]{6}$/;

describe('group palette', () => {
  it('gives each group id one colour, the same every time, twelve distinct fixed ones first', () => {
    const first = Array.from({ length: 12 }, (_, id) => groupColor(id));
    expect(first).toEqual(GROUP_COLORS);
    expect(new Set(first).size).toBe(12);
    expect(first).not.toContain(NO_GROUP_COLOR);
    for (let id = 0; id < 200; id += 1) {
      expect(groupColor(id)).toMatch(HEX);
      expect(groupColor(id)).toBe(groupColor(id));
    }
    // Beyond the fixed twelve, the next ones still differ from each other and from grey.
    const more = Array.from({ length: 20 }, (_, k) => groupColor(12 + k));
    expect(new Set(more).size).toBe(20);
    expect(more).not.toContain(NO_GROUP_COLOR);
  });

  it('paints nodes without a (valid) group grey', () => {
    expect(groupColor(null)).toBe(NO_GROUP_COLOR);
    expect(groupColor(-1)).toBe(NO_GROUP_COLOR);
    expect(groupColor(1.5)).toBe(NO_GROUP_COLOR);
  });

  it('converts colours for three.js', () => {
    expect(hexToUnitRgb('#ff8000')).toEqual([1, 128 / 255, 0]);
    expect(() => hexToUnitRgb('orange')).toThrow(/#rrggbb/);
  });
});

describe('node style', () => {
  const node = (id: number, group: number | null): ConnectomeNode => ({ id, label: `n${id}`, position: null, group });
  const nodes = [node(0, 1), node(1, 0), node(2, 1), node(3, null), node(4, 7)];

  it('colours nodes from the graph palette, the fixed palette for unlisted groups, grey without one', () => {
    const colors = nodeColors({ nodes, groups: [{ id: 1, label: 'one', color: '#123456' }, { id: 0, label: 'zero', color: '#abcdef' }] });
    expect(colors).toEqual(['#123456', '#abcdef', '#123456', NO_GROUP_COLOR, groupColor(7)]);
  });

  it('counts nodes per group in legend order, unlisted groups after', () => {
    const counts = groupCounts({ nodes, groups: [{ id: 1, label: 'one', color: '#123456' }, { id: 0, label: 'zero', color: '#abcdef' }, { id: 5, label: 'five', color: '#000001' }] });
    expect(counts.map(({ group, nodes: count }) => [group.label, count])).toEqual([
      ['one', 2],
      ['zero', 1],
      ['five', 0],
      ['group 7', 1],
    ]);
  });

  it('sizes nodes by √ of their share of the largest weighted degree', () => {
    const scales = Array.from(nodeScales([0, 25, 100]));
    expect(scales[0]).toBeCloseTo(MIN_NODE_SCALE);
    expect(scales[1]).toBeCloseTo(MIN_NODE_SCALE + 0.5 * (MAX_NODE_SCALE - MIN_NODE_SCALE));
    expect(scales[2]).toBeCloseTo(MAX_NODE_SCALE);
    expect(Array.from(nodeScales([0, 0]))).toEqual([MIN_NODE_SCALE, MIN_NODE_SCALE].map(Math.fround));
  });
});

describe('edge drawing', () => {
  it('puts edges in tiers by weight relative to the strongest kept edge', () => {
    expect(edgeTier(1, 1)).toBe(2);
    expect(edgeTier(0.7, 1)).toBe(2);
    expect(edgeTier(0.5, 1)).toBe(1);
    expect(edgeTier(0.1, 1)).toBe(0);
    expect(edgeTier(0, 0)).toBe(0);
    // Stronger tiers are wider and more opaque.
    for (let t = 1; t < EDGE_TIERS.length; t += 1) {
      expect(EDGE_TIERS[t]!.widthPx).toBeGreaterThan(EDGE_TIERS[t - 1]!.widthPx);
      expect(EDGE_TIERS[t]!.opacity).toBeGreaterThan(EDGE_TIERS[t - 1]!.opacity);
    }
  });

  it('batches the kept edges between node positions, coloured by group inside one, grey across', () => {
    const list = toEdgeList(
      {
        kind: 'list',
        edges: [
          { source: 0, target: 1, weight: 10 },
          { source: 1, target: 2, weight: 5 },
          { source: 0, target: 2, weight: 1 },
        ],
      },
      3,
    );
    const positions = Float32Array.from([0, 0, 0, 1, 0, 0, 0, 2, 0]);
    const groups = [0, 0, 1];
    const colors = ['#ff0000', '#ff0000', '#0000ff'];
    const all = edgeBatches(list, 3, positions, groups, colors);
    expect(all.map((batch) => batch.count)).toEqual([1, 1, 1]);
    const strong = all[2]!;
    expect(Array.from(strong.positions)).toEqual([0, 0, 0, 1, 0, 0]);
    expect(Array.from(strong.colors)).toEqual([1, 0, 0, 1, 0, 0]);
    const grey = hexToUnitRgb(NO_GROUP_COLOR).map(Math.fround);
    expect(Array.from(all[1]!.colors)).toEqual([...grey, ...grey]);
    expect(Array.from(all[1]!.positions)).toEqual([1, 0, 0, 0, 2, 0]);
    // Only the strongest kept: it alone sets the scale, so it is in the top tier.
    const one = edgeBatches(list, 1, positions, groups, colors);
    expect(one.map((batch) => batch.count)).toEqual([0, 0, 1]);
    expect(edgeBatches(list, 0, positions, groups, colors).every((batch) => batch.count === 0)).toBe(true);
  });
});

describe('number formats', () => {
  it('prints weights with three significant digits and percentages with one decimal', () => {
    expect(formatWeight(0.123456)).toBe('0.123');
    expect(formatWeight(12.5)).toBe('12.5');
    expect(formatWeight(0)).toBe('0');
    expect(formatWeight(0.00001234)).toBe('1.23e-5');
    expect(formatPercent(10)).toBe('10 %');
    expect(formatPercent(2.54)).toBe('2.5 %');
  });

  it('names groups in the plural', () => {
    expect(plural('community')).toBe('communities');
    expect(plural('network')).toBe('networks');
    expect(plural('group')).toBe('groups');
    expect(plural('class')).toBe('classes');
    expect(plural('key')).toBe('keys');
  });
});
