/**
 * What the volume view needs to draw a scan before the user touches a slider: the range of the
 * finite values, and a robust display window (2nd–98th percentiles of the finite non-zero values,
 * as nilearn/NiiVue-style viewers do, so a few bright vessels or a zero background do not wash the
 * image out). Non-finite voxels (NaN-filled maps) are counted, not drawn.
 */

export interface VolumeStats {
  min: number;
  max: number;
  robustMin: number;
  robustMax: number;
  nonFiniteCount: number;
}

/** numpy.percentile's default (linear) on sorted values; q in [0, 100]. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const position = ((n - 1) * q) / 100;
  const below = Math.floor(position);
  const above = Math.min(n - 1, below + 1);
  const fraction = position - below;
  return sorted[below]! + (sorted[above]! - sorted[below]!) * fraction;
}

export function volumeStats(data: Float32Array, lowPercent = 2, highPercent = 98): VolumeStats {
  let min = Infinity;
  let max = -Infinity;
  let nonFiniteCount = 0;
  let nonZero = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) {
      nonFiniteCount++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if (v !== 0) nonZero++;
  }
  if (min === Infinity) return { min: 0, max: 0, robustMin: 0, robustMax: 0, nonFiniteCount };
  const values = new Float32Array(nonZero);
  let k = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== 0 && Number.isFinite(v)) values[k++] = v;
  }
  values.sort();
  if (values.length === 0) return { min, max, robustMin: min, robustMax: max, nonFiniteCount };
  return { min, max, robustMin: percentileSorted(values, lowPercent), robustMax: percentileSorted(values, highPercent), nonFiniteCount };
}
