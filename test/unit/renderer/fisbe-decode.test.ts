/**
 * The FISBe payloads (typed arrays, shared/api/fisbe.ts): dtypes checked on arrival, and readable
 * failures for malformed geometry and slices.
 */
import { describe, expect, it } from 'vitest';
import type { FisbeInstanceGeometry, FisbeSlice } from '../../../shared/api/index.js';
import { calls } from '../../../shared/api/index.js';
import { decodeGeometry, decodeSlice } from '../../../renderer/src/fisbe/decode.js';

describe('geometry and slice payloads', () => {
  const geometry = (over: Partial<FisbeInstanceGeometry> = {}): FisbeInstanceGeometry => ({
    side: 'gt',
    id: 3,
    skeleton: Uint16Array.from([10, 20, 30, 11, 20, 30]),
    // One triangle.
    surfacePositions: Float32Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0]),
    surfaceIndices: Uint32Array.from([0, 1, 2]),
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
    const empty = decodeGeometry(geometry({ surfacePositions: new Float32Array(0), surfaceIndices: new Uint32Array(0) }));
    expect(empty.positions.length).toBe(0);
    expect(empty.indices.length).toBe(0);
  });

  it('names the instance and the problem when geometry is malformed', () => {
    expect(() => decodeGeometry(geometry({ skeleton: Uint16Array.from([1, 2]) }))).toThrow('skeleton of gt 3: 2 values are not x, y, z triples');
    expect(() => decodeGeometry(geometry({ surfaceIndices: Uint32Array.from([0, 1]) }))).toThrow('surface indices of gt 3: 2 values are not whole triangles');
    expect(() => decodeGeometry(geometry({ surfaceIndices: Uint32Array.from([0, 1, 3]) }))).toThrow('surface indices of gt 3: index 3 past the 3 vertices');
  });

  it('checks dtypes and sizes on arrival, where base64 strings or number arrays are refused', () => {
    const geometrySchema = calls['fisbe.geometry'].result;
    expect(geometrySchema.safeParse(geometry()).success).toBe(true);
    expect(geometrySchema.safeParse(geometry({ skeleton: 'AAAA' as never })).error?.issues[0]?.message).toBe('expected a uint16 array, got a string');
    expect(geometrySchema.safeParse(geometry({ surfaceIndices: Int32Array.from([0, 1, 2]) as never })).error?.issues[0]?.message).toBe('expected a uint32 array, got int32');
    expect(geometrySchema.safeParse(geometry({ skeleton: Uint16Array.from([1, 2]) })).error?.issues[0]).toMatchObject({ path: ['skeleton'], message: '2 values are not x, y, z triples' });
    const sliceSchema = calls['fisbe.slice'].result;
    const slice = { axis: 'z', index: 4, width: 3, height: 2, gt: new Uint16Array(6), pred: new Uint16Array(6) };
    expect(sliceSchema.safeParse(slice).success).toBe(true);
    expect(sliceSchema.safeParse({ ...slice, pred: [0, 0, 0, 0, 0, 0] }).error?.issues[0]?.message).toBe('expected a uint16 array, got a number array');
    expect(sliceSchema.safeParse({ ...slice, height: 3 }).error?.issues[0]).toMatchObject({ path: ['gt'], message: '6 labels, expected 3 × 3 = 9' });
  });

  it('decodes a slice and checks its size', () => {
    const slice: FisbeSlice = { axis: 'z', index: 4, width: 3, height: 2, gt: Uint16Array.from([0, 1, 1, 0, 2, 0]), pred: Uint16Array.from([0, 0, 5, 5, 0, 0]) };
    const labels = decodeSlice(slice);
    expect(labels).toMatchObject({ axis: 'z', index: 4, width: 3, height: 2 });
    expect([...labels.gt]).toEqual([0, 1, 1, 0, 2, 0]);
    expect([...labels.pred]).toEqual([0, 0, 5, 5, 0, 0]);
    expect(() => decodeSlice({ ...slice, height: 3 })).toThrow('GT slice z 4: 6 labels, expected 3 × 3 = 9');
  });
});
