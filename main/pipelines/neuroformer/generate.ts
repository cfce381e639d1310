/**
 * Autoregressive generation of one current window, as the reference's simulation.generate_spikes
 * (a-antoniades/Neuroformer 36ed940, neuroformer/simulation.py): position 0 is SOS with dt token 0;
 * for i = 0 … T−2 read both heads' logits at position i, nucleus-filter each head (top_k_top_p_filtering:
 * sort, cumulative softmax, drop tokens past top-p keeping the first one), divide by the head's
 * temperature, softmax, sample (or argmax), write the id and dt into position i + 1, and stop a
 * row when its sampled id is ≥ EOS (EOS or PAD).
 *
 * Two paths, the same arithmetic:
 *   no cache  the reference's way: the whole prefix through the model at every step (O(T²) tokens);
 *   cache     the previous window's and the stimulus' keys/values are projected once per window for
 *             every cross-attention block, and every causal self-attention block keeps the keys/values
 *             of the positions already generated (from its RAW block input, as Block does), so a step
 *             runs one position through the model.
 * Causal masks make position i's logits independent of later positions and cross-attention is per
 * query, so both paths give the same logits up to float rounding, hence the same samples for one seed.
 *
 * Differences from the reference, on purpose:
 * - the reference starts position 0's dt from the recorded window's x['dt'][0], which is not 0 in a
 *   window whose spikes overflowed the block (the tokeniser's truncation quirk) — a leak of the
 *   recorded data; we always start from dt token 0;
 * - the reference filters the dt head only when the id head's top_p is non-zero (`if top_k or top_p != 0`);
 *   here each head uses its own top-p (0 = no filtering);
 * - a batch of windows is generated together, each row with its own context (the reference's top-p
 *   indexing is only correct for batch size 1).
 * Rolling out window after window (feeding generated spikes back as the next previous window) is
 * the caller's job: tokenise the generated spikes with tokenizer.ts.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { deriveSeed, seededRandom, type Random } from '../../../shared/random.js';
import { ValidationError } from '../../errors.js';
import { roundHalfEven, roundN } from './config.js';
import type { NeuroformerModel } from './model.js';
import { tokenizeWindows, windowIntervals } from './tokenizer.js';

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

/** One head's token from its logits row: top-p filter, temperature, softmax, sample or argmax. */
export function sampleToken(logits: ArrayLike<number>, topP: number, temperature: number, sample: boolean, random: Random): number {
  const n = logits.length;
  let best = 0;
  for (let i = 1; i < n; i++) if (logits[i]! > logits[best]!) best = i;
  if (!sample) return best;
  const keep = new Uint8Array(n).fill(1);
  if (topP > 0) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]! || a - b);
    const max = logits[best]!;
    let z = 0;
    for (let i = 0; i < n; i++) z += Math.exp(logits[i]! - max);
    let cumulative = 0;
    // Remove a token when the cumulative probability BEFORE it already exceeds top-p (the
    // reference shifts its mask right by one, so the token crossing the threshold is kept).
    for (const i of order) {
      if (cumulative > topP) keep[i] = 0;
      cumulative += Math.exp(logits[i]! - max) / z;
    }
  }
  const weights = new Float64Array(n);
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (keep[i]) max = Math.max(max, logits[i]! / temperature);
  for (let i = 0; i < n; i++) weights[i] = keep[i] ? Math.exp(logits[i]! / temperature - max) : 0;
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
        const id = sampleToken(idValues.subarray(r * vi, (r + 1) * vi), sampling.topP, sampling.temperature, sampling.sample, random);
        const dt = sampleToken(dtValues.subarray(r * vd, (r + 1) * vd), sampling.topPDt, sampling.temperatureDt, sampling.sample, random);
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
  /** End time (s) of the first generated window. */
  firstEndS: number;
  /** Number of consecutive current windows to generate. */
  windows: number;
  seed: number;
  cache?: boolean;
  /** The stimulus tokens [S, F] of window k (models with a stimulus pathway). */
  stimulus?: (window: number, endS: number) => Float32Array;
}

export interface Rollout {
  /** The input counts with every generated window's bins replaced by the generated spikes. */
  counts: Float32Array;
  /** Per window: neuron ids and spike times (s). */
  windows: { ids: Int32Array; timesS: Float64Array }[];
  /**
   * Spikes dropped: sampled with a special dt token (no time), or with a dt past the current window
   * (the dt vocabulary spans max(window, window_prev), so an untrained model can place a spike in
   * the next window; the reference keeps such times, a roll-out cannot).
   */
  dropped: number;
}

/**
 * Generates `windows` consecutive current windows, feeding the generated spikes back: window k's
 * previous-window context is tokenised (tokenizer.ts, so in the order the model was trained on)
 * from a copy of the counts in which windows 0…k−1 have been replaced by what was generated, so
 * after window_prev/window steps the model sees only its own output (plus recorded spikes before
 * `firstEndS − windowS`). The released code means to do this (simulation.generate_spikes with
 * true_past=False) but its get_interval ignores the generated data, so it keeps the recorded past;
 * here the roll-out is closed-loop on purpose. Generated spike times are binned at `binDtS`
 * (round half to even, as get_frame_idx).
 */
export async function rolloutWindows(
  model: NeuroformerModel,
  matrix: { counts: ArrayLike<number>; units: number; bins: number },
  binDtS: number,
  sampling: SamplingOptions,
  options: RolloutOptions,
): Promise<Rollout> {
  const { windowS, stimulus } = model.config;
  if (!Number.isInteger(options.windows) || options.windows < 1) throw new ValidationError('windows', `${options.windows} is not a positive integer`);
  if (stimulus && !options.stimulus) throw new ValidationError('stimulus', 'this model needs stimulus tokens for every window');
  const counts = Float32Array.from(matrix.counts);
  const working = { counts, units: matrix.units, bins: matrix.bins };
  const out: Rollout = { counts, windows: [], dropped: 0 };
  for (let k = 0; k < options.windows; k++) {
    const end = roundN(options.firstEndS + k * windowS, model.config.dtS);
    const tokens = tokenizeWindows(working, binDtS, [end], model.config);
    const { current } = windowIntervals(end, model.config);
    const generated = await generateWindow(
      model,
      { batch: 1, idPrev: tokens.idPrev, dtPrev: tokens.dtPrev, stimulus: options.stimulus?.(k, end) },
      sampling,
      { seed: deriveSeed(options.seed, k), cache: options.cache },
    );
    const spikes = generatedSpikeTimes(model, generated, [current[0]]);
    out.dropped += spikes.skipped;
    const first = Math.max(0, roundHalfEven(current[0] / binDtS));
    const last = Math.min(matrix.bins, roundHalfEven(current[1] / binDtS));
    for (let u = 0; u < matrix.units; u++) counts.fill(0, u * matrix.bins + first, u * matrix.bins + last);
    const ids: number[] = [];
    const times: number[] = [];
    spikes.ids[0]!.forEach((id, i) => {
      const bin = roundHalfEven(spikes.timesS[0]![i]! / binDtS);
      if (bin < first || bin >= last) {
        out.dropped++;
        return;
      }
      counts[id * matrix.bins + bin]! += 1;
      ids.push(id);
      times.push(spikes.timesS[0]![i]!);
    });
    out.windows.push({ ids: Int32Array.from(ids), timesS: Float64Array.from(times) });
  }
  return out;
}
