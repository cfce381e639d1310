/**
 * The FISBe payload decoding (base64 of little-endian typed arrays, shared/api/fisbe.ts): round
 * trips for each dtype, and readable failures for malformed geometry and slices.
 */
import { describe, expect, it } from 'vitest';
import type { FisbeInstanceGeometry, FisbeSlice } from '../../../shared/api/index.js';
import { base64ToBytes, decodeFloat32, decodeGeometry, decodeSlice, decodeUint16, decodeUint32 } from '../../../renderer/src/fisbe/decode.js';

function base64Of(array: ArrayBufferView): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/** Little-endian bytes whatever the machine, as the engine writes them. */
function leBytes(values: number[], bytesPer: 2 | 4, float = false): string {
  const buffer = Buffer.alloc(values.length * bytesPer);
  values.forEach((value, i) => {
    if (float) buffer.writeFloatLE(value, i * 4);
    else if (bytesPer === 2) buffer.writeUInt16LE(value, i * 2);
    else buffer.writeUInt32LE(value, i * 4);
  });
  return buffer.toString('base64');
}

describe('base64 → typed arrays', () => {
  it('decodes bytes, with and without padding', () => {
    expect([...base64ToBytes('AQID')]).toEqual([1, 2, 3]);
    expect([...base64ToBytes('AQI=')]).toEqual([1, 2]);
    expect([...base64ToBytes('AQI')]).toEqual([1, 2]);
    expect(base64ToBytes('').length).toBe(0);
    expect(() => base64ToBytes('no good!')).toThrow(/base64/);
  });

  it('decodes little-endian uint16, uint32 and float32', () => {
    expect([...decodeUint16(leBytes([0, 1, 258, 65535], 2))]).toEqual([0, 1, 258, 65535]);
    expect([...decodeUint32(leBytes([0, 70000, 4294967295], 4))]).toEqual([0, 70000, 4294967295]);
    expect([...decodeFloat32(leBytes([0.5, -2, 1e6], 4, true))]).toEqual([0.5, -2, 1e6]);
    // The same as Node's own typed arrays on this (little-endian) machine.
    const positions = Float32Array.from([1.25, 2.5, 3.75]);
    expect(decodeFloat32(base64Of(positions))).toEqual(positions);
  });

  it('refuses a byte count that is not whole values', () => {
    expect(() => decodeUint16(Buffer.from([1, 2, 3]).toString('base64'), 'skeleton')).toThrow('skeleton: 3 bytes is not a whole number of 2-byte values');
    expect(() => decodeFloat32(Buffer.from([1, 2, 3, 4, 5, 6]).toString('base64'))).toThrow(/6 bytes/);
  });
});

describe('geometry and slice payloads', () => {
  const geometry = (over: Partial<FisbeInstanceGeometry> = {}): FisbeInstanceGeometry => ({
    side: 'gt',
    id: 3,
    skeleton: leBytes([10, 20, 30, 11, 20, 30], 2),
    // One triangle.
    surfacePositions: leBytes([0, 0, 0, 1, 0, 0, 0, 1, 0], 4, true),
    surfaceIndices: leBytes([0, 1, 2], 4),
    ...over,
  });

  it('decodes one instance: skeleton triples, vertices and triangles', () => {
    const decoded = decodeGeometry(geometry());
    expect(decoded.side).toBe('gt');
    expect(decoded.id).toBe(3);
    expect([...decoded.skeleton]).toEqual([10, 20, 30, 11, 20, 30]);
    expect(decoded.positions.length).toBe(9);
    expect([...decoded.indices]).toEqual([0, 1, 2]);
    // An instance without a surface (too small to mesh) is fine.
    const empty = decodeGeometry(geometry({ surfacePositions: '', surfaceIndices: '' }));
    expect(empty.positions.length).toBe(0);
    expect(empty.indices.length).toBe(0);
  });

  it('names the instance and the problem when geometry is malformed', () => {
    expect(() => decodeGeometry(geometry({ skeleton: leBytes([1, 2], 2) }))).toThrow('skeleton of gt 3: 2 values are not x, y, z triples');
    expect(() => decodeGeometry(geometry({ surfaceIndices: leBytes([0, 1], 4) }))).toThrow('surface indices of gt 3: 2 values are not whole triangles');
    expect(() => decodeGeometry(geometry({ surfaceIndices: leBytes([0, 1, 3], 4) }))).toThrow('surface indices of gt 3: index 3 past the 3 vertices');
  });

  it('decodes a slice and checks its size', () => {
    const slice: FisbeSlice = { axis: 'z', index: 4, width: 3, height: 2, gt: leBytes([0, 1, 1, 0, 2, 0], 2), pred: leBytes([0, 0, 5, 5, 0, 0], 2) };
    const labels = decodeSlice(slice);
    expect(labels).toMatchObject({ axis: 'z', index: 4, width: 3, height: 2 });
    expect([...labels.gt]).toEqual([0, 1, 1, 0, 2, 0]);
    expect([...labels.pred]).toEqual([0, 0, 5, 5, 0, 0]);
    expect(() => decodeSlice({ ...slice, height: 3 })).toThrow('GT slice z 4: 6 labels, expected 3 × 3 = 9');
  });
});
