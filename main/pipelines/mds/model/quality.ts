/**
 * The response model's quality as the reference reports it: per neuron, Pearson r between the
 * model's prediction and the trial-averaged held-out response, beside the reliability ceiling —
 * the split-half correlation of the held-out trials (even vs odd trials), Spearman–Brown corrected
 * to the full trial count (r_full = 2r / (1 + r)). NaN where a neuron is silent or a protocol has
 * fewer than two trials; means skip NaN.
 */
import { pearson } from '../../../../shared/correlation.js';

export { pearson };

/** Column `neuron` of a [frames, neurons] row-major block. */
export function column(values: Float32Array | Float64Array, neurons: number, neuron: number): Float64Array {
  const frames = values.length / neurons;
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) out[t] = values[t * neurons + neuron]!;
  return out;
}

/**
 * Trial average of [frames, neurons] responses over the given trials (each `length` frames from its
 * start); `subset` picks trials by index (e.g. the even ones). Returns [length, neurons].
 */
export function trialAverage(responses: Float32Array, neurons: number, starts: readonly number[], length: number, subset?: (index: number) => boolean): Float64Array {
  const out = new Float64Array(length * neurons);
  let count = 0;
  starts.forEach((start, i) => {
    if (subset && !subset(i)) return;
    count++;
    for (let t = 0; t < length; t++) {
      const row = (start + t) * neurons;
      for (let n = 0; n < neurons; n++) out[t * neurons + n]! += responses[row + n]!;
    }
  });
  if (count > 0) for (let i = 0; i < out.length; i++) out[i]! /= count;
  return out;
}

/** Per neuron: split-half (even/odd trials) r, Spearman–Brown corrected. */
export function reliabilityCeiling(responses: Float32Array, neurons: number, starts: readonly number[], length: number): Float64Array {
  const out = new Float64Array(neurons).fill(Number.NaN);
  if (starts.length < 2) return out;
  const even = trialAverage(responses, neurons, starts, length, (i) => i % 2 === 0);
  const odd = trialAverage(responses, neurons, starts, length, (i) => i % 2 === 1);
  for (let n = 0; n < neurons; n++) {
    const r = pearson(column(even, neurons, n), column(odd, neurons, n));
    out[n] = Number.isFinite(r) ? (2 * r) / (1 + r) : Number.NaN;
  }
  return out;
}

/** Per neuron r of prediction [length, neurons] against the trial-averaged recording [length, neurons]. */
export function heldOutCorrelation(predicted: Float64Array | Float32Array, averaged: Float64Array, neurons: number): Float64Array {
  const out = new Float64Array(neurons);
  for (let n = 0; n < neurons; n++) out[n] = pearson(column(predicted, neurons, n), column(averaged, neurons, n));
  return out;
}

/** Mean of the finite values (NaN when none). */
export function finiteMean(values: ArrayLike<number>): number {
  let s = 0;
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      s += v;
      k++;
    }
  }
  return k ? s / k : Number.NaN;
}
