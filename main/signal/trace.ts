/**
 * Small operations on one trace (a Float64Array over time) used by the calcium preprocessing:
 * Gaussian smoothing, sliding minimum/maximum, linear detrending, median and MAD. Edges are handled
 * by reflection (smoothing) or by shrinking the window (sliding extrema), so no sample is invented.
 */

/** Gaussian smoothing with standard deviation `sigma` samples (truncated at 4σ, edges reflected). */
export function gaussianSmooth(trace: ArrayLike<number>, sigma: number): Float64Array {
  const n = trace.length;
  const out = new Float64Array(n);
  if (sigma <= 0 || n === 0) {
    for (let i = 0; i < n; i++) out[i] = trace[i]!;
    return out;
  }
  const radius = Math.max(1, Math.ceil(4 * sigma));
  const kernel = Float64Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  for (let k = 0; k < kernel.length; k++) kernel[k]! /= total;
  const reflect = (i: number): number => {
    if (n === 1) return 0;
    const period = 2 * (n - 1);
    let j = ((i % period) + period) % period;
    if (j >= n) j = period - j;
    return j;
  };
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = -radius; k <= radius; k++) sum += kernel[k + radius]! * trace[reflect(i + k)]!;
    out[i] = sum;
  }
  return out;
}

/** Minimum (or maximum) over a centred window of `window` samples, by a monotone deque (O(n)). */
function slidingExtremum(trace: ArrayLike<number>, window: number, better: (a: number, b: number) => boolean): Float64Array {
  const n = trace.length;
  const out = new Float64Array(n);
  const half = Math.floor(Math.max(1, window) / 2);
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let next = 0;
  for (let i = 0; i < n; i++) {
    const right = Math.min(n - 1, i + half);
    for (; next <= right; next++) {
      while (tail > head && !better(trace[deque[tail - 1]!]!, trace[next]!)) tail--;
      deque[tail++] = next;
    }
    while (deque[head]! < i - half) head++;
    out[i] = trace[deque[head]!]!;
  }
  return out;
}

export const slidingMinimum = (trace: ArrayLike<number>, window: number) => slidingExtremum(trace, window, (a, b) => a < b);
export const slidingMaximum = (trace: ArrayLike<number>, window: number) => slidingExtremum(trace, window, (a, b) => a > b);

/** The trace minus its least-squares line (in place on a copy). */
export function detrendLinear(trace: ArrayLike<number>): Float64Array {
  const n = trace.length;
  const out = Float64Array.from(trace);
  if (n < 2) return out;
  const meanT = (n - 1) / 2;
  let meanY = 0;
  for (let i = 0; i < n; i++) meanY += out[i]!;
  meanY /= n;
  let covariance = 0;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    covariance += (i - meanT) * (out[i]! - meanY);
    variance += (i - meanT) ** 2;
  }
  const slope = covariance / variance;
  for (let i = 0; i < n; i++) out[i]! -= meanY + slope * (i - meanT);
  return out;
}

export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/** Median absolute deviation scaled to σ for Gaussian noise (× 1.4826). */
export function robustScale(values: ArrayLike<number>): number {
  const centre = median(values);
  const deviations = Float64Array.from(values, (v) => Math.abs(v - centre));
  return 1.4826 * median(deviations);
}
