/**
 * The first SVD component of a space-time stimulus (the reference's utility/retina/mei_analysis.py):
 * the clip as a frames × pixels matrix (pixels = height·width·channels), its leading singular
 * vectors as the temporal and spatial components. The spatial component is scaled to [−1, 1] and its
 * sign fixed so the centre (the mean of the central 5 × 5 pixels, all channels) is positive; the
 * temporal component carries the singular value and the sign, so temporal ⊗ spatial / scale is the
 * rank-1 approximation. Also the fraction of the clip's energy the component explains (s₁² / Σ s²).
 */

export interface SvdComponent {
  temporal: Float32Array;
  spatial: Float32Array;
  varianceExplained: number;
}

/** clip: [frames, height, width, channels] row-major. */
export function firstComponent(clip: Float32Array, frames: number, height: number, width: number, channels: number): SvdComponent {
  const p = height * width * channels;
  const a = Float64Array.from(clip);
  // Power iteration on the p × p Gram matrix AᵀA via A (frames are few, pixels many).
  let v: Float64Array = new Float64Array(p).fill(1 / Math.sqrt(p));
  // Start from the strongest frame, so a clip orthogonal to the constant vector still converges.
  let bestFrame = 0;
  let bestNorm = -1;
  for (let f = 0; f < frames; f++) {
    let s = 0;
    for (let i = 0; i < p; i++) s += a[f * p + i]! ** 2;
    if (s > bestNorm) [bestNorm, bestFrame] = [s, f];
  }
  if (bestNorm > 0) v = normalise(a.slice(bestFrame * p, (bestFrame + 1) * p));
  let u: Float64Array = new Float64Array(frames);
  let sigma = 0;
  for (let iter = 0; iter < 200; iter++) {
    for (let f = 0; f < frames; f++) {
      let s = 0;
      for (let i = 0; i < p; i++) s += a[f * p + i]! * v[i]!;
      u[f] = s;
    }
    sigma = Math.hypot(...u);
    if (sigma === 0) break;
    u = u.map((x) => x / sigma);
    const next = new Float64Array(p);
    for (let f = 0; f < frames; f++) for (let i = 0; i < p; i++) next[i]! += a[f * p + i]! * u[f]!;
    const nv = normalise(next);
    let diff = 0;
    for (let i = 0; i < p; i++) diff = Math.max(diff, Math.abs(nv[i]! - v[i]!));
    v = nv;
    if (diff < 1e-10) break;
  }
  let total = 0;
  for (const x of a) total += x * x;
  const spatialRaw = v;
  let maxAbs = 0;
  for (const x of spatialRaw) maxAbs = Math.max(maxAbs, Math.abs(x));
  const scale = maxAbs > 0 ? 1 / maxAbs : 1;
  const sign = centreMean(spatialRaw, height, width, channels) < 0 ? -1 : 1;
  return {
    spatial: Float32Array.from(spatialRaw, (x) => x * scale * sign),
    temporal: Float32Array.from(u, (x) => (x * sigma * sign) / scale),
    varianceExplained: total > 0 ? (sigma * sigma) / total : 0,
  };
}

function normalise(x: Float64Array): Float64Array {
  // (a plain Float64Array whatever buffer x has)
  const n = Math.hypot(...x);
  return n > 0 ? x.map((v) => v / n) : x;
}

function centreMean(spatial: Float64Array, height: number, width: number, channels: number): number {
  const half = 2;
  const cy = Math.floor(height / 2);
  const cx = Math.floor(width / 2);
  let s = 0;
  for (let y = Math.max(0, cy - half); y <= Math.min(height - 1, cy + half); y++) {
    for (let x = Math.max(0, cx - half); x <= Math.min(width - 1, cx + half); x++) {
      for (let c = 0; c < channels; c++) s += spatial[(y * width + x) * channels + c]!;
    }
  }
  return s;
}
