/** Bounding boxes, side-by-side placement of several neurons, and the scale bar's 1-2-5 length. */
import { describe, expect, it } from 'vitest';
import { boundingBox, boundingSphere, formatLength, niceLength, scaleBar, sideBySideOffsets, unionBox } from '../../../renderer/src/morphology/layout.js';

describe('morphology layout', () => {
  it('bounds positions', () => {
    expect(boundingBox(Float32Array.from([1, 2, 3, -4, 5, 0, 2, -1, 9]))).toEqual({ min: [-4, -1, 0], max: [2, 5, 9] });
    expect(boundingBox(new Float32Array(0))).toEqual({ min: [0, 0, 0], max: [0, 0, 0] });
    expect(boundingSphere({ min: [0, 0, 0], max: [2, 2, 1] })).toEqual({ centre: [1, 1, 0.5], radius: 1.5 });
  });

  it('puts neurons side by side along x, centred on y and z, without overlap', () => {
    const boxes = [
      { min: [10, 0, 0], max: [30, 40, 10] },
      { min: [-100, -50, 5], max: [0, 50, 15] },
      { min: [0, 0, 0], max: [5, 5, 5] },
    ] as Array<{ min: [number, number, number]; max: [number, number, number] }>;
    const offsets = sideBySideOffsets(boxes, 0.1);
    const moved = boxes.map((b, k) => ({ min: b.min[0] + offsets[k]![0], max: b.max[0] + offsets[k]![0] }));
    // Gap: 10 % of the widest (100).
    expect(moved[1]!.min - moved[0]!.max).toBeCloseTo(10);
    expect(moved[2]!.min - moved[1]!.max).toBeCloseTo(10);
    expect(moved[0]!.min + moved[2]!.max).toBeCloseTo(0);
    expect(offsets[0]![1]).toBe(-20);
    expect(offsets[1]![2]).toBe(-10);
    const union = unionBox(boxes, offsets);
    expect(union.min[0]).toBeCloseTo(-72.5);
    expect(union.max[0]).toBeCloseTo(72.5);
  });

  it('chooses the longest 1-2-5 length that fits', () => {
    expect(niceLength(1)).toBe(1);
    expect(niceLength(1.9)).toBe(1);
    expect(niceLength(2)).toBe(2);
    expect(niceLength(4.99)).toBe(2);
    expect(niceLength(7)).toBe(5);
    expect(niceLength(99)).toBe(50);
    expect(niceLength(0.03)).toBeCloseTo(0.02);
    expect(niceLength(0)).toBe(0);
    expect(niceLength(Number.NaN)).toBe(0);
    expect(formatLength(500)).toBe('500 µm');
    expect(formatLength(2000)).toBe('2 mm');
    expect(formatLength(0.5)).toBe('500 nm');
  });

  it('sizes the scale bar in pixels under the maximum', () => {
    // 2.3 µm per px, 120 px at most → 276 µm → 200 µm → 87 px.
    const bar = scaleBar(2.3, 120)!;
    expect(bar.lengthUm).toBe(200);
    expect(bar.px).toBeCloseTo(200 / 2.3);
    expect(bar.label).toBe('200 µm');
    expect(scaleBar(0, 120)).toBeNull();
    for (const umPerPx of [0.013, 0.2, 1, 3.7, 48, 900]) {
      const b = scaleBar(umPerPx, 120)!;
      expect(b.px).toBeLessThanOrEqual(120 + 1e-9);
      expect(b.px).toBeGreaterThan(120 / 2.5 - 1e-9);
    }
  });
});
