/**
 * The simple baseline the response model is compared with: a per-neuron linear spatio-temporal
 * filter (a linear receptive field, no shared core, no nonlinearity) fitted by ridge regression of
 * each neuron's spike counts on the preceding `lags` frames of the stimulus, spatially pooled to at
 * most 4 × 4 pixels per channel to keep the normal equations small (features = lags · pooled
 * pixels · channels). The ridge strength is chosen per dataset on the validation frames (mean
 * correlation) from a grid. Its held-out correlation is measured exactly like the model's
 * (prediction vs the trial-averaged test response), so the two are comparable. Plain typed arrays;
 * O(frames · features²) to accumulate, O(features³) per ridge value.
 */
import type { FrameRange, MdsDataset } from '../types.js';
import { finiteMean, heldOutCorrelation, pearson, trialAverage, column } from './quality.js';

export interface LinearBaselineOptions {
  /** Frames of stimulus history (default: the model's temporal span + 1). */
  lags: number;
  /** Ridge strengths tried, relative to the mean feature variance × training frames. */
  ridge?: number[];
}

export interface LinearBaselineResult {
  heldOutCorr: Float64Array;
  lambda: number;
  features: number;
  validationCorr: number;
}

/** Block-average pooling factor so a side is at most 4 pixels. */
function poolFactor(side: number): number {
  return Math.max(1, Math.ceil(side / 4));
}

/** Pooled frames [nFrames, P] (P = ⌈H/f⌉·⌈W/f⌉·C), standardised per pooled feature over the training frames. */
function pooledFrames(dataset: MdsDataset): { values: Float64Array; width: number } {
  const { height, width, channels } = dataset.shape;
  const fh = poolFactor(height);
  const fw = poolFactor(width);
  const ph = Math.ceil(height / fh);
  const pw = Math.ceil(width / fw);
  const p = ph * pw * channels;
  const out = new Float64Array(dataset.nFrames * p);
  const counts = new Float64Array(p);
  for (let i = 0; i < height; i++) for (let j = 0; j < width; j++) for (let c = 0; c < channels; c++) counts[(Math.floor(i / fh) * pw + Math.floor(j / fw)) * channels + c]! += 1;
  for (let t = 0; t < dataset.nFrames; t++) {
    const base = t * height * width * channels;
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        const q = (Math.floor(i / fh) * pw + Math.floor(j / fw)) * channels;
        for (let c = 0; c < channels; c++) out[t * p + q + c]! += dataset.stimulus[base + (i * width + j) * channels + c]! / counts[q + c]!;
      }
    }
  }
  return { values: out, width: p };
}

/** The design row of frame t: pooled frames t, t − 1, …, t − lags + 1 (before 0: zeros). */
function row(pooled: Float64Array, p: number, t: number, lags: number, mean: Float64Array, out: Float64Array): void {
  for (let l = 0; l < lags; l++) {
    const s = t - l;
    for (let k = 0; k < p; k++) out[l * p + k] = s >= 0 ? pooled[s * p + k]! - mean[k]! : 0;
  }
}

/** Solves (A + λI) X = B for symmetric positive definite A [d, d], B [d, n] (Cholesky). */
function ridgeSolve(a: Float64Array, b: Float64Array, d: number, n: number, lambda: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]! + (i === j ? lambda : 0);
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      l[i * d + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * d + j]!;
    }
  }
  const x = new Float64Array(d * n);
  for (let c = 0; c < n; c++) {
    const y = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = b[i * n + c]!;
      for (let k = 0; k < i; k++) s -= l[i * d + k]! * y[k]!;
      y[i] = s / l[i * d + i]!;
    }
    for (let i = d - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * x[k * n + c]!;
      x[i * n + c] = s / l[i * d + i]!;
    }
  }
  return x;
}

function predictFrames(pooled: Float64Array, p: number, lags: number, mean: Float64Array, w: Float64Array, frames: number[], n: number, offset: Float64Array): Float64Array {
  const d = lags * p;
  const out = new Float64Array(frames.length * n);
  const x = new Float64Array(d);
  frames.forEach((t, i) => {
    row(pooled, p, t, lags, mean, x);
    for (let c = 0; c < n; c++) {
      let s = offset[c]!;
      for (let k = 0; k < d; k++) s += x[k]! * w[k * n + c]!;
      out[i * n + c] = s;
    }
  });
  return out;
}

const framesOf = (ranges: readonly FrameRange[]): number[] => ranges.flatMap(([a, b]) => Array.from({ length: b - a }, (_, i) => a + i));

export function linearBaseline(dataset: MdsDataset, options: LinearBaselineOptions): LinearBaselineResult {
  const { values: pooled, width: p } = pooledFrames(dataset);
  const lags = options.lags;
  const d = lags * p;
  const n = dataset.nNeurons;
  const train = framesOf(dataset.trainRanges);
  const mean = new Float64Array(p);
  for (const t of train) for (let k = 0; k < p; k++) mean[k]! += pooled[t * p + k]! / train.length;
  const yMean = new Float64Array(n);
  for (const t of train) for (let c = 0; c < n; c++) yMean[c]! += dataset.responses[t * n + c]! / train.length;
  // Normal equations on centred rows (the stimulus mean is removed; rows are close to centred).
  const xtx = new Float64Array(d * d);
  const xty = new Float64Array(d * n);
  const x = new Float64Array(d);
  for (const t of train) {
    row(pooled, p, t, lags, mean, x);
    for (let i = 0; i < d; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      for (let j = 0; j <= i; j++) xtx[i * d + j]! += xi * x[j]!;
      for (let c = 0; c < n; c++) xty[i * n + c]! += xi * (dataset.responses[t * n + c]! - yMean[c]!);
    }
  }
  let trace = 0;
  for (let i = 0; i < d; i++) {
    trace += xtx[i * d + i]!;
    for (let j = 0; j < i; j++) xtx[j * d + i] = xtx[i * d + j]!;
  }
  const scale = trace / d;
  const validation = framesOf(dataset.validationRanges);
  let best: { corr: number; lambda: number; w: Float64Array } = { corr: -Infinity, lambda: 0, w: new Float64Array(d * n) };
  for (const r of options.ridge ?? [1e-3, 1e-2, 1e-1, 1, 10]) {
    const lambda = r * scale;
    const w = ridgeSolve(xtx, xty, d, n, lambda);
    const predicted = predictFrames(pooled, p, lags, mean, w, validation, n, yMean);
    const recorded = new Float64Array(validation.length * n);
    validation.forEach((t, i) => {
      for (let c = 0; c < n; c++) recorded[i * n + c] = dataset.responses[t * n + c]!;
    });
    const corr = validation.length ? finiteMean(Array.from({ length: n }, (_, c) => pearson(column(predicted, n, c), column(recorded, n, c)))) : 0;
    if (corr > best.corr || best.corr === -Infinity) best = { corr, lambda, w };
  }
  const test = dataset.test;
  const predicted = new Float64Array(test.lengthFrames * n);
  for (const start of test.trialStarts) {
    const frames = Array.from({ length: test.lengthFrames }, (_, i) => start + i);
    const pr = predictFrames(pooled, p, lags, mean, best.w, frames, n, yMean);
    for (let i = 0; i < pr.length; i++) predicted[i]! += pr[i]! / test.trialStarts.length;
  }
  const recorded = trialAverage(dataset.responses, n, test.trialStarts, test.lengthFrames);
  return { heldOutCorr: heldOutCorrelation(predicted, recorded, n), lambda: best.lambda, features: d, validationCorr: best.corr };
}
