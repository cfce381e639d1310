/**
 * An ROI map's volume: each atlas voxel takes the value of its region; voxels of regions without a
 * value (and the background) take `empty` (NaN by default; the panel passes a value under the
 * colour window, which NiiVue leaves transparent). Pure, for tests.
 */

export interface PaintedRegions {
  volume: Float32Array;
  /** Values given for labels the atlas does not contain (a series built on another atlas). */
  missingLabels: number[];
  min: number;
  max: number;
}

export function paintRegions(atlas: ArrayLike<number>, regionIndices: readonly number[], values: ArrayLike<number>, empty = NaN): PaintedRegions {
  if (regionIndices.length !== values.length) throw new Error(`${values.length} values for ${regionIndices.length} regions`);
  const byLabel = new Map<number, number>();
  let min = Infinity;
  let max = -Infinity;
  regionIndices.forEach((label, i) => {
    const v = Number(values[i]);
    if (!Number.isFinite(v)) return;
    byLabel.set(label, v);
    if (v < min) min = v;
    if (v > max) max = v;
  });
  const seen = new Set<number>();
  const volume = new Float32Array(atlas.length);
  for (let i = 0; i < atlas.length; i += 1) {
    const label = Math.round(atlas[i]!);
    const v = label === 0 ? undefined : byLabel.get(label);
    if (v === undefined) volume[i] = empty;
    else {
      volume[i] = v;
      seen.add(label);
    }
  }
  const missingLabels = regionIndices.filter((label) => byLabel.has(label) && !seen.has(label));
  return { volume, missingLabels, min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0 };
}

/** The colour window of an ROI map: from the smallest to the largest value; a single value gets a span. */
export function roiWindow(min: number, max: number): { from: number; to: number } {
  if (max > min) return { from: min, to: max };
  return { from: min - 0.5, to: max + 0.5 };
}

/**
 * Each named region's volume in mm³ (voxel count × voxel volume), in the order of `regions`: the
 * values an atlas shows as an ROI map of its own (and a check that every region has voxels).
 */
export function regionVolumes(atlas: ArrayLike<number>, regions: readonly { index: number }[], voxelMm3: number): { indices: number[]; values: Float64Array } {
  const counts = new Map<number, number>();
  for (let i = 0; i < atlas.length; i += 1) {
    const label = Math.round(atlas[i]!);
    if (label !== 0) counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const indices = regions.map((r) => r.index);
  return { indices, values: Float64Array.from(indices, (index) => (counts.get(index) ?? 0) * voxelMm3) };
}
