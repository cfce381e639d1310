/**
 * The colours of the Brain view's heat maps (connectivity matrices, ROI × time series). Signed
 * values (correlations, z-scores) go through a diverging map, blue for negative, white at zero, red
 * for positive, over a range symmetric about zero: zero is always white, so a reader sees the sign
 * at a glance and equal |values| look equally strong. No DOM: RGBA bytes for a canvas.
 */

/** Diverging stops (value in −1…1 → sRGB), blue → white → red, as the usual "RdBu reversed" of connectivity plots. */
const DIVERGING: readonly (readonly [number, number, number, number])[] = [
  [-1, 5, 48, 97],
  [-0.75, 33, 102, 172],
  [-0.5, 67, 147, 195],
  [-0.25, 146, 197, 222],
  [0, 247, 247, 247],
  [0.25, 244, 165, 130],
  [0.5, 214, 96, 77],
  [0.75, 178, 24, 43],
  [1, 103, 0, 31],
];

/** Painted where a value is not finite (a region with no signal), and on the matrix diagonal. */
export const EMPTY_RGB: readonly [number, number, number] = [128, 128, 128];

/** sRGB of a value scaled to −1…1 (clamped; non-finite → EMPTY_RGB). */
export function divergingColour(t: number): [number, number, number] {
  if (!Number.isFinite(t)) return [...EMPTY_RGB];
  const v = Math.max(-1, Math.min(1, t));
  for (let i = 1; i < DIVERGING.length; i += 1) {
    const [p1, r1, g1, b1] = DIVERGING[i]!;
    if (v <= p1) {
      const [p0, r0, g0, b0] = DIVERGING[i - 1]!;
      const f = (v - p0) / (p1 - p0);
      return [Math.round(r0 + f * (r1 - r0)), Math.round(g0 + f * (g1 - g0)), Math.round(b0 + f * (b1 - b0))];
    }
  }
  const last = DIVERGING[DIVERGING.length - 1]!;
  return [last[1], last[2], last[3]];
}

/**
 * The half-width of a symmetric colour range for an n × n matrix: the largest finite |value| off
 * the diagonal. The diagonal is left out because it is 1 for correlations (and a variance for
 * covariances): it would wash every off-diagonal value out to pale colours. 1 when nothing is finite
 * or everything is 0, so a colour bar still has a scale.
 */
export function symmetricMatrixRange(matrix: ArrayLike<number>, n: number): number {
  let max = 0;
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      if (i === j) continue;
      const value = Math.abs(matrix[i * n + j]!);
      if (Number.isFinite(value) && value > max) max = value;
    }
  }
  return max > 0 ? max : 1;
}

/** RGBA bytes of an n × n row-major matrix over −range…range; the diagonal in EMPTY_RGB (see symmetricMatrixRange). */
export function matrixImage(matrix: ArrayLike<number>, n: number, range: number): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(n * n * 4);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      const p = (i * n + j) * 4;
      const [r, g, b] = i === j ? EMPTY_RGB : divergingColour(matrix[i * n + j]! / range);
      rgba[p] = r;
      rgba[p + 1] = g;
      rgba[p + 2] = b;
      rgba[p + 3] = 255;
    }
  }
  return rgba;
}

/**
 * Each region's series z-scored (mean 0, SD 1 over time; a flat region stays all 0), region-major
 * as the input. Raw ROI signals differ in offset and scale from region to region (scanner units),
 * so a heat map of raw values shows the offsets, not the fluctuations a reader looks for.
 */
export function zScoreRows(data: ArrayLike<number>, rows: number, columns: number): Float64Array {
  const out = new Float64Array(rows * columns);
  for (let r = 0; r < rows; r += 1) {
    let sum = 0;
    let count = 0;
    for (let t = 0; t < columns; t += 1) {
      const value = data[r * columns + t]!;
      if (Number.isFinite(value)) {
        sum += value;
        count += 1;
      }
    }
    const mean = count > 0 ? sum / count : 0;
    let squares = 0;
    for (let t = 0; t < columns; t += 1) {
      const value = data[r * columns + t]!;
      if (Number.isFinite(value)) squares += (value - mean) ** 2;
    }
    const sd = count > 1 ? Math.sqrt(squares / count) : 0;
    for (let t = 0; t < columns; t += 1) {
      const value = data[r * columns + t]!;
      out[r * columns + t] = !Number.isFinite(value) ? NaN : sd > 0 ? (value - mean) / sd : 0;
    }
  }
  return out;
}

/** RGBA bytes of a rows × columns region-major array over −range…range (non-finite cells in EMPTY_RGB). */
export function gridImage(values: ArrayLike<number>, rows: number, columns: number, range: number): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(rows * columns * 4);
  for (let i = 0; i < rows * columns; i += 1) {
    const [r, g, b] = divergingColour(values[i]! / range);
    rgba[4 * i] = r;
    rgba[4 * i + 1] = g;
    rgba[4 * i + 2] = b;
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

/** Sum of |off-diagonal weights| per row of an n × n matrix: each region's (absolute) node strength. */
export function nodeStrengths(matrix: ArrayLike<number>, n: number): Float64Array {
  const strength = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      const value = matrix[i * n + j]!;
      if (i !== j && Number.isFinite(value)) strength[i]! += Math.abs(value);
    }
  }
  return strength;
}
