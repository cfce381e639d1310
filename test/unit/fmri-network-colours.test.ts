/**
 * The Brain view's heat-map colours: the diverging map is white at zero, blue below, red above and
 * symmetric in strength; the matrix range ignores the diagonal; ROI series are z-scored per region;
 * node strength sums |off-diagonal weights|.
 */
import { describe, expect, it } from 'vitest';
import {
  divergingColour,
  EMPTY_RGB,
  gridImage,
  matrixImage,
  nodeStrengths,
  symmetricMatrixRange,
  zScoreRows,
} from '../../renderer/src/fmri/series/matrixColours.js';

describe('divergingColour', () => {
  it('is white at zero, blue for negative and red for positive values', () => {
    expect(divergingColour(0)).toEqual([247, 247, 247]);
    const [r1, , b1] = divergingColour(-0.6);
    expect(b1).toBeGreaterThan(r1);
    const [r2, , b2] = divergingColour(0.6);
    expect(r2).toBeGreaterThan(b2);
  });

  it('clamps beyond ±1 and greys out non-finite values', () => {
    expect(divergingColour(5)).toEqual(divergingColour(1));
    expect(divergingColour(-5)).toEqual(divergingColour(-1));
    expect(divergingColour(NaN)).toEqual([...EMPTY_RGB]);
  });

  it('is as far from white at −t as at +t (equal |values| look equally strong)', () => {
    const distance = ([r, g, b]: number[]) => Math.hypot(247 - r!, 247 - g!, 247 - b!);
    for (const t of [0.25, 0.5, 0.75]) {
      expect(Math.abs(distance(divergingColour(t)) - distance(divergingColour(-t))) / distance(divergingColour(t))).toBeLessThan(0.2);
    }
  });
});

describe('symmetricMatrixRange and matrixImage', () => {
  // 3 × 3 correlation-like matrix: diagonal 1, off-diagonal at most 0.6 in magnitude.
  const m = Float64Array.from([1, 0.2, -0.6, 0.2, 1, 0.1, -0.6, 0.1, 1]);

  it('takes the largest |off-diagonal| value, never the diagonal', () => {
    expect(symmetricMatrixRange(m, 3)).toBeCloseTo(0.6, 12);
  });

  it('falls back to 1 for an empty or all-NaN matrix', () => {
    expect(symmetricMatrixRange(new Float64Array(4), 2)).toBe(1);
    expect(symmetricMatrixRange(Float64Array.from([1, NaN, NaN, 1]), 2)).toBe(1);
  });

  it('paints the diagonal grey and the strongest negative at the blue end', () => {
    const rgba = matrixImage(m, 3, 0.6);
    expect(Array.from(rgba.slice(0, 3))).toEqual([...EMPTY_RGB]);
    const p = (0 * 3 + 2) * 4;
    expect(Array.from(rgba.slice(p, p + 3))).toEqual(divergingColour(-1));
    expect(rgba[p + 3]).toBe(255);
  });
});

describe('zScoreRows and gridImage', () => {
  it('gives each region mean 0 and SD 1 over time; a flat region stays 0', () => {
    const data = Float64Array.from([1, 2, 3, 4, 5, 7, 7, 7, 7, 7]);
    const z = zScoreRows(data, 2, 5);
    const row = Array.from(z.slice(0, 5));
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
    expect(Math.sqrt(row.reduce((s, v) => s + v * v, 0) / 5)).toBeCloseTo(1, 12);
    expect(Array.from(z.slice(5))).toEqual([0, 0, 0, 0, 0]);
  });

  it('keeps non-finite samples as gaps', () => {
    const z = zScoreRows(Float64Array.from([1, NaN, 3]), 1, 3);
    expect(z[1]).toBeNaN();
    expect(z[0]).toBeCloseTo(-1, 12);
    expect(Array.from(gridImage(z, 1, 3, 3).slice(4, 7))).toEqual([...EMPTY_RGB]);
  });
});

describe('nodeStrengths', () => {
  it('sums |weights| off the diagonal per row, skipping NaN', () => {
    const m = Float64Array.from([1, 0.5, -0.25, 0.5, 1, NaN, -0.25, NaN, 1]);
    expect(Array.from(nodeStrengths(m, 3))).toEqual([0.75, 0.5, 0.25]);
  });
});
