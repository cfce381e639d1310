/**
 * The segment instance buffers of the morphology scene (renderer/src/morphology/morphologySegments.ts):
 * matrices that map the unit cylinder onto each parent → child segment, the taper, section ids,
 * lines and somata; picking through three's InstancedMesh raycast and the pixel-tolerance
 * fallback; the level-of-detail rule; and the time to build the buffers of a 100,000-node neuron
 * (printed, not asserted: machines differ).
 */
import { CylinderGeometry, InstancedBufferAttribute, InstancedMesh, Matrix4, MeshBasicMaterial, PerspectiveCamera, Vector2, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { nodeColors, nodePathDistances, colorRange } from '../../../renderer/src/morphology/colors.js';
import { decodeNeuron } from '../../../renderer/src/morphology/decode.js';
import { neuronPayload, smallNeuronRaw, syntheticNeuronRaw } from '../../../renderer/src/morphology/fixtures.js';
import { boundingBox, sideBySideOffsets } from '../../../renderer/src/morphology/layout.js';
import { pickInstance } from '../../../renderer/src/components/three/nodePicking.js';
import {
  buildCoarseLines,
  buildSegmentBuffers,
  chooseLod,
  coarseStep,
  LINES_WHILE_MOVING_MAX,
  topologicalOrder,
  MIN_RADIUS_UM,
  nearestSegmentToRay,
  raySegmentDistance,
  segmentMatrix,
  TUBES_WHILE_MOVING_MAX,
} from '../../../renderer/src/morphology/morphologySegments.js';

const small = decodeNeuron(neuronPayload(smallNeuronRaw(), { recordingId: 1, name: 'small' }));

function apply(matrices: Float32Array, k: number, x: number, y: number, z: number): number[] {
  return new Vector3(x, y, z).applyMatrix4(new Matrix4().fromArray(matrices, 16 * k)).toArray();
}

function expectClose(actual: number[], expected: number[]) {
  actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 4));
}

describe('morphology segment buffers', () => {
  it('maps the unit cylinder onto a segment, for any direction', () => {
    const out = new Float32Array(16);
    for (const [b, r] of [[[3, 4, 12], 2], [[0, -5, 0], 1], [[0, 0, 7], 0.5], [[-1, 1e-9, 0], 3]] as Array<[[number, number, number], number]>) {
      segmentMatrix(out, 0, 1, 2, 3, 1 + b[0], 2 + b[1], 3 + b[2], r);
      expectClose(apply(out, 0, 0, 0, 0), [1, 2, 3]);
      expectClose(apply(out, 0, 0, 1, 0), [1 + b[0], 2 + b[1], 3 + b[2]]);
      const m = new Matrix4().fromArray(out);
      const x = new Vector3().setFromMatrixColumn(m, 0);
      const z = new Vector3().setFromMatrixColumn(m, 2);
      const d = new Vector3(...b).normalize();
      expect(x.length()).toBeCloseTo(r);
      expect(z.length()).toBeCloseTo(r);
      expect(x.dot(d)).toBeCloseTo(0);
      expect(z.dot(d)).toBeCloseTo(0);
      // Right-handed: no mirrored triangles.
      expect(m.determinant()).toBeGreaterThan(0);
    }
    // A zero-length segment stays invertible.
    segmentMatrix(out, 0, 1, 1, 1, 1, 1, 1, 1);
    expect(new Matrix4().fromArray(out).determinant()).not.toBe(0);
  });

  it('has one instance per non-soma node with a parent, and the soma as a sphere', () => {
    const b = buildSegmentBuffers([small], [[0, 0, 0]]);
    expect(b.count).toBe(12);
    expect(b.somas.length / 4).toBe(1);
    expect([...b.somas]).toEqual([0, 0, 0, 5]);
    expect([...b.childNodes]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect([...b.sectionIds]).toEqual([0, 0, 1, 2, 3, 3, 3, 4, 5, 6, 7, 7]);
    // Segment 6 → 7: radii 1.8 → 1.5, the enclosing cylinder has 1.8.
    expect(b.taper[2 * 6]).toBeCloseTo(1);
    expect(b.taper[2 * 6 + 1]).toBeCloseTo(1.5 / 1.8);
    // Leaving the soma, the tube starts with the neurite's radius, not the soma's 5.
    expect([b.taper[0], b.taper[1]]).toEqual([1, 1]);
    expect([...b.linePositions.subarray(6 * 2, 6 * 3)]).toEqual([0, -20, 0, -10, -30, 0]);
    expect(b.medianRadiusUm).toBeGreaterThan(0.4);
    expect(b.medianRadiusUm).toBeLessThan(2);
  });

  it('offsets neurons side by side and records which neuron each instance belongs to', () => {
    const offsets = sideBySideOffsets([boundingBox(small.positions), boundingBox(small.positions)]);
    const b = buildSegmentBuffers([small, small], offsets);
    expect(b.count).toBe(24);
    expect(b.neuronIndex[11]).toBe(0);
    expect(b.neuronIndex[12]).toBe(1);
    expect(b.linePositions[6 * 12 + 3]! - b.linePositions[3]!).toBeCloseTo(offsets[1]![0] - offsets[0]![0]);
    // Zero radii are drawn thin, not invisible.
    const zero = { ...small, radii: new Float32Array(small.nodeCount) };
    const z = buildSegmentBuffers([zero], [[0, 0, 0]]);
    expect(new Vector3().setFromMatrixColumn(new Matrix4().fromArray(z.matrices, 0), 0).length()).toBeCloseTo(MIN_RADIUS_UM);
  });

  it('picks a section through the InstancedMesh raycast and within a pixel tolerance', () => {
    const b = buildSegmentBuffers([small], [[0, 0, 0]]);
    const geometry = new CylinderGeometry(1, 1, 1, 8, 1, true);
    geometry.translate(0, 0.5, 0);
    const mesh = new InstancedMesh(geometry, new MeshBasicMaterial(), b.count);
    mesh.instanceMatrix = new InstancedBufferAttribute(b.matrices, 16);
    mesh.computeBoundingSphere();
    mesh.updateMatrixWorld(true);
    const camera = new PerspectiveCamera(35, 1, 0.1, 1000);
    camera.position.set(0, 10, 200);
    camera.lookAt(0, 10, 0);
    camera.updateMatrixWorld(true);
    const ndcOf = (x: number, y: number, z: number) => {
      const p = new Vector3(x, y, z).project(camera);
      return new Vector2(p.x, p.y);
    };
    // The middle of segment 9 → 11 (section 7) and of the axon's root section.
    const hit = pickInstance(camera, ndcOf(16, 41, 0), mesh);
    expect(hit).not.toBeNull();
    expect(b.sectionIds[hit!]).toBe(7);
    expect(b.sectionIds[pickInstance(camera, ndcOf(0, -13, 0), mesh)!]).toBe(0);
    expect(pickInstance(camera, ndcOf(60, -60, 0), mesh)).toBeNull();
    // Near but off a thin tip: the ray fallback finds it within the tolerance, not without.
    const origin: [number, number, number] = [-5 - Math.SQRT2, -25 + Math.SQRT2, 200];
    expect(nearestSegmentToRay(b, origin, [0, 0, -1], 0.3)).toBe(-1);
    expect(b.sectionIds[nearestSegmentToRay(b, origin, [0, 0, -1], 2)]).toBe(1);
  });

  it('measures ray-to-segment distances', () => {
    expect(raySegmentDistance([0, 0, 10], [0, 0, -1], [-5, 2, 0], [5, 2, 0])).toEqual({ distance: 2, t: 10 });
    // Past the segment's end: distance to the end point.
    const end = raySegmentDistance([10, 0, 10], [0, 0, -1], [-5, 0, 0], [5, 0, 0]);
    expect(end.distance).toBeCloseTo(5);
    // Parallel to the ray.
    expect(raySegmentDistance([1, 0, 10], [0, 0, -1], [0, 0, 0], [0, 0, 5]).distance).toBeCloseTo(1);
  });

  it('thins unbranched runs into coarse lines, keeping roots, branch points and tips', () => {
    const coarse = buildCoarseLines([small], [[0, 0, 0]], 2);
    // Runs thinned to every 2nd node: 6 (between 5 and the branch point 7) and 11 (between 9 and the tip 12) go.
    expect([...coarse.childNodes]).toEqual([1, 2, 3, 4, 5, 7, 8, 9, 10, 12]);
    expect([...coarse.linePositions.subarray(6 * 5, 6 * 6)]).toEqual([0, 6, 0, 0, 26, 0]);
    const big = decodeNeuron(neuronPayload(syntheticNeuronRaw(20_000), { recordingId: 1, name: 'synthetic' }));
    const full = buildSegmentBuffers([big], [[0, 0, 0]]);
    const thinned = buildCoarseLines([big], [[0, 0, 0]], 4);
    expect(thinned.count).toBeLessThan(full.count / 2.5);
    expect(coarseStep(100_000)).toBe(4);
    expect(coarseStep(1000)).toBe(2);
    expect(coarseStep(1e8)).toBe(16);
    // Parents after children still give a parent-first order.
    expect([...topologicalOrder(Int32Array.from([2, -1, 1, 0]))]).toEqual([1, 2, 0, 3]);
  });

  it('chooses lines when asked, when zoomed out, and while a very large neuron moves', () => {
    expect(chooseLod({ style: 'lines', segmentCount: 10, medianRadiusPx: 10, moving: false })).toBe('lines');
    expect(chooseLod({ style: 'tubes', segmentCount: 10, medianRadiusPx: 10, moving: true })).toBe('tubes');
    expect(chooseLod({ style: 'tubes', segmentCount: 10, medianRadiusPx: 0.1, moving: false })).toBe('lines');
    expect(chooseLod({ style: 'tubes', segmentCount: TUBES_WHILE_MOVING_MAX + 1, medianRadiusPx: 3, moving: true })).toBe('lines');
    expect(chooseLod({ style: 'tubes', segmentCount: TUBES_WHILE_MOVING_MAX + 1, medianRadiusPx: 3, moving: false })).toBe('tubes');
    expect(chooseLod({ style: 'tubes', segmentCount: LINES_WHILE_MOVING_MAX + 1, medianRadiusPx: 3, moving: true })).toBe('coarse');
    expect(chooseLod({ style: 'lines', segmentCount: LINES_WHILE_MOVING_MAX + 1, medianRadiusPx: 3, moving: true })).toBe('coarse');
    expect(chooseLod({ style: 'lines', segmentCount: LINES_WHILE_MOVING_MAX + 1, medianRadiusPx: 3, moving: false })).toBe('lines');
  });

  it('builds the buffers of a 100,000-node neuron (time printed)', () => {
    let started = performance.now();
    const payload = neuronPayload(syntheticNeuronRaw(100_000), { recordingId: 1, name: 'synthetic' });
    const generateMs = performance.now() - started;
    started = performance.now();
    const neuron = decodeNeuron(payload);
    const decodeMs = performance.now() - started;
    started = performance.now();
    const buffers = buildSegmentBuffers([neuron], [[0, 0, 0]]);
    const buildMs = performance.now() - started;
    started = performance.now();
    const d = nodePathDistances(neuron);
    const colors = nodeColors(neuron, 'pathDistance', colorRange('pathDistance', [neuron], [d]), d);
    const colourMs = performance.now() - started;
    started = performance.now();
    nearestSegmentToRay(buffers, [0, 0, 1e4], [0, 0, -1], 1);
    const pickMs = performance.now() - started;
    started = performance.now();
    const coarse = buildCoarseLines([neuron], [[0, 0, 0]], coarseStep(buffers.count));
    const coarseMs = performance.now() - started;
    console.log(
      `morphology 100k nodes: generate ${generateMs.toFixed(0)} ms, decode ${decodeMs.toFixed(0)} ms, ` +
        `instance buffers ${buildMs.toFixed(0)} ms, path-distance colours ${colourMs.toFixed(0)} ms, ray pick fallback ${pickMs.toFixed(0)} ms, coarse lines ${coarseMs.toFixed(0)} ms (${coarse.count}) ` +
        `(${buffers.count} segments, ${payload.sections.length} sections)`,
    );
    expect(buffers.count).toBe(99_999);
    expect(colors.length).toBe(300_000);
    expect(buffers.matrices.length).toBe(16 * 99_999);
    expect(Number.isFinite(buffers.matrices.reduce((s, v) => s + v, 0))).toBe(true);
  });
});
