/**
 * The morphology payload (shared/api/morphology.ts) decoded: typed arrays checked on arrival, the section
 * of every node's segment, and the fixtures made in code (a small branched neuron whose sections,
 * branch orders and Strahler orders are counted by hand here; a seeded synthetic neuron).
 */
import { describe, expect, it } from 'vitest';
import { calls } from '../../../shared/api/index.js';
import { decodeNeuron, nodeSections } from '../../../renderer/src/morphology/decode.js';
import { neuronPayload, sectionsOf, smallNeuronRaw, syntheticNeuronRaw } from '../../../renderer/src/morphology/fixtures.js';

describe('morphology decoding', () => {
  it('checks the arrays on arrival: int32 parents, whole x, y, z triples, one value per node', () => {
    const schema = calls['morphology.neuron'].result;
    const payload = neuronPayload(smallNeuronRaw(), { recordingId: 3, name: 'small' });
    expect(schema.safeParse(payload).success).toBe(true);
    expect(schema.safeParse({ ...payload, parents: Buffer.from(payload.parents.buffer).toString('base64') }).error?.issues[0]?.message).toBe('expected a int32 array, got a string');
    expect(schema.safeParse({ ...payload, parents: Float32Array.from(payload.parents) }).error?.issues[0]?.message).toBe('expected a int32 array, got float32');
    expect(schema.safeParse({ ...payload, positions: new Float32Array(10) }).error?.issues[0]?.message).toBe('10 coordinates is not x, y, z per node');
    expect(schema.safeParse({ ...payload, radii: new Float32Array(4) }).error?.issues[0]).toMatchObject({ path: ['radii'], message: '4 radii for 13 nodes' });
  });

  it('cuts the small neuron into NeuroM sections: 3 axonal, 5 dendritic, in preorder', () => {
    const { sections, sectionNodes } = sectionsOf(smallNeuronRaw());
    expect(sections.map((s) => [s.type, s.parent, s.branchOrder, s.strahlerOrder])).toEqual([
      [2, -1, 0, 2],
      [2, 0, 1, 1],
      [2, 0, 1, 1],
      [3, -1, 0, 2],
      [3, 3, 1, 1],
      [3, 3, 1, 2],
      [3, 5, 2, 1],
      [3, 5, 2, 1],
    ]);
    const nodesOf = (k: number) => [...sectionNodes.subarray(sections[k]!.nodeStart, sections[k]!.nodeStart + sections[k]!.nodeCount)];
    expect(nodesOf(0)).toEqual([1, 2]);
    expect(nodesOf(3)).toEqual([5, 6, 7]);
    expect(nodesOf(7)).toEqual([9, 11, 12]);
    expect(sections[0]!.lengthUm).toBeCloseTo(14);
    expect(sections[3]!.pathDistanceUm).toBeCloseTo(20);
    expect(sections[1]!.pathDistanceUm).toBeCloseTo(14 + Math.hypot(10, 10));
  });

  it('decodes a payload and gives each node the section of its segment to the parent', () => {
    const neuron = decodeNeuron(neuronPayload(smallNeuronRaw(), { recordingId: 3, name: 'small' }));
    expect(neuron.nodeCount).toBe(13);
    expect([...neuron.positions.subarray(3, 6)]).toEqual([0, -6, 0]);
    expect([...neuron.parents]).toEqual([-1, 0, 1, 2, 2, 0, 5, 6, 7, 7, 9, 9, 11]);
    // Soma none; neurite roots take their first section; branch points their parent's section.
    expect([...neuron.nodeSection]).toEqual([-1, 0, 0, 1, 2, 3, 3, 3, 4, 5, 6, 7, 7]);
    expect(neuron.sectionIndex.get(5)).toBe(5);
  });

  it('refuses inconsistent payloads with a message', () => {
    const payload = neuronPayload(smallNeuronRaw(), { recordingId: 3, name: 'small' });
    expect(() => decodeNeuron({ ...payload, radii: new Float32Array(4) })).toThrow(/small: 4 radii for 13 nodes/);
    const parents = smallNeuronRaw().parents;
    parents[4] = 40;
    expect(() => decodeNeuron({ ...payload, parents })).toThrow(/node 4 has parent 40/);
    const bad = [{ ...payload.sections[0]!, nodeStart: 99 }];
    expect(() => nodeSections(13, bad, new Int32Array(3))).toThrow(/section 0: node range 99/);
  });

  it('generates a seeded synthetic neuron of exactly the size asked for', () => {
    const a = syntheticNeuronRaw(5000, 7);
    const b = syntheticNeuronRaw(5000, 7);
    expect(a.parents.length).toBe(5000);
    expect(a.positions).toEqual(b.positions);
    expect(a.types[0]).toBe(1);
    expect(new Set(a.types)).toEqual(new Set([1, 2, 3, 4]));
    for (let i = 1; i < a.parents.length; i += 1) expect(a.parents[i]).toBeLessThan(i);
    const { sections } = sectionsOf(a);
    expect(sections.length).toBeGreaterThan(100);
    expect(Math.max(...sections.map((s) => s.branchOrder))).toBeGreaterThan(3);
  });
});
