/**
 * The differential affinity tensor: how strongly two neurons' activity RISES together at each moment,
 * for every neuron pair, time bin and animal (Dyballa et al., ICLR 2024, stage 1).
 *
 * The paper builds "pairwise non-linear affinities" from the derivatives of the calcium traces rather
 * than from their levels: a level stays high long after a neuron fired (the indicator decays slowly),
 * so level correlation mostly measures shared slow drifts, while a rise marks the moment of activity.
 * Its exact formula was not available to us (the published notebook that computes it is not in any
 * snapshot we could read), so Cajal's choice, documented in the README, is:
 *
 *   d_i(t)  = derivative of the Gaussian-smoothed ΔF/F (central differences), divided by its robust
 *             scale (1.4826·MAD) so that neurons of different brightness and noise compare;
 *   r_i(t)  = max(d_i(t), 0)                        only rises count;
 *   a_ij(t) = √(r_i(t) · r_j(t))                    high only when BOTH rise, zero otherwise;
 *   A[ij, b, w] = mean of a_ij(t) over the frames of time bin b in animal w.
 *
 * The geometric mean keeps the affinity in the units of the (normalised) rates and makes it
 * non-linear and non-negative, as non-negative tensor factorisation needs.
 */
import { gaussianSmooth, robustScale } from '../../signal/trace.js';
import { denseTensor, type DenseTensor } from './cp/ktensor.js';

export interface AffinityOptions {
  /** Gaussian smoothing of ΔF/F before differentiating, in frames (σ). */
  smoothingFrames: number;
  /** Frames averaged into one time bin of the tensor. */
  binFrames: number;
}

/** Normalised rising rate r_i(t) of one trace. */
export function risingRate(trace: ArrayLike<number>, smoothingFrames: number): Float64Array {
  const smoothed = gaussianSmooth(trace, smoothingFrames);
  const n = smoothed.length;
  const derivative = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const before = smoothed[Math.max(0, t - 1)]!;
    const after = smoothed[Math.min(n - 1, t + 1)]!;
    derivative[t] = (after - before) / (Math.min(n - 1, t + 1) - Math.max(0, t - 1) || 1);
  }
  const scale = robustScale(derivative);
  return derivative.map((d) => (d > 0 && scale > 0 ? d / scale : 0));
}

export interface AffinityInput {
  /** Per animal, the matched neurons' ΔF/F traces in the same neuron order. */
  traces: Float64Array[][];
}

/**
 * The tensor pairs × bins × animals (pairs (i, j), i < j, row by row; see keys.ts `pairIndex`).
 * Animals with different frame counts are cut to the shortest, so bins mean the same frames.
 */
export function affinityTensor(input: AffinityInput, options: AffinityOptions): { tensor: DenseTensor; frames: number } {
  const animals = input.traces.length;
  const neurons = input.traces[0]?.length ?? 0;
  if (neurons < 3) throw new Error(`at least 3 neurons are needed for an affinity tensor, got ${neurons}`);
  const frames = Math.min(...input.traces.flatMap((traces) => traces.map((t) => t.length)));
  const binFrames = Math.max(1, Math.floor(options.binFrames));
  const bins = Math.floor(frames / binFrames);
  if (bins < 2) throw new Error(`${frames} frames make fewer than 2 bins of ${binFrames} frames`);
  const pairs = (neurons * (neurons - 1)) / 2;
  const tensor = denseTensor([pairs, bins, animals]);
  const data = tensor.data;
  const sqrtRates = new Float64Array(bins * binFrames);
  for (let w = 0; w < animals; w++) {
    // √r once per neuron: a_ij = √r_i · √r_j.
    const roots = input.traces[w]!.map((trace) => {
      const rate = risingRate(trace.subarray(0, frames), options.smoothingFrames);
      return rate.map(Math.sqrt);
    });
    let pair = 0;
    for (let i = 0; i < neurons; i++) {
      const ri = roots[i]!;
      for (let j = i + 1; j < neurons; j++, pair++) {
        const rj = roots[j]!;
        for (let t = 0; t < sqrtRates.length; t++) sqrtRates[t] = ri[t]! * rj[t]!;
        const base = pair * bins * animals;
        for (let b = 0; b < bins; b++) {
          let sum = 0;
          for (let f = b * binFrames; f < (b + 1) * binFrames; f++) sum += sqrtRates[f]!;
          data[base + b * animals + w] = sum / binFrames;
        }
      }
    }
  }
  return { tensor, frames };
}
