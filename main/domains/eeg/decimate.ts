/**
 * Min/max decimation for display: each bucket of samples becomes its (min, max) pair, so a page
 * drawn at a few thousand points still shows the full extent of every spike (as EDFbrowser does).
 */
export interface Decimated {
  data: Float64Array;
  bucketSamples: number;
}

export function minMaxDecimate(samples: Float64Array, maxPoints: number): Decimated {
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const bucketSamples = Math.ceil(samples.length / buckets);
  const count = Math.ceil(samples.length / bucketSamples);
  const data = new Float64Array(count * 2);
  for (let b = 0; b < count; b++) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    const end = Math.min(samples.length, (b + 1) * bucketSamples);
    for (let i = b * bucketSamples; i < end; i++) {
      const v = samples[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    // A bucket wholly inside a gap stays NaN, so the viewer leaves it blank.
    data[2 * b] = min === Number.POSITIVE_INFINITY ? Number.NaN : min;
    data[2 * b + 1] = max === Number.NEGATIVE_INFINITY ? Number.NaN : max;
  }
  return { data, bucketSamples };
}
