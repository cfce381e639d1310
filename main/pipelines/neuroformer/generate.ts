/**
 * Autoregressive spike generation with a Neuroformer — the one sampler every caller uses (the
 * generate pipeline's rollouts, the evaluate pipeline's held-out predictions and PSTH rollouts, the
 * bench). As the reference's simulation.generate_spikes (a-antoniades/Neuroformer 36ed940,
 * neuroformer/simulation.py): position 0 is SOS with dt token 0; for i = 0 … T−2 read both heads'
 * logits at position i, nucleus-filter each head (top_k_top_p_filtering: sort, cumulative softmax,
 * drop tokens past top-p keeping the first one), divide by the head's temperature, softmax, sample
 * (or argmax), write the id and dt into position i + 1, and stop a row when its sampled id is EOS.
 *
 * Two paths, the same arithmetic:
 *   no cache  the reference's way: the whole prefix through the model at every step (O(T²) tokens);
 *   cache     the previous window's and the stimulus' keys/values are projected once per window for
 *             every cross-attention block, and every causal self-attention block keeps the keys/values
 *             of the positions already generated (from its RAW block input, as Block does), so a step
 *             runs one position through the model. The default.
 * Causal masks make position i's logits independent of later positions and cross-attention is per
 * query, so both paths give the same logits up to float rounding, hence the same samples for one seed.
 *
 * Which tokens can be sampled (a choice, made on purpose): each head samples only among the tokens
 * that are legal targets of a current-window position — ids: the neurons and EOS (SOS and PAD are
 * never targets: SOS only opens a window, PAD targets are ignored by the loss); dts: the current
 * window's values 0, dt, …, window − dt (the dt vocabulary also holds the previous window's longer
 * times and the specials). The logits of the other tokens are set to −∞ BEFORE the nucleus filter,
 * i.e. each head's distribution is renormalised over its legal support. The alternative (sample the
 * whole vocabulary as the reference does, then drop a spike whose dt lands past the window or on a
 * special) was the second sampler's behaviour and is not kept, because (1) the mass on illegal
 * tokens is model error, not a statement about spike timing — an untrained or briefly trained model
 * puts a lot there (at init about 1 − W/K of the dt mass for W window values out of K), so dropping
 * biases the generated rate down by exactly that error; (2) a dropped spike has already been written
 * into the token sequence, so the window's later steps condition on a spike that then never reaches
 * the rollout's spike matrix — the sampled window and what is fed back as the next window's past
 * disagree; renormalising keeps them the same. A sampled SOS id would name no neuron at all (the
 * reference would emit a bogus unit). PAD as a stop is folded into EOS (one stop token).
 *
 * Differences from the reference, on purpose:
 * - the supports above (the reference samples every token and keeps out-of-window times);
 * - the reference starts position 0's dt from the recorded window's x['dt'][0], which is not 0 in a
 *   window whose spikes overflowed the block (the tokeniser's truncation quirk) — a leak of the
 *   recorded data; we always start from dt token 0;
 * - the reference filters the dt head only when the id head's top_p is non-zero (`if top_k or top_p != 0`);
 *   here each head uses its own top-p (0 = no filtering);
 * - a batch of windows is generated together, each row with its own context (the reference's top-p
 *   indexing is only correct for batch size 1);
 * - `rollout`: window after window over spans, each window's previous-window context rebuilt from
 *   the spikes the model itself generated. The released code means to (simulation.generate_spikes
 *   with true_past=False) but its NFDataloader.get_interval ignores the data it is handed and reads
 *   the recorded spikes, so in practice it always conditions on the real past; here the rollout is
 *   closed-loop on purpose.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { deriveSeed, seededRandom, type Random } from '../../../shared/random.js';
import { ValidationError } from '../../errors.js';
import { roundHalfEven, roundN, type NeuroformerConfig, type NeuroformerVocab } from './config.js';
import type { NeuroformerModel } from './model.js';
import { tokenizeWindows, windowIntervals, type SpikeCountMatrix } from './tokenizer.js';

export interface SamplingOptions {
  /** Nucleus threshold of the id head (0: none). Released: 0.95. */
  topP: number;
  /** Nucleus threshold of the dt head (0: none). Released: 0.95. */
  topPDt: number;
  temperature: number;
  temperatureDt: number;
  /** false: argmax on both heads. */
  sample: boolean;
}

/** neuroformer_inference.py's settings. */
export const RELEASED_SAMPLING: Readonly<SamplingOptions> = Object.freeze({ topP: 0.95, topPDt: 0.95, temperature: 1, temperatureDt: 1, sample: true });

/** The pipelines' sampling parameters (one top-p and temperature for both heads, as released). */
export function samplingFromParams(params: { topP: number; temperature: number; greedy?: boolean }): SamplingOptions {
  return { topP: params.topP, topPDt: params.topP, temperature: params.temperature, temperatureDt: params.temperature, sample: !params.greedy };
}

/** The tokens each head may sample (1 = legal): ids = neurons + EOS, dts = the current window's values. */
export function samplingSupport(config: Pick<NeuroformerConfig, 'neurons' | 'windowS' | 'dtS'>, vocab: NeuroformerVocab): { id: Uint8Array; dt: Uint8Array } {
  const id = new Uint8Array(vocab.idSize);
  id.fill(1, 0, config.neurons);
  id[vocab.idEOS] = 1;
  const dt = new Uint8Array(vocab.dtSize);
  // Current-window dts are round_n(bin time − window start) for bins inside [start, start + window).
  vocab.dtValues.forEach((v, k) => {
    if (v < config.windowS - config.dtS / 2) dt[k] = 1;
  });
  return { id, dt };
}

export interface GenerateContext {
  batch: number;
  /** [B, blockSizePrev] previous-window tokens (tokenizer.ts). */
  idPrev: Int32Array;
  dtPrev: Int32Array;
  /** [B, S, F] when the model has a stimulus pathway. */
  stimulus?: Float32Array;
}

export interface GeneratedWindow {
  /** Per row: the generated neuron ids (EOS/PAD excluded) and their dt tokens. */
  ids: Int32Array[];
  dts: Int32Array[];
  /** Model steps run (positions read). */
  steps: number;
}

/** Inverse-CDF draw from unnormalised weights (float64). */
function draw(weights: Float64Array, random: Random): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  let u = random() * total;
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i]! <= 0) continue;
    last = i;
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return last;
}

/**
 * One head's token from its logits row: top-p filter, temperature, softmax, sample or argmax.
 * `support` (1 = allowed) removes tokens before anything else: their logit is −∞.
 */
export function sampleToken(logits: ArrayLike<number>, topP: number, temperature: number, sample: boolean, random: Random, support?: ArrayLike<number>): number {
  const n = logits.length;
  const x = Float64Array.from({ length: n }, (_, i) => (support && !support[i] ? -Infinity : logits[i]!));
  let best = -1;
  for (let i = 0; i < n; i++) if (x[i]! > -Infinity && (best < 0 || x[i]! > x[best]!)) best = i;
  if (best < 0) throw new ValidationError('support', 'no token may be sampled');
  if (!sample) return best;
  const keep = Uint8Array.from(x, (v) => (v > -Infinity ? 1 : 0));
  if (topP > 0) {
    const order = Array.from({ length: n }, (_, i) => i)
      .filter((i) => keep[i])
      .sort((a, b) => x[b]! - x[a]! || a - b);
    const max = x[best]!;
    let z = 0;
    for (const i of order) z += Math.exp(x[i]! - max);
    let cumulative = 0;
    // Remove a token when the cumulative probability BEFORE it already exceeds top-p (the
    // reference shifts its mask right by one, so the token crossing the threshold is kept).
    for (const i of order) {
      if (cumulative > topP) keep[i] = 0;
      cumulative += Math.exp(x[i]! - max) / z;
    }
  }
  const weights = new Float64Array(n);
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (keep[i]) max = Math.max(max, x[i]! / temperature);
  for (let i = 0; i < n; i++) weights[i] = keep[i] ? Math.exp(x[i]! / temperature - max) : 0;
  return draw(weights, random);
}

function validate(model: NeuroformerModel, context: GenerateContext, sampling: SamplingOptions): void {
  const { blockSizePrev, stimulus } = model.config;
  const b = context.batch;
  if (!Number.isInteger(b) || b < 1) throw new ValidationError('batch', `${b} is not a positive integer`);
  if (context.idPrev.length !== b * blockSizePrev || context.dtPrev.length !== b * blockSizePrev) {
    throw new ValidationError('idPrev', `${context.idPrev.length}/${context.dtPrev.length} tokens, expected ${b * blockSizePrev}`);
  }
  if (stimulus && context.stimulus?.length !== b * stimulus.tokens * stimulus.features) throw new ValidationError('stimulus', `expected ${b * stimulus.tokens * stimulus.features} values`);
  for (const [field, v] of [['temperature', sampling.temperature], ['temperatureDt', sampling.temperatureDt]] as const) {
    if (!(v > 0 && Number.isFinite(v))) throw new ValidationError(field, `${v} is not a positive temperature`);
  }
  for (const [field, v] of [['topP', sampling.topP], ['topPDt', sampling.topPDt]] as const) {
    if (!(v >= 0 && v <= 1)) throw new ValidationError(field, `${v} is not in [0, 1]`);
  }
}

interface Kv {
  k: tfTypes.Tensor4D;
  v: tfTypes.Tensor4D;
}

/**
 * Generates one current window per row of `context`. `seed` seeds the sampler (one stream: for each
 * step, each live row draws its id then its dt).
 */
export async function generateWindow(
  model: NeuroformerModel,
  context: GenerateContext,
  sampling: SamplingOptions,
  options: { seed: number; cache?: boolean },
): Promise<GeneratedWindow> {
  validate(model, context, sampling);
  const tf = model.params.tf;
  const { blockSize: t, blockSizePrev: tp, stimulus } = model.config;
  const { vocab, parts } = model;
  const b = context.batch;
  const random = seededRandom(options.seed);
  const ids = new Int32Array(b * t).fill(vocab.idPAD);
  const dts = new Int32Array(b * t).fill(vocab.dtPAD);
  for (let r = 0; r < b; r++) {
    ids[r * t] = vocab.idSOS;
    dts[r * t] = 0;
  }
  const support = samplingSupport(model.config, vocab);
  const done = new Uint8Array(b);
  const out = { ids: Array.from({ length: b }, () => [] as number[]), dts: Array.from({ length: b }, () => [] as number[]) };
  const fwd = { training: false };

  const idPrev = tf.tensor2d(context.idPrev, [b, tp], 'int32');
  const dtPrev = tf.tensor2d(context.dtPrev, [b, tp], 'int32');
  const stim = stimulus && context.stimulus ? tf.tensor3d(context.stimulus, [b, stimulus.tokens, stimulus.features], 'float32') : undefined;

  // Cache state: constant cross-attention keys/values and growing self-attention ones.
  let historyKv: Kv[] = [];
  let stimulusKv: Kv[] = [];
  let stateKv: (Kv | null)[] = parts.stateBlocks.map(() => null);
  let selfKv: (Kv | null)[] = parts.selfBlocks.map(() => null);
  const keepKv = (kv: Kv): Kv => ({ k: tf.keep(kv.k), v: tf.keep(kv.v) });
  const disposeKv = (kv: Kv | null) => {
    kv?.k.dispose();
    kv?.v.dispose();
  };

  /** Appends this position's keys/values (from the raw block input h) and attends over the cache. */
  function cachedSelf(blocks: typeof parts.stateBlocks, caches: (Kv | null)[], h: tfTypes.Tensor3D): { h: tfTypes.Tensor3D; caches: Kv[] } {
    const next: Kv[] = [];
    blocks.forEach((blk, j) => {
      const fresh = blk.projectKv(h, fwd);
      const old = caches[j];
      const kv = old ? { k: tf.concat([old.k, fresh.k], 2) as tfTypes.Tensor4D, v: tf.concat([old.v, fresh.v], 2) as tfTypes.Tensor4D } : fresh;
      next.push(kv);
      h = blk.apply(h, null, fwd, kv);
    });
    return { h, caches: next };
  }

  let steps = 0;
  try {
    for (let i = 0; i < t - 1; i++) {
      if (done.every((d) => d === 1)) break;
      steps++;
      let idRow: tfTypes.Tensor;
      let dtRow: tfTypes.Tensor;
      if (options.cache) {
        let kept: Kv[] = [];
        const step = tf.tidy(() => {
          const idI = tf.tensor2d(ids.filter((_, k) => k % t === i), [b, 1], 'int32');
          const dtI = tf.tensor2d(dts.filter((_, k) => k % t === i), [b, 1], 'int32');
          const e = parts.embedCurrent(idI, dtI, i, fwd);
          if (i === 0) {
            const prev = parts.embedPrevious(idPrev, dtPrev, fwd);
            historyKv = parts.historyBlocks.map((blk) => keepKv(blk.projectKv(prev, fwd)));
            if (stim) {
              let frames = parts.encodeStimulus(stim, e, fwd);
              for (const blk of parts.frameBlocks) frames = blk.apply(frames, null, fwd);
              stimulusKv = parts.stimulusBlocks.map((blk) => keepKv(blk.projectKv(frames, fwd)));
            }
          }
          let h = e;
          const s1 = cachedSelf(parts.stateBlocks, stateKv, h);
          h = s1.h;
          parts.historyBlocks.forEach((blk, j) => (h = blk.apply(h, null, fwd, historyKv[j])));
          if (stim) parts.stimulusBlocks.forEach((blk, j) => (h = blk.apply(h, null, fwd, stimulusKv[j])));
          const s2 = cachedSelf(parts.selfBlocks, selfKv, h);
          h = s2.h;
          for (const kv of [...s1.caches, ...s2.caches]) kept.push(keepKv(kv));
          return [parts.headId.apply(h, fwd), parts.headDt.apply(h, fwd)];
        });
        stateKv.forEach(disposeKv);
        selfKv.forEach(disposeKv);
        stateKv = kept.slice(0, parts.stateBlocks.length);
        selfKv = kept.slice(parts.stateBlocks.length);
        idRow = step[0]!;
        dtRow = step[1]!;
      } else {
        const logits = tf.tidy(() => {
          const len = i + 1;
          const take = (arr: Int32Array) => {
            const prefix = new Int32Array(b * len);
            for (let r = 0; r < b; r++) prefix.set(arr.subarray(r * t, r * t + len), r * len);
            return tf.tensor2d(prefix, [b, len], 'int32');
          };
          const o = model.forwardTensors({ batch: b, id: take(ids), dt: take(dts), idPrev, dtPrev, stimulus: stim }, fwd);
          return [tf.slice(o.idLogits, [0, i, 0], [b, 1, -1]), tf.slice(o.dtLogits, [0, i, 0], [b, 1, -1])];
        });
        idRow = logits[0]!;
        dtRow = logits[1]!;
      }
      const idValues = (await idRow.data()) as Float32Array;
      const dtValues = (await dtRow.data()) as Float32Array;
      idRow.dispose();
      dtRow.dispose();
      const vi = vocab.idSize;
      const vd = vocab.dtSize;
      for (let r = 0; r < b; r++) {
        if (done[r]) continue;
        const id = sampleToken(idValues.subarray(r * vi, (r + 1) * vi), sampling.topP, sampling.temperature, sampling.sample, random, support.id);
        const dt = sampleToken(dtValues.subarray(r * vd, (r + 1) * vd), sampling.topPDt, sampling.temperatureDt, sampling.sample, random, support.dt);
        ids[r * t + i + 1] = id;
        dts[r * t + i + 1] = dt;
        if (id >= vocab.idEOS) done[r] = 1;
        else {
          out.ids[r]!.push(id);
          out.dts[r]!.push(dt);
        }
      }
    }
  } finally {
    [...historyKv, ...stimulusKv, ...stateKv, ...selfKv].forEach(disposeKv);
    idPrev.dispose();
    dtPrev.dispose();
    stim?.dispose();
  }
  return { ids: out.ids.map((a) => Int32Array.from(a)), dts: out.dts.map((a) => Int32Array.from(a)), steps };
}

/**
 * Spike times (seconds) of generated tokens: window start + the dt token's value. dt tokens that are
 * specials (SOS/EOS/PAD sampled as a time) carry no time and are skipped, counted in `skipped`.
 */
export function generatedSpikeTimes(model: NeuroformerModel, window: GeneratedWindow, windowStartsS: ArrayLike<number>): { ids: Int32Array[]; timesS: Float64Array[]; skipped: number } {
  const values = model.vocab.dtValues;
  let skipped = 0;
  const ids: Int32Array[] = [];
  const timesS: Float64Array[] = [];
  window.ids.forEach((row, r) => {
    const keptIds: number[] = [];
    const keptTimes: number[] = [];
    row.forEach((id, k) => {
      const code = window.dts[r]![k]!;
      if (code >= values.length) {
        skipped++;
        return;
      }
      keptIds.push(id);
      keptTimes.push(windowStartsS[r]! + values[code]!);
    });
    ids.push(Int32Array.from(keptIds));
    timesS.push(Float64Array.from(keptTimes));
  });
  return { ids, timesS, skipped };
}

export interface RolloutOptions {
  seed: number;
  /** Key/value cache (default true; false runs the reference's full-prefix path). */
  cache?: boolean;
  /** Stimulus tokens [B, S, F] of windows ending at these count-matrix times (models with a stimulus pathway). */
  stimulusFor?: (ends: readonly number[]) => Float32Array | undefined;
  onWindow?: (done: number, total: number) => void;
  signal?: { readonly aborted: boolean };
}

export interface Rollout {
  /** The input counts with every span's bins replaced by the generated spikes. */
  counts: Float32Array;
  /** Per span: the generated spikes' units and times (count-matrix seconds, at their bin's start). */
  spans: { unit: Int32Array; timeS: Float64Array }[];
  /** Generated spikes that fell past the count matrix's last bin (not stored). */
  outside: number;
}

/**
 * Rolls the model out over `windows` consecutive windows from each of `starts` (count-matrix
 * seconds, window boundaries), all spans together (one batch row each). The spans' recorded bins are
 * cleared first, so nothing recorded inside a span can reach the model; window k's previous-window
 * context is tokenised (tokenizer.ts, in the order the model was trained on) from the working matrix,
 * in which windows 0 … k−1 already hold the generated spikes — after window_prev / window steps the
 * model sees only its own output (the recorded spikes before each span seed its first windows).
 * Window k of every span is sampled with deriveSeed(seed, k). Generated times go to the bin
 * round(t / binDtS) (half to even, as get_frame_idx).
 */
export async function rollout(
  model: NeuroformerModel,
  recorded: SpikeCountMatrix,
  binDtS: number,
  starts: readonly number[],
  windows: number,
  sampling: SamplingOptions,
  options: RolloutOptions,
): Promise<Rollout> {
  const config = model.config;
  const { units, bins } = recorded;
  if (!Number.isInteger(windows) || windows < 1) throw new ValidationError('windows', `${windows} is not a positive integer`);
  const work = Float32Array.from(recorded.counts);
  const matrix: SpikeCountMatrix = { counts: work, units, bins };
  const w = config.windowS;
  for (const s of starts) {
    const b0 = Math.max(0, roundHalfEven(s / binDtS));
    const b1 = Math.min(bins, roundHalfEven(roundN(s + windows * w, config.dtS) / binDtS));
    for (let u = 0; u < units; u++) work.fill(0, u * bins + b0, u * bins + b1);
  }
  const out: Rollout = { counts: work, spans: [], outside: 0 };
  const unit: number[][] = starts.map(() => []);
  const time: number[][] = starts.map(() => []);
  const cache = options.cache ?? true;
  for (let k = 0; k < windows && starts.length > 0; k++) {
    if (options.signal?.aborted) break;
    const ends = starts.map((s) => roundN(s + (k + 1) * w, config.dtS));
    const tokens = tokenizeWindows(matrix, binDtS, ends, config);
    const stimulus = options.stimulusFor?.(ends);
    if (config.stimulus && !stimulus) throw new ValidationError('stimulus', 'this model needs stimulus tokens for every window');
    const generated = await generateWindow(model, { batch: ends.length, idPrev: tokens.idPrev, dtPrev: tokens.dtPrev, ...(stimulus ? { stimulus } : {}) }, sampling, { seed: deriveSeed(options.seed, k), cache });
    const spikes = generatedSpikeTimes(model, generated, ends.map((e) => windowIntervals(e, config).current[0]));
    spikes.ids.forEach((ids, r) => {
      ids.forEach((id, j) => {
        const bin = roundHalfEven(roundN(spikes.timesS[r]![j]!, config.dtS) / binDtS);
        if (bin < 0 || bin >= bins) {
          out.outside++;
          return;
        }
        work[id * bins + bin]! += 1;
        unit[r]!.push(id);
        time[r]!.push(bin * binDtS);
      });
    });
    options.onWindow?.(k + 1, windows);
  }
  out.spans = starts.map((_, r) => ({ unit: Int32Array.from(unit[r]!), timeS: Float64Array.from(time[r]!) }));
  return out;
}

/**
 * Generates the current window of each end time from `counts` (its previous windows are read from
 * the matrix, recorded past; its current windows are not looked at): the held-out prediction of
 * the evaluate pipeline. Batches of `batch` windows, batch j sampled with deriveSeed(seed, j).
 */
export async function predictWindows(
  model: NeuroformerModel,
  counts: SpikeCountMatrix,
  binDtS: number,
  ends: readonly number[],
  sampling: SamplingOptions,
  options: { seed: number; batch?: number; cache?: boolean; stimulusFor?: (ends: readonly number[]) => Float32Array | undefined; onProgress?: (done: number, total: number) => void; signal?: { readonly aborted: boolean } },
): Promise<GeneratedWindow> {
  const batch = options.batch ?? 64;
  const out: GeneratedWindow = { ids: [], dts: [], steps: 0 };
  for (let start = 0, j = 0; start < ends.length; start += batch, j++) {
    if (options.signal?.aborted) break;
    const chunk = ends.slice(start, start + batch);
    const tokens = tokenizeWindows(counts, binDtS, chunk, model.config);
    const stimulus = options.stimulusFor?.(chunk);
    const g = await generateWindow(model, { batch: chunk.length, idPrev: tokens.idPrev, dtPrev: tokens.dtPrev, ...(stimulus ? { stimulus } : {}) }, sampling, { seed: deriveSeed(options.seed, j), cache: options.cache ?? true });
    out.ids.push(...g.ids);
    out.dts.push(...g.dts);
    out.steps += g.steps;
    options.onProgress?.(Math.min(ends.length, start + batch), ends.length);
  }
  return out;
}
