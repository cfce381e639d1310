/** Colours per mode (SWC type, branch order, Strahler order, path distance) and the legend. */
import { describe, expect, it } from 'vitest';
import { hexToUnitRgb, unitRgbToHex } from '../../../renderer/src/components/color.js';
import { colorRange, legendEntries, nodeColors, nodePathDistances, RAMP, rampColor, TYPE_COLORS } from '../../../renderer/src/morphology/colors.js';
import { decodeNeuron } from '../../../renderer/src/morphology/decode.js';
import { neuronPayload, smallNeuronRaw } from '../../../renderer/src/morphology/fixtures.js';

const neuron = decodeNeuron(neuronPayload(smallNeuronRaw(), { recordingId: 1, name: 'small' }));
const hexAt = (colors: Float32Array, i: number) => unitRgbToHex([colors[3 * i]!, colors[3 * i + 1]!, colors[3 * i + 2]!]);

describe('morphology colours', () => {
  it('ramps between its stops and clamps', () => {
    expect(unitRgbToHex(rampColor(0))).toBe(RAMP[0]);
    expect(unitRgbToHex(rampColor(1))).toBe(RAMP[RAMP.length - 1]);
    expect(unitRgbToHex(rampColor(0.5))).toBe(RAMP[2]);
    expect(unitRgbToHex(rampColor(-3))).toBe(RAMP[0]);
    expect(unitRgbToHex(rampColor(Number.NaN))).toBe(RAMP[0]);
    expect(hexToUnitRgb('#ff8000')).toEqual([1, 128 / 255, 0]);
  });

  it('measures path distances from each neurite root', () => {
    const d = nodePathDistances(neuron);
    expect(d[0]).toBe(0);
    expect(d[1]).toBe(0);
    expect(d[2]).toBeCloseTo(14);
    expect(d[12]).toBeCloseTo(20 + Math.hypot(12, 10) + Math.hypot(8, 10) + Math.hypot(4, 10, 4));
    // Parents after children give the same distances.
    const reversed = { positions: new Float32Array(3 * 3), parents: Int32Array.from([-1, 2, 0]), types: Int32Array.from([3, 3, 3]) };
    reversed.positions.set([0, 0, 0, 0, 7, 0, 0, 3, 0]);
    expect([...nodePathDistances(reversed)]).toEqual([0, 7, 3]);
  });

  it('colours by type, branch order, Strahler order and path distance', () => {
    const d = nodePathDistances(neuron);
    const byType = nodeColors(neuron, 'type', colorRange('type', [neuron], [d]), d);
    expect(hexAt(byType, 0)).toBe(TYPE_COLORS[1]);
    expect(hexAt(byType, 3)).toBe(TYPE_COLORS[2]);
    expect(hexAt(byType, 8)).toBe(TYPE_COLORS[3]);

    const orderRange = colorRange('branchOrder', [neuron], [d]);
    expect(orderRange.max).toBe(2);
    const byOrder = nodeColors(neuron, 'branchOrder', orderRange, d);
    expect(hexAt(byOrder, 6)).toBe(RAMP[0]);
    expect(hexAt(byOrder, 8)).toBe(RAMP[2]);
    expect(hexAt(byOrder, 12)).toBe(RAMP[4]);
    expect(hexAt(byOrder, 0)).toBe(TYPE_COLORS[1]);

    const strahlerRange = colorRange('strahler', [neuron], [d]);
    expect(strahlerRange.max).toBe(2);
    const byStrahler = nodeColors(neuron, 'strahler', strahlerRange, d);
    expect(hexAt(byStrahler, 6)).toBe(RAMP[4]);
    expect(hexAt(byStrahler, 12)).toBe(RAMP[0]);

    const pathRange = colorRange('pathDistance', [neuron], [d]);
    expect(pathRange.max).toBeCloseTo(d[12]!);
    const byPath = nodeColors(neuron, 'pathDistance', pathRange, d);
    expect(hexAt(byPath, 12)).toBe(RAMP[4]);
    expect(hexAt(byPath, 5)).toBe(RAMP[0]);
  });

  it('builds the legend for each mode', () => {
    expect(legendEntries('type', { max: 0 }, [1, 2, 3, 7])).toEqual([
      { label: 'soma', color: TYPE_COLORS[1] },
      { label: 'axon', color: TYPE_COLORS[2] },
      { label: 'basal dendrite', color: TYPE_COLORS[3] },
      { label: 'type 7', color: expect.any(String) },
    ]);
    expect(legendEntries('strahler', { max: 3 }, []).map((e) => e.label)).toEqual(['1', '2', '3']);
    const many = legendEntries('branchOrder', { max: 40 }, []).map((e) => e.label);
    expect(many[0]).toBe('0');
    expect(many.at(-1)).toBe('40');
    expect(many.length).toBeLessThanOrEqual(10);
    expect(legendEntries('pathDistance', { max: 1234 }, []).map((e) => e.label)).toEqual(['0 µm', '617 µm', '1,234 µm']);
  });
});
