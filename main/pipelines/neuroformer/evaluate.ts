/**
 * The Neuroformer evaluations, on a model's held-out time blocks only:
 *
 * - Spike prediction (the paper's metric, analysis.compute_scores via spikes/prediction-scores.ts):
 *   for every held-out window, the set of neuron ids that fired in the recording vs the set the
 *   method generated for that window given the recorded past (the reference's practice:
 *   its generation reads the true past). Methods: the trained model, the same architecture at its
 *   seeded random init, and a Poisson GLM (stimulus features, spike-history and coupling filters,
 *   fitted on the training blocks only, spikes sampled from its rate with the recorded history).
 * - PSTH: spans of each held-out block rolled out with the model's own spikes as the past
 *   (generate.ts rollout), aligned to the stimulus events inside the blocks; per unit Pearson r of the
 *   generated vs recorded trial-averaged PSTH, beside the recorded data's split-half reliability
 *   (Spearman–Brown corrected: prediction-scores.ts psthCorrelation).
 * - Connectivity from attention (attention rollout, spikes/attention-rollout.ts 'mean' mode) over
 *   windows, scored against a simulated network's true wiring beside CCG and GLM couplings.
 */
import { deriveSeed, seededRandom, type Random } from '../../../shared/random.js';
import { attentionRollout } from '../spikes/attention-rollout.js';
import { absolute, scoreConnectivity, type ConnectivityScores } from '../spikes/connectivity-metrics.js';
import { buildDesign, fitPoissonGlm, raisedCosineBasis } from '../spikes/glm.js';
import { neuroformerScores, psthCorrelation, trialCounts, type IdWindow, type PredictionScores } from '../spikes/prediction-scores.js';
import type { NeuroformerModel } from './model.js';
import { predictWindows, type SamplingOptions } from './generate.js';
import { stimulusFeaturesAt, stimulusFeatureCount, type StimulusSpec, type TimeBlock } from './split.js';
import { tokenizeWindows, type SpikeCountMatrix } from './tokenizer.js';

/** The recorded ids of each window's current window (sets, ascending). */
export function recordedIds(counts: SpikeCountMatrix, binDtS: number, ends: readonly number[], windowS: number): number[][] {
  return ends.map((end) => {
    const b1 = Math.round(end / binDtS);
    const b0 = Math.round((end - windowS) / binDtS);
    const ids: number[] = [];
    for (let u = 0; u < counts.units; u++) {
      for (let b = Math.max(0, b0); b < Math.min(counts.bins, b1); b++) {
        if (counts.counts[u * counts.bins + b]! > 0) {
          ids.push(u);
          break;
        }
      }
    }
    return ids;
  });
}

/** Both F1s of one method: compute_scores as released, and the textbook ratios on the same windows. */
export interface PredictionResult {
  scores: PredictionScores;
  corrected: PredictionScores;
}

/** compute_scores and the corrected (textbook) scores of the same windows. */
export function scoreBoth(windows: readonly IdWindow[]): PredictionResult {
  return { scores: neuroformerScores(windows), corrected: neuroformerScores(windows, { corrected: true }) };
}

/** The model's spike prediction on `ends` (true past), scored with compute_scores (and corrected). */
export async function modelPrediction(
  model: NeuroformerModel,
  counts: SpikeCountMatrix,
  binDtS: number,
  ends: readonly number[],
  stimulusFor: (ends: readonly number[]) => Float32Array | undefined,
  sampling: SamplingOptions,
  options: { seed: number; batch?: number; onProgress?: (done: number, total: number) => void; signal?: { readonly aborted: boolean } },
): Promise<PredictionResult> {
  const truth = recordedIds(counts, binDtS, ends, model.config.windowS);
  const generated = await predictWindows(model, counts, binDtS, ends, sampling, { ...options, seed: deriveSeed(options.seed, 0x7072), stimulusFor });
  return scoreBoth(generated.ids.map((ids, w) => ({ trueIds: truth[w]!, predictedIds: ids })));
}

/** Per-bin stimulus features [F][bins] of a count matrix (bin centres; originS = bin 0's start). */
export function stimulusColumns(spec: StimulusSpec, bins: number, binDtS: number, originS: number): Float64Array[] {
  const f = stimulusFeatureCount(spec);
  const cols = Array.from({ length: f }, () => new Float64Array(bins));
  const tmp = new Float32Array(f);
  for (let b = 0; b < bins; b++) {
    stimulusFeaturesAt(spec, originS + (b + 0.5) * binDtS, tmp, 0);
    for (let k = 0; k < f; k++) cols[k]![b] = tmp[k]!;
  }
  return cols;
}

export interface GlmPredictionOptions {
  /** Coupling/history filters: raised-cosine bumps over lags 1 … maxLagBins. */
  bases: number;
  maxLagBins: number;
  alpha: number;
  seed: number;
}

export const GLM_PREDICTION_DEFAULTS: GlmPredictionOptions = { bases: 1, maxLagBins: 15, alpha: 1e-3, seed: 0 };

/** Poisson(mean) by inversion (means here are small). */
function poisson(mean: number, random: Random): number {
  let k = 0;
  let p = Math.exp(-mean);
  let s = p;
  const u = random();
  while (u > s && k < 1000) {
    k++;
    p *= mean / k;
    s += p;
  }
  return k;
}

/**
 * The GLM baseline: one Poisson GLM per neuron fitted on the bins of the training blocks (rows
 * whose lags reach outside their block are left out, so no held-out spike enters a fit), then for
 * each held-out window spike counts sampled per bin from exp(b + x·w) with the recorded history,
 * and scored as the model is.
 */
export function glmPrediction(
  counts: SpikeCountMatrix,
  binDtS: number,
  originS: number,
  spec: StimulusSpec,
  trainBlocks: readonly TimeBlock[],
  ends: readonly number[],
  windowS: number,
  options: GlmPredictionOptions = GLM_PREDICTION_DEFAULTS,
  onProgress?: (done: number, total: number) => void,
): PredictionResult & { fitted: number } {
  const { units, bins } = counts;
  const rowsOf = Array.from({ length: units }, (_, u) => Float64Array.from({ length: bins }, (_, b) => counts.counts[u * bins + b]!));
  const basis = raisedCosineBasis(options.bases, 1, options.maxLagBins);
  const design = buildDesign(rowsOf, stimulusColumns(spec, bins, binDtS, originS), basis, null);
  const trainRows: number[] = [];
  for (const b of trainBlocks) {
    const first = Math.ceil((b.startS - originS) / binDtS) + options.maxLagBins;
    const last = Math.floor((b.endS - originS) / binDtS);
    for (let r = Math.max(0, first); r < Math.min(bins, last); r++) trainRows.push(r);
  }
  const c = design.columns;
  const x = new Float64Array(trainRows.length * c);
  trainRows.forEach((r, i) => x.set(design.x.subarray(r * c, (r + 1) * c), i * c));
  const sub = { x, rows: trainRows.length, columns: c };
  const truth = recordedIds(counts, binDtS, ends, windowS);
  const random = seededRandom(deriveSeed(options.seed, 0x676c));
  const predicted: Set<number>[] = ends.map(() => new Set());
  for (let u = 0; u < units; u++) {
    const y = Float64Array.from(trainRows, (r) => rowsOf[u]![r]!);
    const fit = fitPoissonGlm(sub, y, options.alpha, { tolerance: 1e-6, maxIterations: 50 });
    ends.forEach((end, w) => {
      const b1 = Math.round(end / binDtS);
      for (let b = Math.max(0, b1 - Math.round(windowS / binDtS)); b < b1; b++) {
        let eta = fit.intercept;
        for (let k = 0; k < c; k++) eta += fit.coef[k]! * design.x[b * c + k]!;
        if (poisson(Math.exp(Math.min(eta, 10)), random) > 0) predicted[w]!.add(u);
      }
    });
    onProgress?.(u + 1, units);
  }
  const windows: IdWindow[] = ends.map((_, w) => ({ trueIds: truth[w]!, predictedIds: [...predicted[w]!].sort((a, b) => a - b) }));
  return { ...scoreBoth(windows), fitted: units };
}

export interface PsthResult {
  trials: number;
  perUnitR: Float64Array;
  ceilingPerUnit: Float64Array;
  meanR: number;
  ceilingMeanR: number;
  /** Trial-averaged PSTHs (spikes/s), row-major units × bins, bin k = [k·binS, (k+1)·binS) after the event. */
  bins: number;
  recordedPsth: Float64Array;
  generatedPsth: Float64Array;
}

/** Mean over trials of counts [trials × bins] → spikes/s, written into `out` at `offset`. */
function meanRate(t: { counts: Float64Array; trials: number; bins: number }, binS: number, out: Float64Array, offset: number): void {
  for (let trial = 0; trial < t.trials; trial++) for (let b = 0; b < t.bins; b++) out[offset + b]! += t.counts[trial * t.bins + b]!;
  for (let b = 0; b < t.bins; b++) out[offset + b]! /= Math.max(1, t.trials) * binS;
}

function nanMean(values: Float64Array): number {
  let s = 0;
  let n = 0;
  for (const v of values) if (Number.isFinite(v)) (s += v), n++;
  return n ? s / n : Number.NaN;
}

/** PSTH correlation of generated trains vs recorded, over `events` (seconds) with bins of binS over [0, windowS). */
export function psthTable(recorded: readonly Float64Array[], generated: readonly Float64Array[], events: ArrayLike<number>, binS: number, spanS: number): PsthResult {
  const bins = Math.max(1, Math.round(spanS / binS));
  const r = new Float64Array(recorded.length);
  const ceiling = new Float64Array(recorded.length);
  const recordedPsth = new Float64Array(recorded.length * bins);
  const generatedPsth = new Float64Array(recorded.length * bins);
  recorded.forEach((train, u) => {
    const rec = trialCounts(train, events, binS, bins);
    const gen = trialCounts(generated[u]!, events, binS, bins);
    const c = psthCorrelation(rec, gen);
    r[u] = c.r;
    ceiling[u] = c.ceiling;
    meanRate(rec, binS, recordedPsth, u * bins);
    meanRate(gen, binS, generatedPsth, u * bins);
  });
  return { trials: events.length, perUnitR: r, ceilingPerUnit: ceiling, meanR: nanMean(r), ceilingMeanR: nanMean(ceiling), bins, recordedPsth, generatedPsth };
}

/**
 * Directed connectivity from the state-history cross-attention: per window, the layers' maps
 * (max over heads, row-normalised, averaged over layers), row `step` added into A[y.id[step],
 * x.id_prev[j]]; then each row divided by how often its neuron was predicted (mean attention per
 * prediction), and each column by how often its neuron appeared in the previous windows relative to
 * the average — attention to a token is shared among every past token, so a busy neuron would
 * otherwise collect attention for being frequent, not for being a cause.
 */
export async function attentionConnectivity(
  model: NeuroformerModel,
  counts: SpikeCountMatrix,
  binDtS: number,
  ends: readonly number[],
  stimulusFor: (ends: readonly number[]) => Float32Array | undefined,
  options: { batch?: number; onProgress?: (done: number, total: number) => void; signal?: { readonly aborted: boolean } } = {},
): Promise<{ matrix: Float64Array; perPrediction: Float64Array; raw: Float64Array; windows: number }> {
  const config = model.config;
  const n = config.neurons;
  const t = config.blockSize;
  const tp = config.blockSizePrev;
  const raw = new Float64Array(n * n);
  const predictedCount = new Float64Array(n);
  const pastCount = new Float64Array(n);
  const batch = options.batch ?? 32;
  let windows = 0;
  for (let start = 0; start < ends.length; start += batch) {
    if (options.signal?.aborted) break;
    const chunk = ends.slice(start, start + batch);
    const tokens = tokenizeWindows(counts, binDtS, chunk, config);
    const stimulus = stimulusFor(chunk);
    const maps = await model.attentionMaps({ ...tokens, ...(stimulus ? { stimulus } : {}) });
    const heads = config.heads;
    for (let b = 0; b < chunk.length; b++) {
      const layers = maps.map((m) => m.data.subarray(b * heads * t * tp, (b + 1) * heads * t * tp));
      const targets: number[] = [];
      for (let i = 0; i < t; i++) {
        const y = tokens.targetId[b * t + i]!;
        if (y === model.vocab.idPAD) break;
        targets.push(y);
        if (y < n) predictedCount[y]!++;
      }
      const sources: number[] = [];
      for (let j = 0; j < tp; j++) {
        const x = tokens.idPrev[b * tp + j]!;
        if (x === model.vocab.idPAD) break;
        sources.push(x);
        if (x < n) pastCount[x]!++;
      }
      attentionRollout({ layers, heads, t, tPrev: tp }, targets, sources, n, { mode: 'mean', into: raw });
      windows++;
    }
    options.onProgress?.(Math.min(ends.length, start + batch), ends.length);
  }
  const meanPast = pastCount.reduce((s, v) => s + v, 0) / n;
  const matrix = new Float64Array(n * n);
  const perPrediction = new Float64Array(n * n);
  for (let post = 0; post < n; post++) {
    for (let pre = 0; pre < n; pre++) {
      if (post === pre) continue;
      const p = raw[post * n + pre]! / Math.max(1, predictedCount[post]!);
      perPrediction[post * n + pre] = p;
      matrix[post * n + pre] = p / Math.max(pastCount[pre]! / Math.max(meanPast, 1e-12), 1e-3);
    }
  }
  return { matrix, perPrediction, raw, windows };
}

/** Scores in the contract's shape (|S| ranked, so inhibitory couplings count as edges). */
export function connectivityRow(method: string, truth: Float64Array, inferred: Float64Array, n: number, hubs: number, signed = false): { method: string; auroc: number; auprc: number; prevalence: number; hubSpearman: number | null; directionAuroc: number | null; scores: ConnectivityScores } {
  const s = scoreConnectivity(truth, signed ? absolute(inferred) : inferred, n, { hubs });
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return { method, auroc: s.auroc, auprc: s.auprc, prevalence: s.chanceAuprc, hubSpearman: finite(s.hubSpearman), directionAuroc: finite(s.directionAuroc), scores: s };
}
