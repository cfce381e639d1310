/** The embedding scatter's PCA: recovers a known principal plane, its variance shares and a stable sign. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/random.js';
import { principalPlane } from '../../main/pipelines/jepa/embedding.js';

describe('principal plane of pooled features', () => {
  it('recovers the two axes of largest variance with their shares', () => {
    const random = seededRandom(4);
    const n = 400;
    const width = 6;
    const u = [0.6, 0.8, 0, 0, 0, 0];
    const v = [0, 0, 0, 1, 0, 0];
    const features = new Float64Array(n * width);
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = 3 * (random() * 2 - 1);
      const b = 1.5 * (random() * 2 - 1);
      for (let j = 0; j < width; j++) features[i * width + j] = 10 + a[i]! * u[j]! + b * v[j]! + 0.01 * (random() - 0.5);
    }
    const { points, explained } = principalPlane(features, n, width);
    // Uniform on [−s, s] has variance s²/3: 3 and 0.75, nearly all of the total.
    expect(explained[0]).toBeGreaterThan(0.75);
    expect(explained[0] + explained[1]).toBeGreaterThan(0.999);
    // The first axis is ±u, signed so its largest loading (0.8) is positive: coordinates ≈ a − mean(a).
    const meanA = a.reduce((s, x) => s + x, 0) / n;
    for (let i = 0; i < n; i += 37) expect(points[i * 2]).toBeCloseTo(a[i]! - meanA, 1);
  });

  it('refuses fewer than two subjects', () => {
    expect(() => principalPlane(new Float64Array(3), 1, 3)).toThrow(/subjects/);
  });
});
