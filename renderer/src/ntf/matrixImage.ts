/**
 * The affinity heat map's pixels: cell (r, c) is the affinity between the r-th and c-th neurons of
 * the display order, so communities appear as blocks on the diagonal. Colours run over 0 … the 99th
 * percentile of the off-diagonal values (a few strong pairs would otherwise leave the rest dark).
 */
import { rampColor } from '../components/colormap.js';

/** The value the colour scale tops out at: the 99th percentile of off-diagonal |values|. */
export function colourScaleTop(matrix: Float32Array, n: number): number {
  const values: number[] = [];
  for (let i = 0; i < n; i += 1) for (let j = i + 1; j < n; j += 1) values.push(Math.abs(matrix[i * n + j]!));
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  const top = values[Math.min(values.length - 1, Math.floor(0.99 * (values.length - 1)))]!;
  return top > 0 ? top : values[values.length - 1]!;
}

/** RGBA bytes of an n × n image of `matrix` rows and columns permuted by `order`. */
export function affinityImage(matrix: Float32Array, n: number, order: readonly number[], top = colourScaleTop(matrix, n)): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(n * n * 4);
  for (let r = 0; r < n; r += 1) {
    const row = order[r]!;
    for (let c = 0; c < n; c += 1) {
      const value = row === order[c] ? 0 : Math.abs(matrix[row * n + order[c]!]!);
      const [red, green, blue] = rampColor(top > 0 ? value / top : 0);
      const p = (r * n + c) * 4;
      rgba[p] = red;
      rgba[p + 1] = green;
      rgba[p + 2] = blue;
      rgba[p + 3] = 255;
    }
  }
  return rgba;
}
